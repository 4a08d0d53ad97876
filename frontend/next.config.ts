import path from "node:path";
import type { NextConfig } from "next";

import { staticSecurityHeaders } from "./src/lib/security-headers";

// The typed client lives beside the app (../clients/typescript, linked by
// npm); both the bundler and the standalone output's file tracing must see
// the repository root for that.
const repositoryRoot = path.join(__dirname, "..");

const config: NextConfig = {
  output: "standalone",
  outputFileTracingRoot: repositoryRoot,
  turbopack: { root: repositoryRoot },
  poweredByHeader: false,
  // Pages also get their Content-Security-Policy, with a nonce (src/proxy.ts).
  headers: async () => [{ source: "/:path*", headers: staticSecurityHeaders }],
  reactStrictMode: true,
  // Every page's metadata in <head>, for every client: a page's title comes
  // from the same server data as its content (awaited anyway), so streaming
  // it later into <body> gains nothing, and crawlers that do not run
  // JavaScript would miss the description (Lighthouse's SEO check did).
  htmlLimitedBots: /.*/,
  env: {
    // Decided when the app is built, not when it runs: a build made without
    // PLINTH_DEV_SIGN_IN=1 (every production build) has no dev sign-in at
    // all, whatever its environment holds later. `./plinth up` sets it.
    PLINTH_DEV_SIGN_IN_BUILD: process.env.PLINTH_DEV_SIGN_IN === "1" ? "1" : "0",
  },
};

export default config;
