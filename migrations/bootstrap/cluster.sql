-- Run once per PostgreSQL cluster by a superuser, before the first migration,
-- on a plain PostgreSQL (a Supabase project already has all of this: its
-- `postgres` role is the owner). Idempotent.
--
--   psql "postgresql://postgres@HOST/postgres" -f migrations/bootstrap/cluster.sql
--   psql ... -c "alter role plinth_owner password '...'"   (unless local trust)
--   createdb -O plinth_owner plinth            (the database, owned by it)
--
-- plinth_owner runs the migrations and owns what they create. It may create
-- roles (migration 0010 creates the services' login roles) but is no
-- superuser and does not bypass row-level security. Supabase's API roles
-- are created here because only a superuser may create service_role
-- (BYPASSRLS); migration 0001 creates them only where they are missing.

do $$
declare
  r text;
begin
  foreach r in array array['anon', 'authenticated', 'service_role', 'plinth_owner'] loop
    if not exists (select 1 from pg_roles where rolname = r) then
      begin
        execute format('create role %I %s', r, case r
          when 'plinth_owner' then 'login createrole nosuperuser nobypassrls nocreatedb'
          when 'service_role' then 'nologin noinherit bypassrls'
          else 'nologin noinherit' end);
      exception when duplicate_object or unique_violation then
        null;  -- created meanwhile by another session
      end;
    end if;
  end loop;
end
$$;
