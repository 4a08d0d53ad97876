-- Credits move in exactly one place: these functions, called in the same
-- transaction as what they pay for.
--
--   plinth_private.consume_credit(user, key)  takes one credit, once per key
--     (ledger row consume:<key>); raises P0402 when none is left and P0409
--     when the key was used by another user. The billing service's
--     ConsumeCredit and the LLM service's CreateAnalysis (in the transaction
--     that inserts the analysis) both call it, so an analysis never costs a
--     credit without existing.
--   plinth_private.refund_credit(user, key)   gives back the credit taken
--     with `key`, once (ledger row refund:<key>); null when none was taken.
--
-- The schema is not `public`: Supabase's REST API exposes `public` (tables
-- and functions), and nobody but the services' own role may run these.

create schema if not exists plinth_private;
revoke all on schema plinth_private from public;

create function plinth_private.consume_credit(p_user uuid, p_key text) returns integer
  language plpgsql set search_path = '' as $$
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
    select credits_remaining into remaining from public.profiles where id = p_user;
    return coalesce(remaining, 0);
  end if;
  update public.profiles set credits_remaining = credits_remaining - 1
    where id = p_user and credits_remaining > 0
    returning credits_remaining into remaining;
  if not found then
    -- Rolls the ledger row back with the rest of the transaction.
    raise exception 'no credits left' using errcode = 'P0402';
  end if;
  return remaining;
end
$$;

create function plinth_private.refund_credit(p_user uuid, p_key text) returns integer
  language plpgsql set search_path = '' as $$
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
    update public.profiles set credits_remaining = credits_remaining + 1
      where id = p_user returning credits_remaining into remaining;
  else
    select credits_remaining into remaining from public.profiles where id = p_user;
  end if;
  return remaining;
end
$$;

-- Deleting an analysis that never ran to the end (its resource deleted while
-- it was queued or running), or that failed before the worker gave its
-- credit back, gives the credit back in the same transaction.
-- Not when the whole profile goes (account deletion): there is nobody to
-- give it to, and the ledger rows go with the profile.
create function plinth_private.refund_unfinished_analysis() returns trigger
  language plpgsql security definer set search_path = '' as $$
begin
  if (old.status in ('queued', 'running') or (old.status = 'failed' and old.settled_at is null))
     and exists (select 1 from public.profiles where id = old.user_id) then
    perform plinth_private.refund_credit(old.user_id, 'analysis:' || old.id::text);
  end if;
  return old;
end
$$;

revoke all on function plinth_private.consume_credit(uuid, text), plinth_private.refund_credit(uuid, text),
  plinth_private.refund_unfinished_analysis() from public;

create trigger analyses_refund_unfinished after delete on public.analyses
  for each row execute function plinth_private.refund_unfinished_analysis();
