"use client";

import Link from "next/link";
import { useParams } from "next/navigation";

import { ErrorState } from "@/components/shared/error-state";
import { Loading } from "@/components/shared/loading";
import { StatusBadge } from "@/components/shared/status-badge";
import { Card } from "@/components/ui/card";
import { isFinished, useAnalysis } from "@/hooks/use-analyses";
import { formatDate } from "@/lib/utils";

const steps = ["queued", "running", "succeeded"] as const;

export default function AnalysisPage() {
  const { id } = useParams<{ id: string }>();
  const { data: analysis, error, mutate } = useAnalysis(id);
  if (error && !analysis) return <ErrorState error={error} onRetry={() => void mutate()} />;
  if (!analysis) return <Loading />;
  const reached = steps.indexOf(analysis.status as (typeof steps)[number]);
  return (
    <>
      <Link href={`/resources/${analysis.resource_id}`} className="text-sm text-indigo-700 underline">← Resource</Link>
      <div className="flex items-center justify-between">
        <h1 className="text-2xl font-semibold">Analysis</h1>
        <StatusBadge status={analysis.status} />
      </div>
      <ol className="flex gap-2 text-xs" aria-label="Progress">
        {steps.map((s, i) => (
          <li
            key={s}
            className={i <= reached || (analysis.status === "failed" && i < 2) ? "font-semibold text-indigo-700" : "text-slate-400"}
          >
            {i > 0 && "→ "}
            {s}
          </li>
        ))}
      </ol>
      {error && <ErrorState error={error} />}
      <Card className="space-y-2 text-sm">
        <p><span className="text-slate-500">Instruction:</span> {analysis.prompt}</p>
        <p><span className="text-slate-500">Queued:</span> {formatDate(analysis.created_at)} · <span className="text-slate-500">attempts:</span> {analysis.attempts}</p>
        {analysis.model && <p><span className="text-slate-500">Model:</span> {analysis.model}</p>}
      </Card>
      {!isFinished(analysis) && <Loading label={analysis.status === "queued" ? "Waiting for a worker…" : "Claude is working on it…"} />}
      {analysis.status === "succeeded" && (
        <Card>
          <h2 className="mb-2 font-semibold">Result</h2>
          <p className="whitespace-pre-wrap text-sm" data-testid="analysis-output">{analysis.output}</p>
          <p className="mt-3 text-xs text-slate-500">Finished {formatDate(analysis.completed_at)}</p>
        </Card>
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
