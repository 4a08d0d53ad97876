-- Cancelling an analysis (POST /api/v1/analyses/{id}/cancel).
--
-- `cancelled` is a terminal status, like succeeded and failed: it frees the
-- resource for a new analysis (the unique index counts queued and running
-- only). The credit follows provider calls as for a deletion (0009): a model
-- call already made keeps its credit (its tokens were spent) and the worker
-- running it is told at commit to drop the transfer; otherwise the credit
-- is refunded in the same transaction.
--
-- The worker settles a cancelled analysis it had started (its resource back
-- to `pending`); one never started has nothing to settle.

alter table public.analyses drop constraint analyses_status_check;
alter table public.analyses add constraint analyses_status_check
  check (status in ('queued', 'running', 'succeeded', 'failed', 'cancelled'));

drop index public.analyses_unsettled_idx;
create index analyses_unsettled_idx on public.analyses (completed_at)
  where settled_at is null and status in ('succeeded', 'failed', 'cancelled');

-- The analysis's status after the call (null: no such analysis of p_user).
-- Idempotent: an analysis already over is left as it is.
create function plinth_private.cancel_analysis(p_user uuid, p_id uuid) returns text
  language plpgsql security definer set search_path = '' as $$
declare
  was record;
begin
  select status, attempts, provider_called_at into was from public.analyses
    where id = p_id and user_id = p_user for update;
  if not found then
    return null;
  end if;
  if was.status not in ('queued', 'running') then
    return was.status;
  end if;
  update public.analyses set status = 'cancelled', completed_at = now(), retry_at = null,
      settled_at = case when was.attempts = 0 then now() end
    where id = p_id;
  if was.status = 'running' and was.provider_called_at is not null then
    perform pg_notify('plinth_analysis_gone', p_id::text);
  else
    perform plinth_private.refund_credit(p_user, 'analysis:' || p_id::text);
  end if;
  return 'cancelled';
end
$$;

grant create on schema plinth_private to plinth_definer;
alter function plinth_private.cancel_analysis(uuid, uuid) owner to plinth_definer;
revoke create on schema plinth_private from plinth_definer;
revoke all on function plinth_private.cancel_analysis(uuid, uuid) from public;
grant execute on function plinth_private.cancel_analysis(uuid, uuid) to plinth_analysis;

grant select (id, user_id, status, attempts, provider_called_at),
  update (status, completed_at, retry_at, settled_at) on public.analyses to plinth_definer;
create policy analyses_definer on public.analyses to plinth_definer using (true) with check (true);
