import type { Metadata } from "next";

import { ServerDataProvider } from "@/components/shared/server-data";
import { keys } from "@/lib/keys";
import { combineServerData, serverData, serverProfile } from "@/lib/server-api";

import { BillingView } from "./billing-view";

export const metadata: Metadata = { title: "Billing" };

export default async function BillingPage() {
  const data = combineServerData(
    ...(await Promise.all([
      serverProfile(),
      serverData([
        [keys.plans, (api) => api.billing.plans()],
        [keys.creditPacks, (api) => api.billing.creditPacks()],
      ]),
    ])),
  );
  return (
    <ServerDataProvider data={data}>
      <BillingView />
    </ServerDataProvider>
  );
}
