"use client";

import { useRouter } from "next/navigation";
import { useCallback } from "react";
import { useSWRConfig } from "swr";

import { useConfig } from "@/components/providers";
import { signOut } from "@/lib/session";

/** Signs out, forgets every cached answer, and goes to the sign-in page. */
export function useSignOut() {
  const config = useConfig();
  const router = useRouter();
  const { mutate } = useSWRConfig();
  return useCallback(async () => {
    await signOut(config);
    await mutate(() => true, undefined, { revalidate: false });
    router.replace("/login");
    router.refresh();
  }, [config, mutate, router]);
}
