// Users' data beside the report's: provenance that never claims the report
// holds what it does not, saved queries that say their scope, report
// queries that stay the report's however much users load, indexes that keep
// them fast, and analyses of the user's own rows.
#include <doctest/doctest.h>

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include "db_digest.h"
#include "query/catalog.h"
#include "query/check.h"
#include "support.h"
#include "warehouse/warehouse.h"

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
    w.exec(
        "INSERT INTO pricing (pricing_id, product_id, billing_basis, as_of, section_id, source_line, source_quote) "
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
  if (!test::fs::exists(original))
    original = test::source_dir() / ".." / ".." / "shared" / "seeds" / "000_2d2ee71bf9cf23a4.txt";
  REQUIRE(test::fs::exists(original));
  CHECK(test::read_file(test::source_dir() / "report" / "000_2d2ee71bf9cf23a4.txt") == test::read_file(original));
}

// ------------------------------------------------------------ scope

namespace {

aigc::SavedQuery parse_query(const std::string& text) { return aigc::SavedQuery::parse("q", "queries/q.sql", text); }

/// Loads the fixture's user rows (a firm, products, prices) into `w`.
void load_fixture(const Built& w) {
  for (const std::string table : {"firm", "product", "pricing"}) {
    auto r = test::run_aigc({"--db", w.db.string(), "load", table,
                             (test::source_dir() / "tests" / "fixtures" / "user_data" / (table + ".csv")).string()});
    INFO(r.describe());
    REQUIRE(r.status == 0);
  }
}

/// Loads `rows` of the benchmark generator's synthetic prices into `w`.
void load_generated(const Built& w, long rows) {
  const auto csv = w.dir / "generated.csv";
  const std::string cmd = std::string(AIGC_GEN_PRICES) + " " + std::to_string(rows) + " > '" + csv.string() + "'";
  REQUIRE(std::system(cmd.c_str()) == 0);
  auto r = test::run_aigc({"--db", w.db.string(), "load", "pricing", csv.string()});
  INFO(r.describe());
  REQUIRE(r.status == 0);
}

std::string run_csv(const Built& w, const aigc::QueryCatalog& catalog, const std::string& name,
                    const aigc::ParamArgs& args = {}) {
  SQLite::Database db(w.db.string(), SQLite::OPEN_READONLY);
  aigc::RenderOptions csv;
  csv.format = aigc::Format::csv;
  std::ostringstream out;
  aigc::run_saved_query(db.getHandle(), catalog, name, args, out, csv);
  return out.str();
}

}  // namespace

TEST_CASE("user data: a saved query's scope is report or analysis, named in its header") {
  CHECK(parse_query("-- title: t\n-- scope: report\nSELECT 1").scope == aigc::QueryScope::report);
  CHECK(parse_query("-- title: t\n-- scope: analysis\nSELECT 1").scope == aigc::QueryScope::analysis);
  SUBCASE("missing") {
    CHECK_THROWS_WITH_AS(parse_query("-- title: t\nSELECT 1"),
                         doctest::Contains("queries/q.sql:1: no -- scope: line; add -- scope: report"),
                         aigc::DataError);
  }
  SUBCASE("unknown, with a suggestion") {
    CHECK_THROWS_WITH_AS(parse_query("-- title: t\n-- scope: reprot\nSELECT 1"),
                         doctest::Contains("queries/q.sql:2: unknown scope 'reprot' (did you mean report?)"),
                         aigc::DataError);
  }
  SUBCASE("empty") {
    CHECK_THROWS_WITH_AS(parse_query("-- title: t\n-- scope:\nSELECT 1"),
                         doctest::Contains("queries/q.sql:2: unknown scope ''"), aigc::DataError);
  }
  SUBCASE("given twice") {
    CHECK_THROWS_WITH_AS(parse_query("-- title: t\n-- scope: report\n-- scope: analysis\nSELECT 1"),
                         doctest::Contains("queries/q.sql:3: a second -- scope: line (the first is line 2)"),
                         aigc::DataError);
  }
  SUBCASE("a directory of queries names the file that lacks it") {
    test::TempDir dir;
    test::write_file(dir / "ok.sql", "-- title: ok\n-- scope: report\nSELECT 1");
    test::write_file(dir / "bad.sql", "-- title: bad\n-- scope: everything\nSELECT 1");
    CHECK_THROWS_WITH_AS(aigc::QueryCatalog::from_directory(dir.path()), doctest::Contains("bad.sql:2: unknown scope"),
                         aigc::DataError);
  }
}

TEST_CASE("user data: every shipped query declares its scope on its second line") {
  const auto catalog = aigc::QueryCatalog::embedded();
  for (const auto& q : catalog.queries()) {
    CAPTURE(q.name);
    const auto first_newline = q.sql.find('\n');
    REQUIRE(first_newline != std::string::npos);
    const auto second = q.sql.substr(first_newline + 1, q.sql.find('\n', first_newline + 1) - first_newline - 1);
    CHECK((second == "-- scope: report" || second == "-- scope: analysis"));
  }
}

TEST_CASE("user data: aigc queries shows each query's scope") {
  Built w;
  auto r = test::run_aigc({"--db", w.db.string(), "queries", "--format", "csv"}, w.dir.path());
  INFO(r.describe());
  REQUIRE(r.status == 0);
  CHECK(contains(r.out, "name,title,scope,parameters,section\n"));
  CHECK(contains(r.out, "\nvendor_table,按量收费商业化产品：百度、阿里巴巴、腾讯、华为,report,"));
  auto one = test::run_aigc({"--db", w.db.string(), "queries", "vendor_table"}, w.dir.path());
  CHECK(contains(one.out, "scope:      report (the report's rows only)"));
}

TEST_CASE("user data: every report query's golden file holds with 100k user price rows and user products loaded") {
  Built w;
  load_fixture(w);
  load_generated(w, 100000);
  const auto catalog = aigc::QueryCatalog::embedded();
  int report_queries = 0;
  for (const auto& q : catalog.queries()) {
    if (q.scope != aigc::QueryScope::report) continue;
    CAPTURE(q.name);
    ++report_queries;
    CHECK(run_csv(w, catalog, q.name) == test::read_file(test::source_dir() / "tests" / "golden" / (q.name + ".csv")));
  }
  CHECK(report_queries >= 20);
}

// ------------------------------------------------------------ query plans

namespace {

/// Scans an analysis may make, each with its reason. Every other scan of
/// a table with provenance fails the plan test.
const std::map<std::string, std::string> kAcceptedAnalysisScans = {
    {"user_price_history pr", "price history reads every price row by design: it aggregates all of them"},
};

/// table alias -> table name, from "FROM t AS a", "JOIN t a", "FROM t".
std::map<std::string, std::string> aliases_of(const std::string& sql) {
  std::map<std::string, std::string> out;
  static const std::regex re(R"(\b(?:FROM|JOIN)\s+([A-Za-z_]\w*)(?:\s+(?:AS\s+)?([A-Za-z_]\w*))?)", std::regex::icase);
  for (std::sregex_iterator it(sql.begin(), sql.end(), re), end; it != end; ++it) {
    const std::string table = (*it)[1], alias = (*it)[2];
    out[table] = table;
    static const std::set<std::string> keywords = {"WHERE", "JOIN",  "LEFT",  "ON",    "USING",  "GROUP",  "ORDER",
                                                   "UNION", "INNER", "CROSS", "LIMIT", "WINDOW", "NATURAL"};
    std::string upper = alias;
    for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (!alias.empty() && !keywords.count(upper)) out[alias] = table;
  }
  return out;
}

}  // namespace

TEST_CASE("user data: with user rows loaded, no report query scans a table's rows and analyses scan only by design") {
  Built w;
  load_fixture(w);
  load_generated(w, 3000);
  SQLite::Database db(w.db.string(), SQLite::OPEN_READONLY);
  std::set<std::string> fact_tables;
  {
    SQLite::Statement t(db,
                        "SELECT m.name FROM sqlite_schema AS m WHERE m.type = 'table' AND EXISTS "
                        "(SELECT 1 FROM pragma_table_info(m.name) WHERE name = 'source_note')");
    while (t.executeStep()) fact_tables.insert(t.getColumn(0).getString());
  }
  REQUIRE(fact_tables.count("pricing") == 1);
  const auto catalog = aigc::QueryCatalog::embedded();
  std::set<std::string> accepted_used;
  for (const auto& saved : catalog.queries()) {
    CAPTURE(saved.name);
    aigc::PreparedQuery q(db.getHandle(), saved);
    q.bind({});
    const auto aliases = aliases_of(saved.sql);
    // EXPLAIN QUERY PLAN of the same text, with the same values bound.
    sqlite3_stmt* raw = nullptr;
    REQUIRE(sqlite3_prepare_v2(db.getHandle(), ("EXPLAIN QUERY PLAN " + saved.sql).c_str(), -1, &raw, nullptr) ==
            SQLITE_OK);
    std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> eqp(raw, sqlite3_finalize);
    for (const auto& p : q.parameters()) {
      const int i = sqlite3_bind_parameter_index(raw, sqlite3_bind_parameter_name(q.get(), p.index));
      (p.default_value ? *p.default_value : aigc::ParamValue{}).bind(raw, i);
    }
    while (sqlite3_step(raw) == SQLITE_ROW) {
      const std::string detail = reinterpret_cast<const char*>(sqlite3_column_text(raw, 3));
      if (detail.rfind("SCAN ", 0) != 0) continue;
      const std::string target = detail.substr(5, detail.find(' ', 5) - 5);
      const auto a = aliases.find(target);
      if (a == aliases.end() || !fact_tables.count(a->second)) continue;  // a subquery, CTE or constant row
      const std::string& table = a->second;
      CAPTURE(detail);
      if (saved.scope == aigc::QueryScope::report) {
        // Only the report's rows, through the partial index that holds them.
        const bool report_index = detail.find("INDEX " + table + "_report") != std::string::npos;
        CHECK_MESSAGE(report_index, "a report query scans " << table << " (users' rows included)");
      } else if (detail.find("INDEX " + table + "_report") != std::string::npos ||
                 detail.find("INDEX " + table + "_user") != std::string::npos) {
        // Reads exactly the report's rows, or the users', through the
        // partial index that holds them: the rows the analysis compares.
      } else {
        const auto ok = kAcceptedAnalysisScans.find(saved.name + " " + target);
        CHECK_MESSAGE(ok != kAcceptedAnalysisScans.end(),
                      "an analysis scans " << table << " where an index would serve");
        if (ok != kAcceptedAnalysisScans.end()) accepted_used.insert(ok->first);
      }
    }
  }
}

// ------------------------------------------------------------ analyses

TEST_CASE("user data: each analysis reproduces its golden file on the fixture of user rows") {
  Built w;
  load_fixture(w);
  const auto catalog = aigc::QueryCatalog::embedded();
  const auto golden_dir = test::source_dir() / "tests" / "fixtures" / "user_data" / "golden";
  const bool update = std::getenv("AIGC_UPDATE_GOLDEN") != nullptr;
  int analyses = 0;
  for (const auto& q : catalog.queries()) {
    if (q.scope != aigc::QueryScope::analysis) continue;
    CAPTURE(q.name);
    ++analyses;
    const std::string out = run_csv(w, catalog, q.name);
    const auto path = golden_dir / (q.name + ".csv");
    if (update) {
      test::write_file(path, out);
      continue;
    }
    REQUIRE_MESSAGE(test::fs::exists(path), "no golden file for this analysis");
    CHECK(out == test::read_file(path));
    // Every row says where it comes from.
    CHECK(contains(out.substr(0, out.find('\n')), "source"));
  }
  CHECK(analyses >= 3);
}

TEST_CASE("user data: the analyses take their currency and product as parameters") {
  Built w;
  load_fixture(w);
  const auto catalog = aigc::QueryCatalog::embedded();
  const std::string usd =
      run_csv(w, catalog, "user_price_history", {{"currency", "USD"}, {"fx_usd_cny", "8"}, {"product", "acme_chat"}});
  CHECK(usd ==
        "product_id,product,direction,as_of,observations,lowest,highest,currency,latest,source\n"
        "acme_chat,艾克米对话,any,2024-01,1,0.002,0.002,USD,0,user: fixture: acme price sheet 2024-01\n"
        "acme_chat,艾克米对话,any,2024-07,1,0.0015,0.003,USD,1,user: fixture: acme price sheet 2024-07\n");
  const std::string cny = run_csv(w, catalog, "user_vs_report", {{"fx_usd_cny", "8"}});
  CHECK(contains(cny,
                 "gpt4,GPT-4.0,input,千tokens,CNY,2023-12,0.24,0.24,2024-11,0.04,0.04,-83.3,-83.3,report line 303,"));
}

TEST_CASE(
    "user data: the analyses appear in the HTML report, with a chart of your prices beside the report's, and in the "
    "xlsx") {
  Built w;
  load_fixture(w);
  const auto html = w.dir / "r.html";
  auto r = test::run_aigc({"--db", w.db.string(), "report", "--html", html.string()}, w.dir.path());
  INFO(r.describe());
  REQUIRE(r.status == 0);
  const std::string page = test::read_file(html);
  CHECK(contains(page, "price history per product"));
  CHECK(contains(page, "firms and products you added"));
  CHECK(contains(page, "艾克米对话"));
  CHECK(contains(page, "saved query user_vs_report"));  // its chart names it
  CHECK(contains(page, "user: fixture: my price list 2024-09"));

  const auto xlsx = w.dir / "all.xlsx";
  auto x = test::run_aigc({"--db", w.db.string(), "export", "--all", "--xlsx", xlsx.string()}, w.dir.path());
  INFO(x.describe());
  REQUIRE(x.status == 0);
  const std::string cmd = "unzip -p '" + xlsx.string() + "' xl/workbook.xml";
  std::string workbook;
  if (FILE* p = popen(cmd.c_str(), "r")) {
    char buf[4096];
    for (std::size_t n; (n = fread(buf, 1, sizeof buf, p)) > 0;) workbook.append(buf, n);
    pclose(p);
  }
  for (const std::string name : {"user_price_history", "user_vs_report", "user_additions"}) {
    CAPTURE(name);
    CHECK(contains(workbook, "name=\"" + name + "\""));
  }
}

// ------------------------------------------------------------ large loads

TEST_CASE(
    "user data: a large load rebuilds the table's indexes in its transaction; a refused one leaves the file as it "
    "was") {
  Built w;
  const auto csv = w.dir / "big.csv";
  // About 18 MB: over the size at which the loader drops and rebuilds indexes.
  REQUIRE(std::system((std::string(AIGC_GEN_PRICES) + " 100000 > '" + csv.string() + "'").c_str()) == 0);
  REQUIRE(test::fs::file_size(csv) > (16u << 20));
  auto indexes = [&] {
    SQLite::Database db(w.db.string(), SQLite::OPEN_READONLY);
    std::string out;
    SQLite::Statement q(db,
                        "SELECT name || ': ' || sql FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'pricing' "
                        "AND sql IS NOT NULL ORDER BY name");
    while (q.executeStep()) out += q.getColumn(0).getString() + "\n";
    return out;
  };
  const std::string before = indexes();
  REQUIRE(contains(before, "pricing_product_id"));
  SUBCASE("a refused load: every table and the schema as they were") {
    test::write_file(
        csv, test::read_file(csv) + "bad_row,no_such_product,tokens,any,千tokens,1,1,2,CNY,0,,,2024-01,,,,,x\n");
    std::map<std::string, test::TableDigest> digest;
    {
      SQLite::Database db(w.db.string(), SQLite::OPEN_READONLY);
      digest = test::database_digest(db.getHandle());
    }
    auto r = test::run_aigc({"--db", w.db.string(), "load", "pricing", csv.string()});
    INFO(r.describe());
    CHECK(r.status == 1);
    CHECK(contains(r.err, "no_such_product"));
    SQLite::Database db(w.db.string(), SQLite::OPEN_READONLY);
    CHECK(test::database_digest(db.getHandle()) == digest);
  }
  SUBCASE("a load that succeeds: the same indexes, sound, and used") {
    auto r = test::run_aigc({"--db", w.db.string(), "load", "pricing", csv.string()});
    INFO(r.describe());
    REQUIRE(r.status == 0);
    CHECK(indexes() == before);
    SQLite::Database db(w.db.string(), SQLite::OPEN_READONLY);
    CHECK(db.execAndGet("PRAGMA integrity_check").getString() == "ok");
    CHECK(db.execAndGet("SELECT count(*) FROM pricing INDEXED BY pricing_product_id WHERE product_id = 'qianfan'")
              .getInt() ==
          db.execAndGet("SELECT count(*) FROM pricing NOT INDEXED WHERE product_id = 'qianfan'").getInt());
  }
}
