import { fieldRules } from "@plinth/client";

// Straight from the generated rules, not @/lib/rules: that one brings Zod,
// which pages that only list analyses do not need.
const DEFAULT_PROMPT = fieldRules.CreateAnalysisBody.prompt.default;

/**
 * What an analysis is called in lists: its instruction, or "Summary" for the
 * default one (the API fills it in when none was given).
 */
export function analysisName(prompt: string): string {
  const text = prompt.trim();
  if (!text || text === DEFAULT_PROMPT) return "Summary";
  return text.length > 90 ? `${text.slice(0, 90)}…` : text;
}
