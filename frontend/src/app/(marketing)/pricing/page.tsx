import type { CreditPack, Plan } from "@plinth/client";

import { PricingLinks } from "@/components/billing/pricing-links";
import { describeError } from "@/lib/errors";
import { Count, Money } from "@/components/shared/numbers";
import { serverApi } from "@/lib/server-api";

export const metadata = { title: "Pricing" };

export default async function PricingPage() {
  let plans: Plan[] | null = null;
  let packs: CreditPack[] = [];
  let failure: ReturnType<typeof describeError> | null = null;
  try {
    // Public and the same for everyone (Stripe's catalog); a minute old at most.
    const api = serverApi({ revalidateSeconds: 60 });
    [plans, packs] = await Promise.all([api.billing.plans(), api.billing.creditPacks()]);
  } catch (error) {
    failure = describeError(error);
  }
  return (
    <section>
      <h1 className="text-3xl font-bold text-slate-900">Pricing</h1>
      <p className="mt-2 text-slate-600">Every analysis costs one credit. A plan adds its credits with each payment; credits never expire.</p>
      {failure && (
        <div role="alert" className="mt-6 rounded-md bg-red-50 p-4 text-sm text-red-800 ring-1 ring-red-200">
          <p className="font-semibold">The plans cannot be shown right now.</p>
          <p>{failure.message}</p>
        </div>
      )}
      {plans && (
        <div className="mt-8">
          <PricingLinks plans={plans} />
        </div>
      )}
      {packs.length > 0 && (
        <div className="mt-10">
          <h2 className="text-xl font-semibold text-slate-900">Need more now?</h2>
          <ul className="mt-3 space-y-1 text-sm text-slate-700" data-testid="packs">
            {packs.map((p) => (
              <li key={p.price_id}>
                <span className="font-medium">{p.name}</span>: <Count value={p.credits} /> credits for <Money cents={p.unit_amount} currency={p.currency} />, once, on any plan (from Billing once signed in).
              </li>
            ))}
          </ul>
        </div>
      )}
    </section>
  );
}
