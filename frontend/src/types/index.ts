// The API's types come from the generated client; nothing is redeclared here.
export type {
  Analysis,
  AnalysisStatus,
  ErrorCode,
  Page,
  PageMeta,
  Plan,
  Profile,
  Resource,
  ResourceStatus,
  ListResourcesQuery,
} from "@plinth/client";
export type { PublicConfig } from "./config";
