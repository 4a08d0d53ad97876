"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import Link from "next/link";
import { useRouter, useSearchParams } from "next/navigation";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { z } from "@/lib/zod";

import { useConfig } from "@/components/providers";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { supabaseFor } from "@/lib/supabase/client";
import { safeNext } from "@/lib/utils";

const emailSchema = z.email("Enter a valid email address").max(254);
const credentials = z.object({ email: emailSchema, password: z.string().min(8, "At least 8 characters") });
type Credentials = z.infer<typeof credentials>;

function NotConfigured() {
  return (
    <p role="alert" className="text-sm text-slate-700">
      Sign-in is not configured. Set <code>NEXT_PUBLIC_SUPABASE_URL</code> and <code>NEXT_PUBLIC_SUPABASE_ANON_KEY</code>{" "}
      (see frontend/README.md).
    </p>
  );
}

/** The local stack's sign-in, clearly apart from the real one. */
function DevSignInForm() {
  const router = useRouter();
  const next = safeNext(useSearchParams().get("next"));
  const [failure, setFailure] = useState<string | null>(null);
  const form = useForm<{ email: string }>({ resolver: zodResolver(z.object({ email: emailSchema })), defaultValues: { email: "" } });
  const submit = form.handleSubmit(async ({ email }) => {
    setFailure(null);
    const response = await fetch("/api/dev-session", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ email }),
    }).catch(() => null);
    if (!response?.ok) {
      setFailure("The dev sign-in failed; is the frontend running with the local stack's secret?");
      return;
    }
    router.replace(next);
    router.refresh();
  });
  return (
    <form onSubmit={submit} className="space-y-4" noValidate data-testid="dev-sign-in">
      <div className="rounded-md bg-amber-50 p-3 text-xs text-amber-900 ring-1 ring-amber-300">
        <strong>Local development sign-in.</strong> No password: any email becomes a user of the local stack. It exists only
        in builds made by <code>./plinth up</code> and never with Supabase configured.
      </div>
      <Field id="email" label="Email" error={form.formState.errors.email?.message}>
        <Input type="email" autoComplete="email" {...form.register("email")} />
      </Field>
      {failure && <p role="alert" className="text-sm text-red-600">{failure}</p>}
      <Button type="submit" className="w-full" busy={form.formState.isSubmitting}>
        Sign in (dev)
      </Button>
    </form>
  );
}

export function LoginForm() {
  const config = useConfig();
  const router = useRouter();
  const next = safeNext(useSearchParams().get("next"));
  const [failure, setFailure] = useState<string | null>(null);
  const form = useForm<Credentials>({ resolver: zodResolver(credentials), defaultValues: { email: "", password: "" } });
  if (config.authMode === "dev") return <DevSignInForm />;
  const supabase = supabaseFor(config);
  if (!supabase) return <NotConfigured />;
  const submit = form.handleSubmit(async (values) => {
    setFailure(null);
    const { error } = await (await supabase).auth.signInWithPassword(values);
    if (error) {
      setFailure(error.message);
      return;
    }
    router.replace(next);
    router.refresh();
  });
  return (
    <form onSubmit={submit} className="space-y-4" noValidate>
      <Field id="email" label="Email" error={form.formState.errors.email?.message}>
        <Input type="email" autoComplete="email" {...form.register("email")} />
      </Field>
      <Field id="password" label="Password" error={form.formState.errors.password?.message}>
        <Input type="password" autoComplete="current-password" {...form.register("password")} />
      </Field>
      {failure && <p role="alert" className="text-sm text-red-600">{failure}</p>}
      <Button type="submit" className="w-full" busy={form.formState.isSubmitting}>
        Sign in
      </Button>
      <div className="flex justify-between text-sm">
        <Link href="/register" className="text-indigo-700 underline">Create an account</Link>
        <Link href="/forgot-password" className="text-indigo-700 underline">Forgot password?</Link>
      </div>
    </form>
  );
}

export function RegisterForm() {
  const config = useConfig();
  const [done, setDone] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const form = useForm<Credentials>({ resolver: zodResolver(credentials), defaultValues: { email: "", password: "" } });
  if (config.authMode === "dev") return <DevSignInForm />;
  const supabase = supabaseFor(config);
  if (!supabase) return <NotConfigured />;
  const submit = form.handleSubmit(async (values) => {
    setFailure(null);
    const { error } = await (await supabase).auth.signUp({
      ...values,
      options: { emailRedirectTo: `${window.location.origin}/dashboard` },
    });
    if (error) setFailure(error.message);
    else setDone(true);
  });
  if (done) return <p role="status">Check your inbox: we sent you a link to confirm your address.</p>;
  return (
    <form onSubmit={submit} className="space-y-4" noValidate>
      <Field id="email" label="Email" error={form.formState.errors.email?.message}>
        <Input type="email" autoComplete="email" {...form.register("email")} />
      </Field>
      <Field id="password" label="Password" error={form.formState.errors.password?.message}>
        <Input type="password" autoComplete="new-password" {...form.register("password")} />
      </Field>
      {failure && <p role="alert" className="text-sm text-red-600">{failure}</p>}
      <Button type="submit" className="w-full" busy={form.formState.isSubmitting}>
        Create account
      </Button>
      <p className="text-sm">
        Already have one? <Link href="/login" className="text-indigo-700 underline">Sign in</Link>
      </p>
    </form>
  );
}

export function ForgotPasswordForm() {
  const config = useConfig();
  const [done, setDone] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const form = useForm<{ email: string }>({ resolver: zodResolver(z.object({ email: emailSchema })), defaultValues: { email: "" } });
  if (config.authMode === "dev") {
    return <p className="text-sm text-slate-700">The local dev sign-in has no passwords. <Link href="/login" className="underline">Sign in</Link></p>;
  }
  const supabase = supabaseFor(config);
  if (!supabase) return <NotConfigured />;
  const submit = form.handleSubmit(async ({ email }) => {
    setFailure(null);
    const { error } = await (await supabase).auth.resetPasswordForEmail(email, { redirectTo: `${window.location.origin}/settings` });
    if (error) setFailure(error.message);
    else setDone(true);
  });
  if (done) return <p role="status">If an account exists for that address, a reset link is on its way.</p>;
  return (
    <form onSubmit={submit} className="space-y-4" noValidate>
      <Field id="email" label="Email" error={form.formState.errors.email?.message}>
        <Input type="email" autoComplete="email" {...form.register("email")} />
      </Field>
      {failure && <p role="alert" className="text-sm text-red-600">{failure}</p>}
      <Button type="submit" className="w-full" busy={form.formState.isSubmitting}>
        Send a reset link
      </Button>
    </form>
  );
}
