import { clsx, type ClassValue } from "clsx";

export function cn(...classes: ClassValue[]): string {
  return clsx(classes);
}

/**
 * A moment in the reader's language and time zone (the browser's), e.g.
 * "5 Dec 2026, 11:02" in en-GB. `locale`/`timeZone` only for tests.
 */
export function formatDate(iso: string | null | undefined, locale?: string, timeZone?: string): string {
  if (!iso) return "—";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "—";
  return new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short", timeZone }).format(d);
}

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ["year", 365 * 86400],
  ["month", 30 * 86400],
  ["week", 7 * 86400],
  ["day", 86400],
  ["hour", 3600],
  ["minute", 60],
  ["second", 1],
];

/** Whether the moment is less than `days` away from now. */
export function isWithinDays(iso: string, days: number, now = Date.now()): boolean {
  return Math.abs(now - new Date(iso).getTime()) < days * 86400 * 1000;
}

/** "3 minutes ago", "yesterday", "in 2 days", in the reader's language. */
export function formatRelative(iso: string | null | undefined, now = Date.now(), locale?: string): string {
  if (!iso) return "—";
  const t = new Date(iso).getTime();
  if (Number.isNaN(t)) return "—";
  const seconds = Math.round((t - now) / 1000);
  const format = new Intl.RelativeTimeFormat(locale, { numeric: "auto" });
  if (Math.abs(seconds) < 45) return format.format(0, "second");
  for (const [unit, size] of UNITS) {
    if (Math.abs(seconds) >= size) return format.format(Math.round(seconds / size), unit);
  }
  return format.format(seconds, "second");
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
