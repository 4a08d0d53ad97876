import { Suspense } from "react";

import { RegisterForm } from "@/components/forms/auth-forms";

export const metadata = { title: "Create your account" };

export default function Page() {
  return (
    <>
      <h1 className="mb-4 text-xl font-semibold">Create your account</h1>
      <Suspense>
        <RegisterForm />
      </Suspense>
    </>
  );
}
