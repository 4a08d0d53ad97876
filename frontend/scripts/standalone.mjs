// `next build` leaves the static assets beside the standalone server, not in
// it; this completes .next/standalone so that it runs alone (as the image
// and `./plinth up` run it): node .next/standalone/frontend/server.js
import { cpSync, existsSync } from "node:fs";

const app = ".next/standalone/frontend";
if (!existsSync(`${app}/server.js`)) throw new Error(`${app}/server.js is missing: is output "standalone" set?`);
cpSync(".next/static", `${app}/.next/static`, { recursive: true });
cpSync("public", `${app}/public`, { recursive: true });
