"use client";

import { useInBrowser, SERVER_LOCALE } from "@/hooks/use-in-browser";
import { formatDate, formatRelative, isWithinDays } from "@/lib/utils";

/**
 * A moment as the reader reads it: relative while recent ("3 minutes ago"),
 * else the date in their language and time zone; the exact moment on hover.
 * Written first in UTC (the server knows neither), then the reader's way.
 */
export function Time({ iso, relative = true }: { iso: string | null | undefined; relative?: boolean }) {
  const inBrowser = useInBrowser();
  if (!iso) return <span>—</span>;
  if (!inBrowser) return <time dateTime={iso}>{formatDate(iso, SERVER_LOCALE, "UTC")}</time>;
  return (
    <time dateTime={iso} title={formatDate(iso)}>
      {relative && isWithinDays(iso, 7) ? formatRelative(iso) : formatDate(iso)}
    </time>
  );
}
