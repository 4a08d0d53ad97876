-- Credits follow provider calls (docs/API.md, "Credits").
--
-- provider_called_at: set by the worker, under the attempt's fence, in the
--   statement just before it sends the provider request; cleared when an
--   attempt is claimed or goes back to `queued`. An analysis deleted with
--   its resource while this is set was paid for (the call was made, its
--   tokens are billed to us): no refund, and the worker is told at once to
--   drop the transfer. Deleted before it is set: no call was made, refund.
--
-- stripe_ended_subscriptions: Stripe never brings a canceled subscription
--   back (a customer who resubscribes gets a new id), so once an event says
--   a subscription ended, no later-arriving event for that id changes the
--   profile, whatever its `created` (which ties on whole seconds).

alter table public.analyses add column provider_called_at timestamptz;

create or replace function plinth_private.refund_unfinished_analysis() returns trigger
  language plpgsql security definer set search_path = '' as $$
declare
  called boolean := old.status = 'running' and old.provider_called_at is not null;
begin
  if called then
    -- Delivered at commit to the worker running it (LISTEN), which drops the
    -- provider transfer.
    perform pg_notify('plinth_analysis_gone', old.id::text);
  end if;
  if ((old.status in ('queued', 'running') and not called) or (old.status = 'failed' and old.settled_at is null))
     and exists (select 1 from public.profiles where id = old.user_id) then
    perform plinth_private.refund_credit(old.user_id, 'analysis:' || old.id::text);
  end if;
  return old;
end
$$;

revoke all on function plinth_private.refund_unfinished_analysis() from public;

create table public.stripe_ended_subscriptions (
  subscription_id text primary key check (char_length(subscription_id) between 1 and 255),
  ended_at timestamptz not null default now()
);
alter table public.stripe_ended_subscriptions enable row level security;
