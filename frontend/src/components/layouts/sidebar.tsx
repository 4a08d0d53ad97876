"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";

import { useSignOut } from "@/hooks/use-auth";
import { useIsOperator } from "@/hooks/use-operator";
import { useProfile } from "@/hooks/use-profile";
import { cn } from "@/lib/utils";

const links = [
  { href: "/dashboard", label: "Dashboard" },
  { href: "/resources", label: "Resources" },
  { href: "/settings", label: "Settings" },
  { href: "/settings/billing", label: "Billing" },
];

export function Sidebar() {
  const pathname = usePathname();
  const { data: profile } = useProfile();
  const signOut = useSignOut();
  // Shown to operators only (the API refuses everyone else anyway).
  const shown = useIsOperator() ? [...links, { href: "/operator", label: "Operator" }] : links;
  return (
    <aside className="flex w-full flex-col gap-1 border-b border-slate-200 bg-white p-4 md:min-h-screen md:w-56 md:border-b-0 md:border-r">
      <Link href="/" className="mb-4 text-lg font-semibold text-slate-900">
        Plinth
      </Link>
      <nav className="flex flex-row flex-wrap gap-1 md:flex-col" aria-label="Main">
        {shown.map((l) => {
          const active = l.href === "/settings" ? pathname === l.href : pathname.startsWith(l.href);
          return (
            <Link
              key={l.href}
              href={l.href}
              aria-current={active ? "page" : undefined}
              className={cn("rounded-md px-3 py-2 text-sm", active ? "bg-indigo-50 font-medium text-indigo-700" : "text-slate-700 hover:bg-slate-100")}
            >
              {l.label}
            </Link>
          );
        })}
      </nav>
      <div className="mt-auto space-y-2 pt-6 text-xs text-slate-500">
        {profile && <p data-testid="signed-in-as">{profile.email ?? profile.id}</p>}
        <button type="button" onClick={() => void signOut()} className="text-slate-700 underline">
          Sign out
        </button>
      </div>
    </aside>
  );
}
