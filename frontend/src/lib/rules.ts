import { fieldRules } from "@plinth/client";
import { z } from "@/lib/zod";

/** A text field's rules as the API states them (clients/typescript/src/rules.ts, generated). */
type TextRules = { readonly minLength?: number; readonly maxLength?: number };

const count = new Intl.NumberFormat("en");

/**
 * A Zod string holding the API's own length limits, so a form answers at once
 * with the limit the API would apply (the API decides; its field details land
 * on the same fields). `required` is the message for an empty value.
 */
export function text(rules: TextRules, required?: string) {
  let schema = z.string();
  if (required) schema = schema.trim().min(Math.max(rules.minLength ?? 1, 1), required);
  if (rules.maxLength !== undefined) {
    schema = schema.max(rules.maxLength, `At most ${count.format(rules.maxLength)} characters`);
  }
  return schema;
}

export const resourceRules = fieldRules.CreateResourceRequest;
export const profileRules = fieldRules.ProfilePatch;
export const analysisRules = fieldRules.CreateAnalysisBody;
