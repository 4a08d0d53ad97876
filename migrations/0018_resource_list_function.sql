-- The resources page in one round trip (issue #30): the resource service
-- calls this with the caller's verified claims, outside any transaction
-- block, and the function sets the claims and the role itself before it
-- reads, so the tables' RLS policies apply exactly as in a user transaction
-- (libs/db/pool.h) — without the BEGIN, the settings and the COMMIT each
-- costing a round trip of their own. Security invoker: the service's role
-- switches to `authenticated`, which it is a member of (0010).
--
-- The sort is one of ListResourcesRequest.sort's values (resource.proto);
-- each branch reads in the order of one of 0003's indexes, so a page stops
-- after its rows. An unknown sort is an error, never a default.

create function plinth_private.list_resources(p_claims text, p_limit integer, p_offset bigint, p_status text,
    p_sort text)
  returns table (total bigint, id text, user_id text, title text, content text, metadata text, status text,
    created_at_us bigint, updated_at_us bigint, content_truncated boolean)
  language plpgsql set search_path = '' as $$
#variable_conflict use_column
declare
  v_user uuid;
  v_total bigint;
  v_ids uuid[];
begin
  perform set_config('request.jwt.claims', p_claims, true), set_config('role', 'authenticated', true);
  v_user := auth.uid();
  if v_user is null then
    raise exception 'list_resources: the claims name no user' using errcode = '28000';
  end if;
  select count(*) into v_total from public.resources r
    where r.user_id = v_user and (p_status is null or r.status = p_status);
  if p_sort = '-created_at' then
    v_ids := array(select r.id from public.resources r where r.user_id = v_user and (p_status is null or r.status = p_status)
      order by r.created_at desc, r.id desc limit p_limit offset p_offset);
  elsif p_sort = 'created_at' then
    v_ids := array(select r.id from public.resources r where r.user_id = v_user and (p_status is null or r.status = p_status)
      order by r.created_at asc, r.id asc limit p_limit offset p_offset);
  elsif p_sort = '-updated_at' then
    v_ids := array(select r.id from public.resources r where r.user_id = v_user and (p_status is null or r.status = p_status)
      order by r.updated_at desc, r.id desc limit p_limit offset p_offset);
  elsif p_sort = 'updated_at' then
    v_ids := array(select r.id from public.resources r where r.user_id = v_user and (p_status is null or r.status = p_status)
      order by r.updated_at asc, r.id asc limit p_limit offset p_offset);
  elsif p_sort = '-title' then
    v_ids := array(select r.id from public.resources r where r.user_id = v_user and (p_status is null or r.status = p_status)
      order by r.title desc, r.id desc limit p_limit offset p_offset);
  elsif p_sort = 'title' then
    v_ids := array(select r.id from public.resources r where r.user_id = v_user and (p_status is null or r.status = p_status)
      order by r.title asc, r.id asc limit p_limit offset p_offset);
  else
    raise exception 'list_resources: unknown sort %', p_sort using errcode = '22023';
  end if;
  -- The count's row even past the end (no item: nulls). An item carries the
  -- first 2,000 characters of its content and whether there was more; a text
  -- of at most 2,000 bytes has at most 2,000 characters, so its byte length
  -- decides without walking the UTF-8 for most rows.
  return query
    select v_total, r.id::text, r.user_id::text, r.title,
      case when octet_length(r.content) <= 2000 then r.content else left(r.content, 2000) end,
      r.metadata::text, r.status, (extract(epoch from r.created_at) * 1000000)::bigint,
      (extract(epoch from r.updated_at) * 1000000)::bigint,
      octet_length(r.content) > 2000 and char_length(r.content) > 2000
    from (values (1)) as one (x)
      left join unnest(v_ids) with ordinality as page (id, n) on true
      left join public.resources r on r.id = page.id
    order by page.n;
end
$$;

revoke all on function plinth_private.list_resources(text, integer, bigint, text, text) from public;
grant usage on schema plinth_private to plinth_resource;
grant execute on function plinth_private.list_resources(text, integer, bigint, text, text) to plinth_resource;
