-- Operators (CALLER_OPERATOR: app_metadata.plinth_role = "operator") act on
-- any user's analyses; every action they take is recorded here, in the same
-- transaction as the action.
--
-- operator_audit is append-only: the analysis service (the only writer) may
-- insert and read; no role of the API may update or delete, and a trigger
-- refuses updates, deletes and truncation from anyone, the owner included.

create table public.operator_audit (
  id bigint generated always as identity primary key,
  at timestamptz not null default now(),
  operator_id uuid not null,
  action text not null check (action in ('retry', 'cancel')),
  -- The analyses the action changed.
  targets uuid[] not null,
  -- What the operator asked: ids or filter, as sent.
  request jsonb not null default '{}',
  reason text not null default '' check (char_length(reason) <= 500),
  request_id text not null default '' check (char_length(request_id) <= 128)
);
create index operator_audit_at_idx on public.operator_audit (at desc);

create function plinth_private.refuse_audit_change() returns trigger
  language plpgsql set search_path = '' as $$
begin
  raise exception 'operator_audit is append-only' using errcode = '42501';
end
$$;
create trigger operator_audit_append_only before update or delete or truncate on public.operator_audit
  for each statement execute function plinth_private.refuse_audit_change();

revoke all on public.operator_audit from public, anon, authenticated;
alter table public.operator_audit enable row level security;
grant select, insert on public.operator_audit to plinth_analysis;
create policy operator_audit_select_by_analysis_service on public.operator_audit for select to plinth_analysis
  using (true);
create policy operator_audit_insert_by_analysis_service on public.operator_audit for insert to plinth_analysis
  with check (true);

-- A failed analysis queued again for a new attempt: false when it is not
-- failed (already retried: idempotent) or its resource has another analysis
-- queued or running. No credit moves: the one taken at creation stays the
-- analysis's, and its refund (if the failure gave one) is not taken back
-- nor given twice.
create function plinth_private.retry_analysis(p_id uuid) returns boolean
  language plpgsql security definer set search_path = '' as $$
begin
  update public.analyses set status = 'queued', attempts = 0, error = null, output = null, started_at = null,
      completed_at = null, retry_at = null, settled_at = null, provider_called_at = null
    where id = p_id and status = 'failed';
  return found;
exception when unique_violation then
  return false;
end
$$;

grant create on schema plinth_private to plinth_definer;
alter function plinth_private.retry_analysis(uuid) owner to plinth_definer;
revoke create on schema plinth_private from plinth_definer;
revoke all on function plinth_private.retry_analysis(uuid) from public;
grant execute on function plinth_private.retry_analysis(uuid) to plinth_analysis;
revoke all on function plinth_private.refuse_audit_change() from public;

grant update (attempts, error, output, started_at, provider_called_at) on public.analyses to plinth_definer;
