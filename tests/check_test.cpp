// Data checks: the project's own seeds pass; a broken copy of the warehouse
// is reported row by row with table, key and seed line.
#include <doctest/doctest.h>

#include <SQLiteCpp/Database.h>

#include <algorithm>
#include <sstream>

#include "base/error.h"
#include "query/check.h"
#include "support.h"
#include "warehouse/warehouse.h"

namespace {

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

/// A freshly built warehouse in its own directory.
struct Warehouse {
  test::TempDir dir;
  test::fs::path path = dir / "w.db";
  Warehouse() { aigc::build_warehouse(path, aigc::BuildSources::embedded()); }
  /// Runs SQL on it with CHECK and foreign-key enforcement off, as another
  /// tool could.
  void tamper(const std::string& sql) const {
    SQLite::Database db(path.string(), SQLite::OPEN_READWRITE);
    db.exec("PRAGMA foreign_keys = OFF; PRAGMA ignore_check_constraints = ON;");
    db.exec(sql);
  }
  aigc::CheckReport check() const {
    SQLite::Database db(path.string(), SQLite::OPEN_READONLY);
    aigc::CheckOptions options;
    options.seeds = aigc::warehouse_seeds(db.getHandle());
    return aigc::run_checks(db.getHandle(), options);
  }
};

const aigc::CheckResult& result(const aigc::CheckReport& report, const std::string& name) {
  auto it = std::find_if(report.results.begin(), report.results.end(), [&](const auto& r) { return r.name == name; });
  REQUIRE(it != report.results.end());
  return *it;
}

std::string text(const aigc::CheckReport& report) {
  std::ostringstream out;
  aigc::write_check_report(report, out);
  return out.str();
}

}  // namespace

TEST_CASE("check: the project's own seeds pass every check") {
  Warehouse w;
  const auto report = w.check();
  INFO(text(report));
  CHECK(report.results.size() == aigc::data_checks().size());
  CHECK(report.failed() == 0);
  for (const auto& r : report.results) {
    CAPTURE(r.name);
    CHECK(r.error.empty());
  }
}

TEST_CASE("check: the leader list's two missing firms are a known gap, reported as a warning") {
  Warehouse w;
  const auto report = w.check();
  const auto& counts = result(report, "declared_counts");
  CHECK_FALSE(counts.failed());
  CHECK(counts.warned());
  REQUIRE(counts.findings.size() == 1);
  const auto& f = counts.findings[0];
  CHECK(f.table == "leader_list");
  CHECK(f.key == "list_id = 'aigc_leaders_2023'");
  CHECK(f.source == "seeds/leader_list.csv:2");
  CHECK(f.detail == "declares 30 entries, has 28");
  CHECK(f.known_gap == "leader_list_two_missing");
  CHECK(contains(text(report), "[known gap leader_list_two_missing]"));

  SUBCASE("without its known_gap row it is a failure") {
    w.tamper("DELETE FROM known_gap WHERE gap_id = 'leader_list_two_missing'");
    CHECK(result(w.check(), "declared_counts").failed());
  }
}

TEST_CASE("check: a range whose minimum is above its maximum is printed with table, key and seed line") {
  Warehouse w;
  w.tamper("UPDATE pricing SET price_min = 5, price_max = 1 WHERE pricing_id = 'gpt4_input'");
  auto r = test::run_aigc({"--db", w.path.string(), "check"}, w.dir.path());
  INFO(r.describe());
  CHECK(r.status == 1);
  CHECK(contains(r.out, "FAIL  min_le_max"));
  CHECK(contains(r.out, "pricing: pricing_id = 'gpt4_input' (seeds/pricing.csv:2): price_min 5.0 > price_max 1.0"));
  // The schema's own rule is checked too.
  CHECK(contains(r.out, "FAIL  accepted_values"));
  CHECK(contains(r.out,
                 "pricing: pricing_id = 'gpt4_input' (seeds/pricing.csv:2): price_min = 5.0, price_max = 1.0 "
                 "breaks the rule CHECK (price_min <= price_max)"));
  CHECK(contains(r.out, "ok    foreign_keys"));
  CHECK(contains(r.err, "aigc: 2 checks failed"));
}

TEST_CASE("check: a dangling reference is printed with its key and the missing parent") {
  Warehouse w;
  w.tamper(
      "INSERT INTO pricing (pricing_id, product_id, billing_basis, unit, price_min, price_max, currency, as_of, "
      "source_note) "
      "VALUES ('mine', 'no_such_product', 'tokens', '千tokens', 1, 2, 'CNY', '2024-01', 'my note')");
  const auto report = w.check();
  const auto& fk = result(report, "foreign_keys");
  CHECK(fk.failed());
  REQUIRE(fk.findings.size() == 1);
  CHECK(fk.findings[0].table == "pricing");
  CHECK(fk.findings[0].key == "pricing_id = 'mine'");
  CHECK(fk.findings[0].source.empty());  // not a seed row
  CHECK(fk.findings[0].detail == "product_id = 'no_such_product': no product row has product_id like that");
  CHECK(report.failed() == 1);
}

TEST_CASE("check: rows without provenance fail, by seed line") {
  Warehouse w;
  w.tamper(
      "UPDATE firm SET section_id = NULL, source_note = NULL WHERE firm_id = (SELECT min(firm_id) FROM firm);"
      "UPDATE known_gap SET source_line = NULL WHERE gap_id = 'funding_charts'");
  const auto report = w.check();
  const auto& p = result(report, "provenance");
  CHECK(p.failed());
  REQUIRE(p.findings.size() == 2);
  CHECK(p.findings[0].table == "firm");  // tables in name order: firm before known_gap
  CHECK(contains(p.findings[0].source, "seeds/firm.csv:"));
  CHECK(p.findings[0].detail == "no provenance: neither section_id nor source_note is set");
  CHECK(p.findings[1].table == "known_gap");
  CHECK(p.findings[1].key == "gap_id = 'funding_charts'");
  CHECK(p.findings[1].source == "seeds/known_gap.csv:3");
  CHECK(p.findings[1].detail == "section_id 'funding' without its source_line");
}

TEST_CASE("check: duplicate keys are found in the table itself, even where the index cannot show them") {
  Warehouse w;
  // A unique index declared over rows that already repeat: what a damaged
  // file or another tool's schema edit can leave behind.
  {
    SQLite::Database db(w.path.string(), SQLite::OPEN_READWRITE);
    db.exec(
        "CREATE TABLE notes (code TEXT, body TEXT); INSERT INTO notes VALUES ('a', 'one'), ('b', 'two'), ('a', "
        "'three');"
        "CREATE INDEX notes_code ON notes (code);"
        "PRAGMA writable_schema = ON;"
        "UPDATE sqlite_schema SET sql = 'CREATE UNIQUE INDEX notes_code ON notes (code)' WHERE name = 'notes_code';");
  }
  const auto report = w.check();
  const auto& u = result(report, "unique_keys");
  CHECK(u.failed());
  REQUIRE(u.findings.size() == 2);
  CHECK(u.findings[0].key == "rowid = 1");
  CHECK(u.findings[1].key == "rowid = 3");
  CHECK(u.findings[0].detail == "duplicate key: code = 'a' is in more than one row");
  CHECK(result(report, "integrity").failed());
}

TEST_CASE("check: a table of the user's own without provenance columns is not a failure") {
  Warehouse w;
  auto r = test::run_aigc({"--db", w.path.string(), "import", "-", "--as", "mine"}, w.dir.path(), "a,b\n1,2\n");
  REQUIRE(r.status == 0);
  r = test::run_aigc({"--db", w.path.string(), "check"}, w.dir.path());
  INFO(r.describe());
  CHECK(r.status == 0);
  CHECK(contains(r.out, "9 checks: 8 passed, 0 failed, 1 passed with known gaps"));
}

TEST_CASE("check: --format writes the failing rows as data, --only and --list choose checks") {
  Warehouse w;
  w.tamper("UPDATE key_figure SET value_min = value_max + 1 WHERE rowid = 1");
  SUBCASE("csv") {
    auto r =
        test::run_aigc({"--db", w.path.string(), "check", "--only", "min_le_max", "--format", "csv"}, w.dir.path());
    INFO(r.describe());
    CHECK(r.status == 1);
    CHECK(r.out.rfind("check,status,table,key,source,detail,known_gap\n", 0) == 0);
    CHECK(contains(r.out, "min_le_max,fail,key_figure,"));
    CHECK(contains(r.out, "seeds/key_figure.csv:2"));
  }
  SUBCASE("an unknown check is a usage error with a suggestion") {
    auto r = test::run_aigc({"--db", w.path.string(), "check", "--only", "min_le_mx"}, w.dir.path());
    CHECK(r.status == 2);
    CHECK(contains(r.err, "did you mean min_le_max?"));
  }
  SUBCASE("--list names every check") {
    auto r = test::run_aigc({"--db", w.path.string(), "check", "--list"}, w.dir.path());
    CHECK(r.status == 0);
    for (const auto& c : aigc::data_checks()) CHECK(contains(r.out, std::string(c.name) + "\t"));
  }
}
