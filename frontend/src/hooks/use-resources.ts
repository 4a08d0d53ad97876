"use client";

import type { ListResourcesQuery } from "@plinth/client";
import useSWR from "swr";

import { useApi } from "@/components/providers";

/** The cache keys of every page of the list (to refresh them all after a change). */
export function isResourcesKey(key: unknown): boolean {
  return Array.isArray(key) && key[0] === "resources";
}

/** One page of the user's resources; the key holds the query so each page caches on its own. */
export function useResources(query: ListResourcesQuery) {
  const api = useApi();
  return useSWR(["resources", query] as const, ([, q]) => api.resources.list(q), { keepPreviousData: true });
}

export function useResource(id: string) {
  const api = useApi();
  return useSWR(["resource", id] as const, ([, resourceId]) => api.resources.get(resourceId));
}
