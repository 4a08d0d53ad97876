import type { Plan } from "@plinth/client";
import Link from "next/link";

import { describeError } from "@/lib/errors";
import { serverApi } from "@/lib/server-api";

export const metadata = { title: "Pricing" };

export default async function PricingPage() {
  let plans: Plan[] | null = null;
  let failure: ReturnType<typeof describeError> | null = null;
  try {
    // Public and the same for everyone; a minute old at most.
    plans = await serverApi({ revalidateSeconds: 60 }).billing.plans();
  } catch (error) {
    failure = describeError(error);
  }
  return (
    <section>
      <h1 className="text-3xl font-bold text-slate-900">Pricing</h1>
      <p className="mt-2 text-slate-600">Every analysis costs one credit. Credits renew with each billing period.</p>
      {failure && (
        <div role="alert" className="mt-6 rounded-md bg-red-50 p-4 text-sm text-red-800 ring-1 ring-red-200">
          <p className="font-semibold">The plans cannot be shown right now.</p>
          <p>{failure.message}</p>
        </div>
      )}
      {plans && (
        <ul className="mt-8 grid gap-4 sm:grid-cols-3" data-testid="plans">
          {plans.map((p) => (
            <li key={p.tier} className="rounded-lg bg-white p-6 shadow-sm ring-1 ring-slate-200" data-plan={p.tier}>
              <h2 className="text-lg font-semibold">{p.name}</h2>
              <p className="mt-2 text-3xl font-bold">{p.monthly_credits}</p>
              <p className="text-sm text-slate-500">credits per month</p>
              <Link
                href={p.price_id === null ? "/register" : `/settings/billing?plan=${encodeURIComponent(p.tier)}`}
                className="mt-4 inline-block rounded-md bg-indigo-600 px-3 py-2 text-sm font-medium text-white hover:bg-indigo-500"
              >
                {p.price_id === null ? "Start free" : `Choose ${p.name}`}
              </Link>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
