import { defineConfig } from "@playwright/test";

// The browser suite runs against a live stack (tests/e2e/frontend_test.go
// starts one and sets PLINTH_WEB_URL). The browser is Debian's Chromium:
// nothing here downloads one.
export default defineConfig({
  testDir: "tests/browser",
  outputDir: "test-results/browser",
  timeout: 60_000,
  expect: { timeout: 15_000 },
  workers: 1,
  retries: 0,
  reporter: [["list"]],
  use: {
    baseURL: process.env.PLINTH_WEB_URL ?? "http://127.0.0.1:3000",
    browserName: "chromium",
    screenshot: "only-on-failure",
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: process.env.PLINTH_CHROMIUM ?? "/usr/bin/chromium",
      // Root, no GPU, and a closed network: nothing of Chromium's own
      // background traffic.
      chromiumSandbox: false,
      args: [
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
  },
});
