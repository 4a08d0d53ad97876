-- Billing (owned by the billing service): Stripe events applied exactly once,
-- the credit ledger, and what out-of-order protection needs on profiles.

alter table public.profiles
  add column stripe_subscription_id text,
  -- `created` of the newest subscription event applied to this profile: an
  -- older event delivered late must not overwrite newer state.
  add column subscription_event_at timestamptz;

create index profiles_stripe_customer_idx on public.profiles (stripe_customer_id);

-- One row per Stripe event id, written in the same transaction as the
-- event's effects: a second delivery finds the row and changes nothing.
create table public.stripe_events (
  id text primary key check (id like 'evt\_%'),
  type text not null,
  created_at timestamptz not null,
  received_at timestamptz not null default now()
);

-- Every credit movement, keyed so that retries never move a credit twice:
--   consume:<caller key>, refund:<caller key>, invoice:<Stripe invoice id>.
create table public.credit_ledger (
  key text primary key check (char_length(key) between 1 and 300),
  user_id uuid not null references public.profiles (id) on delete cascade,
  delta integer not null,
  reason text not null,
  created_at timestamptz not null default now()
);

create index credit_ledger_user_idx on public.credit_ledger (user_id, created_at desc);

-- Users never touch these tables; the billing service writes them as owner.
alter table public.stripe_events enable row level security;
alter table public.credit_ledger enable row level security;
create policy credit_ledger_select_own on public.credit_ledger for select to authenticated
  using ((select auth.uid()) = user_id);
grant select on public.credit_ledger to authenticated;
