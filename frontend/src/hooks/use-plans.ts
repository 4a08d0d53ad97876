"use client";

import useSWR from "swr";

import { useApi } from "@/components/providers";
import { keys } from "@/lib/keys";

export function usePlans() {
  const api = useApi();
  return useSWR(keys.plans, () => api.billing.plans());
}
