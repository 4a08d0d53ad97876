"use client";

import { fieldRules } from "@plinth/client";
import dynamic from "next/dynamic";
import Link from "next/link";
import { useParams, useRouter } from "next/navigation";
import { useState } from "react";
import { useSWRConfig } from "swr";

import { useApi } from "@/components/providers";
import { AnalysisRow } from "@/components/shared/analysis-row";
import { ErrorState } from "@/components/shared/error-state";
import { Skeleton } from "@/components/shared/loading";
import { StatusBadge } from "@/components/shared/status-badge";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { Field } from "@/components/ui/field";
import { Textarea } from "@/components/ui/input";
import { Count } from "@/components/shared/numbers";
import { Time } from "@/components/shared/time";
import { useResourceAnalyses } from "@/hooks/use-analyses";
import { useProfile } from "@/hooks/use-profile";
import { keys } from "@/lib/keys";
import { isResourcesKey, useResource } from "@/hooks/use-resources";
import { analysisName } from "@/lib/names";
import { useToast } from "@/components/shared/toast";

// The form (and Zod with it) loads when it is opened, not with the page.
const ResourceForm = dynamic(() => import("@/components/forms/resource-form").then((m) => m.ResourceForm), {
  loading: () => <Skeleton lines={4} />,
});

export function ResourceView() {
  const { id } = useParams<{ id: string }>();
  const api = useApi();
  const router = useRouter();
  const { mutate: mutateAll } = useSWRConfig();
  const { data: resource, error, mutate } = useResource(id);
  const analyses = useResourceAnalyses(id);
  const [editing, setEditing] = useState(false);
  const [actionError, setActionError] = useState<unknown>(null);
  const [busy, setBusy] = useState<"archive" | "delete" | "analyse" | null>(null);
  const [prompt, setPrompt] = useState("");
  const [showAll, setShowAll] = useState(false);
  const profile = useProfile();
  const toast = useToast();
  const noCredits = profile.data?.credits_remaining === 0;

  if (error) {
    return (
      <>
        <Link href="/resources" className="text-sm text-indigo-700 underline">← Resources</Link>
        <ErrorState error={error} onRetry={() => void mutate()} />
      </>
    );
  }
  if (!resource) {
    return (
      <div data-testid="resource-skeleton" className="space-y-6">
        <div className="h-8 w-2/3 animate-pulse rounded bg-slate-200" />
        <Skeleton lines={1} className="w-1/3" />
        <Card>
          <Skeleton lines={6} />
        </Card>
      </div>
    );
  }

  const act = async (kind: "archive" | "delete" | "analyse", action: () => Promise<void>) => {
    setActionError(null);
    setBusy(kind);
    try {
      await action();
    } catch (e) {
      setActionError(e);
    } finally {
      setBusy(null);
    }
  };

  const long = (resource.content?.length ?? 0) > 1500;
  return (
    <>
      <Link href="/resources" className="text-sm text-indigo-700 underline">← Resources</Link>
      <div className="flex items-start justify-between gap-4">
        {/* A title of any length wraps; words break only when they must. */}
        <h1 className="min-w-0 text-2xl font-semibold [overflow-wrap:anywhere]" data-testid="resource-title">{resource.title}</h1>
        <StatusBadge status={resource.status} />
      </div>
      <p className="text-xs text-slate-500">
        Created <Time iso={resource.created_at} /> · updated <Time iso={resource.updated_at} />
      </p>
      {/* The actions come before the content, however long it is. */}
      {!editing && (
        <div className="flex flex-wrap gap-2" data-testid="resource-actions">
          <Button variant="secondary" onClick={() => setEditing(true)}>Edit</Button>
          <Button
            variant="secondary"
            busy={busy === "archive"}
            onClick={() =>
              void act("archive", async () => {
                const status = resource.status === "archived" ? "pending" : "archived";
                await mutate(await api.resources.update(id, { status }), { revalidate: false });
                await mutateAll(isResourcesKey);
                toast(status === "archived" ? "Resource archived" : "Resource restored");
              })
            }
          >
            {resource.status === "archived" ? "Unarchive" : "Archive"}
          </Button>
          <ConfirmDialog
            trigger={
              <Button variant="danger" busy={busy === "delete"}>
                Delete
              </Button>
            }
            title={`Delete “${resource.title.length > 80 ? `${resource.title.slice(0, 80)}…` : resource.title}”?`}
            description="The resource and its analyses are deleted. This cannot be undone."
            confirmLabel="Delete for good"
            onConfirm={() =>
              void act("delete", async () => {
                await api.resources.delete(id);
                await mutateAll(isResourcesKey);
                toast("Resource deleted");
                router.push("/resources");
              })
            }
          />
        </div>
      )}
      {actionError !== null && <ErrorState error={actionError} />}
      {editing ? (
        <Card>
          <ResourceForm
            resource={resource}
            submitLabel="Save"
            onCancel={() => setEditing(false)}
            onSubmit={async (values) => {
              const updated = await api.resources.update(id, values);
              await mutate(updated, { revalidate: false });
              await mutateAll(isResourcesKey);
              setEditing(false);
              toast("Changes saved");
            }}
          />
        </Card>
      ) : (
        <Card>
          <div className={long && !showAll ? "relative max-h-80 overflow-hidden" : undefined}>
            <p className="whitespace-pre-wrap text-sm text-slate-800 [overflow-wrap:anywhere]" data-testid="resource-content">
              {resource.content || <span className="text-slate-400">No content.</span>}
            </p>
            {long && !showAll && <div aria-hidden className="absolute inset-x-0 bottom-0 h-16 bg-gradient-to-t from-white" />}
          </div>
          {long && (
            <Button variant="ghost" className="mt-2" aria-expanded={showAll} onClick={() => setShowAll((v) => !v)}>
              {showAll ? "Show less" : <>Show all (<Count value={resource.content?.length ?? 0} /> characters)</>}
            </Button>
          )}
          {resource.content_truncated && <p className="mt-2 text-xs text-slate-500">Content shortened in this view.</p>}
        </Card>
      )}
      <Card>
        <h2 className="mb-3 font-semibold">Analyses</h2>
        <form
          className="space-y-3"
          onSubmit={(e) => {
            e.preventDefault();
            void act("analyse", async () => {
              const analysis = await api.analyses.create(id, prompt.trim() ? { prompt: prompt.trim() } : {});
              await mutateAll(keys.profile);
              router.push(`/analyses/${analysis.id}`);
            });
          }}
        >
          <Field id="prompt" label="Instruction (optional)" hint="Leave empty for a summary. Costs one credit.">
            <Textarea className="min-h-16" value={prompt} maxLength={fieldRules.CreateAnalysisBody.prompt.maxLength} onChange={(e) => setPrompt(e.target.value)} />
          </Field>
          <Button type="submit" busy={busy === "analyse"} disabled={noCredits} aria-describedby={noCredits ? "no-credits" : undefined}>
            Run analysis
          </Button>
          {noCredits && (
            <p id="no-credits" className="text-sm text-slate-600">
              No credits left. <Link href="/settings/billing" className="font-medium text-indigo-700 underline">Get credits</Link> to run an analysis.
            </p>
          )}
        </form>
        <div className="mt-4">
          {analyses.error ? (
            <ErrorState error={analyses.error} onRetry={() => void analyses.mutate()} />
          ) : !analyses.data ? (
            <Skeleton lines={2} />
          ) : analyses.data.data.length === 0 ? (
            <p className="text-sm text-slate-500">No analyses yet.</p>
          ) : (
            <ul className="divide-y divide-slate-100">
              {analyses.data.data.map((a) => (
                <AnalysisRow key={a.id} analysis={a} label={analysisName(a.prompt)} />
              ))}
            </ul>
          )}
        </div>
      </Card>
    </>
  );
}
