-- For a database whose migrations ran as a superuser (every Plinth database
-- before migration 0010): hands what they created to plinth_owner, so that
-- the owner can apply the next migrations. Run once, as a superuser, in that
-- database, after cluster.sql; idempotent. Objects of the SECURITY DEFINER
-- functions' owner (plinth_definer) and of other roles (Supabase's own) stay
-- as they are.
--
--   psql "postgresql://postgres@HOST/plinth" -f migrations/bootstrap/adopt.sql

do $$
declare
  o record;
begin
  execute format('alter database %I owner to plinth_owner', current_database());
  for o in
    select format('alter schema %I owner to plinth_owner', n.nspname) as sql
      from pg_namespace n join pg_roles r on r.oid = n.nspowner
     where n.nspname in ('auth', 'plinth_private') and r.rolsuper
    union all
    select format('alter %s %I.%I owner to plinth_owner',
                  case c.relkind when 'v' then 'view'
                                 when 'm' then 'materialized view' else 'table' end, n.nspname, c.relname)
      from pg_class c join pg_namespace n on n.oid = c.relnamespace join pg_roles r on r.oid = c.relowner
     where n.nspname in ('public', 'auth', 'plinth_private') and c.relkind in ('r', 'p', 'v', 'm')
       and r.rolsuper
    union all
    select format('alter function %s owner to plinth_owner', p.oid::regprocedure)
      from pg_proc p join pg_namespace n on n.oid = p.pronamespace join pg_roles r on r.oid = p.proowner
     where n.nspname in ('public', 'auth', 'plinth_private') and r.rolsuper
  loop
    execute o.sql;
  end loop;
end
$$;
