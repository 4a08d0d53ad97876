"use client";

import { createBrowserClient } from "@supabase/ssr";
import type { SupabaseClient } from "@supabase/supabase-js";

let browserClient: SupabaseClient | null = null;

/** The browser's Supabase client (one per page), from the server-provided config. */
export function supabaseBrowser(url: string, anonKey: string): SupabaseClient {
  browserClient ??= createBrowserClient(url, anonKey);
  return browserClient;
}
