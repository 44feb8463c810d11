// Building the warehouse: complete and checked, or not at all.
#include <doctest/doctest.h>

#include <SQLiteCpp/Database.h>

#include "base/error.h"
#include "support.h"
#include "warehouse/warehouse.h"

namespace {

/// A copy of the project's schema/ and seeds/ that a test may break.
test::fs::path copy_sources(const test::TempDir& dir) {
  auto root = dir / "project";
  test::fs::create_directories(root);
  test::fs::copy(test::source_dir() / "schema", root / "schema", test::fs::copy_options::recursive);
  test::fs::copy(test::source_dir() / "seeds", root / "seeds", test::fs::copy_options::recursive);
  return root;
}

}  // namespace

TEST_CASE("build: creates a checked warehouse from the embedded seeds") {
  test::TempDir dir;
  auto path = dir / "w.db";
  auto summary = aigc::build_warehouse(path, aigc::BuildSources::embedded());
  CHECK(summary.tables.size() == aigc::BuildSources::embedded().seeds.size());
  SQLite::Database db(path.string());
  CHECK(db.execAndGet("PRAGMA integrity_check").getString() == "ok");
  CHECK(db.execAndGet("SELECT count(*) FROM pragma_foreign_key_check").getInt() == 0);
  CHECK(db.execAndGet("SELECT value FROM aigc_meta WHERE key = 'seed_origin'").getString() == "embedded");
  CHECK(test::entries(dir.path()) == std::vector<std::string>{"w.db"});  // no temporary file left
}

TEST_CASE("build: a bad seed file leaves the old warehouse byte-identical and no temporary file") {
  test::TempDir dir;
  auto path = dir / "w.db";
  aigc::build_warehouse(path, aigc::BuildSources::embedded());
  const std::string before = test::read_file(path);
  auto root = copy_sources(dir);
  SUBCASE("a value of the wrong type") {
    auto text = test::read_file(root / "seeds" / "pricing.csv");
    text.replace(text.find(",0.03,0.03,"), 11, ",cheap,0.03,");
    test::write_file(root / "seeds" / "pricing.csv", text);
    CHECK_THROWS_WITH_AS(aigc::build_warehouse(path, aigc::BuildSources::from_directory(root)),
                         doctest::Contains("seeds/pricing.csv:2:"), aigc::LoadError);
  }
  SUBCASE("a seed file naming no table") {
    test::write_file(root / "seeds" / "prices.csv", "a\n1\n");
    CHECK_THROWS_WITH_AS(aigc::build_warehouse(path, aigc::BuildSources::from_directory(root)),
                         doctest::Contains("did you mean pricing?"), aigc::UsageError);
  }
  SUBCASE("a broken schema file") {
    test::write_file(root / "schema" / "999_bad.sql", "CREATE TABLE oops (;");
    CHECK_THROWS_WITH_AS(aigc::build_warehouse(path, aigc::BuildSources::from_directory(root)),
                         doctest::Contains("schema/999_bad.sql"), aigc::DataError);
  }
  CHECK(test::read_file(path) == before);
  CHECK(test::entries(dir.path()) == std::vector<std::string>{"project", "w.db"});
}

TEST_CASE("build: replaces the old file by rename, so open readers keep a consistent view") {
  test::TempDir dir;
  auto path = dir / "w.db";
  aigc::build_warehouse(path, aigc::BuildSources::embedded());
  SQLite::Database reader(path.string(), SQLite::OPEN_READWRITE);
  reader.exec("INSERT INTO aigc_meta VALUES ('marker', 'old')");  // only in the old file
  aigc::build_warehouse(path, aigc::BuildSources::embedded());
  // The old connection still sees the old file (renamed away, still open)...
  CHECK(reader.execAndGet("SELECT count(*) FROM aigc_meta WHERE key = 'marker'").getInt() == 1);
  // ...and a new one sees the rebuilt warehouse without it.
  SQLite::Database fresh(path.string());
  CHECK(fresh.execAndGet("SELECT count(*) FROM aigc_meta WHERE key = 'marker'").getInt() == 0);
}

TEST_CASE("build: removes the temporary file of a build that was killed") {
  test::TempDir dir;
  auto path = dir / "w.db";
  // A pid that cannot be running: above the kernel's pid_max default.
  auto stale = dir / ".w.db.build-99999999";
  test::write_file(stale, "half a database");
  aigc::build_warehouse(path, aigc::BuildSources::embedded());
  CHECK_FALSE(test::fs::exists(stale));
}

TEST_CASE("build: seed tables load after the tables they refer to") {
  test::TempDir dir;
  auto path = dir / "w.db";
  aigc::build_warehouse(path, aigc::BuildSources::embedded());
  SQLite::Database db(path.string());
  auto order = aigc::load_order(db.getHandle(), {"pricing", "product", "firm", "report_section"});
  auto pos = [&](const std::string& t) { return std::find(order.begin(), order.end(), t) - order.begin(); };
  CHECK(pos("report_section") < pos("firm"));
  CHECK(pos("firm") < pos("product"));
  CHECK(pos("product") < pos("pricing"));
}
