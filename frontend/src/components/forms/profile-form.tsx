"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import type { Profile } from "@plinth/client";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { z } from "@/lib/zod";

import { ErrorState } from "@/components/shared/error-state";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { applyFieldErrors } from "@/lib/forms";
import { profileRules, text } from "@/lib/rules";

// Quick checks with the API's own limits (generated from its OpenAPI
// document); the API decides (an avatar must be an https URL, for one) and
// its `details` land on the same fields.
export const profileSchema = z.object({
  full_name: text(profileRules.full_name),
  avatar_url: z.union([z.literal(""), z.url("Enter a URL").pipe(text(profileRules.avatar_url))]),
});
export type ProfileValues = z.infer<typeof profileSchema>;
const FIELDS = ["full_name", "avatar_url"] as const;

export function ProfileForm({ profile, onSave }: { profile: Profile; onSave: (values: ProfileValues) => Promise<void> }) {
  const [failure, setFailure] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  const form = useForm<ProfileValues>({
    resolver: zodResolver(profileSchema),
    defaultValues: { full_name: profile.full_name ?? "", avatar_url: profile.avatar_url ?? "" },
  });
  const submit = form.handleSubmit(async (values) => {
    setFailure(null);
    setSaved(false);
    try {
      await onSave(values);
      setSaved(true);
    } catch (error) {
      if (!applyFieldErrors(error, FIELDS, form.setError)) setFailure(error);
    }
  });
  return (
    <form onSubmit={submit} className="space-y-4" noValidate data-testid="profile-form">
      <Field id="full_name" label="Name" error={form.formState.errors.full_name?.message}>
        <Input autoComplete="name" {...form.register("full_name")} />
      </Field>
      <Field id="avatar_url" label="Avatar URL" hint="An https:// address of an image." error={form.formState.errors.avatar_url?.message}>
        <Input type="url" autoComplete="photo" {...form.register("avatar_url")} />
      </Field>
      {failure !== null && <ErrorState error={failure} />}
      {saved && <p role="status" className="text-sm text-green-700">Saved.</p>}
      <Button type="submit" busy={form.formState.isSubmitting}>Save</Button>
    </form>
  );
}
