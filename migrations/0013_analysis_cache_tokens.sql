-- The prompt cache's share of an analysis's input, as the provider reports
-- it (Anthropic's cache_read_input_tokens and cache_creation_input_tokens; an
-- OpenAI-compatible server's cached prompt tokens are reads): stored with the
-- rest of the usage by the worker, returned by the API.

alter table public.analyses
  add column cache_read_input_tokens integer check (cache_read_input_tokens >= 0),
  add column cache_write_input_tokens integer check (cache_write_input_tokens >= 0);

grant update (cache_read_input_tokens, cache_write_input_tokens) on public.analyses to plinth_worker;
