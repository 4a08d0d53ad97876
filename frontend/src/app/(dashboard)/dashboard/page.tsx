import type { Page, Resource } from "@plinth/client";
import type { Metadata } from "next";
import { unstable_serialize } from "swr";

import { ServerDataProvider } from "@/components/shared/server-data";
import { keys, RECENT_RESOURCES_QUERY, recentAnalyses } from "@/lib/keys";
import { combineServerData, serverData } from "@/lib/server-api";

import { DashboardView } from "./dashboard-view";

export const metadata: Metadata = { title: "Dashboard" };

export default async function DashboardPage() {
  const first = await serverData([
    [keys.profile, (api) => api.profiles.me()],
    [keys.resources(RECENT_RESOURCES_QUERY), (api) => api.resources.list(RECENT_RESOURCES_QUERY)],
  ]);
  const recent = first.answers[unstable_serialize(keys.resources(RECENT_RESOURCES_QUERY))] as Page<Resource> | undefined;
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
