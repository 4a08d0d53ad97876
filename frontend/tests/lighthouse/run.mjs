// Lighthouse (npm `lighthouse`, pinned) on the app's pages, mobile and
// desktop, in Debian's Chromium: performance, accessibility, best practices
// and SEO must each score at least PLINTH_LIGHTHOUSE_MIN (0.95). Signs in
// through the dev sign-in, makes a resource and an analysis to look at,
// writes the scores and each page's JavaScript bytes to
// test-results/lighthouse/{report.json,report.md}. Called by
// tests/e2e/frontend_test.go against the e2e stack (PLINTH_WEB_URL,
// PLINTH_API_URL); works against `./plinth up` too.
import { mkdir, writeFile } from "node:fs/promises";

import lighthouse from "lighthouse";
import desktopConfig from "lighthouse/core/config/desktop-config.js";
import puppeteer from "puppeteer-core";

const web = process.env.PLINTH_WEB_URL ?? "http://127.0.0.1:3000";
const api = process.env.PLINTH_API_URL ?? "http://127.0.0.1:8080";
const min = Number(process.env.PLINTH_LIGHTHOUSE_MIN ?? "0.95");
const out = new URL("../../test-results/lighthouse/", import.meta.url);
const categories = ["performance", "accessibility", "best-practices", "seo"];

async function json(response) {
  const body = await response.json();
  if (!response.ok) throw new Error(`${response.url}: ${response.status} ${JSON.stringify(body)}`);
  return body.data;
}

// A user with a resource and a finished analysis to show.
const signIn = await fetch(`${web}/api/dev-session`, {
  method: "POST",
  headers: { "Content-Type": "application/json", Origin: web },
  body: JSON.stringify({ email: `lighthouse-${Date.now()}@example.com` }),
});
const token = /plinth_dev_token=([^;]+)/.exec(signIn.headers.get("set-cookie") ?? "")?.[1];
if (!signIn.ok || !token) throw new Error(`dev sign-in: ${signIn.status}`);
const auth = { Authorization: `Bearer ${decodeURIComponent(token)}`, "Content-Type": "application/json" };
const resource = await json(
  await fetch(`${api}/api/v1/resources`, {
    method: "POST",
    headers: auth,
    body: JSON.stringify({ title: "Lighthouse notes", content: "Plinth runs analyses as jobs. Each costs a credit. ".repeat(20) }),
  }),
);
const analysis = await json(await fetch(`${api}/api/v1/resources/${resource.id}/analyses`, { method: "POST", headers: auth, body: "{}" }));
for (let i = 0; ; i++) {
  const a = await json(await fetch(`${api}/api/v1/analyses/${analysis.id}`, { headers: auth }));
  if (["succeeded", "failed", "cancelled"].includes(a.status)) break;
  if (i > 120) throw new Error(`analysis still ${a.status}`);
  await new Promise((r) => setTimeout(r, 500));
}

const only = process.env.PLINTH_LIGHTHOUSE_PAGES?.split(",");
const allPages = [
  ["landing", "/"],
  ["pricing", "/pricing"],
  ["sign-in", "/login"],
  ["dashboard", "/dashboard"],
  ["resources", "/resources"],
  ["resource", `/resources/${resource.id}`],
  ["analysis", `/analyses/${analysis.id}`],
  ["billing", "/settings/billing"],
];
const pages = only ? allPages.filter(([name]) => only.includes(name)) : allPages;

const browser = await puppeteer.launch({
  executablePath: process.env.CHROME_PATH ?? "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-dev-shm-usage"],
});
const rows = [];
const failures = [];
try {
  for (const [formFactor, config] of [["mobile", undefined], ["desktop", desktopConfig]]) {
    for (const [name, path] of pages) {
      const audit = async () => {
        const page = await browser.newPage();
        await browser.setCookie({ name: "plinth_dev_token", value: token, url: web });
        const result = await lighthouse(`${web}${path}`, { output: "json", logLevel: "error", onlyCategories: categories }, config, page);
        await page.close();
        return result.lhr;
      };
      const below = (r) =>
        categories.some((c) => (r.categories[c].score ?? 0) < min);
      // Lighthouse's own advice for noisy machines: a page below its mark is
      // measured twice more and judged by the median performance run.
      let lhr = await audit();
      if (below(lhr)) {
        const runs = [lhr, await audit(), await audit()].sort((a, b) => a.categories.performance.score - b.categories.performance.score);
        lhr = runs[1];
      }
      if (new URL(lhr.finalDisplayedUrl).pathname !== new URL(`${web}${path}`).pathname) {
        failures.push(`${name} (${formFactor}) ended at ${lhr.finalDisplayedUrl}`);
      }
      const scores = Object.fromEntries(categories.map((c) => [c, lhr.categories[c].score]));
      const scripts = lhr.audits["resource-summary"].details.items.find((i) => i.resourceType === "script");
      rows.push({ page: name, formFactor, ...scores, jsBytes: scripts?.transferSize ?? 0 });
      for (const c of categories) {
        if (scores[c] === null || scores[c] < min) {
          const failed = lhr.categories[c].auditRefs
            .map((r) => lhr.audits[r.id])
            .filter((a) => a.score !== null && a.score < 1 && a.scoreDisplayMode !== "informative")
            .map((a) => `${a.id} ${a.displayValue ?? ""}`.trim());
          const lcp = lhr.audits["largest-contentful-paint-element"]?.details?.items?.[0]?.items?.[0]?.node?.snippet;
          failures.push(`${name} (${formFactor}) ${c} ${scores[c]}: ${failed.slice(0, 5).join("; ")}${c === "performance" && lcp ? ` (LCP element ${lcp})` : ""}`);
        }
      }
    }
  }
} finally {
  await browser.close();
}

const pct = (s) => (s === null ? "—" : String(Math.round(s * 100)));
const table = [
  "| page | form factor | performance | accessibility | best practices | SEO | JS (KB, compressed) |",
  "|---|---|---|---|---|---|---|",
  ...rows.map((r) => `| ${r.page} | ${r.formFactor} | ${pct(r.performance)} | ${pct(r.accessibility)} | ${pct(r["best-practices"])} | ${pct(r.seo)} | ${Math.round(r.jsBytes / 1024)} |`),
].join("\n");
await mkdir(out, { recursive: true });
await writeFile(new URL("report.json", out), JSON.stringify(rows, null, 2));
await writeFile(new URL("report.md", out), `${table}\n`);
console.log(table);
if (failures.length > 0) {
  console.error(`Lighthouse: below ${min}:\n${failures.join("\n")}`);
  process.exit(1);
}
console.log(
  `Lighthouse: every page at least ${min * 100} in every category, mobile and desktop`,
);
