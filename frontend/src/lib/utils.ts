import { clsx, type ClassValue } from "clsx";

export function cn(...classes: ClassValue[]): string {
  return clsx(classes);
}

const dateFormat = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" });

export function formatDate(iso: string | null | undefined): string {
  if (!iso) return "—";
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? "—" : `${dateFormat.format(d)} UTC`;
}

/**
 * A `next` parameter that stays on this site (no open redirect through
 * sign-in): accepted only if, parsed as a URL against the app's origin the
 * way the browser will parse it (tabs and newlines dropped, backslashes
 * read as slashes), it has that origin. Returns the path, query and
 * fragment of what was parsed, never the raw text.
 */
export function safeNext(
  next: string | null | undefined,
  fallback = "/dashboard",
  origin: string = typeof window === "undefined" ? "http://localhost" : window.location.origin,
): string {
  if (!next || !next.startsWith("/")) return fallback;
  let url: URL;
  try {
    url = new URL(next, origin);
  } catch {
    return fallback;
  }
  if (url.origin !== new URL(origin).origin) return fallback;
  return url.pathname + url.search + url.hash;
}
