"use client";

import dynamic from "next/dynamic";
import Link from "next/link";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { Suspense, useRef, useState } from "react";
import { useSWRConfig } from "swr";

import { useApi } from "@/components/providers";
import { EmptyState } from "@/components/shared/empty-state";
import { ErrorState } from "@/components/shared/error-state";
import { Loading, Skeleton } from "@/components/shared/loading";
import { StatusBadge } from "@/components/shared/status-badge";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Count } from "@/components/shared/numbers";
import { Select } from "@/components/ui/input";
import { Time } from "@/components/shared/time";
import { isResourcesKey, useResources } from "@/hooks/use-resources";
import { RESOURCE_SORTS, RESOURCE_STATUSES } from "@/lib/constants";
import { resourcesQueryFrom } from "@/lib/keys";
import { useToast } from "@/components/shared/toast";

// The form (and Zod with it) loads when it is opened, not with the page.
const ResourceForm = dynamic(() => import("@/components/forms/resource-form").then((m) => m.ResourceForm), {
  loading: () => <Skeleton lines={4} />,
});

function ResourcesList() {
  const api = useApi();
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();
  const query = resourcesQueryFrom(params);
  const { data, error, isLoading, mutate } = useResources(query);
  const { mutate: mutateAll } = useSWRConfig();
  const [creating, setCreating] = useState(false);
  const toast = useToast();
  const newButton = useRef<HTMLButtonElement>(null);
  const stopCreating = () => {
    setCreating(false);
    // Focus goes back where it came from, not to the page's start.
    requestAnimationFrame(() => newButton.current?.focus());
  };

  const setParam = (changes: Record<string, string | null>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(changes)) {
      if (v === null || v === "") next.delete(k);
      else next.set(k, v);
    }
    router.replace(`${pathname}?${next.toString()}`);
  };

  return (
    <>
      <div className="flex items-center justify-between">
      <h1 className="text-2xl font-semibold">Resources</h1>
        <Button ref={newButton} onClick={() => setCreating(true)} disabled={creating} aria-expanded={creating} aria-controls="new-resource">
          New resource
        </Button>
      </div>
      {creating && (
        <Card id="new-resource">
          <h2 className="mb-3 font-semibold">New resource</h2>
          <ResourceForm
            submitLabel="Create"
            onCancel={stopCreating}
            onSubmit={async (values) => {
              const created = await api.resources.create(values);
              await mutateAll(isResourcesKey);
              toast("Resource created");
              router.push(`/resources/${created.id}`);
            }}
          />
        </Card>
      )}
      <div className="flex flex-wrap gap-3">
        <label className="text-sm">
          <span className="mr-2 text-slate-600">Status</span>
          <Select
            aria-label="Status"
            className="inline-block w-auto"
            value={query.status ?? ""}
            onChange={(e) => setParam({ status: e.target.value, page: null })}
          >
            <option value="">All</option>
            {RESOURCE_STATUSES.map((s) => (
              <option key={s} value={s}>{s}</option>
            ))}
          </Select>
        </label>
        <label className="text-sm">
          <span className="mr-2 text-slate-600">Sort</span>
          <Select
            aria-label="Sort"
            className="inline-block w-auto"
            value={query.sort}
            onChange={(e) => setParam({ sort: e.target.value, page: null })}
          >
            {RESOURCE_SORTS.map((s) => (
              <option key={s.value} value={s.value}>{s.label}</option>
            ))}
          </Select>
        </label>
      </div>
      {error ? (
        <ErrorState error={error} onRetry={() => void mutate()} />
      ) : isLoading || !data ? (
        <Card>
          <Skeleton lines={5} />
        </Card>
      ) : data.data.length === 0 ? (
        <EmptyState title={query.status ? `No ${query.status} resources` : "No resources yet"}>
          {query.status ? "Try another status." : "Create one to run analyses on it."}
        </EmptyState>
      ) : (
        <Card className="p-0">
          <table className="w-full text-left text-sm" data-testid="resources-table">
            <thead className="border-b border-slate-200 text-slate-500">
              <tr>
                <th className="px-4 py-2 font-medium">Title</th>
                <th className="px-4 py-2 font-medium">Status</th>
                <th className="px-4 py-2 font-medium">Updated</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {data.data.map((r) => (
                <tr key={r.id}>
                  <td className="px-4 py-2">
                    <Link href={`/resources/${r.id}`} className="line-clamp-2 text-indigo-700 underline [overflow-wrap:anywhere]">{r.title}</Link>
                  </td>
                  <td className="px-4 py-2"><StatusBadge status={r.status} /></td>
                  <td className="whitespace-nowrap px-4 py-2 text-slate-500"><Time iso={r.updated_at} /></td>
                </tr>
              ))}
            </tbody>
          </table>
        </Card>
      )}
      {data && data.meta.total_pages > 1 && (
        <nav className="flex items-center justify-between text-sm" aria-label="Pagination">
          <Button
            variant="secondary"
            disabled={data.meta.page <= 1}
            onClick={() => setParam({ page: String(data.meta.page - 1) })}
          >
            Previous
          </Button>
          <span data-testid="page-info">
            Page <Count value={data.meta.page} /> of <Count value={data.meta.total_pages} /> (<Count value={data.meta.total} /> in all)
          </span>
          <Button
            variant="secondary"
            disabled={data.meta.page >= data.meta.total_pages}
            onClick={() => setParam({ page: String(data.meta.page + 1) })}
          >
            Next
          </Button>
        </nav>
      )}
    </>
  );
}

export function ResourcesView() {
  return (
    <Suspense fallback={<Loading />}>
      <ResourcesList />
    </Suspense>
  );
}
