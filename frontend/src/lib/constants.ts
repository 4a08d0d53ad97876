/** The cookie holding the dev sign-in's access token (the browser reads it to call the API). */
export const DEV_TOKEN_COOKIE = "plinth_dev_token";

import { queryRules } from "@plinth/client";

const listQuery = queryRules.ResourceService_ListResources;

/** The statuses and sorts the API accepts (generated from its OpenAPI document). */
export const RESOURCE_STATUSES = listQuery.status.enum;
export type ResourceSort = (typeof listQuery.sort.enum)[number];
export const DEFAULT_RESOURCE_SORT: ResourceSort = listQuery.sort.default;

// Every sort the API has needs a label: a new one fails the type check here.
const SORT_LABELS: Record<ResourceSort, string> = {
  "-created_at": "Newest first",
  created_at: "Oldest first",
  "-updated_at": "Recently updated",
  updated_at: "Least recently updated",
  title: "Title A–Z",
  "-title": "Title Z–A",
};
export const RESOURCE_SORTS = listQuery.sort.enum.map((value) => ({ value, label: SORT_LABELS[value] }));

export const PAGE_SIZE = 10;

/** How often a page asks for an analysis that is not finished yet. */
export const ANALYSIS_POLL_MS = 1000;
