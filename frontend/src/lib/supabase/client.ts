"use client";

import { createBrowserClient } from "@supabase/ssr";
import type { SupabaseClient } from "@supabase/supabase-js";

import type { PublicConfig } from "@/types/config";

let browserClient: SupabaseClient | null = null;

/**
 * The browser's Supabase client (one per page), or null when sign-in does
 * not go through Supabase (the dev sign-in, or nothing configured).
 */
export function supabaseFor(config: PublicConfig): SupabaseClient | null {
  if (config.authMode !== "supabase" || !config.supabaseUrl || !config.supabaseAnonKey) return null;
  browserClient ??= createBrowserClient(config.supabaseUrl, config.supabaseAnonKey);
  return browserClient;
}
