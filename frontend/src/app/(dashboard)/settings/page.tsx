import type { Metadata } from "next";

import { ServerDataProvider } from "@/components/shared/server-data";
import { serverProfile } from "@/lib/server-api";

import { SettingsView } from "./settings-view";

export const metadata: Metadata = { title: "Settings" };

export default async function SettingsPage() {
  return (
    <ServerDataProvider data={await serverProfile()}>
      <SettingsView />
    </ServerDataProvider>
  );
}
