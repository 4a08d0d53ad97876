import "server-only";

import { createHash, createHmac } from "node:crypto";

/** The cookie holding the dev sign-in's access token (read by the browser to call the API). */
export { DEV_TOKEN_COOKIE } from "./constants";
export const DEV_TOKEN_TTL_SECONDS = 8 * 3600;

/** The same email always gets the same user id, so a dev user keeps their data. */
export function devUserId(email: string): string {
  const h = createHash("sha256").update(`plinth-dev-user:${email.toLowerCase()}`).digest("hex");
  // A name-based UUID layout (version 5, RFC 4122 variant).
  const variant = ((parseInt(h.slice(16, 17), 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function base64url(data: string | Buffer): string {
  return Buffer.from(data).toString("base64url");
}

/**
 * The dev sign-in's operators: PLINTH_DEV_OPERATORS, comma-separated emails
 * (./plinth up: operator@plinth.local). Their tokens carry
 * app_metadata.plinth_role = "operator", as Supabase's admin API would set.
 */
export function isDevOperator(email: string): boolean {
  return (process.env.PLINTH_DEV_OPERATORS ?? "")
    .split(",")
    .map((e) => e.trim().toLowerCase())
    .filter((e) => e !== "")
    .includes(email.toLowerCase());
}

/** An HS256 token with the claims Supabase Auth puts in its access tokens. */
export function mintDevToken(
  email: string,
  secret: string,
  now = Math.floor(Date.now() / 1000),
  operator = isDevOperator(email),
): string {
  const header = base64url(JSON.stringify({ alg: "HS256", typ: "JWT" }));
  const claims = base64url(
    JSON.stringify({
      aud: "authenticated",
      role: "authenticated",
      sub: devUserId(email),
      email: email.toLowerCase(),
      app_metadata: { provider: "email", providers: ["email"], ...(operator ? { plinth_role: "operator" } : {}) },
      iat: now,
      exp: now + DEV_TOKEN_TTL_SECONDS,
    }),
  );
  const signature = createHmac("sha256", secret).update(`${header}.${claims}`).digest("base64url");
  return `${header}.${claims}.${signature}`;
}
