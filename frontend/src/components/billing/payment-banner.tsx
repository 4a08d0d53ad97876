"use client";

import Link from "next/link";

import { useProfile } from "@/hooks/use-profile";

/** On every page of the app while a payment has failed: where to fix it. */
export function PaymentBanner() {
  const { data } = useProfile();
  if (!data || (data.subscription_status !== "past_due" && data.subscription_status !== "unpaid")) return null;
  return (
    <div role="alert" className="rounded-md bg-amber-50 p-3 text-sm text-amber-900 ring-1 ring-amber-200" data-testid="payment-banner">
      {data.subscription_status === "past_due"
        ? "Your last payment failed: your plan stays for a few days while you update your payment method. "
        : "Your subscription is unpaid: you are on the free plan until a payment succeeds. "}
      <Link href="/settings/billing" className="font-medium underline">
        Update your payment method
      </Link>
    </div>
  );
}
