import "server-only";

import { createPlinthClient, type PlinthClient } from "@plinth/client";

import { serverApiUrl } from "./config";

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
