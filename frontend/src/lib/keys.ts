import type { ListResourcesQuery, PlinthClient } from "@plinth/client";

import { DEFAULT_RESOURCE_SORT, PAGE_SIZE, RESOURCE_SORTS, RESOURCE_STATUSES } from "./constants";

/**
 * SWR's cache keys, stated once for the hooks that read them and for the
 * server components that fetch a page's first data under the same keys.
 */
export const keys = {
  profile: "profile",
  plans: "plans",
  creditPacks: "credit-packs",
  resources: (query: ListResourcesQuery) => ["resources", query] as const,
  resource: (id: string) => ["resource", id] as const,
  analyses: (resourceId: string, limit: number) => ["analyses", resourceId, limit] as const,
  analysis: (id: string) => ["analysis", id] as const,
  recentAnalyses: (resourceIds: readonly string[]) => ["recent-analyses", ...resourceIds] as const,
};

/** How many analyses a resource's page lists. */
export const RESOURCE_ANALYSES_LIMIT = 10;

/** The dashboard's recent resources. */
export const RECENT_RESOURCES_QUERY: ListResourcesQuery = { limit: 5, sort: "-updated_at" };
/** The dashboard's recent analyses: the newest of each recent resource (`keys.recentAnalyses`). */
export function recentAnalyses(api: PlinthClient, resourceIds: readonly string[]) {
  return Promise.all(resourceIds.map((id) => api.analyses.list(id, { limit: 5 })));
}

type Status = NonNullable<ListResourcesQuery["status"]>;
type Sort = NonNullable<ListResourcesQuery["sort"]>;

/** The resources page's query from its address (`?page=&status=&sort=`); what is not valid gets the default. */
export function resourcesQueryFrom(params: { get(name: string): string | null }): ListResourcesQuery {
  const page = Number(params.get("page"));
  const status = params.get("status");
  const sort = params.get("sort");
  return {
    page: Number.isInteger(page) && page >= 1 ? page : 1,
    limit: PAGE_SIZE,
    ...(RESOURCE_STATUSES.includes(status as Status) ? { status: status as Status } : {}),
    sort: RESOURCE_SORTS.some((s) => s.value === sort) ? (sort as Sort) : DEFAULT_RESOURCE_SORT,
  };
}
