import { analysisRules } from "@/lib/rules";

/**
 * What an analysis is called in lists: its instruction, or "Summary" for the
 * default one (the API fills it in when none was given).
 */
export function analysisName(prompt: string): string {
  const text = prompt.trim();
  if (!text || text === analysisRules.prompt.default) return "Summary";
  return text.length > 90 ? `${text.slice(0, 90)}…` : text;
}
