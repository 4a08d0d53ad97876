/** The cookie holding the dev sign-in's access token (the browser reads it to call the API). */
export const DEV_TOKEN_COOKIE = "plinth_dev_token";

export const RESOURCE_STATUSES = ["pending", "processing", "completed", "failed", "archived"] as const;

export const RESOURCE_SORTS = [
  { value: "-created_at", label: "Newest first" },
  { value: "created_at", label: "Oldest first" },
  { value: "-updated_at", label: "Recently updated" },
  { value: "title", label: "Title A–Z" },
  { value: "-title", label: "Title Z–A" },
] as const;

export const PAGE_SIZE = 10;

/** How often a page asks for an analysis that is not finished yet. */
export const ANALYSIS_POLL_MS = 1000;
