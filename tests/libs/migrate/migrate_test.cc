#include "libs/migrate/migrate.h"

#include <filesystem>
#include <fstream>
#include <thread>

#include <gtest/gtest.h>
#include <pqxx/pqxx>

#include "libs/auth/jwt.h"
#include "tests/support/pg.h"

namespace plinth::migrate {
namespace {

namespace fs = std::filesystem;

fs::path CopyOfMigrations() {
  fs::path dir = fs::temp_directory_path() / ("plinth-migrations-" + auth::NewUuid());
  fs::create_directories(dir);
  for (const auto& e : fs::directory_iterator(testing::MigrationsDir())) {
    fs::copy(e.path(), dir / e.path().filename());
  }
  return dir;
}

int Count(const std::string& url, const std::string& sql) {
  pqxx::connection c(url);
  pqxx::nontransaction tx(c);
  return tx.exec(sql)[0][0].as<int>();
}

TEST(Migrate, AppliesEverythingOnceAndRecordsIt) {
  std::string url = testing::CreateEmptyDatabase();
  ASSERT_FALSE(url.empty());
  auto first = Apply(url, testing::MigrationsDir());
  ASSERT_TRUE(first.ok()) << first.status();
  int files = 0;
  for (const auto& e : fs::directory_iterator(testing::MigrationsDir())) files += e.path().extension() == ".sql";
  EXPECT_EQ(*first, files);
  EXPECT_EQ(Count(url, "select count(*) from schema_migrations"), files);
  auto second = Apply(url, testing::MigrationsDir());
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(*second, 0);
}

TEST(Migrate, RefusesAnEditedAppliedMigration) {
  std::string url = testing::CreateEmptyDatabase();
  fs::path dir = CopyOfMigrations();
  ASSERT_TRUE(Apply(url, dir).ok());
  std::ofstream(dir / "0002_profiles.sql", std::ios::app) << "\n-- edited\n";
  auto again = Apply(url, dir);
  ASSERT_FALSE(again.ok());
  EXPECT_NE(again.status().message().find("0002_profiles.sql was changed"), std::string::npos) << again.status();
  fs::remove_all(dir);
}

TEST(Migrate, AFailingMigrationLeavesNothingHalfApplied) {
  std::string url = testing::CreateEmptyDatabase();
  fs::path dir = CopyOfMigrations();
  std::ofstream(dir / "9000_broken.sql") << "create table half_done (x int);\nselect 1/0;\n";
  auto r = Apply(url, dir);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("9000_broken.sql"), std::string::npos);
  EXPECT_EQ(Count(url, "select count(*) from pg_tables where tablename = 'half_done'"), 0);
  EXPECT_EQ(Count(url, "select count(*) from schema_migrations where version = 9000"), 0);
  fs::remove_all(dir);
}

TEST(Migrate, ConcurrentRunnersApplyEachFileOnce) {
  std::string url = testing::CreateEmptyDatabase();
  std::vector<absl::StatusOr<int>> results(4, 0);
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&, i] { results[i] = Apply(url, testing::MigrationsDir()); });
  }
  for (auto& t : threads) t.join();
  int total = 0;
  for (const auto& r : results) {
    ASSERT_TRUE(r.ok()) << r.status();
    total += *r;
  }
  EXPECT_EQ(total, Count(url, "select count(*) from schema_migrations"));
}

TEST(Migrate, RejectsBadFileNames) {
  std::string url = testing::CreateEmptyDatabase();
  fs::path dir = CopyOfMigrations();
  std::ofstream(dir / "add_things.sql") << "select 1;";
  EXPECT_FALSE(Apply(url, dir).ok());
  fs::remove_all(dir);
}

}  // namespace
}  // namespace plinth::migrate
