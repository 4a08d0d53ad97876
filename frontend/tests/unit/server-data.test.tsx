import type { Analysis, PlinthClient } from "@plinth/client";
import { act, render, renderHook, screen, waitFor } from "@testing-library/react";
import type { ReactNode } from "react";
import { renderToString } from "react-dom/server";
import { SWRConfig, unstable_serialize } from "swr";
import { describe, expect, it } from "vitest";

import { ApiProvider } from "@/components/providers";
import { Count, Money } from "@/components/shared/numbers";
import { ServerDataProvider } from "@/components/shared/server-data";
import { Time } from "@/components/shared/time";
import { useAnalysis } from "@/hooks/use-analyses";
import { keys } from "@/lib/keys";

import { analysisIn } from "./fixtures";

const analysis = (status: Analysis["status"]) => analysisIn(status, { id: "a", resource_id: "r" });

// An API whose analyses.get answers `status`, counting calls.
function countingApi(status: Analysis["status"]) {
  let calls = 0;
  const api = { analyses: { get: async () => (calls++, analysis(status)) } } as unknown as PlinthClient;
  return { api, calls: () => calls };
}

const serverAnswer = (status: Analysis["status"], complete = true) => ({
  answers: { [unstable_serialize(keys.analysis("a"))]: analysis(status) },
  complete,
});

describe("ServerDataProvider", () => {
  it("shows the server's answer at once and does not ask the API again on mount", async () => {
    const { api, calls } = countingApi("queued");
    const cache = new Map();
    const { result } = renderHook(() => useAnalysis("a", 60_000), {
      wrapper: ({ children }: { children: ReactNode }) => (
        <SWRConfig value={{ provider: () => cache, dedupingInterval: 0 }}>
          <ApiProvider api={api}>
            <ServerDataProvider data={serverAnswer("succeeded")}>{children}</ServerDataProvider>
          </ApiProvider>
        </SWRConfig>
      ),
    });
    expect(result.current.data?.status).toBe("succeeded");
    await act(() => new Promise((r) => setTimeout(r, 50)));
    expect(calls()).toBe(0);
  });

  it("replaces what the cache held from an earlier visit", async () => {
    const { api } = countingApi("running");
    const cache = new Map();
    const Shell = ({ children }: { children: ReactNode }) => (
      <SWRConfig value={{ provider: () => cache, dedupingInterval: 0 }}>
        <ApiProvider api={api}>{children}</ApiProvider>
      </SWRConfig>
    );
    const earlier = renderHook(() => useAnalysis("a", 60_000), { wrapper: Shell });
    await waitFor(() => expect(earlier.result.current.data?.status).toBe("running"));
    earlier.unmount();
    // The status read while rendering, as a page does (SWR re-renders a
    // component only for the fields it read).
    const { result } = renderHook(() => useAnalysis("a", 60_000).data?.status, {
      wrapper: ({ children }: { children: ReactNode }) => (
        <Shell>
          <ServerDataProvider data={serverAnswer("succeeded")}>{children}</ServerDataProvider>
        </Shell>
      ),
    });
    await waitFor(() => expect(result.current).toBe("succeeded"));
  });

  it("asks the API on mount when a server call failed", async () => {
    const { api, calls } = countingApi("succeeded");
    const { result } = renderHook(() => useAnalysis("a", 60_000), {
      wrapper: ({ children }: { children: ReactNode }) => (
        <SWRConfig value={{ provider: () => new Map(), dedupingInterval: 0 }}>
          <ApiProvider api={api}>
            <ServerDataProvider data={{ answers: {}, complete: false }}>{children}</ServerDataProvider>
          </ApiProvider>
        </SWRConfig>
      ),
    });
    await waitFor(() => expect(result.current.data?.status).toBe("succeeded"));
    expect(calls()).toBe(1);
  });
});

describe("numbers and times written on the server, then in the reader's language", () => {
  it("writes a fixed form on the server, so hydration finds the same text", () => {
    expect(renderToString(<Count value={12500} />)).toBe("12,500");
    expect(renderToString(<Money cents={2900} currency="eur" />)).toBe("€29");
    expect(renderToString(<Time iso="2026-11-25T23:30:00Z" />)).toContain("Nov 25, 2026, 11:30");
  });

  it("writes the reader's form in the browser", () => {
    render(<Time iso={new Date(Date.now() - 3 * 60_000).toISOString()} />);
    expect(screen.getByText(/3 minutes ago/)).toBeTruthy();
  });
});
