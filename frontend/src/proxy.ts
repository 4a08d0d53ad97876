import type { NextRequest } from "next/server";

import { refreshSupabaseSession } from "@/lib/supabase/middleware";

export function proxy(request: NextRequest) {
  // Server components cannot see the URL; the sign-in redirect needs it.
  request.headers.set("x-plinth-path", request.nextUrl.pathname + request.nextUrl.search);
  return refreshSupabaseSession(request);
}

export const config = {
  // Pages only: not static files, images or the app's own API routes.
  matcher: ["/((?!_next/static|_next/image|favicon.ico|robots.txt|api/).*)"],
};
