import { cn } from "@/lib/utils";

const colours: Record<string, string> = {
  pending: "bg-slate-100 text-slate-700",
  queued: "bg-slate-100 text-slate-700",
  processing: "bg-blue-100 text-blue-800",
  running: "bg-blue-100 text-blue-800",
  completed: "bg-green-100 text-green-800",
  succeeded: "bg-green-100 text-green-800",
  failed: "bg-red-100 text-red-800",
  cancelled: "bg-slate-200 text-slate-700",
  archived: "bg-amber-100 text-amber-800",
};

export function StatusBadge({ status }: { status: string }) {
  return (
    <span
      className={cn("inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium", colours[status] ?? colours.pending)}
      data-status={status}
    >
      {status}
    </span>
  );
}
