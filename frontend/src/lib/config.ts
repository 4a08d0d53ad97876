import "server-only";

import type { PublicConfig } from "@/types/config";


// Read by name at runtime (not inlined at build time), so one build serves
// any deployment: the container's environment decides.
function env(name: string): string | undefined {
  const value = process.env[name];
  return value === undefined || value === "" ? undefined : value;
}

/** The gateway's base URL for the browser (PLINTH_API_URL). */
export function apiUrl(): string {
  return (env("PLINTH_API_URL") ?? "http://127.0.0.1:8080").replace(/\/+$/, "");
}

/**
 * The gateway's base URL for this server's own calls (server components);
 * PLINTH_API_INTERNAL_URL when the server reaches the gateway by another
 * address than browsers do (a cluster-internal Service).
 */
export function serverApiUrl(): string {
  return (env("PLINTH_API_INTERNAL_URL") ?? apiUrl()).replace(/\/+$/, "");
}

/**
 * The dev sign-in exists only in a build made with PLINTH_DEV_SIGN_IN=1
 * (next.config.ts), when Supabase is not configured, and when the server
 * holds the local stack's JWT secret. The secret never leaves the server.
 */
export function devSignInSecret(): string | null {
  if (process.env.PLINTH_DEV_SIGN_IN_BUILD !== "1") return null;
  if (env("NEXT_PUBLIC_SUPABASE_URL")) return null;
  return env("SUPABASE_JWT_SECRET") ?? null;
}

export function publicConfig(): PublicConfig {
  const supabaseUrl = env("NEXT_PUBLIC_SUPABASE_URL") ?? null;
  return {
    apiUrl: apiUrl(),
    authMode: supabaseUrl ? "supabase" : devSignInSecret() ? "dev" : "none",
    supabaseUrl,
    supabaseAnonKey: env("NEXT_PUBLIC_SUPABASE_ANON_KEY") ?? null,
  };
}
