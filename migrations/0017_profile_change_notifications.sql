-- The profile service keeps profiles in its own memory (issue #30): every
-- committed change to a profile, not only to its billing account (0012),
-- notifies `plinth_profile_changed` with the user id, so every replica drops
-- its entry, whoever wrote the row (the service itself, a migration, an
-- operator's SQL). A deleted profile too: its entry must not outlive it.

create function plinth_private.notify_profile_row_changed() returns trigger
  language plpgsql set search_path = '' as $$
begin
  perform pg_notify('plinth_profile_changed', (case when tg_op = 'DELETE' then old.id else new.id end)::text);
  return null;
end
$$;
revoke all on function plinth_private.notify_profile_row_changed() from public;

create trigger profiles_notify_profile_changed after update or delete on public.profiles
  for each row execute function plinth_private.notify_profile_row_changed();
