"use client";

import type { Plan } from "@plinth/client";
import { useSearchParams } from "next/navigation";
import { Suspense, useEffect, useState } from "react";
import useSWR from "swr";

import { PricingTable } from "@/components/billing/pricing-table";
import { useApi } from "@/components/providers";
import { ErrorState } from "@/components/shared/error-state";
import { Loading, Skeleton } from "@/components/shared/loading";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Time } from "@/components/shared/time";
import { usePlans } from "@/hooks/use-plans";
import { useProfile } from "@/hooks/use-profile";
import { keys } from "@/lib/keys";
import { Count, Money } from "@/components/shared/numbers";
import { type Interval } from "@/lib/money";

const SUBSCRIBED = new Set(["trialing", "active", "past_due", "unpaid", "paused"]);

function Billing() {
  const api = useApi();
  const params = useSearchParams();
  const wanted = params.get("plan");
  const checkout = params.get("checkout");
  const [waiting, setWaiting] = useState(checkout === "success");
  // Back from a payment, the plan and credits change when Stripe's event
  // arrives (a moment later): look again every 2 s for half a minute.
  const profile = useProfile();
  const { mutate } = profile;
  useEffect(() => {
    if (!waiting) return;
    const every = setInterval(() => void mutate(), 2000);
    const stop = setTimeout(() => setWaiting(false), 30000);
    return () => {
      clearInterval(every);
      clearTimeout(stop);
    };
  }, [waiting, mutate]);
  const plans = usePlans();
  const packs = useSWR(keys.creditPacks, () => api.billing.creditPacks());
  const [busy, setBusy] = useState<string | null>(null);
  // Each action's failure is shown next to its own button.
  const [failure, setFailure] = useState<{ key: string; error: unknown } | null>(null);

  const back = (outcome: string) => `${window.location.origin}/settings/billing?checkout=${outcome}`;
  const go = async (key: string, getUrl: () => Promise<string>) => {
    setFailure(null);
    setBusy(key);
    try {
      window.location.assign(await getUrl());
    } catch (error) {
      setFailure({ key, error });
      setBusy(null);
    }
  };
  const failureOf = (key: string) => (failure?.key === key ? <div className="mt-2"><ErrorState error={failure.error} /></div> : null);
  const portal = () => go("portal", async () => (await api.billing.portal({ return_url: back("portal") })).portal_url);

  const p = profile.data;
  const subscribed = p ? SUBSCRIBED.has(p.subscription_status) : false;
  const initialInterval: Interval = params.get("interval") === "year" ? "year" : "month";

  const planAction = (plan: Plan, interval: Interval) => {
    if (plan.prices.length === 0) {
      return <p className="text-sm text-slate-500">{p?.subscription_tier === plan.tier ? "Your plan" : "Included with every account"}</p>;
    }
    if (subscribed) {
      return p?.subscription_tier === plan.tier ? (
        <p className="text-sm text-slate-500">Your plan</p>
      ) : (
        <Button variant="secondary" className="w-full" busy={busy === "portal"} onClick={() => void portal()}>
          Switch in the billing portal
        </Button>
      );
    }
    const key = `plan:${plan.tier}`;
    return (
      <>
        <Button
          className="w-full"
          busy={busy === key}
          autoFocus={wanted === plan.tier}
          onClick={() =>
            void go(key, async () =>
              (await api.billing.checkout({ tier: plan.tier, interval, success_url: back("success"), cancel_url: back("cancelled") }))
                .checkout_url,
            )
          }
        >
          Choose {plan.name}
        </Button>
        {failureOf(key)}
      </>
    );
  };

  return (
    <>
      <h1 className="text-2xl font-semibold">Billing</h1>
      {checkout === "success" && (
        <p role="status" className="rounded-md bg-green-50 p-3 text-sm text-green-800">
          Thank you! {waiting ? "Your plan and credits update as soon as the payment is confirmed…" : "Your payment is confirmed."}
        </p>
      )}
      {checkout === "cancelled" && <p role="status" className="rounded-md bg-slate-100 p-3 text-sm">Checkout cancelled; nothing was charged.</p>}
      <Card>
        <h2 className="mb-2 font-semibold">Your subscription</h2>
        {profile.error ? (
          <ErrorState error={profile.error} onRetry={() => void profile.mutate()} />
        ) : !p ? (
          <Skeleton lines={3} />
        ) : (
          <div className="space-y-1 text-sm" data-testid="subscription">
            <p>
              Plan: <span className="font-medium capitalize" data-testid="tier">{p.subscription_tier}</span>
              {p.subscription_status !== "free" && <span className="text-slate-500"> ({p.subscription_status.replace("_", " ")})</span>}
            </p>
            <p>
              Credits left: <span className="font-medium" data-testid="credits"><Count value={p.credits_remaining} /></span>
            </p>
            {p.subscription_current_period_end && SUBSCRIBED.has(p.subscription_status) && (
              <p>{p.subscription_cancel_at_period_end ? "Ends" : "Renews"} <Time iso={p.subscription_current_period_end} /></p>
            )}
            {p.subscription_status === "past_due" && (
              <p role="alert" className="rounded-md bg-amber-50 p-2 text-amber-900 ring-1 ring-amber-200">
                Your last payment failed{p.subscription_past_due_since && <> on <Time iso={p.subscription_past_due_since} relative={false} /></>}. Update your payment method to keep your plan.
              </p>
            )}
            {p.subscription_status !== "free" && (
              <>
                <Button variant="secondary" className="mt-2" busy={busy === "portal"} onClick={() => void portal()}>
                  Manage subscription and payment method
                </Button>
                {failureOf("portal")}
              </>
            )}
          </div>
        )}
      </Card>
      <Card>
        <h2 className="mb-3 font-semibold">Plans</h2>
        {plans.error ? (
          <ErrorState error={plans.error} onRetry={() => void plans.mutate()} />
        ) : !plans.data ? (
          <Skeleton lines={6} />
        ) : (
          <PricingTable plans={plans.data} currentTier={p?.subscription_tier} initialInterval={initialInterval} action={planAction} />
        )}
      </Card>
      {packs.data && packs.data.length > 0 && (
        <Card>
          <h2 className="mb-3 font-semibold">Credit packs</h2>
          <p className="mb-3 text-sm text-slate-600">Credits now, paid once, on any plan. They never expire.</p>
          <ul className="space-y-3" data-testid="packs">
            {packs.data.map((pack) => {
              const key = `pack:${pack.price_id}`;
              return (
                <li key={pack.price_id} className="flex flex-wrap items-center gap-3">
                  <span className="text-sm">
                    <span className="font-medium">{pack.name}</span>: <Count value={pack.credits} /> credits for <Money cents={pack.unit_amount} currency={pack.currency} />
                  </span>
                  <Button
                    variant="secondary"
                    busy={busy === key}
                    onClick={() =>
                      void go(key, async () =>
                        (await api.billing.buyCreditPack({ price_id: pack.price_id, success_url: back("success"), cancel_url: back("cancelled") }))
                          .checkout_url,
                      )
                    }
                  >
                    Buy <Count value={pack.credits} /> credits
                  </Button>
                  <div className="w-full">{failureOf(key)}</div>
                </li>
              );
            })}
          </ul>
        </Card>
      )}
      {packs.error && <ErrorState error={packs.error} onRetry={() => void packs.mutate()} />}
    </>
  );
}

export function BillingView() {
  return (
    <Suspense fallback={<Loading />}>
      <Billing />
    </Suspense>
  );
}
