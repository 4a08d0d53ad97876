"use client";

import type { JobStats, ListOperatorAnalysesQuery, OperatorAction } from "@plinth/client";
import { useCallback } from "react";
import useSWR, { useSWRConfig } from "swr";

import { useApi, useConfig } from "@/components/providers";
import { accessToken } from "@/lib/session";

/** `app_metadata.plinth_role` of a Supabase access token, unverified (for showing links only: the API decides). */
export function plinthRoleOf(token: string | null): string | null {
  const payload = token?.split(".")[1];
  if (!payload) return null;
  try {
    const json = atob(payload.replace(/-/g, "+").replace(/_/g, "/"));
    const claims = JSON.parse(json) as { app_metadata?: { plinth_role?: unknown } };
    const role = claims.app_metadata?.plinth_role;
    return typeof role === "string" ? role : null;
  } catch {
    return null;
  }
}

/** Whether the signed-in user's token names them an operator. */
export function useIsOperator(): boolean {
  const config = useConfig();
  const { data } = useSWR("plinth-role", async () => plinthRoleOf(await accessToken(config)));
  return data === "operator";
}

export function useOperatorAnalyses(query: ListOperatorAnalysesQuery) {
  const api = useApi();
  return useSWR(["operator-analyses", JSON.stringify(query)] as const, () => api.operator.analyses(query));
}

export function useJobStats() {
  const api = useApi();
  return useSWR<JobStats>("operator-queue", () => api.operator.queue(), { refreshInterval: 5000 });
}

/** Retry or cancel; the lists and figures are asked for again after. */
export function useOperatorAction() {
  const api = useApi();
  const { mutate } = useSWRConfig();
  return useCallback(
    async (kind: "retry" | "cancel", action: OperatorAction) => {
      const result = await (kind === "retry" ? api.operator.retry(action) : api.operator.cancel(action));
      await mutate((key) => Array.isArray(key) ? key[0] === "operator-analyses" : key === "operator-queue");
      return result;
    },
    [api, mutate],
  );
}
