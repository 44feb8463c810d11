// Saved queries: header grammar, preparing and checking, binding parameters.
#include <doctest/doctest.h>

#include <SQLiteCpp/Database.h>
#include <sstream>

#include "base/error.h"
#include "query/catalog.h"
#include "support.h"
#include "warehouse/warehouse.h"

namespace {

/// Parses `text` as queries/NAME.sql. A text that does not test the scope
/// line gets "-- scope: report" after its header, where it moves no line
/// the test's messages name.
aigc::SavedQuery parse(std::string text, const std::string& name = "q") {
  if (text.find("-- scope:") == std::string::npos) {
    std::size_t at = 0;
    while (at < text.size() && text.compare(at, 2, "--") == 0) {
      const std::size_t eol = text.find('\n', at);
      at = eol == std::string::npos ? text.size() : eol + 1;
    }
    text.insert(
        at, at == text.size() && !text.empty() && text.back() != '\n' ? "\n-- scope: report\n" : "-- scope: report\n");
  }
  return aigc::SavedQuery::parse(name, "queries/" + name + ".sql", text);
}

SQLite::Database firm_db() {
  SQLite::Database db(":memory:", SQLite::OPEN_READWRITE);
  db.exec(
      "CREATE TABLE firm (firm_id TEXT PRIMARY KEY, name_zh TEXT); INSERT INTO firm VALUES ('baidu', '百度'), "
      "('tencent', '腾讯')");
  return db;
}

/// Runs a saved query (text) on `db` with `args`, as CSV.
std::string run(SQLite::Database& db, const std::string& text, const aigc::ParamArgs& args = {}) {
  aigc::PreparedQuery q(db.getHandle(), parse(text));
  q.bind(args);
  aigc::RenderOptions o;
  o.format = aigc::Format::csv;
  std::ostringstream out;
  aigc::render_statement(q.get(), out, o);
  return out.str();
}

}  // namespace

TEST_CASE("catalog: the header gives title, description, sections and parameter defaults") {
  auto q = parse(R"(-- title: 大模型API调用价格
-- description: First line,
-- description: continued.
-- section: outlook_app_layer, business_models
-- section: funding
-- A free comment: capitalised words before a colon are not keys.
-- param: fx_usd_cny = 7.1 -- CNY per USD; not from the report (an assumption)
-- param: currency = 'it''s CNY' -- a quoted string -- with dashes
-- param: term = null
-- param: n = -5
-- param: big = 1e3
-- param: year -- no default: required

SELECT :fx_usd_cny, :currency, :term, :n, :big, :year
-- title: after the header, comments are SQL
)");
  CHECK(q.name == "q");
  CHECK(q.title == "大模型API调用价格");
  CHECK(q.description == "First line, continued.");
  CHECK(q.sections == std::vector<std::string>{"outlook_app_layer", "business_models", "funding"});
  REQUIRE(q.params.size() == 6);
  CHECK(q.params[0].name == "fx_usd_cny");
  CHECK(q.params[0].default_value->kind == aigc::ParamValue::Kind::real);
  CHECK(q.params[0].default_value->d == 7.1);
  CHECK(q.params[0].description == "CNY per USD; not from the report (an assumption)");
  CHECK(q.params[0].line == 7);
  CHECK(q.params[1].default_value->kind == aigc::ParamValue::Kind::text);
  CHECK(q.params[1].default_value->s == "it's CNY");
  CHECK(q.params[1].description == "a quoted string -- with dashes");
  CHECK(q.params[2].default_value->kind == aigc::ParamValue::Kind::null);
  CHECK(q.params[2].description.empty());
  CHECK(q.params[3].default_value->kind == aigc::ParamValue::Kind::integer);
  CHECK(q.params[3].default_value->i == -5);
  CHECK(q.params[4].default_value->kind == aigc::ParamValue::Kind::real);
  CHECK_FALSE(q.params[5].default_value.has_value());
  CHECK(q.params[5].description == "no default: required");
}

TEST_CASE("catalog: a malformed header is an error naming file and line") {
  SUBCASE("unknown key, with a suggestion") {
    CHECK_THROWS_WITH_AS(parse("-- title: x\n-- titel: y\nSELECT 1"),
                         doctest::Contains("queries/q.sql:2: unknown header key 'titel' (did you mean title?)"),
                         aigc::DataError);
  }
  SUBCASE("default that is not a number, a quoted string or NULL") {
    CHECK_THROWS_WITH_AS(parse("-- param: a = abc -- x\nSELECT :a"),
                         doctest::Contains("queries/q.sql:1: param a: default 'abc' is not a number"), aigc::DataError);
    CHECK_THROWS_AS(parse("-- param: a = 007\nSELECT :a"), aigc::DataError);
  }
  SUBCASE("unterminated quoted default") {
    CHECK_THROWS_WITH_AS(parse("-- param: a = 'abc -- x\nSELECT :a"), doctest::Contains("no closing quote"),
                         aigc::DataError);
  }
  SUBCASE("a parameter declared twice") {
    CHECK_THROWS_WITH_AS(parse("-- param: a = 1\n-- param: a = 2\nSELECT :a"),
                         doctest::Contains("q.sql:2: param a is declared twice"), aigc::DataError);
  }
  SUBCASE("a param line without a name") { CHECK_THROWS_AS(parse("-- param: = 1\nSELECT 1"), aigc::DataError); }
}

TEST_CASE("catalog: preparing checks the statement against its header") {
  auto db = firm_db();
  auto prepare = [&](const std::string& text) { aigc::PreparedQuery q(db.getHandle(), parse(text)); };
  SUBCASE("a declared parameter the SQL does not use") {
    CHECK_THROWS_WITH_AS(prepare("-- title: t\n-- param: fx = 7.1 -- rate\nSELECT 1"),
                         doctest::Contains("queries/q.sql:2: param fx is declared but the SQL does not use :fx"),
                         aigc::DataError);
  }
  SUBCASE("two statements") {
    CHECK_THROWS_WITH_AS(prepare("SELECT 1; SELECT 2;"), doctest::Contains("more than one SQL statement"),
                         aigc::DataError);
  }
  SUBCASE("no statement") {
    CHECK_THROWS_WITH_AS(prepare("-- title: only comments\n"), doctest::Contains("holds no SQL statement"),
                         aigc::DataError);
  }
  SUBCASE("a statement that writes") {
    CHECK_THROWS_WITH_AS(prepare("DELETE FROM firm"), doctest::Contains("a saved query only reads"), aigc::DataError);
    CHECK(db.execAndGet("SELECT count(*) FROM firm").getInt() == 2);
  }
  SUBCASE("a positional parameter") {
    CHECK_THROWS_WITH_AS(prepare("SELECT ?"), doctest::Contains("positional parameter"), aigc::DataError);
  }
  SUBCASE("SQL that does not prepare names the file") {
    CHECK_THROWS_WITH_AS(prepare("SELECT * FROM no_such_table"),
                         doctest::Contains("queries/q.sql: no such table: no_such_table"), aigc::DataError);
  }
  SUBCASE("one name with two prefixes (SQLite makes them two parameters)") {
    CHECK_THROWS_WITH_AS(prepare("SELECT :a, @a"), doctest::Contains("two different prefixes"), aigc::DataError);
  }
  SUBCASE("trailing comments and a final semicolon are fine") {
    CHECK_NOTHROW(prepare("SELECT 1;\n-- the end\n/* really */\n"));
  }
}

TEST_CASE("catalog: parameters come from the statement; defaults and descriptions from the header") {
  auto db = firm_db();
  aigc::PreparedQuery q(db.getHandle(),
                        parse("-- param: b = 2 -- the b\n-- param: a = 'x'\nSELECT :z, @a, $b, :z, @a"));
  REQUIRE(q.parameters().size() == 3);
  // Declared ones in the header's order, then the rest.
  CHECK(q.parameters()[0].name == "b");
  CHECK(q.parameters()[0].description == "the b");
  CHECK(q.parameters()[0].summary() == "b number = 2");  // a number default implies number
  CHECK(q.parameters()[1].summary() == "a text = 'x'");
  CHECK(q.parameters()[2].name == "z");
  CHECK(q.parameters()[2].required());
  CHECK(q.parameters()[2].summary() == "z (required)");
}

TEST_CASE("catalog: binding uses defaults, --param values, and types numbers") {
  auto db = firm_db();
  CHECK(run(db, "-- param: v = 7.1\nSELECT :v AS v, typeof(:v) AS t") == "v,t\n7.1,real\n");
  // A parameter without a declared type (nor a default implying one) takes
  // any value: a plain number is bound as a number, anything else as text.
  const std::string text = "-- param: v -- any value\nSELECT :v AS v, typeof(:v) AS t";
  CHECK(run(db, text, {{"v", "42"}}) == "v,t\n42,integer\n");
  CHECK(run(db, text, {{"v", "-3.5"}}) == "v,t\n-3.5,real\n");
  CHECK(run(db, text, {{"v", "007"}}) == "v,t\n007,text\n");  // a leading zero keeps it text
  CHECK(run(db, text, {{"v", "abc"}}) == "v,t\nabc,text\n");
  CHECK(run(db, text, {{"v", "NULL"}}) == "v,t\nNULL,text\n");  // the word, not SQL NULL
  CHECK(run(db, text, {{"v", ""}}) == "v,t\n\"\",text\n");
  CHECK(run(db, "-- param: v = NULL\nSELECT :v IS NULL AS n") == "n\n1\n");
  CHECK(run(db, "-- param: v = 'it''s'\nSELECT :v AS v") == "v\nit's\n");
}

TEST_CASE("catalog: an injection attempt in a parameter stays data") {
  auto db = firm_db();
  const std::string evil = "x'); DROP TABLE firm; --";
  auto out = run(
      db, "-- param: name = 'baidu'\nSELECT :name AS echoed, (SELECT count(*) FROM firm WHERE firm_id = :name) AS n",
      {{"name", evil}});
  CHECK(out == "echoed,n\nx'); DROP TABLE firm; --,0\n");
  CHECK(db.execAndGet("SELECT count(*) FROM firm").getInt() == 2);
  CHECK(run(db, "-- param: id = 'x'\nSELECT name_zh FROM firm WHERE firm_id = :id", {{"id", "baidu' OR '1'='1"}}) ==
        "name_zh\n");
}

TEST_CASE("catalog: unknown and missing parameters are usage errors listing what the query takes") {
  auto db = firm_db();
  aigc::PreparedQuery q(db.getHandle(),
                        parse("-- param: fx_usd_cny = 7.1 -- rate\nSELECT :fx_usd_cny, :year", "prices"));
  CHECK_THROWS_WITH_AS(q.bind({{"fx_usd_cnv", "7"}, {"year", "2023"}}),
                       doctest::Contains("query prices has no parameter 'fx_usd_cnv' (did you mean fx_usd_cny?); it "
                                         "takes: fx_usd_cny number = 7.1, year (required)"),
                       aigc::UsageError);
  CHECK_THROWS_WITH_AS(q.bind({}),
                       doctest::Contains("query prices needs a value for year: pass --param year=VALUE; it takes: "
                                         "fx_usd_cny number = 7.1, year (required)"),
                       aigc::UsageError);
  auto bound = q.bind({{"year", "2023"}});
  REQUIRE(bound.size() == 2);
  CHECK(bound[0].first == "fx_usd_cny");
  CHECK(bound[0].second.literal() == "7.1");
  CHECK(bound[1].second.json() == "2023");

  aigc::PreparedQuery none(db.getHandle(), parse("SELECT 1", "plain"));
  CHECK_THROWS_WITH_AS(none.bind({{"x", "1"}}), doctest::Contains("it takes no parameters"), aigc::UsageError);
}

TEST_CASE("catalog: --param NAME=VALUE parsing") {
  auto args = aigc::parse_param_args({"a=1=2", ":b=", "c=玉言"});
  REQUIRE(args.size() == 3);
  CHECK(args[0] == std::pair<std::string, std::string>{"a", "1=2"});
  CHECK(args[1] == std::pair<std::string, std::string>{"b", ""});
  CHECK(args[2].second == "玉言");
  CHECK_THROWS_WITH_AS(aigc::parse_param_args({"novalue"}), doctest::Contains("is not NAME=VALUE"), aigc::UsageError);
  CHECK_THROWS_WITH_AS(aigc::parse_param_args({"a=1", "a=2"}), doctest::Contains("given twice"), aigc::UsageError);
}

TEST_CASE("catalog: a directory of NAME.sql files; unknown names suggest the closest") {
  test::TempDir dir;
  test::write_file(dir / "b_prices.sql", "-- title: B\n-- scope: report\nSELECT 1");
  test::write_file(dir / "a_firms.sql", "-- title: A\n-- scope: report\nSELECT 2");
  test::write_file(dir / "notes.txt", "not a query");
  test::fs::create_directory(dir / "sub.sql");
  auto catalog = aigc::QueryCatalog::from_directory(dir.path());
  CHECK(catalog.names() == std::vector<std::string>{"a_firms", "b_prices"});
  CHECK(catalog.find("a_firms").title == "A");
  CHECK(catalog.origin() == dir.path().string());
  CHECK_THROWS_WITH_AS(catalog.find("b_price"),
                       doctest::Contains("no saved query named 'b_price'; did you mean b_prices?"), aigc::UsageError);
  CHECK_THROWS_AS(aigc::QueryCatalog::from_directory(dir / "missing"), aigc::UsageError);
  test::write_file(dir / "c_bad.sql", "-- tilte: C\nSELECT 3");
  CHECK_THROWS_WITH_AS(aigc::QueryCatalog::from_directory(dir.path()), doctest::Contains("c_bad.sql:1"),
                       aigc::DataError);
}

TEST_CASE("catalog: listing and describing queries") {
  test::TempDir dir;
  test::write_file(dir / "echo.sql",
                   "-- title: 回声\n-- scope: report\n-- description: Says it back.\n-- section: cover\n"
                   "-- param: v = 'x' -- what to say\nSELECT :v AS v, :w AS w");
  test::write_file(dir / "plain.sql", "-- title: Plain\n-- scope: report\nSELECT 1 AS one");
  auto catalog = aigc::QueryCatalog::from_directory(dir.path());
  auto db = firm_db();
  aigc::RenderOptions o;
  o.format = aigc::Format::csv;
  std::ostringstream list;
  CHECK(aigc::list_queries(db.getHandle(), catalog, list, o) == 2);
  CHECK(list.str() ==
        "name,title,scope,parameters,section\necho,回声,report,\"v text = 'x', w "
        "(required)\",cover\nplain,Plain,report,\"\",\"\"\n");
  std::ostringstream about;
  aigc::describe_query(db.getHandle(), catalog.find("echo"), about);
  CHECK(about.str().find("echo: 回声") == 0);
  CHECK(about.str().find("Says it back.") != std::string::npos);
  CHECK(about.str().find("v text = 'x'  -- what to say") != std::string::npos);
  CHECK(about.str().find("aigc run echo --param w=VALUE") != std::string::npos);
  CHECK(about.str().find("SELECT :v AS v") != std::string::npos);
}

TEST_CASE("catalog: every shipped query prepares on the warehouse, declares only what it uses, and runs") {
  test::TempDir dir;
  auto path = dir / "w.db";
  aigc::build_warehouse(path, aigc::BuildSources::embedded());
  auto db = aigc::open_database(path, aigc::Access::read_only);
  auto catalog = aigc::QueryCatalog::embedded();
  CHECK(catalog.queries().size() >= 15);
  for (const auto& saved : catalog.queries()) {
    CAPTURE(saved.file);
    aigc::PreparedQuery q(db.getHandle(), saved);  // throws for an unused declared param, two statements, a write
    CHECK_FALSE(saved.title.empty());
    CHECK_FALSE(saved.description.empty());
    REQUIRE_FALSE(saved.sections.empty());
    for (const auto& section : saved.sections) {
      CAPTURE(section);
      SQLite::Statement s(db, "SELECT count(*) FROM report_section WHERE section_id = ?");
      s.bind(1, section);
      REQUIRE(s.executeStep());
      CHECK(s.getColumn(0).getInt() == 1);
    }
    for (const auto& p : q.parameters()) {
      CAPTURE(p.name);
      CHECK_FALSE(p.required());  // so `aigc export --all` can run every query
      CHECK_FALSE(p.description.empty());
    }
    q.bind({});
    aigc::RenderOptions o;
    o.format = aigc::Format::csv;
    std::ostringstream out;
    CHECK_NOTHROW(aigc::render_statement(q.get(), out, o));
  }
}
