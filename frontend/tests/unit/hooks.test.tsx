import { PlinthApiError, type Analysis, type PlinthClient } from "@plinth/client";
import { act, renderHook, waitFor } from "@testing-library/react";
import type { ReactNode } from "react";
import { SWRConfig } from "swr";
import { describe, expect, it } from "vitest";

import { ApiProvider } from "@/components/providers";
import { isFinished, useAnalysis, useResourceAnalyses } from "@/hooks/use-analyses";
import { useProfile } from "@/hooks/use-profile";

import { analysisIn } from "./fixtures";

const analysis = (status: Analysis["status"]) => analysisIn(status);

// A client whose analyses.get answers from a script, counting calls.
function scriptedClient(script: Analysis["status"][]) {
  let calls = 0;
  const api = {
    analyses: {
      get: async () => analysis(script[Math.min(calls++, script.length - 1)]!),
      list: async () => ({ data: [analysis(script[Math.min(calls++, script.length - 1)]!)], meta: { page: 1, limit: 10, total: 1, total_pages: 1 } }),
    },
    profiles: { me: async () => { calls++; throw new PlinthApiError({ status: 401, code: "UNAUTHENTICATED", message: "expired" }); } },
  } as unknown as PlinthClient;
  return { api, calls: () => calls };
}

function wrapper(api: PlinthClient) {
  return function Wrapper({ children }: { children: ReactNode }) {
    // A fresh cache per test; no retries so errors surface at once.
    return (
      <SWRConfig value={{ provider: () => new Map(), shouldRetryOnError: false, dedupingInterval: 0 }}>
        <ApiProvider api={api}>{children}</ApiProvider>
      </SWRConfig>
    );
  };
}

describe("useAnalysis", () => {
  it("polls until the analysis has finished, then stops", async () => {
    const { api, calls } = scriptedClient(["queued", "running", "succeeded"]);
    const { result } = renderHook(() => useAnalysis("a", 10), { wrapper: wrapper(api) });
    await waitFor(() => expect(result.current.data?.status).toBe("succeeded"), { timeout: 2000 });
    const afterFinish = calls();
    expect(afterFinish).toBeGreaterThanOrEqual(3);
    await act(() => new Promise((r) => setTimeout(r, 100)));
    expect(calls()).toBe(afterFinish); // no more requests once finished
  });

  it("does not poll a failed analysis", async () => {
    const { api, calls } = scriptedClient(["failed"]);
    const { result } = renderHook(() => useAnalysis("a", 10), { wrapper: wrapper(api) });
    await waitFor(() => expect(result.current.data?.status).toBe("failed"));
    await act(() => new Promise((r) => setTimeout(r, 100)));
    expect(calls()).toBe(1);
  });
});

describe("useResourceAnalyses", () => {
  it("polls while one of the resource's analyses runs", async () => {
    const { api } = scriptedClient(["queued", "running", "succeeded"]);
    const { result } = renderHook(() => useResourceAnalyses("r", 10, 10), { wrapper: wrapper(api) });
    await waitFor(() => expect(result.current.data?.data[0]?.status).toBe("succeeded"), { timeout: 2000 });
  });
});

describe("useProfile", () => {
  it("surfaces the API's error as a PlinthApiError", async () => {
    const { api } = scriptedClient([]);
    const { result } = renderHook(() => useProfile(), { wrapper: wrapper(api) });
    await waitFor(() => expect(result.current.error).toBeInstanceOf(PlinthApiError));
    expect((result.current.error as PlinthApiError).status).toBe(401);
  });
});

describe("isFinished", () => {
  it("knows the terminal states", () => {
    expect(["queued", "running", "succeeded", "failed"].map((s) => isFinished({ status: s as Analysis["status"] }))).toEqual([
      false,
      false,
      true,
      true,
    ]);
  });
});
