import { Suspense } from "react";

import { ForgotPasswordForm } from "@/components/forms/auth-forms";

export const metadata = { title: "Reset your password" };

export default function Page() {
  return (
    <>
      <h1 className="mb-4 text-xl font-semibold">Reset your password</h1>
      <Suspense>
        <ForgotPasswordForm />
      </Suspense>
    </>
  );
}
