import type { Analysis } from "@plinth/client";
import Link from "next/link";

import { StatusBadge } from "@/components/shared/status-badge";
import { Time } from "@/components/shared/time";

/** An analysis in a list: its name (a link to it), when, and its status. */
export function AnalysisRow({ analysis, label }: { analysis: Analysis; label: string }) {
  return (
    <li className="flex items-center justify-between gap-3 py-2 text-sm">
      <Link href={`/analyses/${analysis.id}`} className="min-w-0 text-indigo-700 underline">
        <span className="line-clamp-1 [overflow-wrap:anywhere]">{label}</span>
      </Link>
      <span className="flex shrink-0 items-center gap-2 text-slate-500">
        <Time iso={analysis.created_at} />
        <StatusBadge status={analysis.status} />
      </span>
    </li>
  );
}
