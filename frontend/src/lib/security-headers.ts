/**
 * The page's Content-Security-Policy: scripts only with this response's nonce
 * (Next.js puts it on its own scripts when it finds the policy on the
 * request) or loaded by them ('strict-dynamic'); connections only to this
 * site, the API and Supabase; never framed.
 */
export function contentSecurityPolicy(nonce: string, connectTo: string[], development: boolean): string {
  const connect = ["'self'", ...connectTo.filter(Boolean)].join(" ");
  return [
    "default-src 'self'",
    // Development only: React's dev tools evaluate code.
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${development ? " 'unsafe-eval'" : ""}`,
    // Radix sets style attributes; the stylesheets are the site's own.
    "style-src 'self' 'unsafe-inline'",
    // Avatars are the user's own https URLs.
    "img-src 'self' data: blob: https:",
    "font-src 'self'",
    `connect-src ${connect}`,
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

/** Headers of every response, pages, API routes and files alike (next.config.ts). */
export const staticSecurityHeaders = [
  { key: "X-Frame-Options", value: "DENY" },
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
  {
    key: "Permissions-Policy",
    value: "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()",
  },
];

/** The origin of a URL, or "" when it is not one. */
export function originOf(url: string | null | undefined): string {
  if (!url) return "";
  try {
    return new URL(url).origin;
  } catch {
    return "";
  }
}
