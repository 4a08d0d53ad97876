"use client";

import useSWR from "swr";

import { useApi } from "@/components/providers";

export const PROFILE_KEY = "profile";

export function useProfile() {
  const api = useApi();
  return useSWR(PROFILE_KEY, () => api.profiles.me());
}
