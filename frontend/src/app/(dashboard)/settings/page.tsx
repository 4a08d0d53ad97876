import type { Metadata } from "next";

import { ServerDataProvider } from "@/components/shared/server-data";
import { keys } from "@/lib/keys";
import { serverData } from "@/lib/server-api";

import { SettingsView } from "./settings-view";

export const metadata: Metadata = { title: "Settings" };

export default async function SettingsPage() {
  return (
    <ServerDataProvider data={await serverData([[keys.profile, (api) => api.profiles.me()]])}>
      <SettingsView />
    </ServerDataProvider>
  );
}
