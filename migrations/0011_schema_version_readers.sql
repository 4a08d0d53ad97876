-- A release's pods wait in an init container until every migration of their
-- image is applied (`plinth-migrate --wait`, docs/DEPLOY.md), connected as
-- their own role: each may read which migrations were applied, nothing more.
grant select on public.schema_migrations to plinth_profile, plinth_resource, plinth_analysis, plinth_worker,
  plinth_billing;
