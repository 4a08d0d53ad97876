"use client";

import type { Analysis } from "@plinth/client";
import useSWR from "swr";

import { useApi } from "@/components/providers";
import { ANALYSIS_POLL_MS } from "@/lib/constants";

export function isFinished(analysis: Pick<Analysis, "status"> | undefined): boolean {
  return analysis?.status === "succeeded" || analysis?.status === "failed";
}

/** An analysis, asked for again every second until it has finished. */
export function useAnalysis(id: string, pollMs = ANALYSIS_POLL_MS) {
  const api = useApi();
  return useSWR(["analysis", id] as const, ([, analysisId]) => api.analyses.get(analysisId), {
    refreshInterval: (latest) => (isFinished(latest) ? 0 : pollMs),
  });
}

/** A resource's analyses, newest first; polled while any of them runs. */
export function useResourceAnalyses(resourceId: string, limit = 10, pollMs = ANALYSIS_POLL_MS) {
  const api = useApi();
  return useSWR(
    ["analyses", resourceId, limit] as const,
    ([, rid, l]) => api.analyses.list(rid, { limit: l }),
    { refreshInterval: (latest) => (latest?.data.some((a) => !isFinished(a)) ? pollMs : 0) },
  );
}
