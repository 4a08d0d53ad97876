-- Exactly what Supabase's API roles may do, whatever the project granted by
-- default. A Supabase project grants `anon` and `authenticated` everything on
-- `public` (tables, functions, sequences) through default privileges, and its
-- REST API lets any holder of the anon key or a user's token use those
-- grants directly, past the services. Row-level security limits rows, not
-- columns or verbs: so revoke everything, then grant column by column what a
-- user needs for their own rows (the policies of 0002-0005 still apply).
--
--   anon           nothing.
--   authenticated  profiles: read; change full_name and avatar_url.
--                  resources: read, create, change title/content/metadata/
--                    status, delete (status: the PATCH contract lets users
--                    archive; the worker's values are only labels on
--                    their own row).
--                  credit_ledger, analyses: read.
--                  stripe_events, schema_migrations: nothing.
-- Credits, subscriptions and analyses are written by the services' own role.
-- tests/migrations/grants_test.cc asserts this list against the catalog.

revoke all on all tables in schema public from anon, authenticated;
revoke all on all sequences in schema public from anon, authenticated;
revoke all on all functions in schema public from public, anon, authenticated;

grant select on public.profiles to authenticated;
grant update (full_name, avatar_url) on public.profiles to authenticated;

grant select, delete on public.resources to authenticated;
grant insert (user_id, title, content, metadata) on public.resources to authenticated;
grant update (title, content, metadata, status) on public.resources to authenticated;

grant select on public.credit_ledger to authenticated;
grant select on public.analyses to authenticated;

-- Nobody inserts analyses as a user any more (0007: the LLM service inserts
-- them with the credit, as its own role).
drop policy analyses_insert_own on public.analyses;

-- Whatever later migrations create in `public` starts with no grants to the
-- API roles, whoever's default privileges would say otherwise for this role.
alter default privileges in schema public revoke all on tables from anon, authenticated;
alter default privileges in schema public revoke all on sequences from anon, authenticated;
alter default privileges in schema public revoke all on functions from public, anon, authenticated;
