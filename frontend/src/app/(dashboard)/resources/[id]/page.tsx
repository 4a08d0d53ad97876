import type { Resource } from "@plinth/client";
import type { Metadata } from "next";
import { cache } from "react";

import { ServerDataProvider } from "@/components/shared/server-data";
import { keys, RESOURCE_ANALYSES_LIMIT } from "@/lib/keys";
import { combineServerData, serverAnswer, serverData, serverProfile } from "@/lib/server-api";
import { pageTitle } from "@/lib/titles";

import { ResourceView } from "./resource-view";

type Props = { params: Promise<{ id: string }> };

// Once per request, for the title and the page alike.
const load = cache(async (id: string) =>
  combineServerData(
    ...(await Promise.all([
      serverProfile(),
      serverData([
        [keys.resource(id), (api) => api.resources.get(id)],
        [keys.analyses(id, RESOURCE_ANALYSES_LIMIT), (api) => api.analyses.list(id, { limit: RESOURCE_ANALYSES_LIMIT })],
      ]),
    ])),
  ),
);

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { id } = await params;
  const resource = serverAnswer<Resource>(await load(id), keys.resource(id));
  return { title: resource ? pageTitle(resource.title) : "Resource" };
}

export default async function ResourcePage({ params }: Props) {
  const { id } = await params;
  return (
    <ServerDataProvider data={await load(id)}>
      <ResourceView />
    </ServerDataProvider>
  );
}
