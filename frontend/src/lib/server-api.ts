import "server-only";

import { createPlinthClient, type PlinthClient } from "@plinth/client";
import { cookies } from "next/headers";
import { cache } from "react";
import { unstable_serialize, type Key } from "swr";

import { publicConfig, serverApiUrl } from "./config";
import { DEV_TOKEN_COOKIE } from "./constants";
import { keys } from "./keys";
import { supabaseServer } from "./supabase/server";

/**
 * The typed client for server components: public routes only, no user token.
 * Its calls come from this server's address, so the gateway counts them all in
 * one anonymous per-IP bucket (20/min): a page that called it on every view
 * would fail for everyone after 20 views a minute (found by the real cluster,
 * tests/cluster). `revalidateSeconds` keeps the answer (200s only) in Next's
 * data cache and asks again at most that often; without it, nothing is cached.
 */
export function serverApi(options: { revalidateSeconds?: number } = {}): PlinthClient {
  const { revalidateSeconds } = options;
  const init: RequestInit =
    revalidateSeconds === undefined ? { cache: "no-store" } : { next: { revalidate: revalidateSeconds } };
  return createPlinthClient({ baseUrl: serverApiUrl(), fetch: (request) => fetch(request, init) });
}

/** The signed-in user's access token, read on the server from the session's cookies (once per request). */
const serverAccessToken = cache(async (): Promise<string | null> => {
  const config = publicConfig();
  if (config.authMode === "supabase" && config.supabaseUrl && config.supabaseAnonKey) {
    const supabase = await supabaseServer(config.supabaseUrl, config.supabaseAnonKey);
    const { data } = await supabase.auth.getSession();
    return data.session?.access_token ?? null;
  }
  if (config.authMode === "dev") return (await cookies()).get(DEV_TOKEN_COOKIE)?.value ?? null;
  return null;
});

/** What a page's server component hands to SWR: answers by cache key, and whether every call answered. */
export interface ServerData {
  answers: Record<string, unknown>;
  complete: boolean;
}

/**
 * A signed-in page's first data, asked for by its server component with the
 * user's token, so the page arrives drawn instead of drawing after its
 * JavaScript and then the API's answer (on a phone, most of its load time).
 * The keys are the ones the page's SWR hooks use. A call that fails is left
 * out: the browser asks again and shows the error as it always does (a 401
 * there says the session expired).
 */
export async function serverData(entries: ReadonlyArray<readonly [key: Key, load: (api: PlinthClient) => Promise<unknown>]>): Promise<ServerData> {
  const token = await serverAccessToken();
  if (!token) return { answers: {}, complete: false };
  const api = createPlinthClient({
    baseUrl: serverApiUrl(),
    getToken: () => token,
    fetch: (request) => fetch(request, { cache: "no-store" }),
  });
  const settled = await Promise.all(
    entries.map(([key, load]) =>
      load(api).then(
        (value) => ({ key: unstable_serialize(key), value, ok: true }),
        () => ({ key: "", value: undefined, ok: false }),
      ),
    ),
  );
  const data: ServerData = { answers: {}, complete: settled.every((s) => s.ok) };
  for (const { key, value, ok } of settled) if (ok) data.answers[key] = value;
  return data;
}

/** The answer under `key`, if its call answered. */
export function serverAnswer<T>(data: ServerData, key: Key): T | undefined {
  return data.answers[unstable_serialize(key)] as T | undefined;
}

/**
 * The signed-in user's profile, asked for once per request: the signed-in
 * layout (sidebar, payment banner) and most pages want it.
 */
export const serverProfile = cache(() => serverData([[keys.profile, (api) => api.profiles.me()]]));

/** Answers of several rounds (a call that needs an earlier one's answer) as one. */
export function combineServerData(...parts: ServerData[]): ServerData {
  return {
    answers: Object.assign({}, ...parts.map((part) => part.answers)) as Record<string, unknown>,
    complete: parts.every((part) => part.complete),
  };
}
