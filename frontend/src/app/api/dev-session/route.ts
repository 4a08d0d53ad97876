import { NextResponse, type NextRequest } from "next/server";
import { z } from "zod";

import { devSignInSecret } from "@/lib/config";
import { DEV_TOKEN_COOKIE, DEV_TOKEN_TTL_SECONDS, mintDevToken } from "@/lib/dev-auth";

const body = z.object({ email: z.email().max(254) });

function disabled() {
  return NextResponse.json(
    { success: false, error: { code: "NOT_FOUND", message: "the dev sign-in is off in this build", details: [] } },
    { status: 404 },
  );
}

function forbidden(message: string) {
  return NextResponse.json({ success: false, error: { code: "FORBIDDEN", message, details: [] } }, { status: 403 });
}

/**
 * Only this site's own pages may sign in or out (no login CSRF): a browser
 * sends Origin on every POST and DELETE, and Sec-Fetch-Site; a form on
 * another site cannot send JSON without a preflight, which this route never
 * answers.
 */
function crossSiteRefusal(request: NextRequest): NextResponse | null {
  const site = request.headers.get("sec-fetch-site");
  if (site !== null && site !== "same-origin") return forbidden("cross-site requests are refused");
  const origin = request.headers.get("origin");
  const host = request.headers.get("host");
  let sameHost = false;
  try {
    sameHost = origin !== null && host !== null && new URL(origin).host === host;
  } catch {
    sameHost = false;
  }
  if (!sameHost) return forbidden("cross-site requests are refused");
  return null;
}

/**
 * The local stack's sign-in: mints a Supabase-shaped token with the stack's
 * JWT secret, here on the server, and hands the browser only the token.
 */
export async function POST(request: NextRequest) {
  const secret = devSignInSecret();
  if (!secret) return disabled();
  const refusal = crossSiteRefusal(request);
  if (refusal) return refusal;
  if (!(request.headers.get("content-type") ?? "").toLowerCase().startsWith("application/json")) {
    return NextResponse.json(
      { success: false, error: { code: "UNSUPPORTED_MEDIA_TYPE", message: "send JSON (Content-Type: application/json)", details: [] } },
      { status: 415 },
    );
  }
  const parsed = body.safeParse(await request.json().catch(() => null));
  if (!parsed.success) {
    return NextResponse.json(
      { success: false, error: { code: "VALIDATION_ERROR", message: "a valid email is required", details: [{ field: "email", issue: "must be an email address" }] } },
      { status: 400 },
    );
  }
  const response = NextResponse.json({ success: true, data: { email: parsed.data.email.toLowerCase() } });
  response.cookies.set(DEV_TOKEN_COOKIE, mintDevToken(parsed.data.email, secret), {
    // The browser sends it to the API as a bearer token, as it does with a
    // Supabase session, so it is readable by the page's script.
    httpOnly: false,
    sameSite: "lax",
    path: "/",
    maxAge: DEV_TOKEN_TTL_SECONDS,
  });
  return response;
}

export async function DELETE(request: NextRequest) {
  const refusal = crossSiteRefusal(request);
  if (refusal) return refusal;
  const response = new NextResponse(null, { status: 204 });
  response.cookies.delete(DEV_TOKEN_COOKIE);
  return response;
}
