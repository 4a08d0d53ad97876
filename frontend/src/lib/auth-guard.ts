import "server-only";

import { cookies, headers } from "next/headers";
import { redirect } from "next/navigation";

import { publicConfig } from "./config";
import { DEV_TOKEN_COOKIE } from "./constants";
import { supabaseServer } from "./supabase/server";

/**
 * Sends a visitor without a session to sign-in before any private page
 * renders. The API checks the token itself on every call; this only spares
 * a signed-out visitor a page of errors.
 */
export async function requireSession(): Promise<void> {
  const config = publicConfig();
  let signedIn = false;
  if (config.authMode === "supabase" && config.supabaseUrl && config.supabaseAnonKey) {
    const supabase = await supabaseServer(config.supabaseUrl, config.supabaseAnonKey);
    const { data } = await supabase.auth.getUser();
    signedIn = data.user !== null;
  } else if (config.authMode === "dev") {
    signedIn = Boolean((await cookies()).get(DEV_TOKEN_COOKIE)?.value);
  }
  if (!signedIn) {
    const path = (await headers()).get("x-plinth-path") ?? "/dashboard";
    redirect(`/login?next=${encodeURIComponent(path)}`);
  }
}
