import type { FieldValues, Path, UseFormSetError } from "react-hook-form";

import { asApiError } from "./errors";

/**
 * Puts each field issue of a VALIDATION_ERROR on the form field of that name
 * (the API names fields as the JSON body does). Returns whether every issue
 * found its field; the rest are for a message above the form.
 */
export function applyFieldErrors<T extends FieldValues>(
  error: unknown,
  fields: readonly Path<T>[],
  setError: UseFormSetError<T>,
): boolean {
  const e = asApiError(error);
  if (e.status !== 400 || e.details.length === 0) return false;
  let all = true;
  let focused = false;
  for (const { field, issue } of e.details) {
    const name = fields.find((f) => f === field || field.startsWith(`${f}.`));
    if (!name) {
      all = false;
      continue;
    }
    setError(name, { type: "server", message: issue }, { shouldFocus: !focused });
    focused = true;
  }
  return all;
}
