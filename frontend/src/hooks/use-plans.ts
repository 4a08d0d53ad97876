"use client";

import useSWR from "swr";

import { useApi } from "@/components/providers";

export function usePlans() {
  const api = useApi();
  return useSWR("plans", () => api.billing.plans());
}
