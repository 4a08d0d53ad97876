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

/**
 * The local stack's sign-in: mints a Supabase-shaped token with the stack's
 * JWT secret, here on the server, and hands the browser only the token.
 */
export async function POST(request: NextRequest) {
  const secret = devSignInSecret();
  if (!secret) return disabled();
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

export async function DELETE() {
  const response = new NextResponse(null, { status: 204 });
  response.cookies.delete(DEV_TOKEN_COOKIE);
  return response;
}
