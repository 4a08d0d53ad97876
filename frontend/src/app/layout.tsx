import type { Metadata } from "next";
import type { ReactNode } from "react";

import { Providers } from "@/components/providers";
import { publicConfig } from "@/lib/config";

import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Plinth", template: "%s · Plinth" },
  description: "Analyse your documents with Claude, one credit at a time.",
};

// The API's address and the auth mode come from the server's environment
// when a page is served, so one build runs in every deployment.
export const dynamic = "force-dynamic";

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body className="min-h-screen bg-slate-50 text-slate-900 antialiased">
        <Providers config={publicConfig()}>{children}</Providers>
      </body>
    </html>
  );
}
