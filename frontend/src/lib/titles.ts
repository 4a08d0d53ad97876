/**
 * A page's own part of the document's title (the root layout's template adds
 * " · Plinth"): a long resource title is cut, so the tab shows something.
 */
export function pageTitle(text: string): string {
  return text.length > 60 ? `${text.slice(0, 60)}…` : text;
}
