"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import type { Resource } from "@plinth/client";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { z } from "@/lib/zod";

import { ErrorState } from "@/components/shared/error-state";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { Input, Textarea } from "@/components/ui/input";
import { applyFieldErrors } from "@/lib/forms";
import { resourceRules, text } from "@/lib/rules";

// The API's limits (generated from its OpenAPI document): checked here for a
// quick answer, and by the API, whose `details` land on the same fields.
export const resourceSchema = z.object({
  title: text(resourceRules.title, "A title is required"),
  content: text(resourceRules.content),
});
export type ResourceValues = z.infer<typeof resourceSchema>;
const FIELDS = ["title", "content"] as const;

/**
 * Creates or edits a resource. On any failure the input stays as typed: field
 * issues go under their fields, anything else above the button.
 */
export function ResourceForm({
  resource,
  submitLabel,
  onSubmit,
  onCancel,
}: {
  resource?: Resource;
  submitLabel: string;
  onSubmit: (values: ResourceValues) => Promise<void>;
  /** Shown next to the submit button; Escape does the same. */
  onCancel?: () => void;
}) {
  const [failure, setFailure] = useState<unknown>(null);
  const form = useForm<ResourceValues>({
    resolver: zodResolver(resourceSchema),
    defaultValues: { title: resource?.title ?? "", content: resource?.content ?? "" },
  });
  const submit = form.handleSubmit(async (values) => {
    setFailure(null);
    try {
      await onSubmit(values);
    } catch (error) {
      if (!applyFieldErrors(error, FIELDS, form.setError)) setFailure(error);
    }
  });
  return (
    <form
      onSubmit={submit}
      className="space-y-4"
      noValidate
      data-testid="resource-form"
      onKeyDown={(e) => {
        if (e.key === "Escape" && onCancel) onCancel();
      }}
    >
      <Field id="title" label="Title" error={form.formState.errors.title?.message}>
        <Input autoComplete="off" autoFocus {...form.register("title")} />
      </Field>
      <Field id="content" label="Content" error={form.formState.errors.content?.message}>
        <Textarea {...form.register("content")} />
      </Field>
      {failure !== null && <ErrorState error={failure} />}
      <div className="flex flex-wrap gap-2">
        <Button type="submit" busy={form.formState.isSubmitting}>
          {submitLabel}
        </Button>
        {onCancel && (
          <Button type="button" variant="ghost" onClick={onCancel}>
            Cancel
          </Button>
        )}
      </div>
    </form>
  );
}
