import type { ReactNode } from "react";

import { PaymentBanner } from "@/components/billing/payment-banner";
import { Sidebar } from "@/components/layouts/sidebar";
import { Providers } from "@/components/providers";
import { requireSession } from "@/lib/auth-guard";
import { publicConfig } from "@/lib/config";
import { serverProfile } from "@/lib/server-api";

export default async function DashboardLayout({ children }: { children: ReactNode }) {
  await requireSession();
  // The sidebar and the payment banner are drawn with the profile at once.
  const { answers } = await serverProfile();
  return (
    <Providers config={publicConfig()} fallback={answers}>
      <div className="md:flex">
        <Sidebar />
        <main id="main" tabIndex={-1} className="mx-auto w-full min-w-0 max-w-4xl flex-1 space-y-6 p-4 focus:outline-none md:p-8">
          <PaymentBanner />
          {children}
        </main>
      </div>
    </Providers>
  );
}
