import { Suspense } from "react";

import { LoginForm } from "@/components/forms/auth-forms";

export const metadata = { title: "Sign in" };

export default function Page() {
  return (
    <>
      <h1 className="mb-4 text-xl font-semibold">Sign in</h1>
      <Suspense>
        <LoginForm />
      </Suspense>
    </>
  );
}
