-- The business table (docs/ARCHITECTURE.md, "Data model"): each user's resources.

create table public.resources (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references public.profiles (id) on delete cascade,
  title text not null check (char_length(title) between 1 and 200),
  content text not null default '' check (char_length(content) <= 100000),
  -- The service enforces 16 KiB on the compact JSON it writes; jsonb's text
  -- form adds spaces, so the backstop here is looser.
  metadata jsonb not null default '{}'::jsonb
    check (jsonb_typeof(metadata) = 'object' and octet_length(metadata::text) <= 32768),
  status text not null default 'pending'
    check (status in ('pending', 'processing', 'completed', 'failed', 'archived')),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

-- The list query filters by owner (and maybe status) and orders by one of
-- the allowed sort keys; each composite index serves one of them. They also
-- cover the architecture document's user_id / status / created_at DESC
-- indexes, whose leading columns they share.
create index resources_user_created_idx on public.resources (user_id, created_at desc, id desc);
create index resources_user_status_created_idx on public.resources (user_id, status, created_at desc, id desc);
create index resources_user_updated_idx on public.resources (user_id, updated_at desc, id desc);
create index resources_user_title_idx on public.resources (user_id, title, id);
create index resources_status_idx on public.resources (status);

create trigger resources_set_updated_at before update on public.resources
  for each row execute function public.set_updated_at();

alter table public.resources enable row level security;

create policy resources_select_own on public.resources for select to authenticated
  using ((select auth.uid()) = user_id);
create policy resources_insert_own on public.resources for insert to authenticated
  with check ((select auth.uid()) = user_id);
create policy resources_update_own on public.resources for update to authenticated
  using ((select auth.uid()) = user_id) with check ((select auth.uid()) = user_id);
create policy resources_delete_own on public.resources for delete to authenticated
  using ((select auth.uid()) = user_id);

grant select, delete on public.resources to authenticated;
grant insert (user_id, title, content, metadata) on public.resources to authenticated;
grant update (title, content, metadata, status) on public.resources to authenticated;
