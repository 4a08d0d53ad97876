-- Least-privilege database roles: each service and the worker connect as a
-- login role of their own (NOSUPERUSER, NOBYPASSRLS, NOINHERIT) holding only
-- what its statements need; nothing they do bypasses row-level security by
-- privilege. Migrations run as the owner (the role running this file, which
-- owns the tables); the services never do. docs/ARCHITECTURE.md, "Database
-- roles", lists who may do what and why; tests/migrations/roles_test.cc
-- compares the catalog with tests/migrations/privileges.expected.
--
--   plinth_profile   its own statements as `authenticated` (SET ROLE per
--                    transaction, as PostgREST), plus creating a user's
--                    profile row on first sight (id, email, credits).
--   plinth_resource  only as `authenticated`.
--   plinth_analysis  as `authenticated` for reads; creates analyses of the
--                    caller's own resources and takes their credit.
--   plinth_worker    runs analyses of every user: reads them, writes their
--                    progress and outcome columns.
--   plinth_billing   subscription and Stripe columns of profiles, Stripe
--                    events, credits granted by invoices, refunds.
--   plinth_definer   NOLOGIN. Owns the SECURITY DEFINER functions (credits,
--                    the refund trigger, the local auth user): what they do
--                    for every user runs with its few grants, not the owner's.
--
-- What must see every user's rows does so through a policy written for that
-- role (`to plinth_worker using (true)`), never by bypassing RLS. Passwords
-- are not set here: the migrate command sets each role's password from its
-- own connection URL (DATABASE_URL_<SERVICE>) when it is given one.
-- Roles are cluster-wide; databases migrating at once may race to create
-- them, so a duplicate is not an error. CREATEROLE is what the owner needs.

do $$
declare
  r text;
begin
  foreach r in array array['plinth_profile', 'plinth_resource', 'plinth_analysis', 'plinth_worker',
                           'plinth_billing', 'plinth_definer'] loop
    if not exists (select 1 from pg_roles where rolname = r) then
      begin
        execute format('create role %I %s nosuperuser nobypassrls noinherit nocreatedb nocreaterole',
                       r, case when r = 'plinth_definer' then 'nologin' else 'login' end);
      exception when duplicate_object or unique_violation then
        null;
      end;
    end if;
  end loop;
  -- The owner hands its SECURITY DEFINER functions to plinth_definer below.
  -- As PostgREST: a transaction switches to `authenticated` with the user's
  -- claims (libs/db UserTx); membership allows SET ROLE, NOINHERIT keeps the
  -- service role from holding `authenticated`'s grants the rest of the time.
  -- (Memberships are cluster-wide too: the same race.)
  begin
    execute format('grant plinth_definer to %I', current_user);
    grant authenticated to plinth_profile, plinth_resource, plinth_analysis;
  exception when unique_violation then
    null;
  end;
end
$$;

grant usage on schema public to plinth_profile, plinth_resource, plinth_analysis, plinth_worker, plinth_billing,
  plinth_definer;
grant usage on schema plinth_private to plinth_analysis, plinth_billing, plinth_definer;

-- ---- functions: owned by plinth_definer, run with its grants ---------------

-- ALTER ... OWNER needs the new owner to be able to create in the schema.
grant create on schema public, plinth_private to plinth_definer;
alter function plinth_private.consume_credit(uuid, text) owner to plinth_definer;
alter function plinth_private.consume_credit(uuid, text) security definer;
alter function plinth_private.refund_credit(uuid, text) owner to plinth_definer;
alter function plinth_private.refund_credit(uuid, text) security definer;
alter function plinth_private.refund_unfinished_analysis() owner to plinth_definer;
alter function public.plinth_ensure_auth_user(uuid, text) owner to plinth_definer;
alter function public.plinth_ensure_auth_user(uuid, text) security definer set search_path = '';
revoke create on schema public, plinth_private from plinth_definer;

revoke all on function plinth_private.consume_credit(uuid, text), plinth_private.refund_credit(uuid, text),
  plinth_private.refund_unfinished_analysis(), public.plinth_ensure_auth_user(uuid, text) from public;
grant execute on function plinth_private.consume_credit(uuid, text) to plinth_analysis, plinth_billing;
grant execute on function plinth_private.refund_credit(uuid, text) to plinth_billing, plinth_definer;
grant execute on function public.plinth_ensure_auth_user(uuid, text) to plinth_profile;

grant select (id, credits_remaining), update (credits_remaining) on public.profiles to plinth_definer;
grant select, insert on public.credit_ledger to plinth_definer;
create policy profiles_definer on public.profiles to plinth_definer using (true) with check (true);
create policy credit_ledger_definer on public.credit_ledger to plinth_definer using (true) with check (true);
-- Locally the shim's auth.users is ours (0001); on Supabase, Supabase Auth
-- owns it and plinth_ensure_auth_user does nothing.
do $$
begin
  if exists (select 1 from pg_tables where schemaname = 'auth' and tablename = 'users'
             and tableowner = current_user) then
    grant usage on schema auth to plinth_definer;
    grant select (id), insert (id, email) on auth.users to plinth_definer;
  end if;
end
$$;

-- ---- profile ---------------------------------------------------------------

-- ON CONFLICT (id) reads the key: the column and a select policy.
grant select (id), insert (id, email, credits_remaining) on public.profiles to plinth_profile;
create policy profiles_insert_by_profile_service on public.profiles for insert to plinth_profile
  with check (true);
create policy profiles_select_by_profile_service on public.profiles for select to plinth_profile
  using (true);

-- ---- analysis --------------------------------------------------------------

-- The insert reads the resource to check its owner in the same statement.
grant select (id, user_id) on public.resources to plinth_analysis;
create policy resources_select_by_analysis_service on public.resources for select to plinth_analysis
  using (true);
grant select, insert (id, resource_id, user_id, prompt) on public.analyses to plinth_analysis;
create policy analyses_select_by_analysis_service on public.analyses for select to plinth_analysis
  using (true);
create policy analyses_insert_by_analysis_service on public.analyses for insert to plinth_analysis
  with check (true);

-- ---- worker ----------------------------------------------------------------

grant select, update (status, attempts, started_at, retry_at, completed_at, error, output, model, input_tokens,
  output_tokens, settled_at, provider_called_at) on public.analyses to plinth_worker;
create policy analyses_select_by_worker on public.analyses for select to plinth_worker using (true);
create policy analyses_update_by_worker on public.analyses for update to plinth_worker
  using (true) with check (true);

-- ---- billing ---------------------------------------------------------------

grant select (id, stripe_customer_id, stripe_subscription_id, subscription_status, subscription_tier,
    subscription_current_period_end, subscription_event_at, credits_remaining),
  update (stripe_customer_id, stripe_subscription_id, subscription_status, subscription_tier,
    subscription_current_period_end, subscription_event_at, credits_remaining)
  on public.profiles to plinth_billing;
create policy profiles_select_by_billing on public.profiles for select to plinth_billing using (true);
create policy profiles_update_by_billing on public.profiles for update to plinth_billing
  using (true) with check (true);
-- Both inserts are ON CONFLICT DO NOTHING: they read the key.
grant select (id), insert on public.stripe_events to plinth_billing;
create policy stripe_events_by_billing on public.stripe_events to plinth_billing using (true) with check (true);
grant select (key), insert (key, user_id, delta, reason) on public.credit_ledger to plinth_billing;
create policy credit_ledger_insert_by_billing on public.credit_ledger for insert to plinth_billing
  with check (true);
create policy credit_ledger_select_by_billing on public.credit_ledger for select to plinth_billing
  using (true);
grant select, insert on public.stripe_ended_subscriptions to plinth_billing;
create policy stripe_ended_subscriptions_by_billing on public.stripe_ended_subscriptions to plinth_billing
  using (true) with check (true);
-- RefundCredit refunds only a failed analysis of the caller's.
grant select (id, user_id, status) on public.analyses to plinth_billing;
create policy analyses_select_by_billing on public.analyses for select to plinth_billing using (true);
