import "server-only";

import { createPlinthClient, type PlinthClient } from "@plinth/client";

import { serverApiUrl } from "./config";

/** The typed client for server components (public routes; no user token). */
export function serverApi(): PlinthClient {
  return createPlinthClient({ baseUrl: serverApiUrl(), fetch: (request) => fetch(request, { cache: "no-store" }) });
}
