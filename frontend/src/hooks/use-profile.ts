"use client";

import useSWR from "swr";

import { useApi } from "@/components/providers";
import { keys } from "@/lib/keys";

export function useProfile() {
  const api = useApi();
  return useSWR(keys.profile, () => api.profiles.me());
}
