import { Suspense } from "react";

import { LoginForm } from "@/components/forms/auth-forms";

export const metadata = { title: "Sign in" };

export default async function Page({ searchParams }: { searchParams: Promise<{ expired?: string }> }) {
  const { expired } = await searchParams;
  return (
    <>
      <h1 className="mb-4 text-xl font-semibold">Sign in</h1>
      {expired === "1" && (
        <p role="status" className="mb-4 rounded-md bg-amber-50 p-3 text-sm text-amber-900 ring-1 ring-amber-200">
          Your session has expired: sign in again to continue where you were.
        </p>
      )}
      <Suspense>
        <LoginForm />
      </Suspense>
    </>
  );
}
