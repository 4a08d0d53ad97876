import type { Analysis, Resource } from "@plinth/client";
import type { Metadata } from "next";
import { cache } from "react";

import { ServerDataProvider } from "@/components/shared/server-data";
import { keys } from "@/lib/keys";
import { analysisName } from "@/lib/names";
import { combineServerData, serverAnswer, serverData } from "@/lib/server-api";
import { pageTitle } from "@/lib/titles";

import { AnalysisView } from "./analysis-view";

type Props = { params: Promise<{ id: string }> };

// The analysis, then its resource (for its name); once per request.
const load = cache(async (id: string) => {
  const first = await serverData([[keys.analysis(id), (api) => api.analyses.get(id)]]);
  const analysis = serverAnswer<Analysis>(first, keys.analysis(id));
  if (!analysis) return { data: first, analysis, resource: undefined };
  const rid = analysis.resource_id;
  const second = await serverData([[keys.resource(rid), (api) => api.resources.get(rid)]]);
  const resource = serverAnswer<Resource>(second, keys.resource(rid));
  return { data: combineServerData(first, second), analysis, resource };
});

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { analysis, resource } = await load((await params).id);
  if (!analysis) return { title: "Analysis" };
  return { title: pageTitle(`${analysisName(analysis.prompt)}${resource ? ` — ${resource.title}` : ""}`) };
}

export default async function AnalysisPage({ params }: Props) {
  const { data } = await load((await params).id);
  return (
    <ServerDataProvider data={data}>
      <AnalysisView />
    </ServerDataProvider>
  );
}
