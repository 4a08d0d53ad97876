import { createHmac } from "node:crypto";

import { PlinthApiError } from "@plinth/client";
import { describe, expect, it } from "vitest";

import { devUserId, mintDevToken } from "@/lib/dev-auth";
import { describeError, retryDelayMs } from "@/lib/errors";
import { formatMoney } from "@/lib/money";
import { formatDate, formatRelative, safeNext } from "@/lib/utils";

const apiError = (status: number, retryAfterSeconds?: number) =>
  new PlinthApiError({ status, code: "INTERNAL", message: "m", ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}) });

describe("describeError", () => {
  it("maps the contract's statuses to what the user can do", () => {
    expect([401, 402, 404, 409, 400, 429, 500, 503, 0].map((s) => describeError(apiError(s)).kind)).toEqual([
      "unauthenticated",
      "credits",
      "not-found",
      "conflict",
      "invalid",
      "rate-limited",
      "server",
      "server",
      "network",
    ]);
    expect(describeError(apiError(429, 17)).retryAfterSeconds).toBe(17);
    expect(describeError(new TypeError("fetch failed")).kind).toBe("network");
  });
});

describe("retryDelayMs", () => {
  it("never retries what the caller must change", () => {
    for (const s of [400, 401, 402, 403, 404, 409, 413]) expect(retryDelayMs(apiError(s), 1)).toBeNull();
  });
  it("waits as long as the server says", () => {
    expect(retryDelayMs(apiError(429, 7), 1)).toBe(7000);
    expect(retryDelayMs(apiError(503, 2), 1)).toBe(2000);
  });
  it("backs off on server errors and gives up after three tries", () => {
    expect([1, 2, 3].map((n) => retryDelayMs(apiError(500), n))).toEqual([500, 1000, 2000]);
    expect(retryDelayMs(apiError(500), 4)).toBeNull();
  });
});

describe("safeNext", () => {
  const origin = "https://app.example.com";
  it("keeps sign-in redirects on this site", () => {
    expect(safeNext("/resources?page=2", "/dashboard", origin)).toBe("/resources?page=2");
    expect(safeNext("/resources/x#top", "/dashboard", origin)).toBe("/resources/x#top");
    // Encoded characters stay encoded: a path, not a host.
    expect(safeNext("/%09/evil.example/x", "/dashboard", origin)).toBe("/%09/evil.example/x");
    expect(safeNext("/%2F%2Fevil.example", "/dashboard", origin)).toBe("/%2F%2Fevil.example");
  });
  it("refuses every form that URL parsing turns into another origin", () => {
    const bad = [
      "https://evil.example",
      "//evil.example",
      "/\\evil.example",
      "\\/evil.example",
      "/\t/evil.example/x", // what ?next=/%09/evil.example/x decodes to
      "/\n/evil.example/x",
      "/\r/evil.example/x",
      "/\t\n/evil.example",
      "/\\\t/evil.example",
      "https:evil.example",
      "javascript:alert(1)",
      "http://app.example.com.evil.example/",
      "",
      null,
    ];
    for (const next of bad) expect(safeNext(next, "/dashboard", origin), JSON.stringify(next)).toBe("/dashboard");
  });
});

describe("the dev sign-in's token", () => {
  const secret = "local-secret-that-is-long-enough-0123456789";
  it("gives one email one stable user id, a valid UUID", () => {
    const id = devUserId("Ada@Example.com");
    expect(id).toBe(devUserId("ada@example.com"));
    expect(id).not.toBe(devUserId("bob@example.com"));
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
  it("is an HS256 JWT with Supabase's claims, signed with the secret", () => {
    const token = mintDevToken("ada@example.com", secret, 1_800_000_000);
    const [header, claims, signature] = token.split(".");
    expect(JSON.parse(Buffer.from(header!, "base64url").toString())).toEqual({ alg: "HS256", typ: "JWT" });
    expect(JSON.parse(Buffer.from(claims!, "base64url").toString())).toEqual({
      aud: "authenticated",
      role: "authenticated",
      sub: devUserId("ada@example.com"),
      email: "ada@example.com",
      app_metadata: { provider: "email", providers: ["email"] },
      iat: 1_800_000_000,
      exp: 1_800_000_000 + 8 * 3600,
    });
    expect(signature).toBe(createHmac("sha256", secret).update(`${header}.${claims}`).digest("base64url"));
    expect(signature).not.toBe(createHmac("sha256", "another").update(`${header}.${claims}`).digest("base64url"));
  });
});

describe("operators", () => {
  it("are named by PLINTH_DEV_OPERATORS in the dev sign-in, and read back from the token", async () => {
    const { plinthRoleOf } = await import("@/hooks/use-operator");
    process.env.PLINTH_DEV_OPERATORS = "op@example.com, other@example.com";
    try {
      const secret = "s".repeat(48);
      expect(plinthRoleOf(mintDevToken("OP@example.com", secret))).toBe("operator");
      expect(plinthRoleOf(mintDevToken("ada@example.com", secret))).toBeNull();
      expect(plinthRoleOf("not.a-token")).toBeNull();
      expect(plinthRoleOf(null)).toBeNull();
    } finally {
      delete process.env.PLINTH_DEV_OPERATORS;
    }
  });
});

describe("form rules from the API's document", () => {
  it("hold the limits the protos declare", async () => {
    const { resourceSchema } = await import("@/components/forms/resource-form");
    expect(resourceSchema.safeParse({ title: "x".repeat(200), content: "" }).success).toBe(true);
    const long = resourceSchema.safeParse({ title: "x".repeat(201), content: "" });
    expect(long.success).toBe(false);
    expect(long.error?.issues[0]?.message).toBe("At most 200 characters");
    expect(resourceSchema.safeParse({ title: "  ", content: "" }).error?.issues[0]?.message).toBe("A title is required");
  });
  it("offer every sort the API accepts, with its default", async () => {
    const { RESOURCE_SORTS, DEFAULT_RESOURCE_SORT } = await import("@/lib/constants");
    expect(RESOURCE_SORTS.map((s) => s.value)).toContain(DEFAULT_RESOURCE_SORT);
    expect(RESOURCE_SORTS.every((s) => s.label.length > 0)).toBe(true);
  });
});

describe("times and money in the reader's language and zone", () => {
  it("formats a moment in the given locale and time zone", () => {
    const iso = "2026-12-05T10:30:00Z";
    expect(formatDate(iso, "en-GB", "Europe/Paris")).toBe("5 Dec 2026, 11:30");
    expect(formatDate(iso, "fr-FR", "Asia/Tokyo")).toBe("5 déc. 2026, 19:30");
    expect(formatDate(null)).toBe("—");
    expect(formatDate("not a date")).toBe("—");
  });
  it("says how long ago, in words", () => {
    const now = Date.parse("2026-12-05T10:30:00Z");
    expect(formatRelative("2026-12-05T10:29:50Z", now, "en")).toBe("now");
    expect(formatRelative("2026-12-05T10:27:00Z", now, "en")).toBe("3 minutes ago");
    expect(formatRelative("2026-12-04T10:30:00Z", now, "en")).toBe("yesterday");
    expect(formatRelative("2026-12-07T10:30:00Z", now, "fr")).toBe("après-demain");
  });
  it("formats Stripe's amounts", () => {
    expect(formatMoney(1900, "usd")).toMatch(/19/);
    expect(formatMoney(1900, "usd")).not.toMatch(/19[.,]00/);
    expect(formatMoney(1950, "eur")).toMatch(/19[.,]50/);
    expect(formatMoney(500, "jpy")).toMatch(/500/);
  });
});
