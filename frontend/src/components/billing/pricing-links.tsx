"use client";

import type { Plan } from "@plinth/client";
import Link from "next/link";

import { PricingTable } from "@/components/billing/pricing-table";

/** The public pricing page's table: each plan leads to sign-up or checkout. */
export function PricingLinks({ plans }: { plans: Plan[] }) {
  return (
    <PricingTable
      plans={plans}
      headingLevel={2}
      action={(plan, interval) => (
        <Link
          href={plan.prices.length === 0 ? "/register" : `/settings/billing?plan=${encodeURIComponent(plan.tier)}&interval=${interval}`}
          className={
            plan.prices.length === 0
              ? "inline-block w-full rounded-md px-3 py-2 text-center text-sm font-medium text-slate-900 ring-1 ring-slate-300 hover:bg-slate-50 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500"
              : "inline-block w-full rounded-md bg-indigo-600 px-3 py-2 text-center text-sm font-medium text-white hover:bg-indigo-500 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 focus-visible:ring-offset-2"
          }
        >
          {plan.prices.length === 0 ? "Start free" : `Choose ${plan.name}`}
        </Link>
      )}
    />
  );
}
