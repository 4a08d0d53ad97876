-- One writer per table: credits and subscription state leave `profiles` for
-- a table of the billing service's own (docs/ARCHITECTURE.md, "Who writes
-- what"). `profiles` keeps what the profile service writes (email, name,
-- avatar); `billing_accounts` what billing writes (credits, the Stripe
-- customer and subscription). Nobody else writes either:
--   - an account is opened, with the free plan's credits, by a trigger of
--     billing's in the transaction that creates the profile;
--   - credits move only in billing's SECURITY DEFINER functions (0007), which
--     billing grants to the analysis service (an analysis and its credit in
--     one transaction) and which the refund trigger calls;
--   - the profile service reads the columns a profile shows, through a grant.
-- Every change to an account notifies `plinth_profile_changed` (payload: the
-- user id) at commit: the profile service, which owns its cache, drops the
-- user's entry. No other service touches that cache any more.

create table public.billing_accounts (
  user_id uuid primary key references public.profiles (id) on delete cascade,
  credits_remaining integer not null default 0 check (credits_remaining >= 0),
  subscription_status text not null default 'free' check (subscription_status in (
    'free', 'trialing', 'active', 'past_due', 'canceled', 'unpaid', 'incomplete',
    'incomplete_expired', 'paused')),
  subscription_tier text not null default 'free',
  subscription_current_period_end timestamptz,
  stripe_customer_id text unique,
  stripe_subscription_id text,
  -- `created` of the newest subscription event applied (0004).
  subscription_event_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create trigger billing_accounts_set_updated_at before update on public.billing_accounts
  for each row execute function public.set_updated_at();

insert into public.billing_accounts (user_id, credits_remaining, subscription_status, subscription_tier,
    subscription_current_period_end, stripe_customer_id, stripe_subscription_id, subscription_event_at,
    created_at, updated_at)
  select id, credits_remaining, subscription_status, subscription_tier, subscription_current_period_end,
    stripe_customer_id, stripe_subscription_id, subscription_event_at, created_at, updated_at
  from public.profiles;

alter table public.profiles
  drop column credits_remaining,
  drop column subscription_status,
  drop column subscription_tier,
  drop column subscription_current_period_end,
  drop column stripe_customer_id,
  drop column stripe_subscription_id,
  drop column subscription_event_at;

-- The free plan's credits for a new account: the billing service writes its
-- FREE_TIER_CREDITS here when it starts (one row).
create table plinth_private.billing_settings (
  singleton boolean primary key default true check (singleton),
  free_tier_credits integer not null default 10 check (free_tier_credits >= 0)
);
insert into plinth_private.billing_settings default values;

create function plinth_private.open_billing_account() returns trigger
  language plpgsql security definer set search_path = '' as $$
begin
  insert into public.billing_accounts (user_id, credits_remaining)
    select new.id, s.free_tier_credits from plinth_private.billing_settings s
    on conflict (user_id) do nothing;
  return null;
end
$$;

create trigger profiles_open_billing_account after insert on public.profiles
  for each row execute function plinth_private.open_billing_account();

create function plinth_private.notify_profile_changed() returns trigger
  language plpgsql set search_path = '' as $$
begin
  perform pg_notify('plinth_profile_changed', new.user_id::text);
  return null;
end
$$;

-- Not on insert: an account opens with its profile, before anything of it
-- can be cached.
create trigger billing_accounts_notify_profile_changed after update on public.billing_accounts
  for each row execute function plinth_private.notify_profile_changed();

-- The credit functions of 0007 on the new table (same contracts).
create or replace function plinth_private.consume_credit(p_user uuid, p_key text) returns integer
  language plpgsql security definer set search_path = '' as $$
declare
  remaining integer;
begin
  insert into public.credit_ledger (key, user_id, delta, reason)
    values ('consume:' || p_key, p_user, -1, 'consume')
    on conflict (key) do nothing;
  if not found then
    if not exists (select 1 from public.credit_ledger
                   where key = 'consume:' || p_key and user_id = p_user) then
      raise exception 'idempotency key already used' using errcode = 'P0409';
    end if;
    -- Already consumed: the same answer again.
    select credits_remaining into remaining from public.billing_accounts where user_id = p_user;
    return coalesce(remaining, 0);
  end if;
  update public.billing_accounts set credits_remaining = credits_remaining - 1
    where user_id = p_user and credits_remaining > 0
    returning credits_remaining into remaining;
  if not found then
    -- Rolls the ledger row back with the rest of the transaction.
    raise exception 'no credits left' using errcode = 'P0402';
  end if;
  return remaining;
end
$$;

create or replace function plinth_private.refund_credit(p_user uuid, p_key text) returns integer
  language plpgsql security definer set search_path = '' as $$
declare
  remaining integer;
begin
  if not exists (select 1 from public.credit_ledger
                 where key = 'consume:' || p_key and user_id = p_user) then
    return null;
  end if;
  insert into public.credit_ledger (key, user_id, delta, reason)
    values ('refund:' || p_key, p_user, 1, 'refund')
    on conflict (key) do nothing;
  if found then
    update public.billing_accounts set credits_remaining = credits_remaining + 1
      where user_id = p_user returning credits_remaining into remaining;
  else
    select credits_remaining into remaining from public.billing_accounts where user_id = p_user;
  end if;
  return remaining;
end
$$;

-- ---- privileges: grants = ownership ----------------------------------------

revoke all on public.billing_accounts from public, anon, authenticated;
alter table public.billing_accounts enable row level security;
-- Users read their own account (as they read credits on their profile before).
grant select on public.billing_accounts to authenticated;
create policy billing_accounts_select_own on public.billing_accounts for select to authenticated
  using ((select auth.uid()) = user_id);

-- The owner.
grant select, update (credits_remaining, subscription_status, subscription_tier, subscription_current_period_end,
    stripe_customer_id, stripe_subscription_id, subscription_event_at)
  on public.billing_accounts to plinth_billing;
create policy billing_accounts_by_billing on public.billing_accounts to plinth_billing
  using (true) with check (true);
grant select, update (free_tier_credits) on plinth_private.billing_settings to plinth_billing;

-- The profile service reads what a profile shows.
grant select (user_id, credits_remaining, subscription_status, subscription_tier, subscription_current_period_end,
    updated_at)
  on public.billing_accounts to plinth_profile;
create policy billing_accounts_select_by_profile_service on public.billing_accounts for select to plinth_profile
  using (true);

-- Billing's functions: credits, and opening an account.
grant create on schema plinth_private to plinth_definer;
alter function plinth_private.open_billing_account() owner to plinth_definer;
revoke create on schema plinth_private from plinth_definer;
revoke all on function plinth_private.open_billing_account(), plinth_private.notify_profile_changed() from public;
grant select, insert (user_id, credits_remaining), update (credits_remaining)
  on public.billing_accounts to plinth_definer;
create policy billing_accounts_definer on public.billing_accounts to plinth_definer using (true) with check (true);
grant select on plinth_private.billing_settings to plinth_definer;
-- 0010's grants on the moved columns went with them.
drop policy profiles_definer on public.profiles;
revoke all on public.profiles from plinth_definer;
-- The refund trigger still checks that the profile exists.
grant select (id) on public.profiles to plinth_definer;
create policy profiles_select_by_definer on public.profiles for select to plinth_definer using (true);
-- Billing no longer reads or writes profiles (0010).
drop policy profiles_select_by_billing on public.profiles;
drop policy profiles_update_by_billing on public.profiles;
revoke all on public.profiles from plinth_billing;
