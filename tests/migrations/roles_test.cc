// The database roles of migration 0010, as the catalog has them after every
// migration ran as the owner (plinth_owner, not a superuser): every role's
// attributes, memberships, table, column and function privileges, function
// owners and policies, compared line by line with privileges.expected. A
// grant nobody explained in that file fails here; so does one that went
// missing. Then each service's role is shown unable to touch what it has no
// business with.

#include <algorithm>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>
#include <pqxx/pqxx>

#include "libs/migrate/migrate.h"
#include "tests/migrations/catalog.h"
#include "tests/support/pg.h"

namespace plinth {
namespace {

// Role attributes, memberships, function owners and policies, then the
// privileges of catalog.h for every role but the owner (which owns it all).
const std::string kCatalog =
    R"sql(
select 'role ' || rolname || ':' || case when rolsuper then ' superuser' else '' end
  || case when rolcanlogin then ' login' else ' nologin' end
  || case when rolinherit then ' inherit' else ' noinherit' end
  || case when rolcreaterole then ' createrole' else '' end
  || case when rolcreatedb then ' createdb' else '' end
  || case when rolbypassrls then ' bypassrls' else '' end
from pg_roles where rolname in ('anon', 'authenticated', 'service_role') or rolname like 'plinth\_%'
union all
select 'member ' || m.rolname || ' of ' || g.rolname
from pg_auth_members am join pg_roles g on g.oid = am.roleid join pg_roles m on m.oid = am.member
where m.rolname in ('anon', 'authenticated', 'service_role') or m.rolname like 'plinth\_%'
union all
select 'function ' || n.nspname || '.' || f.proname || ' owned by ' ||
  case when o.rolname like 'plinth\_%' then o.rolname else '(migrating role)' end ||
  case when f.prosecdef then ', security definer' else '' end
from pg_proc f join pg_namespace n on n.oid = f.pronamespace join pg_roles o on o.oid = f.proowner
where n.nspname in ('public', 'plinth_private')
union all
select 'policy ' || tablename || ' ' || policyname || ' ' || cmd || ' to ' || array_to_string(roles, ',')
from pg_policies where schemaname in ('public', 'auth')
union all
select * from ()sql" +
    testing::PrivilegesSql(
        "select rolname from pg_roles where rolname in ('anon', 'authenticated', 'service_role') "
        "or (rolname like 'plinth\\_%' and rolname <> 'plinth_owner')") +
    ") privileges order by 1";

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) out.push_back(line);
  }
  return out;
}

class RolesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    url_ = testing::CreateMigratedDatabase();
    ASSERT_FALSE(url_.empty());
    user_ = testing::CreateUserWithProfile(url_, 5);
    pqxx::connection c(url_);
    pqxx::work tx(c);
    resource_ = tx.exec_params("insert into resources (user_id, title) values ($1, 'T') returning id", user_)[0][0]
                    .as<std::string>();
    analysis_ = tx.exec_params(
                      "insert into analyses (id, resource_id, user_id, prompt) values "
                      "(gen_random_uuid(), $1, $2, 'p') returning id",
                      resource_, user_)[0][0]
                    .as<std::string>();
    tx.commit();
  }

  // Runs `sql` connected as `role`: "" when it succeeded, "denied" when
  // PostgreSQL refused for want of a privilege or a policy, else the error.
  std::string As(const std::string& role, const std::string& sql) {
    pqxx::connection c(testing::AsRole(url_, role));
    pqxx::work tx(c);
    return testing::Attempt(tx, sql);
  }

  std::string url_, user_, resource_, analysis_;
};

TEST_F(RolesTest, TheCatalogHoldsExactlyTheExpectedPrivileges) {
  std::ifstream in("tests/migrations/privileges.expected");
  ASSERT_TRUE(in) << "tests/migrations/privileges.expected not found";
  const std::vector<std::string> want = Lines(std::string(std::istreambuf_iterator<char>(in), {}));
  std::vector<std::string> got;
  {
    pqxx::connection c(url_);
    pqxx::nontransaction tx(c);
    for (const auto& row : tx.exec(kCatalog)) got.push_back(row[0].as<std::string>());
  }
  // Byte order on both sides, whatever the database's collation.
  std::sort(got.begin(), got.end());
  std::vector<std::string> sorted_want = want;
  std::sort(sorted_want.begin(), sorted_want.end());
  std::vector<std::string> unexplained, missing;
  std::set_difference(got.begin(), got.end(), sorted_want.begin(), sorted_want.end(), std::back_inserter(unexplained));
  std::set_difference(sorted_want.begin(), sorted_want.end(), got.begin(), got.end(), std::back_inserter(missing));
  std::string report;
  for (const auto& l : unexplained) report += "  + " + l + "\n";
  for (const auto& l : missing) report += "  - " + l + "\n";
  EXPECT_TRUE(report.empty()) << "the roles differ from tests/migrations/privileges.expected (+ in the database "
                                 "only, - in the file only); change the file in the commit whose migration "
                                 "explains the difference:\n"
                              << report;
}

TEST_F(RolesTest, NoServiceRoleIsSuperuserOrBypassesRowLevelSecurity) {
  pqxx::connection c(url_);
  pqxx::nontransaction tx(c);
  auto rows = tx.exec("select rolname from pg_roles where rolname like 'plinth\\_%' and (rolsuper or rolbypassrls)");
  EXPECT_TRUE(rows.empty()) << rows[0][0].as<std::string>();
}

TEST_F(RolesTest, EachServiceCannotTouchWhatIsNotItsBusiness) {
  constexpr char kDenied[] = "denied";
  const std::string u = "'" + user_ + "'", r = "'" + resource_ + "'", a = "'" + analysis_ + "'";
  struct Attempt {
    const char* role;
    std::string sql;
  };
  const std::vector<Attempt> attempts = {
      // The resource service acts only as the user (SET ROLE authenticated).
      {"plinth_resource", "select * from public.resources"},
      {"plinth_resource", "delete from public.resources where id = " + r},
      {"plinth_resource", "update public.billing_accounts set credits_remaining = 100"},
      {"plinth_resource", "select * from public.stripe_events"},
      {"plinth_resource", "select plinth_private.consume_credit(" + u + ", 'x')"},
      // The profile service creates profile rows and reads what billing
      // grants it of an account; it writes no account.
      {"plinth_profile", "select email from public.profiles"},
      {"plinth_profile", "update public.billing_accounts set credits_remaining = 100 where user_id = " + u},
      {"plinth_profile", "update public.billing_accounts set subscription_tier = 'team' where user_id = " + u},
      {"plinth_profile", "select stripe_customer_id from public.billing_accounts"},
      {"plinth_profile", "insert into public.billing_accounts (user_id) values (" + u + ")"},
      {"plinth_profile", "update plinth_private.billing_settings set free_tier_credits = 1000"},
      {"plinth_profile", "delete from public.profiles where id = " + u},
      {"plinth_profile", "select * from public.analyses"},
      {"plinth_profile", "select * from public.credit_ledger"},
      // The analysis service creates analyses; it does not run them or move credits.
      {"plinth_analysis", "update public.analyses set status = 'succeeded' where id = " + a},
      {"plinth_analysis", "delete from public.analyses where id = " + a},
      {"plinth_analysis", "select content from public.resources"},
      {"plinth_analysis", "update public.billing_accounts set credits_remaining = 100"},
      {"plinth_analysis", "select * from public.billing_accounts"},
      {"plinth_analysis",
       "insert into public.credit_ledger (key, user_id, delta, reason) values ('k', " + u + ", 100, 'gift')"},
      {"plinth_analysis", "select plinth_private.refund_credit(" + u + ", 'analysis:' || " + a + ")"},
      {"plinth_analysis", "select * from public.stripe_events"},
      // The worker runs analyses; it cannot create, delete or re-target them, nor read anything else.
      {"plinth_worker",
       "insert into public.analyses (id, resource_id, user_id, prompt) values "
       "(gen_random_uuid(), " +
           r + ", " + u + ", 'free')"},
      {"plinth_worker", "delete from public.analyses where id = " + a},
      {"plinth_worker", "update public.analyses set user_id = user_id where id = " + a},
      {"plinth_worker", "select * from public.profiles"},
      {"plinth_worker", "select * from public.billing_accounts"},
      {"plinth_worker", "select * from public.resources"},
      {"plinth_worker", "select * from public.credit_ledger"},
      {"plinth_worker", "select plinth_private.refund_credit(" + u + ", 'analysis:' || " + a + ")"},
      {"plinth_worker", "set role authenticated"},
      // Billing: its accounts, events and ledger; no profile, nor resources.
      {"plinth_billing", "select email, full_name from public.profiles"},
      {"plinth_billing", "select id from public.profiles"},
      {"plinth_billing", "update public.profiles set full_name = 'x'"},
      {"plinth_billing", "delete from public.billing_accounts where user_id = " + u},
      {"plinth_billing", "delete from public.profiles where id = " + u},
      {"plinth_billing", "select * from public.resources"},
      {"plinth_billing", "select output from public.analyses"},
      {"plinth_billing", "update public.analyses set status = 'failed'"},
      {"plinth_billing", "delete from public.credit_ledger"},
      {"plinth_billing", "set role authenticated"},
      // Nobody but the owner changes the schema.
      {"plinth_billing", "create table public.x (id int)"},
      {"plinth_worker", "alter table public.analyses disable row level security"},
  };
  for (const auto& attempt : attempts) {
    EXPECT_EQ(As(attempt.role, attempt.sql), kDenied) << attempt.role << ": " << attempt.sql;
  }
  // The login roles cannot become the definer that owns the credit functions.
  for (const char* role : {"plinth_profile", "plinth_resource", "plinth_analysis", "plinth_worker", "plinth_billing"}) {
    EXPECT_EQ(As(role, "set role plinth_definer"), kDenied) << role;
  }
  // What each needs still works.
  EXPECT_EQ(As("plinth_worker", "update public.analyses set status = 'running' where id = " + a), "");
  EXPECT_EQ(
      As("plinth_billing", "update public.billing_accounts set subscription_status = 'active' where user_id = " + u),
      "");
  EXPECT_EQ(As("plinth_profile", "select credits_remaining from public.billing_accounts where user_id = " + u), "");
  EXPECT_EQ(As("plinth_analysis", "select plinth_private.consume_credit(" + u + ", 'analysis:' || " + a + ")"), "");
}

// The migrate command sets each service role's password from the URL the
// service is given; a URL naming another user is refused before anything
// changes.
TEST_F(RolesTest, PasswordsComeFromTheServicesURLs) {
  const std::string owner = testing::AsRole(url_, "plinth_owner");
  auto wrong = migrate::SetRolePasswords(owner, {{"plinth_worker", "postgresql://postgres:x@127.0.0.1/db"}});
  EXPECT_TRUE(absl::IsInvalidArgument(wrong.status())) << wrong.status();
  auto none = migrate::SetRolePasswords(owner, {{"plinth_worker", "postgresql://plinth_worker@127.0.0.1/db"}});
  ASSERT_TRUE(none.ok()) << none.status();
  EXPECT_EQ(*none, 0);
  const std::string password = "it's a \"quoted\" secret; drop role x";
  auto set = migrate::SetRolePasswords(
      owner, {{"plinth_worker", "host=127.0.0.1 user=plinth_worker password='it\\'s a \"quoted\" secret; drop role x'"},
              {"plinth_billing", "postgresql://plinth_billing:b%40d%2Fpass@127.0.0.1/db"}});
  ASSERT_TRUE(set.ok()) << set.status();
  EXPECT_EQ(*set, 2);
  pqxx::connection c(url_);
  pqxx::nontransaction tx(c);
  // SCRAM verifiers of exactly these passwords.
  for (const auto& [role, pw] :
       std::vector<std::pair<std::string, std::string>>{{"plinth_worker", password}, {"plinth_billing", "b@d/pass"}}) {
    auto stored = tx.exec_params("select rolpassword from pg_authid where rolname = $1", role)[0][0];
    ASSERT_FALSE(stored.is_null()) << role;
    EXPECT_EQ(stored.as<std::string>().rfind("SCRAM-SHA-256$", 0), 0u) << role;
  }
  EXPECT_EQ(tx.exec("select count(*) from pg_roles where rolname = 'x'")[0][0].as<int>(), 0);
}

}  // namespace
}  // namespace plinth
