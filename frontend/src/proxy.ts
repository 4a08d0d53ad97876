import type { NextRequest } from "next/server";

import { apiUrl } from "@/lib/config";
import { contentSecurityPolicy, originOf } from "@/lib/security-headers";
import { refreshSupabaseSession } from "@/lib/supabase/middleware";

export async function proxy(request: NextRequest) {
  // Server components cannot see the URL; the sign-in redirect needs it.
  request.headers.set("x-plinth-path", request.nextUrl.pathname + request.nextUrl.search);
  // A fresh nonce per page: Next.js reads the policy from the request to put
  // the nonce on its scripts, the browser from the response.
  const nonce = Buffer.from(crypto.randomUUID()).toString("base64");
  const policy = contentSecurityPolicy(
    nonce,
    [originOf(apiUrl()), originOf(process.env["NEXT_PUBLIC_SUPABASE_URL"])],
    process.env.NODE_ENV === "development",
  );
  request.headers.set("x-nonce", nonce);
  request.headers.set("content-security-policy", policy);
  const response = await refreshSupabaseSession(request);
  response.headers.set("Content-Security-Policy", policy);
  return response;
}

export const config = {
  // Pages only: not static files, images or the app's own API routes.
  matcher: ["/((?!_next/static|_next/image|favicon.ico|robots.txt|api/).*)"],
};
