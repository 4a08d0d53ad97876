import type { Metadata } from "next";

import { ServerDataProvider } from "@/components/shared/server-data";
import { keys, resourcesQueryFrom } from "@/lib/keys";
import { serverData } from "@/lib/server-api";

import { ResourcesView } from "./resources-view";

export const metadata: Metadata = { title: "Resources" };

type SearchParams = Record<string, string | string[] | undefined>;

export default async function ResourcesPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const given = await searchParams;
  const query = resourcesQueryFrom({ get: (name) => { const v = given[name]; return (Array.isArray(v) ? v[0] : v) ?? null; } });
  const data = await serverData([[keys.resources(query), (api) => api.resources.list(query)]]);
  return (
    <ServerDataProvider data={data}>
      <ResourcesView />
    </ServerDataProvider>
  );
}
