import type { Plan, Price } from "@plinth/client";

/** An amount in the currency's smallest unit (Stripe's), in `locale` (the reader's if not given). */
export function formatMoney(cents: number, currency: string, locale?: string): string {
  const code = currency.toUpperCase();
  const digits = new Intl.NumberFormat(locale, { style: "currency", currency: code }).resolvedOptions()
    .maximumFractionDigits ?? 2;
  return new Intl.NumberFormat(locale, {
    style: "currency",
    currency: code,
    // Whole amounts without ",00"; others as the currency writes them.
    minimumFractionDigits: cents % 10 ** digits === 0 ? 0 : digits,
  }).format(cents / 10 ** digits);
}

export type Interval = "month" | "year";

export function priceFor(plan: Plan, interval: Interval): Price | undefined {
  return plan.prices.find((p) => p.interval === interval);
}

/** How much a year costs less than twelve months, in percent (0 if not). */
export function yearlySaving(plan: Plan): number {
  const month = priceFor(plan, "month");
  const year = priceFor(plan, "year");
  if (!month || !year || month.unit_amount === 0) return 0;
  return Math.max(0, Math.round((1 - year.unit_amount / (12 * month.unit_amount)) * 100));
}
