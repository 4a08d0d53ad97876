"use client";

import type { SupabaseClient } from "@supabase/supabase-js";

import type { PublicConfig } from "@/types/config";

/** Whether sign-in goes through Supabase (not the dev sign-in, not nothing). */
function supabaseConfigured(config: PublicConfig): boolean {
  return config.authMode === "supabase" && !!config.supabaseUrl && !!config.supabaseAnonKey;
}

let browserClient: Promise<SupabaseClient> | null = null;

/**
 * The browser's Supabase client (one per page), or null when sign-in does
 * not go through Supabase. Its code (~70 KB) is loaded on first use only:
 * pages of a deployment without Supabase never download it.
 */
export function supabaseFor(config: PublicConfig): Promise<SupabaseClient> | null {
  if (!supabaseConfigured(config)) return null;
  browserClient ??= import("@supabase/ssr").then(({ createBrowserClient }) =>
    createBrowserClient(config.supabaseUrl!, config.supabaseAnonKey!),
  );
  return browserClient;
}
