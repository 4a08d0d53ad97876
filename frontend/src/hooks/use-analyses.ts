"use client";

import { nextLiveText, type Analysis } from "@plinth/client";
import { useCallback, useEffect, useState } from "react";
import useSWR, { useSWRConfig } from "swr";

import { useApi } from "@/components/providers";
import { ANALYSIS_POLL_MS } from "@/lib/constants";
import { keys, RESOURCE_ANALYSES_LIMIT } from "@/lib/keys";

export function isFinished(analysis: Pick<Analysis, "status"> | undefined): boolean {
  return analysis?.status === "succeeded" || analysis?.status === "failed" || analysis?.status === "cancelled";
}

/** An analysis, asked for again every second until it has finished. */
export function useAnalysis(id: string, pollMs = ANALYSIS_POLL_MS) {
  const api = useApi();
  return useSWR(keys.analysis(id), ([, analysisId]) => api.analyses.get(analysisId), {
    refreshInterval: (latest) => (isFinished(latest) ? 0 : pollMs),
  });
}

/** A resource's analyses, newest first; polled while any of them runs. */
export function useResourceAnalyses(resourceId: string, limit = RESOURCE_ANALYSES_LIMIT, pollMs = ANALYSIS_POLL_MS) {
  const api = useApi();
  return useSWR(
    keys.analyses(resourceId, limit),
    ([, rid, l]) => api.analyses.list(rid, { limit: l }),
    { refreshInterval: (latest) => (latest?.data.some((a) => !isFinished(a)) ? pollMs : 0) },
  );
}

/** What the page shows of an analysis while it runs. */
export interface LiveAnalysis {
  /** The current attempt's text so far (an earlier attempt's is dropped). */
  text: string;
  attempt: number;
  /** The last attempt failed and another comes: why, and in how long. */
  retry?: { error: string | null; inSeconds: number };
  /** The event stream is open. */
  streaming: boolean;
  /** The stream was refused (the page falls back to polling). */
  error?: unknown;
}

/**
 * The analysis's text as the model writes it, from its event stream while
 * it runs (resumed by the client after a drop; after a reload the stream
 * starts again from the first piece). When it ends, SWR's cache gets the
 * analysis as it ended.
 */
export function useLiveAnalysis(analysis: Analysis | undefined): LiveAnalysis {
  const api = useApi();
  const { mutate } = useSWRConfig();
  const [live, setLive] = useState<LiveAnalysis>({ text: "", attempt: 0, streaming: false });
  const id = analysis?.id;
  const running = analysis !== undefined && !isFinished(analysis);
  useEffect(() => {
    if (id === undefined || !running) return;
    const controller = new AbortController();
    api.analyses
      .watch(id, {
        signal: controller.signal,
        onEvent: (event) =>
          setLive((prev) => {
            const next = nextLiveText(prev, event);
            const retry =
              event.event === "status"
                ? event.data.status === "queued"
                  ? { error: event.data.error, inSeconds: event.data.retry_in_s }
                  : undefined
                : prev.retry;
            return { ...prev, ...next, retry, streaming: true };
          }),
      })
      .then((ended) => {
        setLive((prev) => ({ ...prev, streaming: false }));
        void mutate(keys.analysis(id), ended, { revalidate: false });
      })
      .catch((error: unknown) => {
        if (!controller.signal.aborted) setLive((prev) => ({ ...prev, streaming: false, error }));
      });
    return () => controller.abort();
  }, [api, id, running, mutate]);
  return live;
}

/** Stops an analysis; the cache gets it as it is after. */
export function useCancelAnalysis() {
  const api = useApi();
  const { mutate } = useSWRConfig();
  return useCallback(
    async (id: string) => {
      const after = await api.analyses.cancel(id);
      await mutate(keys.analysis(id), after, { revalidate: false });
      return after;
    },
    [api, mutate],
  );
}
