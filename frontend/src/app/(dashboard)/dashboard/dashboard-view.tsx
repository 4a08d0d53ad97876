"use client";

import type { Resource } from "@plinth/client";
import Link from "next/link";
import useSWR from "swr";

import { useApi } from "@/components/providers";
import { AnalysisRow } from "@/components/shared/analysis-row";
import { EmptyState } from "@/components/shared/empty-state";
import { ErrorState } from "@/components/shared/error-state";
import { Skeleton } from "@/components/shared/loading";
import { StatusBadge } from "@/components/shared/status-badge";
import { Card } from "@/components/ui/card";
import { Count } from "@/components/shared/numbers";
import { useProfile } from "@/hooks/use-profile";
import { useResources } from "@/hooks/use-resources";
import { keys, RECENT_RESOURCES_QUERY, recentAnalyses } from "@/lib/keys";
import { analysisName } from "@/lib/names";

/**
 * The newest analyses of the most recently updated resources (running one
 * updates its resource), newest first, each named by its resource and
 * instruction.
 */
function RecentAnalyses({ resources }: { resources: Resource[] }) {
  const api = useApi();
  const ids = resources.map((r) => r.id);
  const { data, error, mutate } = useSWR(ids.length ? keys.recentAnalyses(ids) : null, () =>
    recentAnalyses(api, ids),
  );
  if (error) return <ErrorState error={error} onRetry={() => void mutate()} />;
  if (!data) return <Skeleton lines={3} />;
  const titles = new Map(resources.map((r) => [r.id, r.title]));
  const analyses = data
    .flatMap((page) => page.data)
    .sort((a, b) => b.created_at.localeCompare(a.created_at))
    .slice(0, 5);
  if (analyses.length === 0) return <p className="text-sm text-slate-500">No analyses yet: open a resource and run one.</p>;
  return (
    <ul className="divide-y divide-slate-100" data-testid="recent-analyses">
      {analyses.map((a) => (
        <AnalysisRow key={a.id} analysis={a} label={`${titles.get(a.resource_id) ?? ""} — ${analysisName(a.prompt)}`} />
      ))}
    </ul>
  );
}

export function DashboardView() {
  const profile = useProfile();
  const recent = useResources(RECENT_RESOURCES_QUERY);
  return (
    <>
      <h1 className="text-2xl font-semibold">Dashboard</h1>
      {profile.error ? (
        <ErrorState error={profile.error} onRetry={() => void profile.mutate()} />
      ) : !profile.data ? (
        <div className="grid gap-4 sm:grid-cols-3" data-testid="profile-skeleton">
          {["Signed in as", "Credits left", "Plan"].map((label) => (
            <Card key={label}>
              <p className="text-sm text-slate-500">{label}</p>
              <Skeleton className="mt-2" />
            </Card>
          ))}
        </div>
      ) : (
        <div className="grid gap-4 sm:grid-cols-3">
          <Card>
            <p className="text-sm text-slate-500">Signed in as</p>
            <p className="mt-1 truncate font-medium" data-testid="profile-name">{profile.data.full_name || profile.data.email}</p>
          </Card>
          <Card>
            <p className="text-sm text-slate-500">Credits left</p>
            <p className="mt-1 text-2xl font-bold" data-testid="credits"><Count value={profile.data.credits_remaining} /></p>
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
          <Skeleton lines={3} />
        ) : recent.data.data.length === 0 ? (
          <EmptyState title="No resources yet">
            <Link href="/resources" className="underline">Create your first one</Link>
          </EmptyState>
        ) : (
          <ul className="divide-y divide-slate-100">
            {recent.data.data.map((r) => (
              <li key={r.id} className="flex items-center justify-between py-2 text-sm">
                <Link href={`/resources/${r.id}`} className="line-clamp-1 min-w-0 text-indigo-700 underline [overflow-wrap:anywhere]">{r.title}</Link>
                <StatusBadge status={r.status} />
              </li>
            ))}
          </ul>
        )}
      </Card>
      <Card>
        <h2 className="mb-3 font-semibold">Recent analyses</h2>
        {recent.data && recent.data.data.length > 0 ? (
          <RecentAnalyses resources={recent.data.data} />
        ) : (
          <p className="text-sm text-slate-500">Analyses of your resources appear here.</p>
        )}
      </Card>
    </>
  );
}
