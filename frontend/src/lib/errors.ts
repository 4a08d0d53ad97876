import { PlinthApiError } from "@plinth/client";

/** What a page shows for a failed call, decided by the contract's status codes. */
export interface ErrorView {
  kind: "unauthenticated" | "credits" | "rate-limited" | "not-found" | "invalid" | "conflict" | "server" | "network";
  title: string;
  message: string;
  retryAfterSeconds?: number;
  requestId?: string;
}

export function asApiError(error: unknown): PlinthApiError {
  if (error instanceof PlinthApiError) return error;
  return new PlinthApiError({ status: 0, code: "NETWORK_ERROR", message: String(error) });
}

export function describeError(error: unknown): ErrorView {
  const e = asApiError(error);
  const requestId = e.requestId;
  switch (true) {
    case e.status === 401:
      return { kind: "unauthenticated", title: "Signed out", message: "Your session has ended. Sign in again to continue.", ...(requestId ? { requestId } : {}) };
    case e.status === 402:
      return { kind: "credits", title: "No credits left", message: "Analyses cost one credit each. Upgrade your plan to get more.", ...(requestId ? { requestId } : {}) };
    case e.status === 429:
      return {
        kind: "rate-limited",
        title: "Too many requests",
        message: "You are going faster than your plan allows.",
        retryAfterSeconds: e.retryAfterSeconds ?? 60,
        ...(requestId ? { requestId } : {}),
      };
    case e.status === 404:
      return { kind: "not-found", title: "Not found", message: "It does not exist, or it is not yours.", ...(requestId ? { requestId } : {}) };
    case e.status === 409:
      return { kind: "conflict", title: "Not possible now", message: e.message, ...(requestId ? { requestId } : {}) };
    case e.status === 400 || e.status === 413:
      return { kind: "invalid", title: "Check the form", message: e.message, ...(requestId ? { requestId } : {}) };
    case e.status === 0:
      return { kind: "network", title: "Cannot reach Plinth", message: "Check your connection; nothing you typed is lost.", };
    default:
      return {
        kind: "server",
        title: "Something went wrong on our side",
        message: "Nothing you typed is lost; try again in a moment.",
        ...(e.retryAfterSeconds !== undefined ? { retryAfterSeconds: e.retryAfterSeconds } : {}),
        ...(requestId ? { requestId } : {}),
      };
  }
}

/**
 * SWR's retry policy: never retry what the caller must change (4xx), wait
 * as long as the server says on 429/503, back off on the rest, give up after
 * three tries.
 */
export function retryDelayMs(error: unknown, attempt: number): number | null {
  const e = asApiError(error);
  if (attempt > 3) return null;
  if (e.status === 429 || (e.status === 503 && e.retryAfterSeconds !== undefined)) {
    return (e.retryAfterSeconds ?? 1) * 1000;
  }
  if (e.status >= 400 && e.status < 500) return null;
  return Math.min(8000, 500 * 2 ** (attempt - 1));
}
