-- What the LLM worker needs to run analyses as durable jobs.
--
-- retry_at:   a queued analysis waiting out its back-off is not claimed before
--             then (the Redis delay set is only the wake-up call).
-- settled_at: set once the side effects of a terminal state are done (resource
--             status, refund of a failed analysis). A terminal analysis with
--             none is settled again by the worker's sweeper, so a worker dying
--             between the two never loses a refund.

alter table public.analyses
  add column retry_at timestamptz,
  add column settled_at timestamptz;

create index analyses_unsettled_idx on public.analyses (completed_at)
  where settled_at is null and status in ('succeeded', 'failed');
