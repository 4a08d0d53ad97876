"use client";

import { useState } from "react";

import { ErrorState } from "@/components/shared/error-state";
import { Loading } from "@/components/shared/loading";
import { StatusBadge } from "@/components/shared/status-badge";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Count } from "@/components/shared/numbers";
import { Time } from "@/components/shared/time";
import { useIsOperator, useJobStats, useOperatorAction, useOperatorAnalyses } from "@/hooks/use-operator";
import { describeError } from "@/lib/errors";

const statuses = ["", "queued", "running", "succeeded", "failed", "cancelled"] as const;

const figures: {
  key: "queue_depth" | "queued" | "running" | "oldest_queued_seconds" | "failed_last_hour" | "succeeded_last_hour" | "failed_total" | "provider_rate_limited_last_5m";
  label: string;
}[] = [
  { key: "queue_depth", label: "On the queue" },
  { key: "queued", label: "Queued" },
  { key: "running", label: "Running" },
  { key: "oldest_queued_seconds", label: "Oldest wait (s)" },
  { key: "failed_last_hour", label: "Failed, last hour" },
  { key: "succeeded_last_hour", label: "Succeeded, last hour" },
  { key: "failed_total", label: "Failed (dead letters)" },
  { key: "provider_rate_limited_last_5m", label: "Provider 429s, last 5 min" },
];

export function OperatorView() {
  const isOperator = useIsOperator();
  const [status, setStatus] = useState<(typeof statuses)[number]>("failed");
  const [age, setAge] = useState("60");
  const [error, setError] = useState("");
  const [reason, setReason] = useState("");
  const [selected, setSelected] = useState<string[]>([]);
  const [outcome, setOutcome] = useState<string | null>(null);
  const [actionError, setActionError] = useState<unknown>();
  const query = {
    ...(status ? { status } : {}),
    ...(/^\d+$/.test(age) && Number(age) > 0 ? { max_age_minutes: Number(age) } : {}),
    ...(error.trim() ? { error_contains: error.trim() } : {}),
    limit: 50,
  };
  const list = useOperatorAnalyses(query);
  const stats = useJobStats();
  const act = useOperatorAction();
  if (!isOperator) {
    return (
      <Card>
        <h1 className="text-xl font-semibold">Operators only</h1>
        <p className="mt-2 text-sm text-slate-600">This page is for Plinth&apos;s operators (docs/OPERATIONS.md).</p>
      </Card>
    );
  }
  const run = async (kind: "retry" | "cancel", ids: string[] | null) => {
    setOutcome(null);
    setActionError(undefined);
    try {
      const filter = ids ? { ids } : { ...(query.max_age_minutes ? { max_age_minutes: query.max_age_minutes } : {}), ...(query.error_contains ? { error_contains: query.error_contains } : {}) };
      const result = await act(kind, { ...filter, reason: reason.trim() || `operator page: ${kind}` });
      setOutcome(`${result.ids.length} ${result.ids.length === 1 ? "analysis" : "analyses"} ${kind === "retry" ? "queued again" : "cancelled"} (audit row ${result.audit_id}).`);
      setSelected([]);
    } catch (e) {
      setActionError(e);
    }
  };
  return (
    <>
      <h1 className="text-2xl font-semibold">Operator: analyses</h1>
      <section aria-label="Queue" className="grid grid-cols-2 gap-3 sm:grid-cols-4">
        {figures.map((f) => (
          <Card key={f.key} className="p-3">
            <p className="text-xs text-slate-500">{f.label}</p>
            <p className="text-xl font-semibold" data-testid={`stat-${f.key}`}>{stats.data ? <Count value={stats.data[f.key]} /> : "…"}</p>
          </Card>
        ))}
      </section>
      {stats.data && stats.data.workers.length > 0 && (
        <section aria-label="Workers" className="text-sm">
          <h2 className="mb-1 font-medium">Workers</h2>
          <ul className="space-y-1" data-testid="workers">
            {stats.data.workers.map((w) => (
              <li key={w.name} className="flex flex-wrap gap-x-4">
                <span className="break-words font-mono">{w.name}</span>
                <span><Count value={w.in_flight} /> in flight</span>
                <span className="text-slate-500">last read <Count value={w.idle_seconds} /> s ago</span>
              </li>
            ))}
          </ul>
        </section>
      )}
      <form className="flex flex-wrap items-end gap-3 text-sm" onSubmit={(e) => e.preventDefault()} aria-label="Filter">
        <label className="flex flex-col">Status
          <select value={status} onChange={(e) => setStatus(e.target.value as (typeof statuses)[number])} className="rounded border border-slate-300 px-2 py-1">
            {statuses.map((s) => <option key={s} value={s}>{s || "any"}</option>)}
          </select>
        </label>
        <label className="flex flex-col">Created within (minutes)
          <input value={age} onChange={(e) => setAge(e.target.value)} inputMode="numeric" className="w-28 rounded border border-slate-300 px-2 py-1" />
        </label>
        <label className="flex flex-col">Error contains
          <input value={error} onChange={(e) => setError(e.target.value)} maxLength={200} className="rounded border border-slate-300 px-2 py-1" />
        </label>
        <label className="flex flex-col">Reason (audited)
          <input value={reason} onChange={(e) => setReason(e.target.value)} maxLength={500} className="rounded border border-slate-300 px-2 py-1" />
        </label>
        <Button type="button" variant="secondary" disabled={selected.length === 0} onClick={() => void run("retry", selected)}>Retry selected</Button>
        <Button type="button" variant="secondary" disabled={selected.length === 0} onClick={() => void run("cancel", selected)}>Cancel selected</Button>
        <Button type="button" disabled={status !== "failed"} onClick={() => void run("retry", null)} title={status !== "failed" ? "Filter on failed analyses first" : undefined}>
          Retry every failed one shown by the filter
        </Button>
      </form>
      {outcome && <p role="status" className="text-sm text-green-800">{outcome}</p>}
      {actionError !== undefined && <p role="alert" className="text-sm text-red-700">{describeError(actionError).message}</p>}
      {list.error && <ErrorState error={list.error} onRetry={() => void list.mutate()} />}
      {!list.data && !list.error && <Loading />}
      {list.data && (
        <div className="overflow-x-auto">
          <table className="w-full text-left text-sm">
            <thead className="text-xs text-slate-500">
              <tr><th className="p-2"><span className="sr-only">Select</span></th><th className="p-2">Analysis</th><th className="p-2">Status</th><th className="p-2">User</th><th className="p-2">Created</th><th className="p-2">Attempts</th><th className="p-2">Error</th></tr>
            </thead>
            <tbody>
              {list.data.data.map(({ user_id, analysis }) => (
                <tr key={analysis.id} className="border-t border-slate-100">
                  <td className="p-2">
                    <input type="checkbox" aria-label={`Select ${analysis.id}`} checked={selected.includes(analysis.id)}
                      onChange={(e) => setSelected((s) => e.target.checked ? [...s, analysis.id] : s.filter((x) => x !== analysis.id))} />
                  </td>
                  <td className="p-2 font-mono text-xs" title={analysis.id}>{analysis.id.slice(0, 8)}</td>
                  <td className="p-2"><StatusBadge status={analysis.status} /></td>
                  <td className="p-2 font-mono text-xs">{user_id.slice(0, 8)}</td>
                  <td className="p-2"><Time iso={analysis.created_at} /></td>
                  <td className="p-2">{analysis.attempts}</td>
                  <td className="max-w-xs truncate p-2" title={analysis.error ?? ""}>{analysis.error ?? ""}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p className="mt-2 text-xs text-slate-500" data-testid="operator-total"><Count value={list.data.meta.total} /> in all</p>
        </div>
      )}
    </>
  );
}
