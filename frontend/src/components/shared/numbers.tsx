"use client";

import { SERVER_LOCALE, useInBrowser } from "@/hooks/use-in-browser";
import { formatMoney } from "@/lib/money";

/** A count in the reader's language ("12,500", "12 500"). */
export function Count({ value }: { value: number }) {
  const locale = useInBrowser() ? undefined : SERVER_LOCALE;
  return <>{value.toLocaleString(locale)}</>;
}

/** An amount in the currency's smallest unit (Stripe's), in the reader's language. */
export function Money({ cents, currency }: { cents: number; currency: string }) {
  const locale = useInBrowser() ? undefined : SERVER_LOCALE;
  return <>{formatMoney(cents, currency, locale)}</>;
}
