import { fileURLToPath } from "node:url";

import { defineConfig } from "vitest/config";

// Unit tests of hooks and helpers (tests/unit); the browser suite is
// Playwright's (tests/browser).
export default defineConfig({
  resolve: {
    alias: {
      "@": fileURLToPath(new URL("src", import.meta.url)),
      // Next.js's marker that a module stays on the server; outside Next it throws.
      "server-only": fileURLToPath(new URL("tests/unit/server-only.ts", import.meta.url)),
    },
  },
  test: {
    include: ["tests/unit/**/*.test.{ts,tsx}"],
    environment: "jsdom",
  },
});
