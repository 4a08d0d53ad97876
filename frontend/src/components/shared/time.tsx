"use client";

import { formatDate, formatRelative, isWithinDays } from "@/lib/utils";

/**
 * A moment as the reader reads it: relative while recent ("3 minutes ago"),
 * else the date in their language and time zone; the exact moment on hover.
 */
export function Time({ iso, relative = true }: { iso: string | null | undefined; relative?: boolean }) {
  if (!iso) return <span>—</span>;
  const recent = isWithinDays(iso, 7);
  return (
    // Rendered on the server (UTC) and in the browser (its zone) alike.
    <time dateTime={iso} title={formatDate(iso)} suppressHydrationWarning>
      {relative && recent ? formatRelative(iso) : formatDate(iso)}
    </time>
  );
}
