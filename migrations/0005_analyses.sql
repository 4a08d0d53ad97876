-- LLM analyses of resources (owned by the LLM service).

create table public.analyses (
  id uuid primary key,
  resource_id uuid not null references public.resources (id) on delete cascade,
  user_id uuid not null references public.profiles (id) on delete cascade,
  status text not null default 'queued' check (status in ('queued', 'running', 'succeeded', 'failed')),
  prompt text not null check (char_length(prompt) between 1 and 4000),
  model text,
  output text,
  input_tokens integer check (input_tokens >= 0),
  output_tokens integer check (output_tokens >= 0),
  error text,
  attempts integer not null default 0 check (attempts >= 0),
  created_at timestamptz not null default now(),
  started_at timestamptz,
  completed_at timestamptz
);

-- At most one analysis queued or running per resource: the 409 of the
-- contract, enforced by the database even under concurrent requests.
create unique index analyses_one_active_per_resource on public.analyses (resource_id)
  where status in ('queued', 'running');
create index analyses_resource_created_idx on public.analyses (resource_id, created_at desc, id desc);
create index analyses_user_idx on public.analyses (user_id);
-- The worker's sweeper looks for work by status.
create index analyses_status_idx on public.analyses (status) where status in ('queued', 'running');

alter table public.analyses enable row level security;
create policy analyses_select_own on public.analyses for select to authenticated
  using ((select auth.uid()) = user_id);
create policy analyses_insert_own on public.analyses for insert to authenticated
  with check ((select auth.uid()) = user_id);
grant select on public.analyses to authenticated;
grant insert (id, resource_id, user_id, prompt) on public.analyses to authenticated;
