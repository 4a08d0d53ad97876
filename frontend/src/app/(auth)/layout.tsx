import Link from "next/link";
import type { ReactNode } from "react";

import { Providers } from "@/components/providers";
import { publicConfig } from "@/lib/config";

export default function AuthLayout({ children }: { children: ReactNode }) {
  return (
    <main id="main" tabIndex={-1} className="flex min-h-screen items-center justify-center px-4 focus:outline-none">
      <div className="w-full max-w-sm space-y-6">
        <Link href="/" className="block text-center text-2xl font-semibold text-slate-900">
          Plinth
        </Link>
        <div className="rounded-lg bg-white p-6 shadow-sm ring-1 ring-slate-200">
          <Providers config={publicConfig()}>{children}</Providers>
        </div>
      </div>
    </main>
  );
}
