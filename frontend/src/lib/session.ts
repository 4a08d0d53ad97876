import type { PublicConfig } from "@/types/config";

import { supabaseFor } from "./supabase/client";

import { DEV_TOKEN_COOKIE } from "./constants";

function readCookie(name: string): string | null {
  if (typeof document === "undefined") return null;
  for (const part of document.cookie.split(";")) {
    const [key, ...rest] = part.trim().split("=");
    if (key === name) return decodeURIComponent(rest.join("="));
  }
  return null;
}

/**
 * The signed-in user's access token for the API, asked for on every request
 * so a refreshed Supabase session is used at once.
 */
export async function accessToken(config: PublicConfig): Promise<string | null> {
  const supabase = await supabaseFor(config);
  if (supabase) {
    const { data } = await supabase.auth.getSession();
    return data.session?.access_token ?? null;
  }
  if (config.authMode === "dev") return readCookie(DEV_TOKEN_COOKIE);
  return null;
}

/** Ends the session wherever it lives. */
export async function signOut(config: PublicConfig): Promise<void> {
  const supabase = await supabaseFor(config);
  if (supabase) {
    await supabase.auth.signOut();
  } else {
    await fetch("/api/dev-session", { method: "DELETE" });
  }
}
