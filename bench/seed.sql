-- Benchmark data: 1,000 users x 50 resources, idempotent. User i has id
-- md5('bench-user-' || i)::uuid, so tokens can be minted for known users.
insert into auth.users (id, email)
select md5('bench-user-' || i)::uuid, 'bench' || i || '@example.com'
from generate_series(1, 1000) i
on conflict (id) do nothing;

-- Billing's trigger opens each account with the free plan's credits.
insert into public.profiles (id, email)
select md5('bench-user-' || i)::uuid, 'bench' || i || '@example.com'
from generate_series(1, 1000) i
on conflict (id) do nothing;

insert into public.resources (user_id, title, content, metadata, created_at, updated_at)
select md5('bench-user-' || i)::uuid,
       'Resource ' || j || ' of user ' || i,
       repeat('Lorem ipsum dolor sit amet. ', 20),
       jsonb_build_object('index', j, 'tags', jsonb_build_array('bench', 'seed')),
       now() - make_interval(mins => j), now() - make_interval(mins => j)
from generate_series(1, 1000) i, generate_series(1, 50) j
where not exists (select 1 from public.resources r where r.user_id = md5('bench-user-' || i)::uuid);

analyze public.profiles;
analyze public.billing_accounts;
analyze public.resources;
