import { execFileSync } from "node:child_process";

import { expect, test, type Page } from "@playwright/test";

// Each test signs in its own users; `run` keeps them apart from other runs
// (tests/e2e/frontend_test.go checks their rows in PostgreSQL afterwards).
const run = process.env.PLINTH_E2E_RUN ?? Math.random().toString(16).slice(2, 10);
const databaseUrl = process.env.PLINTH_E2E_DATABASE_URL;
const apiUrl = process.env.PLINTH_API_URL;
const email = (who: string) => `${who}-${run}@example.com`;

async function signIn(page: Page, who: string, next?: string) {
  await page.goto(next ? `/login?next=${encodeURIComponent(next)}` : "/login");
  await expect(page.getByText("Local development sign-in")).toBeVisible();
  await page.getByLabel("Email").fill(email(who));
  await page.getByRole("button", { name: "Sign in (dev)" }).click();
  await page.waitForURL(next ?? "/dashboard");
}

async function createResource(page: Page, title: string, content: string): Promise<string> {
  await page.goto("/resources");
  await page.getByRole("button", { name: "New resource" }).click();
  await page.getByLabel("Title").fill(title);
  await page.getByLabel("Content").fill(content);
  await page.getByRole("button", { name: "Create" }).click();
  await page.waitForURL(/\/resources\/[0-9a-f-]{36}$/);
  await expect(page.getByTestId("resource-title")).toHaveText(title);
  return page.url().split("/").pop()!;
}

// Every page runs under the app's Content-Security-Policy: a violation
// (Chromium reports each in the console) fails the test that caused it.
const violations = new WeakMap<Page, string[]>();
test.beforeEach(({ page }) => {
  const seen: string[] = [];
  violations.set(page, seen);
  page.on("console", (message) => {
    if (/Content Security Policy/i.test(message.text())) seen.push(message.text());
  });
});
test.afterEach(({ page }) => {
  expect(violations.get(page) ?? [], "Content-Security-Policy violations").toEqual([]);
});

function shot(page: Page, name: string) {
  return page.screenshot({ path: `test-results/screenshots/${name}.png`, fullPage: true });
}

test("a visitor without a session is sent to sign-in, and back afterwards", async ({ page }) => {
  await page.goto("/resources");
  await page.waitForURL(/\/login\?next=%2Fresources/);
  await page.getByLabel("Email").fill(email("visitor"));
  await page.getByRole("button", { name: "Sign in (dev)" }).click();
  await page.waitForURL("/resources");
  await expect(page.getByTestId("empty-state")).toContainText("No resources yet");
});

test("public pricing shows Stripe's prices, monthly or yearly, and the credit pack", async ({ page }) => {
  await page.goto("/pricing");
  await expect(page.locator("[data-plan]")).toHaveCount(3);
  const pro = page.locator('[data-plan="pro"]');
  await expect(pro.getByTestId("price")).toContainText("19");
  await expect(pro.getByTestId("price")).toContainText("/ month");
  await expect(pro).toContainText("100 analyses a month");
  await page.getByRole("button", { name: /Yearly/ }).click();
  await expect(pro.getByTestId("price")).toContainText("190");
  await expect(pro.getByTestId("price")).toContainText("/ year");
  await expect(page.getByTestId("packs")).toContainText("50 credits");
  await shot(page, "pricing");
  await expect(pro.getByRole("link", { name: "Choose Pro" })).toHaveAttribute("href", "/settings/billing?plan=pro&interval=year");
});

test("sign in, create and edit a resource, see validation errors, archive, filter, delete", async ({ page }) => {
  await signIn(page, "alice");
  await expect(page.getByTestId("credits")).toHaveText("10");
  await shot(page, "dashboard");

  // Zod's check, before any request.
  await page.goto("/resources");
  await page.getByRole("button", { name: "New resource" }).click();
  await page.getByRole("button", { name: "Create" }).click();
  await expect(page.locator('[data-field-error="title"]')).toHaveText("A title is required");
  await shot(page, "validation-error");

  const id = await createResource(page, "Quarterly notes", "Revenue grew; costs grew faster.");
  await page.getByRole("button", { name: "Edit" }).click();
  await page.getByLabel("Title").fill("Quarterly notes (Q3)");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByTestId("resource-title")).toHaveText("Quarterly notes (Q3)");

  await page.getByRole("button", { name: "Archive" }).click();
  await expect(page.locator('[data-status="archived"]')).toBeVisible();
  await page.goto("/resources?status=archived");
  await expect(page.getByTestId("resources-table")).toContainText("Quarterly notes (Q3)");
  await page.goto("/resources?status=pending");
  await expect(page.getByTestId("empty-state")).toContainText("No pending resources");

  await page.goto(`/resources/${id}`);
  await page.getByRole("button", { name: "Delete" }).click();
  const dialog = page.getByRole("alertdialog");
  await expect(dialog).toContainText("This cannot be undone");
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await expect(dialog).toHaveCount(0);
  await expect(page.getByTestId("resource-title")).toHaveText("Quarterly notes (Q3)"); // still there
  await page.getByRole("button", { name: "Delete" }).click();
  await page.getByRole("alertdialog").getByRole("button", { name: "Delete for good" }).click();
  await page.waitForURL("/resources");
  await expect(page.getByTestId("empty-state")).toBeVisible();
});

test("pagination and sort of the resources list", async ({ page, request }) => {
  test.skip(!apiUrl, "PLINTH_API_URL is not set");
  await signIn(page, "paginator");
  // Twelve resources through the API with the browser's own token (the UI
  // path is covered above); ten per page.
  const token = (await page.context().cookies()).find((c) => c.name === "plinth_dev_token")?.value;
  expect(token).toBeTruthy();
  for (let i = 1; i <= 12; i++) {
    const r = await request.post(`${apiUrl}/api/v1/resources`, {
      headers: { Authorization: `Bearer ${token}` },
      data: { title: `Item ${String(i).padStart(2, "0")}` },
    });
    expect(r.status()).toBe(201);
  }
  await page.goto("/resources?sort=title");
  await expect(page.getByTestId("page-info")).toHaveText("Page 1 of 2 (12 in all)");
  await expect(page.locator("tbody tr").first()).toContainText("Item 01");
  await page.getByRole("button", { name: "Next" }).click();
  await expect(page.getByTestId("page-info")).toHaveText("Page 2 of 2 (12 in all)");
  await expect(page.locator("tbody tr")).toHaveCount(2);
  await page.getByLabel("Sort").selectOption("-title");
  await expect(page.locator("tbody tr").first()).toContainText("Item 12");
});

test("an analysis is followed from queued to its result without a reload", async ({ page }) => {
  await signIn(page, "analyst");
  await createResource(page, "Risk memo", "Supplier concentration is high; one vendor ships 80% of parts.");
  let loads = 0;
  page.on("load", () => loads++);
  await page.getByLabel("Instruction (optional)").fill("List the risks.");
  await page.getByRole("button", { name: "Run analysis" }).click();
  await page.waitForURL(/\/analyses\/[0-9a-f-]{36}$/);
  await expect(page.locator('[data-status="succeeded"]')).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId("analysis-output")).not.toBeEmpty();
  expect(loads).toBe(0); // client-side navigation and polling only
  await shot(page, "analysis-succeeded");
  await page.goto("/dashboard");
  await expect(page.getByTestId("credits")).toHaveText("9");
  await expect(page.getByTestId("recent-analyses")).toContainText("Risk memo");
});

test("an analysis's text appears as it is written, survives a reload and stops on Stop", async ({ page }) => {
  await signIn(page, "watcher");
  // The fake model writes one word every 900 ms (4.5 s in all, within the
  // test stack's 5 s job limit).
  await createResource(page, "Slow memo", "Write slowly please. [fake-pace:900]");
  await page.getByRole("button", { name: "Run analysis" }).click();
  await page.waitForURL(/\/analyses\/[0-9a-f-]{36}$/);
  const writing = page.getByRole("heading", { name: "Writing…" }).locator("..");
  await expect(writing).toContainText("Fake", { timeout: 15_000 });
  const firstWords = (await writing.textContent()) ?? "";
  // A reload starts the stream again from its first piece.
  await page.reload();
  await expect(writing).toContainText(firstWords.replace("Writing…", "").trim(), { timeout: 15_000 });
  await shot(page, "analysis-writing");
  await page.getByRole("button", { name: "Stop" }).click();
  await expect(page.locator('[data-status="cancelled"]')).toBeVisible({ timeout: 10_000 });
  await expect(page.getByText("Stopped.")).toBeVisible();
  await expect(page.getByRole("button", { name: "Stop" })).toHaveCount(0);
});

test("an operator sees a user's failed analysis and retries it; a user sees no operator page", async ({ page, browser }) => {
  // A user's analysis fails once (the fake refuses the first request, 400).
  await signIn(page, "patient");
  await createResource(page, "Retry me", "Refused at first. [fake:400,ok]");
  await page.getByRole("button", { name: "Run analysis" }).click();
  await page.waitForURL(/\/analyses\/[0-9a-f-]{36}$/);
  const analysisId = page.url().split("/").pop()!;
  await expect(page.locator('[data-status="failed"]')).toBeVisible({ timeout: 20_000 });
  await expect(page.getByRole("link", { name: "Operator" })).toHaveCount(0);
  await page.goto("/operator");
  await expect(page.getByRole("heading", { name: "Operators only" })).toBeVisible();

  const operatorContext = await browser.newContext();
  const operator = await operatorContext.newPage();
  await signIn(operator, "operator");
  await operator.getByRole("link", { name: "Operator" }).click();
  await operator.waitForURL("/operator");
  await operator.getByLabel("Error contains").fill("too long");
  await operator.getByLabel(`Select ${analysisId}`).check();
  await operator.getByLabel("Reason (audited)").fill("browser test");
  await operator.getByRole("button", { name: "Retry selected" }).click();
  await expect(operator.getByRole("status")).toContainText("1 analysis queued again (audit row");
  await shot(operator, "operator");
  await operatorContext.close();

  await page.goto(`/analyses/${analysisId}`);
  await expect(page.locator('[data-status="succeeded"]')).toBeVisible({ timeout: 20_000 });
});

test("settings: the name is saved, the API's field error lands on the avatar field", async ({ page }) => {
  await signIn(page, "settler");
  await page.goto("/settings");
  await page.getByLabel("Name").fill("Ada Lovelace");
  // A URL Zod accepts but the API refuses (avatars must be https).
  await page.getByLabel("Avatar URL").fill("http://example.com/a.png");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.locator('[data-field-error="avatar_url"]')).toContainText("https");
  await expect(page.getByLabel("Name")).toHaveValue("Ada Lovelace"); // nothing typed is lost
  await shot(page, "api-field-error");
  await page.getByLabel("Avatar URL").fill("https://example.com/a.png");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Saved." })).toBeVisible();
  await page.goto("/dashboard");
  await expect(page.getByTestId("profile-name")).toHaveText("Ada Lovelace");
});

test("another user's resource answers not found", async ({ browser }) => {
  const owner = await browser.newPage();
  await signIn(owner, "owner");
  const id = await createResource(owner, "Private plans", "Only mine.");
  const intruder = await browser.newPage();
  await signIn(intruder, "intruder");
  await intruder.goto(`/resources/${id}`);
  await expect(intruder.locator('[data-error-kind="not-found"]')).toContainText("Not found");
  await expect(intruder.getByText("Only mine.")).toHaveCount(0);
  await shot(intruder, "not-found");
});

test("out of credits: the 402 path offers billing", async ({ page }) => {
  test.skip(!databaseUrl, "PLINTH_E2E_DATABASE_URL is not set");
  await signIn(page, "spender");
  await createResource(page, "Last one", "Nothing left to spend.");
  execFileSync("psql", [databaseUrl!, "-XAtqc", `update billing_accounts set credits_remaining = 0 where user_id = (select id from profiles where email = '${email("spender")}')`]);
  await page.getByRole("button", { name: "Run analysis" }).click();
  const notice = page.locator('[data-error-kind="credits"]');
  await expect(notice).toContainText("No credits left");
  await shot(page, "out-of-credits");
  await notice.getByRole("link", { name: "See plans and billing" }).click();
  await page.waitForURL("/settings/billing");
  await expect(page.locator('[data-plan="pro"]').getByRole("button", { name: "Choose Pro" })).toBeVisible();
});

// The local Stripe stand-in's pages, as on ./plinth up: checkout completes
// without a card and Stripe's events reach billing through the gateway.
test("buy Pro and a credit pack on the Stripe stand-in, then a failed renewal shows the banner", async ({ page }) => {
  await signIn(page, "buyer", "/settings/billing?plan=pro&interval=month");
  await expect(page.getByTestId("credits")).toHaveText("10");
  await page.locator('[data-plan="pro"]').getByRole("button", { name: "Choose Pro" }).click();
  await expect(page.getByRole("heading", { name: "Checkout" })).toBeVisible();
  await expect(page.getByText("$19.00 / month")).toBeVisible();
  await shot(page, "stand-in-checkout");
  await page.getByRole("button", { name: "Pay" }).click();
  await page.waitForURL(/\/settings\/billing\?checkout=success$/);
  await expect(page.getByTestId("tier")).toHaveText("pro", { timeout: 15000 });
  await expect(page.getByTestId("credits")).toHaveText("110");
  await expect(page.locator('[data-plan="pro"]')).toContainText("Current plan");

  await page.getByRole("button", { name: "Buy 50 credits" }).click();
  await page.getByRole("button", { name: "Pay" }).click();
  await page.waitForURL(/checkout=success$/);
  await expect(page.getByTestId("credits")).toHaveText("160", { timeout: 15000 });
  await shot(page, "billing-after-purchase");

  await page.getByRole("button", { name: "Manage subscription and payment method" }).click();
  await expect(page.getByRole("heading", { name: "Billing" })).toBeVisible();
  await page.getByText("Try the failure paths").click();
  await page.getByRole("button", { name: "Fail the next renewal" }).click();
  await expect(page.locator("strong", { hasText: "past_due" })).toBeVisible();
  await page.getByRole("link", { name: "Return to Plinth" }).click();
  await page.waitForURL(/\/settings\/billing/);
  await expect(page.getByTestId("payment-banner")).toContainText("payment failed", { timeout: 15000 });
  await expect(page.getByTestId("tier")).toHaveText("pro");
});

// The UI's answer to the contract's 429 and 5xx, with the API's answer
// replaced in the browser (the gateway's own 429 and 503 are tested in
// tests/e2e): the envelope and headers as the gateway sends them.
function apiError(status: number, code: string, headers: Record<string, string> = {}) {
  const origin = process.env.PLINTH_WEB_URL ?? "http://127.0.0.1:3000";
  return {
    status,
    contentType: "application/json",
    headers: {
      "access-control-allow-origin": origin,
      "access-control-expose-headers": "X-Request-Id, Retry-After",
      "x-request-id": "req-browser-test",
      ...headers,
    },
    body: JSON.stringify({ success: false, error: { code, message: code.toLowerCase(), details: [], request_id: "req-browser-test" } }),
  };
}

test("a 429 says when to retry", async ({ page }) => {
  test.skip(!apiUrl, "PLINTH_API_URL is not set");
  await signIn(page, "hurried");
  // The page's first data comes from the server (it would fall back to the
  // browser's own request, and show the same notice): an action refused.
  await page.goto("/resources");
  await page.getByRole("button", { name: "New resource" }).click();
  await page.route(`${apiUrl}/api/v1/resources`, (route) =>
    route.request().method() === "POST" ? route.fulfill(apiError(429, "RATE_LIMITED", { "retry-after": "30" })) : route.fallback(),
  );
  await page.getByLabel("Title").fill("Written too fast");
  await page.getByRole("button", { name: "Create" }).click();
  const notice = page.locator('[data-error-kind="rate-limited"]');
  await expect(notice).toContainText("Too many requests");
  await expect(page.getByTestId("retry-after")).toContainText(/You can retry in (30|29|28) s/);
  await expect(notice).toContainText("req-browser-test");
  await shot(page, "rate-limited");
});

test("a 5xx keeps what the user typed, and the retry goes through", async ({ page }) => {
  test.skip(!apiUrl, "PLINTH_API_URL is not set");
  await signIn(page, "unlucky");
  await page.goto("/resources");
  await page.getByRole("button", { name: "New resource" }).click();
  await page.route(`${apiUrl}/api/v1/resources`, (route) =>
    route.request().method() === "POST" ? route.fulfill(apiError(503, "UNAVAILABLE")) : route.fallback(),
  );
  await page.getByLabel("Title").fill("Draft that must survive");
  await page.getByLabel("Content").fill("Three paragraphs of careful writing.");
  await page.getByRole("button", { name: "Create" }).click();
  await expect(page.locator('[data-error-kind="server"]')).toContainText("Nothing you typed is lost");
  await expect(page.getByLabel("Title")).toHaveValue("Draft that must survive");
  await expect(page.getByLabel("Content")).toHaveValue("Three paragraphs of careful writing.");
  await shot(page, "server-error-input-kept");
  await page.unroute(`${apiUrl}/api/v1/resources`);
  await page.getByRole("button", { name: "Create" }).click();
  await page.waitForURL(/\/resources\/[0-9a-f-]{36}$/);
  await expect(page.getByTestId("resource-title")).toHaveText("Draft that must survive");
});

test("pages carry the security headers and a nonce-based CSP", async ({ page }) => {
  const response = await page.goto("/");
  const headers = response!.headers();
  const csp = headers["content-security-policy"] ?? "";
  expect(csp).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+' 'strict-dynamic'/);
  expect(csp).toContain("frame-ancestors 'none'");
  expect(headers["x-frame-options"]).toBe("DENY");
  expect(headers["x-content-type-options"]).toBe("nosniff");
  expect(headers["referrer-policy"]).toBe("strict-origin-when-cross-origin");
  expect(headers["permissions-policy"]).toContain("camera=()");
  // A fresh nonce per response.
  const again = (await page.goto("/"))!.headers()["content-security-policy"];
  expect(again).not.toBe(csp);
});

for (const next of ["/%09/evil.example/x", "/%0a/evil.example/x", "/%0d/evil.example/x", "/%5C/evil.example/x"]) {
  test(`sign-in never leaves the site for next=${next}`, async ({ page }) => {
    await page.goto(`/login?next=${next}`);
    await page.getByLabel("Email").fill(email("redirect"));
    await page.getByRole("button", { name: "Sign in (dev)" }).click();
    await page.waitForURL("/dashboard");
  });
}

test("the dev sign-in refuses cross-site requests", async ({ request, baseURL }) => {
  const email = { email: "csrf@example.com" };
  const crossSite = await request.post("/api/dev-session", {
    data: email,
    headers: { Origin: "https://evil.example", "Sec-Fetch-Site": "cross-site" },
  });
  expect(crossSite.status()).toBe(403);
  expect(crossSite.headers()["set-cookie"]).toBeUndefined();
  const noOrigin = await request.post("/api/dev-session", { data: email });
  expect(noOrigin.status()).toBe(403);
  const form = await request.post("/api/dev-session", {
    form: email,
    headers: { Origin: new URL(baseURL!).origin, "Sec-Fetch-Site": "same-origin" },
  });
  expect(form.status()).toBe(415);
  const ok = await request.post("/api/dev-session", {
    data: email,
    headers: { Origin: new URL(baseURL!).origin, "Sec-Fetch-Site": "same-origin" },
  });
  expect(ok.status()).toBe(200);
});

// Layouts that hold any content, at a phone's width and a laptop's: nothing
// scrolls sideways, and a resource's actions are on the first screen however
// long its content is.
const longTitle = `Quarterly${"-report".repeat(24)} ${"x".repeat(200)}`.slice(0, 200);
const longUrl = `https://example.com/${"a".repeat(1980)}`;
const longText = `${"Plinth keeps every word. ".repeat(800)}\n${longUrl}\n${"End of the text. ".repeat(1000)}`.slice(0, 40000);

async function noSidewaysScroll(page: Page, where: string) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow, `${where} scrolls sideways by ${overflow} px`).toBeLessThanOrEqual(0);
}

for (const [name, size] of [["phone", { width: 390, height: 844 }], ["desktop", { width: 1280, height: 800 }]] as const) {
  test(`long content fits on a ${name}, actions on the first screen`, async ({ page }) => {
    await page.setViewportSize(size);
    await signIn(page, `long-${name}`);
    const id = await createResource(page, longTitle, longText);
    await expect(page).toHaveTitle(/· Plinth$/);
    await noSidewaysScroll(page, "the resource page");
    for (const label of ["Edit", "Archive", "Delete"]) {
      const box = await page.getByTestId("resource-actions").getByRole("button", { name: label }).boundingBox();
      expect(box, label).not.toBeNull();
      expect(box!.y + box!.height, `${label} is below the first screen`).toBeLessThanOrEqual(size.height);
    }
    await shot(page, `resource-long-${name}`);
    await page.getByRole("button", { name: /Show all/ }).click();
    await expect(page.getByTestId("resource-content")).toContainText("End of the text.");
    await noSidewaysScroll(page, "the whole content");
    for (const [path, label] of [["/resources", "resources"], ["/dashboard", "dashboard"], [`/resources/${id}`, "resource"],
      ["/settings/billing", "billing"], ["/settings", "settings"], ["/pricing", "pricing"], ["/", "landing"]] as const) {
      await page.goto(path);
      await page.waitForLoadState("networkidle");
      await noSidewaysScroll(page, path);
      await shot(page, `${label}-${name}`);
    }
  });
}

test("on a phone the navigation folds behind Menu", async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await signIn(page, "phone");
  const nav = page.getByRole("navigation", { name: "Main" });
  await expect(nav).toBeHidden();
  await page.getByRole("button", { name: "Menu" }).click();
  await expect(nav).toBeVisible();
  await nav.getByRole("link", { name: "Resources" }).click();
  await page.waitForURL("/resources");
  await expect(nav).toBeHidden();
  await expect(page).toHaveTitle("Resources · Plinth");
});

test("keyboard only: skip link, create with Cancel and Escape, focus kept, delete", async ({ page }) => {
  await signIn(page, "keys");
  await page.goto("/resources");
  await page.keyboard.press("Tab");
  await expect(page.getByRole("link", { name: "Skip to content" })).toBeFocused();
  await page.keyboard.press("Enter");
  const create = page.getByRole("button", { name: "New resource" });
  await create.focus();
  await page.keyboard.press("Enter");
  await expect(page.getByLabel("Title")).toBeFocused();
  await page.keyboard.press("Escape");
  await expect(page.getByTestId("resource-form")).toHaveCount(0);
  await expect(create).toBeFocused();
  await page.keyboard.press("Enter");
  await page.keyboard.type("Typed without a mouse");
  await page.keyboard.press("Tab");
  await page.keyboard.type("Every key on the keyboard.");
  await page.keyboard.press("Tab");
  await expect(page.getByRole("button", { name: "Create" })).toBeFocused();
  await page.keyboard.press("Enter");
  await page.waitForURL(/\/resources\/[0-9a-f-]{36}$/);
  await expect(page.getByTestId("toast").filter({ hasText: "Resource created" })).toBeVisible();
  await page.getByTestId("resource-actions").getByRole("button", { name: "Edit" }).focus();
  await page.keyboard.press("Enter");
  await expect(page.getByLabel("Title")).toBeFocused();
  await page.getByRole("button", { name: "Cancel" }).focus();
  await page.keyboard.press("Enter");
  await page.getByTestId("resource-actions").getByRole("button", { name: "Delete" }).focus();
  await page.keyboard.press("Enter");
  await page.getByRole("button", { name: "Delete for good" }).focus();
  await page.keyboard.press("Enter");
  await page.waitForURL("/resources");
  await expect(page.getByTestId("toast").filter({ hasText: "Resource deleted" })).toBeVisible();
});

test("no credits: Run analysis is disabled and says why", async ({ page }) => {
  test.skip(!databaseUrl, "PLINTH_E2E_DATABASE_URL is not set");
  await signIn(page, "broke");
  await createResource(page, "Nothing to spend", "Zero credits.");
  execFileSync("psql", [databaseUrl!, "-XAtqc", `update billing_accounts set credits_remaining = 0 where user_id = (select id from profiles where email = '${email("broke")}')`]);
  await page.reload();
  await expect(page.getByRole("button", { name: "Run analysis" })).toBeDisabled();
  await expect(page.locator("#no-credits")).toContainText("No credits left");
});

// The walk-through on a phone: sign in, a resource with long text,
// its analysis streaming then stopped, a plan bought on the Stripe stand-in.
test("on a phone: long resource, streaming analysis stopped, Pro bought", async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await signIn(page, "phone-user");
  await createResource(page, longTitle, `${longText.slice(0, 20000)} Write slowly please. [fake-pace:900]`);
  await noSidewaysScroll(page, "the resource");
  await page.getByRole("button", { name: "Run analysis" }).click();
  await page.waitForURL(/\/analyses\/[0-9a-f-]{36}$/);
  const writing = page.getByRole("heading", { name: "Writing…" }).locator("..");
  await expect(writing).toContainText("Fake", { timeout: 15_000 });
  await noSidewaysScroll(page, "the analysis");
  await shot(page, "analysis-writing-phone");
  await page.getByRole("button", { name: "Stop" }).click();
  await expect(page.locator('[data-status="cancelled"]')).toBeVisible({ timeout: 10_000 });
  await page.getByRole("button", { name: "Menu" }).click();
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Billing" }).click();
  await page.waitForURL("/settings/billing");
  await page.locator('[data-plan="pro"]').getByRole("button", { name: "Choose Pro" }).click();
  await page.getByRole("button", { name: "Pay" }).click();
  await page.waitForURL(/checkout=success$/);
  await expect(page.getByTestId("tier")).toHaveText("pro", { timeout: 15_000 });
  await noSidewaysScroll(page, "billing after the purchase");
  await shot(page, "billing-phone-after-purchase");
});
