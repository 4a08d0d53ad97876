import type { ReactNode } from "react";

import { Footer } from "@/components/layouts/footer";
import { Header } from "@/components/layouts/header";

export default function MarketingLayout({ children }: { children: ReactNode }) {
  return (
    <>
      <Header />
      <main id="main" tabIndex={-1} className="mx-auto min-h-[70vh] max-w-5xl px-4 py-12 focus:outline-none">{children}</main>
      <Footer />
    </>
  );
}
