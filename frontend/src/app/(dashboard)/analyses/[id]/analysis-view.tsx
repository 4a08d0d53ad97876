"use client";

import Link from "next/link";
import { useParams } from "next/navigation";
import { useState } from "react";

import { ErrorState } from "@/components/shared/error-state";
import { Loading, Skeleton } from "@/components/shared/loading";
import { Markdown } from "@/components/shared/markdown";
import { StatusBadge } from "@/components/shared/status-badge";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Time } from "@/components/shared/time";
import { isFinished, useAnalysis, useCancelAnalysis, useLiveAnalysis } from "@/hooks/use-analyses";
import { describeError } from "@/lib/errors";
import { useResource } from "@/hooks/use-resources";
import { analysisName } from "@/lib/names";

const steps = ["queued", "running", "succeeded"] as const;

// The stream shows progress; polling is only the fallback.
const FALLBACK_POLL_MS = 5000;

export function AnalysisView() {
  const { id } = useParams<{ id: string }>();
  const { data: analysis, error, mutate } = useAnalysis(id, FALLBACK_POLL_MS);
  const { data: resource } = useResource(analysis?.resource_id ?? "");
  const live = useLiveAnalysis(analysis);
  const cancel = useCancelAnalysis();
  const [stopping, setStopping] = useState(false);
  const [stopError, setStopError] = useState<unknown>();
  if (error && !analysis) return <ErrorState error={error} onRetry={() => void mutate()} />;
  if (!analysis) {
    return (
      <div data-testid="analysis-skeleton" className="space-y-6">
        <div className="h-8 w-1/2 animate-pulse rounded bg-slate-200" />
        <Card>
          <Skeleton lines={8} />
        </Card>
      </div>
    );
  }
  const reached = steps.indexOf(analysis.status as (typeof steps)[number]);
  const finished = isFinished(analysis);
  const stop = async () => {
    setStopping(true);
    setStopError(undefined);
    try {
      await cancel(analysis.id);
    } catch (e) {
      setStopError(e);
    } finally {
      setStopping(false);
    }
  };
  return (
    <>
      <Link href={`/resources/${analysis.resource_id}`} className="line-clamp-1 text-sm text-indigo-700 underline [overflow-wrap:anywhere]">
        ← {resource?.title ?? "Resource"}
      </Link>
      <div className="flex items-start justify-between gap-3">
        <h1 className="min-w-0 text-2xl font-semibold [overflow-wrap:anywhere]" data-testid="analysis-name">{analysisName(analysis.prompt)}</h1>
        <div className="flex items-center gap-3">
          <StatusBadge status={analysis.status} />
          {!finished && (
            <Button variant="secondary" onClick={() => void stop()} disabled={stopping} aria-describedby="stop-help">
              {stopping ? "Stopping…" : "Stop"}
            </Button>
          )}
        </div>
      </div>
      {!finished && (
        <p id="stop-help" className="text-xs text-slate-500">
          Stopping before the model starts writing gives your credit back.
        </p>
      )}
      {stopError !== undefined && (
        <p role="alert" className="text-sm text-red-700">Could not stop it: {describeError(stopError).message}</p>
      )}
      <ol className="flex gap-2 text-xs" aria-label="Progress">
        {steps.map((s, i) => (
          <li
            key={s}
            className={i <= reached || ((analysis.status === "failed" || analysis.status === "cancelled") && i < 2) ? "font-semibold text-indigo-700" : "text-slate-400"}
          >
            {i > 0 && "→ "}
            {s}
          </li>
        ))}
      </ol>
      {error && <ErrorState error={error} />}
      <Card className="space-y-2 text-sm">
        <p><span className="text-slate-500">Instruction:</span> {analysis.prompt}</p>
        <p><span className="text-slate-500">Queued:</span> <Time iso={analysis.created_at} /> · <span className="text-slate-500">attempts:</span> {analysis.attempts}</p>
        {analysis.model && <p><span className="text-slate-500">Model:</span> {analysis.model}</p>}
      </Card>
      {!finished && live.retry && (
        <p role="status" className="text-sm text-amber-800">
          The model failed ({live.retry.error ?? "no reason given"}); trying again in {live.retry.inSeconds} s.
        </p>
      )}
      {!finished && live.text === "" && (
        <Loading label={analysis.status === "queued" ? "Waiting for a worker…" : "The model is starting…"} />
      )}
      {!finished && live.text !== "" && (
        <Card aria-live="polite" aria-busy="true">
          <h2 className="mb-2 font-semibold">Writing…</h2>
          <Markdown text={live.text} className="text-sm" />
          <span className="inline-block h-4 w-2 animate-pulse bg-indigo-600 align-middle" aria-hidden="true" />
        </Card>
      )}
      {analysis.status === "succeeded" && (
        <Card>
          <h2 className="mb-2 font-semibold">Result</h2>
          <div data-testid="analysis-output">
            <Markdown text={analysis.output ?? ""} className="text-sm" />
          </div>
          <p className="mt-3 text-xs text-slate-500">Finished <Time iso={analysis.completed_at} /></p>
        </Card>
      )}
      {analysis.status === "cancelled" && (
        <div role="status" className="rounded-md bg-slate-50 p-4 text-sm text-slate-800 ring-1 ring-slate-200">
          <p className="font-semibold">Stopped.</p>
          <p>
            Stopped <Time iso={analysis.completed_at} />. The credit was given back if the model had not started writing.
          </p>
          {live.text !== "" && <Markdown text={live.text} className="mt-2 text-sm text-slate-500" />}
        </div>
      )}
      {analysis.status === "failed" && (
        <div role="alert" className="rounded-md bg-red-50 p-4 text-sm text-red-800 ring-1 ring-red-200">
          <p className="font-semibold">The analysis failed.</p>
          <p>{analysis.error ?? "No reason was given."} Your credit was refunded.</p>
        </div>
      )}
    </>
  );
}
