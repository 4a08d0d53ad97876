"use client";

import Link from "next/link";

import { EmptyState } from "@/components/shared/empty-state";
import { ErrorState } from "@/components/shared/error-state";
import { Loading } from "@/components/shared/loading";
import { StatusBadge } from "@/components/shared/status-badge";
import { Card } from "@/components/ui/card";
import { useResourceAnalyses } from "@/hooks/use-analyses";
import { useProfile } from "@/hooks/use-profile";
import { useResources } from "@/hooks/use-resources";
import { formatDate } from "@/lib/utils";

function RecentAnalyses({ resourceId, title }: { resourceId: string; title: string }) {
  const { data } = useResourceAnalyses(resourceId, 3);
  if (!data?.data.length) return null;
  return (
    <>
      {data.data.map((a) => (
        <li key={a.id} className="flex items-center justify-between py-2 text-sm">
          <Link href={`/analyses/${a.id}`} className="truncate text-indigo-700 underline">
            {title} — {formatDate(a.created_at)}
          </Link>
          <StatusBadge status={a.status} />
        </li>
      ))}
    </>
  );
}

export default function DashboardPage() {
  const profile = useProfile();
  const recent = useResources({ limit: 5, sort: "-updated_at" });
  return (
    <>
      <h1 className="text-2xl font-semibold">Dashboard</h1>
      {profile.error ? (
        <ErrorState error={profile.error} onRetry={() => void profile.mutate()} />
      ) : !profile.data ? (
        <Loading />
      ) : (
        <div className="grid gap-4 sm:grid-cols-3">
          <Card>
            <p className="text-sm text-slate-500">Signed in as</p>
            <p className="mt-1 truncate font-medium" data-testid="profile-name">{profile.data.full_name || profile.data.email}</p>
          </Card>
          <Card>
            <p className="text-sm text-slate-500">Credits left</p>
            <p className="mt-1 text-2xl font-bold" data-testid="credits">{profile.data.credits_remaining}</p>
          </Card>
          <Card>
            <p className="text-sm text-slate-500">Plan</p>
            <p className="mt-1 font-medium capitalize" data-testid="plan">
              {profile.data.subscription_tier} <span className="text-sm text-slate-500">({profile.data.subscription_status})</span>
            </p>
          </Card>
        </div>
      )}
      <Card>
        <div className="mb-3 flex items-center justify-between">
          <h2 className="font-semibold">Recent resources</h2>
          <Link href="/resources" className="text-sm text-indigo-700 underline">All resources</Link>
        </div>
        {recent.error ? (
          <ErrorState error={recent.error} onRetry={() => void recent.mutate()} />
        ) : !recent.data ? (
          <Loading />
        ) : recent.data.data.length === 0 ? (
          <EmptyState title="No resources yet">
            <Link href="/resources" className="underline">Create your first one</Link>
          </EmptyState>
        ) : (
          <ul className="divide-y divide-slate-100">
            {recent.data.data.map((r) => (
              <li key={r.id} className="flex items-center justify-between py-2 text-sm">
                <Link href={`/resources/${r.id}`} className="truncate text-indigo-700 underline">{r.title}</Link>
                <StatusBadge status={r.status} />
              </li>
            ))}
          </ul>
        )}
      </Card>
      <Card>
        <h2 className="mb-3 font-semibold">Recent analyses</h2>
        {recent.data && recent.data.data.length > 0 ? (
          <ul className="divide-y divide-slate-100" data-testid="recent-analyses">
            {recent.data.data.slice(0, 3).map((r) => (
              <RecentAnalyses key={r.id} resourceId={r.id} title={r.title} />
            ))}
          </ul>
        ) : (
          <p className="text-sm text-slate-500">Analyses of your resources appear here.</p>
        )}
      </Card>
    </>
  );
}
