import type { Page, Resource } from "@plinth/client";
import type { Metadata } from "next";

import { ServerDataProvider } from "@/components/shared/server-data";
import { keys, RECENT_RESOURCES_QUERY, recentAnalyses } from "@/lib/keys";
import { combineServerData, serverAnswer, serverData, serverProfile } from "@/lib/server-api";

import { DashboardView } from "./dashboard-view";

export const metadata: Metadata = { title: "Dashboard" };

export default async function DashboardPage() {
  const first = combineServerData(
    ...(await Promise.all([
      serverProfile(),
      serverData([[keys.resources(RECENT_RESOURCES_QUERY), (api) => api.resources.list(RECENT_RESOURCES_QUERY)]]),
    ])),
  );
  const recent = serverAnswer<Page<Resource>>(first, keys.resources(RECENT_RESOURCES_QUERY));
  const ids = recent?.data.map((r) => r.id) ?? [];
  const data = ids.length
    ? combineServerData(first, await serverData([[keys.recentAnalyses(ids), (api) => recentAnalyses(api, ids)]]))
    : first;
  return (
    <ServerDataProvider data={data}>
      <DashboardView />
    </ServerDataProvider>
  );
}
