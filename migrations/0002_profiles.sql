-- One profile per auth user (docs/ARCHITECTURE.md, "Data model").

create table public.profiles (
  id uuid primary key references auth.users (id) on delete cascade,
  email text,
  full_name text check (full_name is null or char_length(full_name) <= 255),
  avatar_url text check (avatar_url is null or char_length(avatar_url) <= 2048),
  subscription_status text not null default 'free' check (subscription_status in (
    'free', 'trialing', 'active', 'past_due', 'canceled', 'unpaid', 'incomplete',
    'incomplete_expired', 'paused')),
  subscription_tier text not null default 'free',
  subscription_current_period_end timestamptz,
  stripe_customer_id text unique,
  credits_remaining integer not null default 0 check (credits_remaining >= 0),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create function public.set_updated_at() returns trigger language plpgsql as $$
begin
  new.updated_at := now();
  return new;
end
$$;

create trigger profiles_set_updated_at before update on public.profiles
  for each row execute function public.set_updated_at();

alter table public.profiles enable row level security;

-- `(select auth.uid())` is evaluated once per statement, not once per row.
create policy profiles_select_own on public.profiles for select to authenticated
  using ((select auth.uid()) = id);
create policy profiles_update_own on public.profiles for update to authenticated
  using ((select auth.uid()) = id) with check ((select auth.uid()) = id);

-- Users read their row and may change only their name and avatar; everything
-- else (credits, subscription) is written by the services' own role.
grant select on public.profiles to authenticated;
grant update (full_name, avatar_url) on public.profiles to authenticated;
