"use client";

import { createPlinthClient, type PlinthClient } from "@plinth/client";
import { usePathname, useRouter } from "next/navigation";
import { createContext, useContext, useMemo, type ReactNode } from "react";
import { SWRConfig } from "swr";

import { ToastProvider } from "@/components/shared/toast";
import { asApiError, retryDelayMs } from "@/lib/errors";
import { accessToken } from "@/lib/session";
import type { PublicConfig } from "@/types/config";

const ConfigContext = createContext<PublicConfig | null>(null);
const ApiContext = createContext<PlinthClient | null>(null);

export function useConfig(): PublicConfig {
  const config = useContext(ConfigContext);
  if (!config) throw new Error("useConfig outside <Providers>");
  return config;
}

/** The typed client of the API, carrying the signed-in user's token. */
export function useApi(): PlinthClient {
  const api = useContext(ApiContext);
  if (!api) throw new Error("useApi outside <Providers>");
  return api;
}

/** For tests of hooks: a given client instead of one built from the config. */
export function ApiProvider({ api, children }: { api: PlinthClient; children: ReactNode }) {
  return <ApiContext.Provider value={api}>{children}</ApiContext.Provider>;
}

/**
 * `fallback`: answers the server fetched for this page by SWR key (the
 * signed-in layout's profile), shown until the browser's own.
 */
export function Providers({
  config,
  fallback,
  children,
}: {
  config: PublicConfig;
  fallback?: Record<string, unknown>;
  children: ReactNode;
}) {
  const router = useRouter();
  const pathname = usePathname();
  const api = useMemo(
    () => createPlinthClient({ baseUrl: config.apiUrl, getToken: () => accessToken(config) }),
    [config],
  );
  return (
    <ConfigContext.Provider value={config}>
      <ApiContext.Provider value={api}>
        <SWRConfig
          value={{
            revalidateOnFocus: false,
            ...(fallback ? { fallback } : {}),
            onError: (error) => {
              // A 401 anywhere means the session is gone: back to sign-in,
              // then here again.
              if (asApiError(error).status === 401 && !pathname.startsWith("/login")) {
                router.replace(`/login?next=${encodeURIComponent(pathname)}&expired=1`);
              }
            },
            onErrorRetry: (error, _key, _config, revalidate, { retryCount }) => {
              const delay = retryDelayMs(error, retryCount);
              if (delay !== null) setTimeout(() => void revalidate({ retryCount }), delay);
            },
          }}
        >
          <ToastProvider>{children}</ToastProvider>
        </SWRConfig>
      </ApiContext.Provider>
    </ConfigContext.Provider>
  );
}
