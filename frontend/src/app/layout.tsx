import type { Metadata } from "next";
import type { ReactNode } from "react";


import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Plinth — documents analysed by Claude", template: "%s · Plinth" },
  description: "Analyse your documents with Claude, one credit at a time.",
  applicationName: "Plinth",
  openGraph: {
    type: "website",
    siteName: "Plinth",
    title: "Plinth — documents analysed by Claude",
    description: "Analyse your documents with Claude, one credit at a time.",
  },
  twitter: { card: "summary", title: "Plinth", description: "Analyse your documents with Claude, one credit at a time." },
};

// The API's address and the auth mode come from the server's environment
// when a page is served, so one build runs in every deployment. The app's
// client code (API client, session, SWR) is mounted by the layouts that
// need it — (dashboard) and (auth) — so marketing pages do not ship it.
export const dynamic = "force-dynamic";

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body className="min-h-screen bg-slate-50 text-slate-900 antialiased">
        <a
          href="#main"
          className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-50 focus:rounded-md focus:bg-white focus:px-3 focus:py-2 focus:text-sm focus:font-medium focus:text-indigo-700 focus:ring-2 focus:ring-indigo-600"
        >
          Skip to content
        </a>
        {children}
      </body>
    </html>
  );
}
