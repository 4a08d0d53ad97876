"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { useEffect, useState } from "react";

import { describeError } from "@/lib/errors";

/** Counts down to when a retry is allowed, then offers it. */
function RetryCountdown({ seconds, onRetry }: { seconds: number; onRetry?: (() => void) | undefined }) {
  const [left, setLeft] = useState(seconds);
  useEffect(() => {
    if (left <= 0) return;
    const t = setTimeout(() => setLeft((s) => s - 1), 1000);
    return () => clearTimeout(t);
  }, [left]);
  if (left > 0) return <p data-testid="retry-after">You can retry in {left} s.</p>;
  return onRetry ? (
    <button type="button" onClick={onRetry} className="font-medium underline">
      Retry now
    </button>
  ) : (
    <p>You can retry now.</p>
  );
}

/**
 * Any failed call, shown by what the user can do about it: sign in again
 * (401), get credits (402), wait (429), or retry with their input intact
 * (5xx, network).
 */
export function ErrorState({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const view = describeError(error);
  const pathname = usePathname();
  return (
    <div role="alert" data-error-kind={view.kind} className="space-y-2 rounded-md bg-red-50 p-4 text-sm text-red-800 ring-1 ring-red-200">
      <p className="font-semibold">{view.title}</p>
      <p>{view.message}</p>
      {view.kind === "unauthenticated" && (
        <Link className="font-medium underline" href={`/login?next=${encodeURIComponent(pathname)}`}>
          Sign in
        </Link>
      )}
      {view.kind === "credits" && (
        <Link className="font-medium underline" href="/settings/billing">
          See plans and billing
        </Link>
      )}
      {view.retryAfterSeconds !== undefined && <RetryCountdown seconds={view.retryAfterSeconds} onRetry={onRetry} />}
      {view.retryAfterSeconds === undefined && onRetry && (view.kind === "server" || view.kind === "network") && (
        <button type="button" onClick={onRetry} className="font-medium underline">
          Try again
        </button>
      )}
      {view.requestId && <p className="text-xs text-red-600">Request id: {view.requestId}</p>}
    </div>
  );
}
