"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { useState } from "react";

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
  // On a phone the navigation folds behind a Menu button.
  const [open, setOpen] = useState(false);
  return (
    <aside className="w-full border-b border-slate-200 bg-white md:flex md:min-h-screen md:w-56 md:flex-col md:border-b-0 md:border-r md:p-4">
      <div className="flex items-center justify-between p-4 md:mb-4 md:p-0">
        <Link href="/" className="text-lg font-semibold text-slate-900">
          Plinth
        </Link>
        <button
          type="button"
          className="rounded-md px-3 py-2 text-sm font-medium text-slate-700 ring-1 ring-slate-300 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-600 md:hidden"
          aria-expanded={open}
          aria-controls="main-nav"
          onClick={() => setOpen((o) => !o)}
        >
          {open ? "Close" : "Menu"}
        </button>
      </div>
      <div id="main-nav" className={cn("flex-1 flex-col px-4 pb-4 md:flex md:p-0", open ? "flex" : "hidden")}>
        <nav className="flex flex-col gap-1" aria-label="Main">
          {shown.map((l) => {
            const active = l.href === "/settings" ? pathname === l.href : pathname.startsWith(l.href);
            return (
              <Link
                key={l.href}
                href={l.href}
                onClick={() => setOpen(false)}
                aria-current={active ? "page" : undefined}
                className={cn("rounded-md px-3 py-2 text-sm", active ? "bg-indigo-50 font-medium text-indigo-700" : "text-slate-700 hover:bg-slate-100")}
              >
                {l.label}
              </Link>
            );
          })}
        </nav>
        <div className="mt-auto space-y-2 pt-6 text-xs text-slate-500">
          {profile && <p data-testid="signed-in-as" className="[overflow-wrap:anywhere]">{profile.email ?? profile.id}</p>}
          <button type="button" onClick={() => void signOut()} className="text-slate-700 underline">
            Sign out
          </button>
        </div>
      </div>
    </aside>
  );
}
