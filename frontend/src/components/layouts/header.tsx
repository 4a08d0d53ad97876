import Link from "next/link";

export function Header() {
  return (
    <header className="border-b border-slate-200 bg-white">
      <nav className="mx-auto flex max-w-5xl items-center justify-between px-4 py-3">
        <Link href="/" className="text-lg font-semibold text-slate-900">
          Plinth
        </Link>
        <div className="flex items-center gap-4 text-sm">
          <Link href="/pricing" className="text-slate-700 hover:text-slate-900">
            Pricing
          </Link>
          <Link href="/about" className="text-slate-700 hover:text-slate-900">
            About
          </Link>
          <Link href="/dashboard" className="rounded-md bg-indigo-600 px-3 py-1.5 font-medium text-white hover:bg-indigo-500">
            Open the app
          </Link>
        </div>
      </nav>
    </header>
  );
}
