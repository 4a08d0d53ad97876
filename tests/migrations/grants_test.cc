// What Supabase's API roles can do once every migration is applied on a
// database whose default privileges are a Supabase project's (everything on
// `public` to anon and authenticated): exactly the list of migration 0008,
// asserted against the catalog, and the attacks of the hardening issue
// refused by PostgreSQL itself, as they would be through Supabase's REST API.

#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <pqxx/pqxx>

#include "libs/migrate/migrate.h"
#include "tests/migrations/catalog.h"
#include "tests/support/pg.h"

namespace plinth {
namespace {

// Supabase's own setup, as far as privileges go (run as the migrating role).
constexpr char kSupabaseDefaults[] = R"sql(
do $$ begin
  if not exists (select 1 from pg_roles where rolname = 'anon') then create role anon nologin noinherit; end if;
  if not exists (select 1 from pg_roles where rolname = 'authenticated') then create role authenticated nologin noinherit; end if;
  if not exists (select 1 from pg_roles where rolname = 'service_role') then create role service_role nologin noinherit bypassrls; end if;
exception when duplicate_object or unique_violation then null;
end $$;
grant usage on schema public to anon, authenticated, service_role;
alter default privileges in schema public grant all on tables to anon, authenticated, service_role;
alter default privileges in schema public grant all on functions to anon, authenticated, service_role;
alter default privileges in schema public grant all on sequences to anon, authenticated, service_role;
)sql";

// Every privilege of anon and authenticated (tests/migrations/catalog.h).
const std::string kPrivileges = testing::PrivilegesSql("values ('anon'), ('authenticated')") + " order by 1";

class GrantsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    url_ = testing::CreateEmptyDatabase();
    ASSERT_FALSE(url_.empty());
    {
      pqxx::connection c(url_);
      pqxx::nontransaction tx(c);
      tx.exec(kSupabaseDefaults);
    }
    auto applied = migrate::Apply(url_, testing::MigrationsDir());
    ASSERT_TRUE(applied.ok()) << applied.status();
  }

  // Runs `sql` as `role` (with `user` as the token's subject for
  // authenticated): "" when it succeeded, "denied" when PostgreSQL refused
  // for want of a privilege, else the error.
  std::string As(const std::string& role, const std::string& user, const std::string& sql) {
    pqxx::connection c(url_);
    pqxx::work tx(c);
    if (!user.empty()) {
      tx.exec_params("select set_config('request.jwt.claims', $1, true)", testing::ClaimsJson(user));
    }
    tx.exec("set local role " + role);
    return testing::Attempt(tx, sql);
  }

  std::string url_;
};

// Migration 0008's list, plus reading one's own billing account (0012).
TEST_F(GrantsTest, ApiRolesHaveExactlyWhatMigration0008Lists) {
  pqxx::connection c(url_);
  pqxx::nontransaction tx(c);
  std::vector<std::string> got;
  for (const auto& row : tx.exec(kPrivileges)) got.push_back(row[0].as<std::string>());
  const std::vector<std::string> want = {
      "authenticated public.analyses SELECT",
      "authenticated public.billing_accounts SELECT",
      "authenticated public.credit_ledger SELECT",
      "authenticated public.profiles SELECT",
      "authenticated public.profiles UPDATE(avatar_url,full_name)",
      "authenticated public.resources DELETE",
      "authenticated public.resources INSERT(content,metadata,title,user_id)",
      "authenticated public.resources SELECT",
      "authenticated public.resources UPDATE(content,metadata,status,title)",
  };
  EXPECT_EQ(got, want);
}

TEST_F(GrantsTest, TheIssuesAttacksAreRefusedByTheDatabase) {
  const std::string user = testing::CreateUserWithProfile(url_, 1);
  std::string resource;
  {
    pqxx::connection c(url_);
    pqxx::work tx(c);
    resource = tx.exec_params("insert into resources (user_id, title) values ($1, 'T') returning id", user)[0][0]
                   .as<std::string>();
    tx.commit();
  }
  constexpr char kDenied[] = "denied";
  // An analysis without a credit, for the sweeper to run for free.
  EXPECT_EQ(As("authenticated", user,
               "insert into public.analyses (id, resource_id, user_id, prompt) values (gen_random_uuid(), '" +
                   resource + "', '" + user + "', 'free')"),
            kDenied);
  // Credits and subscription state of one's own account (readable, never writable).
  EXPECT_EQ(As("authenticated", user, "update public.billing_accounts set credits_remaining = 1000000"), kDenied);
  EXPECT_EQ(As("authenticated", user, "update public.billing_accounts set subscription_tier = 'team'"), kDenied);
  EXPECT_EQ(As("authenticated", user, "insert into public.billing_accounts (user_id) values (gen_random_uuid())"),
            kDenied);
  EXPECT_EQ(As("authenticated", user,
               "insert into public.credit_ledger (key, user_id, delta, reason) values "
               "('gift', '" +
                   user + "', 100, 'gift')"),
            kDenied);
  EXPECT_EQ(As("authenticated", user, "select plinth_private.refund_credit('" + user + "', 'x')"), kDenied);
  EXPECT_EQ(As("authenticated", user, "select * from public.schema_migrations"), kDenied);
  EXPECT_EQ(As("authenticated", user, "select * from public.stripe_events"), kDenied);
  EXPECT_EQ(As("anon", "", "select * from public.profiles"), kDenied);
  EXPECT_EQ(As("anon", "", "select public.plinth_ensure_auth_user(gen_random_uuid(), 'x@example.com')"), kDenied);
  // What a user may do still works, on their own rows.
  EXPECT_EQ(As("authenticated", user, "update public.profiles set full_name = 'Me'"), "");
  EXPECT_EQ(As("authenticated", user, "select * from public.analyses"), "");
}

}  // namespace
}  // namespace plinth
