"use client";

import type { ListResourcesQuery } from "@plinth/client";
import useSWR from "swr";

import { useApi } from "@/components/providers";
import { keys } from "@/lib/keys";

/** The cache keys of every page of the list (to refresh them all after a change). */
export function isResourcesKey(key: unknown): boolean {
  return Array.isArray(key) && key[0] === keys.resources({})[0];
}

/** One page of the user's resources; the key holds the query so each page caches on its own. */
export function useResources(query: ListResourcesQuery) {
  const api = useApi();
  return useSWR(keys.resources(query), ([, q]) => api.resources.list(q), { keepPreviousData: true });
}

/** A resource (nothing asked while `id` is empty). */
export function useResource(id: string) {
  const api = useApi();
  return useSWR(id ? keys.resource(id) : null, ([, resourceId]) => api.resources.get(resourceId));
}
