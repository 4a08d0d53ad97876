import Link from "next/link";

import { Footer } from "@/components/layouts/footer";
import { Header } from "@/components/layouts/header";

export default function LandingPage() {
  return (
    <>
      <Header />
      <main id="main" tabIndex={-1} className="mx-auto max-w-5xl px-4 py-20 focus:outline-none">
        <h1 className="text-4xl font-bold tracking-tight text-slate-900">Your documents, analysed by Claude.</h1>
        <p className="mt-4 max-w-2xl text-lg text-slate-600">
          Keep your notes and documents in one place and run analyses on them as background jobs. Every analysis costs
          one credit; the free plan comes with ten.
        </p>
        <div className="mt-8 flex gap-3">
          <Link href="/register" className="rounded-md bg-indigo-600 px-4 py-2 font-medium text-white hover:bg-indigo-500">
            Get started
          </Link>
          <Link href="/pricing" className="rounded-md px-4 py-2 font-medium text-slate-800 ring-1 ring-slate-300 hover:bg-white">
            See pricing
          </Link>
        </div>
      </main>
      <Footer />
    </>
  );
}
