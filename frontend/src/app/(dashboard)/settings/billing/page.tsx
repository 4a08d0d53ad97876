"use client";

import { useSearchParams } from "next/navigation";
import { Suspense, useState } from "react";

import { useApi } from "@/components/providers";
import { ErrorState } from "@/components/shared/error-state";
import { Loading } from "@/components/shared/loading";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { usePlans } from "@/hooks/use-plans";
import { useProfile } from "@/hooks/use-profile";
import { cn, formatDate } from "@/lib/utils";

function BillingPage() {
  const api = useApi();
  const params = useSearchParams();
  const wanted = params.get("plan");
  const checkout = params.get("checkout");
  const profile = useProfile();
  const plans = usePlans();
  const [busy, setBusy] = useState<string | null>(null);
  const [failure, setFailure] = useState<unknown>(null);

  // Stripe's pages come back here; the plan changes when Stripe's webhook
  // arrives, which may be a moment later.
  const back = (outcome: string) => `${window.location.origin}/settings/billing?checkout=${outcome}`;
  const go = async (key: string, getUrl: () => Promise<string>) => {
    setFailure(null);
    setBusy(key);
    try {
      window.location.assign(await getUrl());
    } catch (error) {
      setFailure(error);
      setBusy(null);
    }
  };

  return (
    <>
      <h1 className="text-2xl font-semibold">Billing</h1>
      {checkout === "success" && <p role="status" className="rounded-md bg-green-50 p-3 text-sm text-green-800">Thank you! Your plan updates as soon as Stripe confirms the payment.</p>}
      {checkout === "cancelled" && <p role="status" className="rounded-md bg-slate-100 p-3 text-sm">Checkout cancelled; nothing was charged.</p>}
      {failure !== null && <ErrorState error={failure} />}
      <Card>
        <h2 className="mb-2 font-semibold">Current subscription</h2>
        {profile.error ? (
          <ErrorState error={profile.error} onRetry={() => void profile.mutate()} />
        ) : !profile.data ? (
          <Loading />
        ) : (
          <div className="space-y-1 text-sm" data-testid="subscription">
            <p>Plan: <span className="font-medium capitalize">{profile.data.subscription_tier}</span> ({profile.data.subscription_status})</p>
            <p>Credits left: <span className="font-medium">{profile.data.credits_remaining}</span></p>
            {profile.data.subscription_current_period_end && <p>Renews {formatDate(profile.data.subscription_current_period_end)}</p>}
            {profile.data.subscription_status !== "free" && (
              <Button
                variant="secondary"
                className="mt-2"
                busy={busy === "portal"}
                onClick={() => void go("portal", async () => (await api.billing.portal({ return_url: back("portal") })).portal_url)}
              >
                Manage subscription
              </Button>
            )}
          </div>
        )}
      </Card>
      <Card>
        <h2 className="mb-3 font-semibold">Plans</h2>
        {plans.error ? (
          <ErrorState error={plans.error} onRetry={() => void plans.mutate()} />
        ) : !plans.data ? (
          <Loading />
        ) : (
          <ul className="grid gap-3 sm:grid-cols-2">
            {plans.data.map((p) => (
              <li key={p.tier} data-plan={p.tier} className={cn("rounded-md p-4 ring-1", wanted === p.tier ? "ring-2 ring-indigo-500" : "ring-slate-200")}>
                <p className="font-semibold">{p.name}</p>
                <p className="text-sm text-slate-600">{p.monthly_credits} credits per month</p>
                {p.price_id === null ? (
                  <p className="mt-3 text-sm text-slate-500">{profile.data?.subscription_tier === p.tier ? "Your current plan" : "Included with every account"}</p>
                ) : (
                <Button
                  className="mt-3"
                  busy={busy === p.tier}
                  disabled={profile.data?.subscription_tier === p.tier}
                  onClick={() =>
                    void go(p.tier, async () =>
                      (await api.billing.checkout({ tier: p.tier, success_url: back("success"), cancel_url: back("cancelled") })).checkout_url,
                    )
                  }
                >
                  {profile.data?.subscription_tier === p.tier ? "Current plan" : `Upgrade to ${p.name}`}
                </Button>
                )}
              </li>
            ))}
          </ul>
        )}
      </Card>
    </>
  );
}

export default function Page() {
  return (
    <Suspense fallback={<Loading />}>
      <BillingPage />
    </Suspense>
  );
}
