"use client";

import { ProfileForm } from "@/components/forms/profile-form";
import { useApi } from "@/components/providers";
import { ErrorState } from "@/components/shared/error-state";
import { Loading } from "@/components/shared/loading";
import { Card } from "@/components/ui/card";
import { useProfile } from "@/hooks/use-profile";

export function SettingsView() {
  const api = useApi();
  const { data: profile, error, mutate } = useProfile();
  return (
    <>
      <h1 className="text-2xl font-semibold">Settings</h1>
      {error ? (
        <ErrorState error={error} onRetry={() => void mutate()} />
      ) : !profile ? (
        <Loading />
      ) : (
        <Card className="space-y-4">
          <div className="flex items-center gap-4">
            {profile.avatar_url ? (
              // eslint-disable-next-line @next/next/no-img-element -- any host the user gives; next/image needs a fixed list
              <img src={profile.avatar_url} alt="" className="h-12 w-12 rounded-full object-cover" referrerPolicy="no-referrer" />
            ) : (
              <div className="flex h-12 w-12 items-center justify-center rounded-full bg-indigo-100 font-semibold text-indigo-700">
                {(profile.full_name || profile.email || "?").slice(0, 1).toUpperCase()}
              </div>
            )}
            <p className="text-sm text-slate-600">{profile.email}</p>
          </div>
          <ProfileForm
            profile={profile}
            onSave={async (values) => {
              // An empty field clears it (null), as the API's PATCH expects.
              const updated = await api.profiles.update({
                full_name: values.full_name.trim() === "" ? null : values.full_name,
                avatar_url: values.avatar_url === "" ? null : values.avatar_url,
              });
              await mutate(updated, { revalidate: false });
            }}
          />
        </Card>
      )}
    </>
  );
}
