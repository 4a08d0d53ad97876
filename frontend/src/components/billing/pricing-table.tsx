"use client";

import type { Plan } from "@plinth/client";
import { type ReactNode, useState } from "react";

import { cn } from "@/lib/utils";
import { Count, Money } from "@/components/shared/numbers";
import { type Interval, priceFor, yearlySaving } from "@/lib/money";

/**
 * The plans side by side with their prices for the chosen interval, what
 * each includes, and `action` (a link on the pricing page, checkout on the
 * billing page) under each.
 */
export function PricingTable({
  plans,
  action,
  currentTier,
  initialInterval = "month",
  headingLevel = 3,
}: {
  plans: Plan[];
  action: (plan: Plan, interval: Interval) => ReactNode;
  currentTier?: string | undefined;
  initialInterval?: Interval;
  /** Plan names' heading level: 2 right under the page's title, 3 under a section's. */
  headingLevel?: 2 | 3;
}) {
  const Heading = headingLevel === 2 ? "h2" : "h3";
  const [interval, setInterval] = useState<Interval>(initialInterval);
  const saving = Math.max(0, ...plans.map(yearlySaving));
  const hasYearly = plans.some((p) => priceFor(p, "year"));
  // The free plan's "0" in the paid plans' currency.
  const currency = plans.find((p) => p.prices.length > 0)?.prices[0]?.currency ?? "usd";
  return (
    <div>
      {hasYearly && (
        <div role="group" aria-label="Billing interval" className="inline-flex rounded-md bg-slate-100 p-1 text-sm">
          {(["month", "year"] as const).map((i) => (
            <button
              key={i}
              type="button"
              aria-pressed={interval === i}
              onClick={() => setInterval(i)}
              className={cn(
                "rounded px-3 py-1 font-medium focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500",
                interval === i ? "bg-white text-slate-900 shadow-sm" : "text-slate-600",
              )}
            >
              {i === "month" ? "Monthly" : `Yearly${saving > 0 ? ` (save ${saving}%)` : ""}`}
            </button>
          ))}
        </div>
      )}
      <ul className="mt-4 grid gap-4 md:grid-cols-3" data-testid="plans">
        {plans.map((plan) => {
          const price = priceFor(plan, interval);
          const current = currentTier === plan.tier;
          return (
            <li
              key={plan.tier}
              data-plan={plan.tier}
              className={cn(
                "flex flex-col rounded-lg bg-white p-6 shadow-sm ring-1",
                current ? "ring-2 ring-indigo-600" : "ring-slate-200",
              )}
            >
              <div className="flex items-baseline justify-between gap-2">
                <Heading className="text-lg font-semibold text-slate-900">{plan.name}</Heading>
                {current && <span className="rounded-full bg-indigo-50 px-2 py-0.5 text-xs font-medium text-indigo-700">Current plan</span>}
              </div>
              <p className="mt-3" data-testid="price">
                {plan.prices.length === 0 ? (
                  <span className="text-3xl font-bold"><Money cents={0} currency={currency} /></span>
                ) : price ? (
                  <>
                    <span className="text-3xl font-bold"><Money cents={price.unit_amount} currency={price.currency} /></span>
                    <span className="text-sm text-slate-500"> / {interval}</span>
                  </>
                ) : (
                  <span className="text-sm text-slate-500">Not sold {interval === "year" ? "yearly" : "monthly"}</span>
                )}
              </p>
              <p className="mt-1 text-sm text-slate-600">
                {plan.prices.length === 0 ? (
                  <><Count value={plan.monthly_credits} /> credits to start</>
                ) : (
                  <>
                    <Count value={plan.monthly_credits} /> credits a month
                    {interval === "year" && price && <>, <Count value={plan.monthly_credits * 12} /> at once</>}
                  </>
                )}
              </p>
              {plan.features.length > 0 && (
                <ul className="mt-4 space-y-1 text-sm text-slate-700">
                  {plan.features.map((f) => (
                    <li key={f} className="flex gap-2">
                      <span aria-hidden className="text-indigo-600">✓</span>
                      <span>{f}</span>
                    </li>
                  ))}
                </ul>
              )}
              <div className="mt-auto pt-5">{action(plan, interval)}</div>
            </li>
          );
        })}
      </ul>
    </div>
  );
}
