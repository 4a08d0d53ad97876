"use client";

import { useEffect, type ReactNode } from "react";
import { SWRConfig, useSWRConfig } from "swr";

import type { ServerData } from "@/lib/server-api";

/**
 * Gives the page's SWR hooks the answers its server component fetched
 * (`serverData` in lib/server-api.ts). They are fresher than anything cached,
 * so they replace what the cache holds from an earlier visit. When every call
 * answered, the hooks do not ask the API again on mount (the server just did);
 * polling and later changes go on as before. So every key the page reads at
 * first must be among them.
 */
export function ServerDataProvider({ data, children }: { data: ServerData; children: ReactNode }) {
  const { mutate } = useSWRConfig();
  const { answers, complete } = data;
  useEffect(() => {
    for (const [key, value] of Object.entries(answers)) void mutate(key, value, { revalidate: false });
  }, [answers, mutate]);
  return <SWRConfig value={{ fallback: answers, ...(complete ? { revalidateIfStale: false } : {}) }}>{children}</SWRConfig>;
}
