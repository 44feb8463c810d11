// Users' data beside the report's: provenance that never claims the report
// holds what it does not, saved queries that say their scope, report
// queries that stay the report's however much users load, indexes that keep
// them fast, and analyses of the user's own rows.
#include <doctest/doctest.h>

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <string>

#include "core/check.h"
#include "core/warehouse.h"
#include "support.h"

namespace {

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

/// A freshly built warehouse in its own directory.
struct Built {
  test::TempDir dir;
  test::fs::path db = dir / "w.db";
  Built() { aigc::build_warehouse(db, aigc::BuildSources::embedded()); }
  void exec(const std::string& sql) const {
    SQLite::Database d(db.string(), SQLite::OPEN_READWRITE);
    d.exec(sql);
  }
};

const aigc::CheckResult& result_of(const aigc::CheckReport& r, const std::string& name) {
  for (const auto& c : r.results)
    if (c.name == name) return c;
  FAIL("no check named " << name);
  return r.results.front();
}

aigc::CheckReport run_check(const Built& w, const std::string& name) {
  SQLite::Database d(w.db.string(), SQLite::OPEN_READONLY);
  aigc::CheckOptions o;
  o.only = {name};
  return aigc::run_checks(d.getHandle(), o);
}

}  // namespace

TEST_CASE("user data: the report's own rows quote the lines they cite") {
  Built w;
  const auto r = run_check(w, "quotes");
  const auto& q = result_of(r, "quotes");
  INFO(q.error);
  CHECK_FALSE(q.failed());
}

TEST_CASE("user data: check flags a row whose quote is not on the report line it cites") {
  Built w;
  SUBCASE("a quote the cited line does not hold") {
    w.exec("INSERT INTO pricing (pricing_id, product_id, billing_basis, as_of, section_id, source_line, source_quote) "
           "VALUES ('mine', 'gpt4', 'tokens', '2024-01', 'business_models', 514, '0.5元/千tokens')");
    const auto report = run_check(w, "quotes");
    const auto& q = result_of(report, "quotes");
    REQUIRE(q.total == 1);
    CHECK(q.findings[0].table == "pricing");
    CHECK(q.findings[0].key == "pricing_id = 'mine'");
    CHECK(contains(q.findings[0].detail, "line 514"));
  }
  SUBCASE("a line beyond the report's end") {
    w.exec("UPDATE firm SET source_line = 999999 WHERE rowid = 1");
    const auto report = run_check(w, "quotes");
    const auto& q = result_of(report, "quotes");
    CHECK(q.failed());
    REQUIRE(q.total >= 1);
    CHECK(contains(q.findings[0].detail, "999999"));
  }
  SUBCASE("the command exits 1 and names the check") {
    w.exec("UPDATE pricing SET source_quote = 'no such text' WHERE pricing_id = 'gpt4_input'");
    auto r = test::run_aigc({"--db", w.db.string(), "check"}, w.dir.path());
    INFO(r.describe());
    CHECK(r.status == 1);
    CHECK(contains(r.out, "FAIL  quotes"));
    CHECK(contains(r.out, "pricing_id = 'gpt4_input'"));
  }
}

TEST_CASE("user data: the embedded report text is the report's extracted text") {
  // ../shared beside the project; from a git worktree under wt/, two levels up.
  auto original = test::shared_dir() / "seeds" / "000_2d2ee71bf9cf23a4.txt";
  if (!test::fs::exists(original)) original = test::source_dir() / ".." / ".." / "shared" / "seeds" / "000_2d2ee71bf9cf23a4.txt";
  REQUIRE(test::fs::exists(original));
  CHECK(test::read_file(test::source_dir() / "report" / "000_2d2ee71bf9cf23a4.txt") == test::read_file(original));
}
