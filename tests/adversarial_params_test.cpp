// Typed saved-query parameters, attacked. A saved query's header declares
// what each parameter takes (a type, bounds, accepted values); a value that
// does not fit is a usage error (exit 2) naming the parameter, what it takes
// and the value given, before anything runs or is written. A declaration
// that contradicts itself is a catalog error naming FILE:LINE.
//
// Written as a hostile and careless user types: wrong types, junk after a
// number, spaces, Unicode digits, huge values, names twice or in capitals.
#include <SQLiteCpp/Database.h>
#include <doctest/doctest.h>

#include <set>
#include <sstream>

#include "base/error.h"
#include "query/catalog.h"
#include "render/render.h"
#include "support.h"
#include "warehouse/warehouse.h"

namespace {

bool has(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

aigc::SavedQuery parse(const std::string& text, const std::string& name = "q") {
  return aigc::SavedQuery::parse(name, "queries/" + name + ".sql", text);
}

/// One parameter of each declared type, echoed back with SQLite's typeof.
const char* const kTyped = R"(-- title: Typed
-- scope: report
-- description: One parameter of each type.
-- section: cover
-- param: n integer between 1 and 10 = 5 -- a count
-- param: r real > 0 = 7.1 -- a rate
-- param: x number = 2 -- any number
-- param: s text in ('CNY', 'USD') = 'CNY' -- a currency
-- param: t text = NULL -- free text
SELECT :n AS n, typeof(:n) AS nt, :r AS r, typeof(:r) AS rt, :x AS x, typeof(:x) AS xt, :s AS s, :t AS t, typeof(:t) AS tt
)";

/// The warehouse built from the project's seeds and a directory of test queries.
struct Fixture {
  test::TempDir dir;
  std::string db = (dir / "w.db").string();
  test::fs::path queries = dir / "queries";

  Fixture() {
    REQUIRE(test::run_aigc({"--db", db, "build", "--quiet"}).status == 0);
    test::fs::create_directory(queries);
    add("typed", kTyped);
  }
  void add(const std::string& name, const std::string& text) const {
    test::write_file(queries / (name + ".sql"), text);
  }
  test::RunResult aigc(std::vector<std::string> args, const std::string& input = "") const {
    args.insert(args.begin(), {"--db", db});
    return test::run_aigc(args, test::fs::current_path(), input);
  }
  /// `aigc run QUERY --format csv` with each of `params` as a --param, on
  /// the shipped queries (or the test ones when `own`).
  test::RunResult run(const std::string& query, const std::vector<std::string>& params, bool own = false) const {
    std::vector<std::string> args = {"run", query, "--format", "csv"};
    if (own) args.insert(args.end(), {"--queries", queries.string()});
    for (const auto& p : params) args.insert(args.end(), {"--param", p});
    return aigc(args);
  }
};

/// An in-memory database and the typed query prepared on it.
struct Typed {
  SQLite::Database db{":memory:", SQLite::OPEN_READWRITE};
  aigc::PreparedQuery q{db.getHandle(), parse(kTyped, "typed")};

  /// The row the query gives with `args`, as CSV without its header.
  std::string row(const aigc::ParamArgs& args) {
    q.bind(args);
    aigc::RenderOptions o;
    o.format = aigc::Format::csv;
    std::ostringstream out;
    aigc::render_statement(q.get(), out, o);
    const std::string s = out.str();
    return s.substr(s.find('\n') + 1);
  }
};

}  // namespace

TEST_CASE("params: api_prices_normalised refuses fx_usd_cny=abc instead of printing GPT-4's price as 0.0") {
  Fixture fx;
  auto r = fx.run("api_prices_normalised", {"fx_usd_cny=abc"});
  INFO(r.describe());
  CHECK(r.status == 2);
  CHECK(r.out.empty());
  CHECK(has(r.err, "aigc: --param fx_usd_cny=abc: fx_usd_cny takes a number greater than 0 (default 7.1), not 'abc'"));
}

TEST_CASE("params: a value of the wrong type is refused for every declared type") {
  Typed t;
  auto refused = [&](const std::string& name, const std::string& value, const std::string& message) {
    CAPTURE(value);
    CHECK_THROWS_WITH_AS(t.row({{name, value}}), doctest::Contains(message.c_str()), aigc::UsageError);
  };
  SUBCASE("integer") {
    const std::string takes = "n takes a whole number from 1 to 10 (default 5), not ";
    refused("n", "abc", "--param n=abc: " + takes + "'abc'");
    refused("n", "2.5", takes + "'2.5'");
    refused("n", "1e1", takes + "'1e1'");
    refused("n", "5.0", takes + "'5.0'");
    refused("n", "NULL", takes + "'NULL'");
  }
  SUBCASE("real") {
    refused("r", "abc", "--param r=abc: r takes a number greater than 0 (default 7.1), not 'abc'");
    refused("r", "CNY", "not 'CNY'");
  }
  SUBCASE("number") {
    refused("x", "abc", "--param x=abc: x takes a number (default 2), not 'abc'");
    refused("x", "", "x takes a number (default 2), not ''");
  }
  SUBCASE("text with accepted values") {
    refused("s", "42", "--param s=42: s takes 'CNY' or 'USD' (default 'CNY'), not '42'");
  }
}

TEST_CASE("params: values outside the accepted set or the bounds are refused") {
  Typed t;
  auto refused = [&](const std::string& name, const std::string& value, const std::string& message) {
    CAPTURE(value);
    CHECK_THROWS_WITH_AS(t.row({{name, value}}), doctest::Contains(message.c_str()), aigc::UsageError);
  };
  refused("s", "EUR", "s takes 'CNY' or 'USD' (default 'CNY'), not 'EUR'");
  refused("s", "usd", "not 'usd' (did you mean 'USD'?)");  // accepted values are exact
  refused("s", "", "not ''");
  refused("s", "CNY'", "not 'CNY'''");  // a quote in the value is shown doubled, as SQL writes it
  refused("n", "0", "n takes a whole number from 1 to 10 (default 5), not '0'");
  refused("n", "11", "not '11'");
  refused("n", "-1", "not '-1'");
  refused("r", "0", "r takes a number greater than 0 (default 7.1), not '0'");
  refused("r", "-0", "not '-0'");
  refused("r", "-7.1", "not '-7.1'");
  refused("r", "0.0", "not '0.0'");

  Fixture fx;
  for (const std::string p : {"fx_usd_cny=0", "fx_usd_cny=-7.1", "currency=EUR", "currency=cny"}) {
    auto r = fx.run("api_prices_normalised", {p});
    INFO(r.describe());
    CHECK(r.status == 2);
    CHECK(r.out.empty());
    CHECK(has(r.err, "--param " + p + ": "));
  }
  auto topic = fx.run("key_figures", {"topic=fundng"});
  INFO(topic.describe());
  CHECK(topic.status == 2);
  CHECK(has(topic.err, "not 'fundng' (did you mean 'funding'?)"));
}

TEST_CASE("params: numbers are read strictly: no junk, spaces, hex, inf, nan, Unicode digits or overflow") {
  Typed t;
  for (const std::string junk : {"7.1x",
                                 "x7.1",
                                 " 7",
                                 "7 ",
                                 "\t7",
                                 "7\n",
                                 "0x10",
                                 "0X1A",
                                 "inf",
                                 "-inf",
                                 "Infinity",
                                 "nan",
                                 "NaN",
                                 "7,1",
                                 "7_1",
                                 "1_000",
                                 "1e999",
                                 "-1e999",
                                 "1e-999",
                                 "7.",
                                 ".5",
                                 "--7",
                                 "+-7",
                                 "7e",
                                 "7e+",
                                 "1..2",
                                 "1.2.3",
                                 "７",
                                 "٧",
                                 "7\xC2\xA0",
                                 "\xEF\xBB\xBF"
                                 "7",
                                 "0b101",
                                 "1/2",
                                 "7%",
                                 "$7",
                                 "¥7",
                                 "7 USD",
                                 "true",
                                 ""}) {
    CAPTURE(junk);
    CHECK_THROWS_AS(t.row({{"r", junk}}), aigc::UsageError);
    CHECK_THROWS_AS(t.row({{"x", junk}}), aigc::UsageError);
    CHECK_THROWS_AS(t.row({{"n", junk}}), aigc::UsageError);
  }
  SUBCASE("integers are 64-bit and written plainly") {
    SQLite::Database db(":memory:", SQLite::OPEN_READWRITE);
    aigc::PreparedQuery q(
        db.getHandle(), parse("-- title: i\n-- scope: report\n-- param: i integer = 0 -- any integer\nSELECT :i AS i"));
    CHECK_NOTHROW(q.bind({{"i", "9223372036854775807"}}));
    CHECK_NOTHROW(q.bind({{"i", "-9223372036854775808"}}));
    CHECK_THROWS_WITH_AS(q.bind({{"i", "9223372036854775808"}}),
                         doctest::Contains("i takes a whole number (default 0), not '9223372036854775808' (beyond a "
                                           "64-bit integer)"),
                         aigc::UsageError);
    CHECK_THROWS_AS(q.bind({{"i", "-9223372036854775809"}}), aigc::UsageError);
    CHECK_THROWS_WITH_AS(q.bind({{"i", "007"}}), doctest::Contains("not '007' (a number has no leading zeros)"),
                         aigc::UsageError);
  }
  SUBCASE("the reason is said where it is not obvious") {
    CHECK_THROWS_WITH_AS(t.row({{"r", " 7"}}), doctest::Contains("not ' 7' (no spaces around a value)"),
                         aigc::UsageError);
    CHECK_THROWS_WITH_AS(t.row({{"r", "1e999"}}), doctest::Contains("not '1e999' (beyond the range of a number)"),
                         aigc::UsageError);
  }
}

TEST_CASE("params: valid values bind with their declared type and give the right answer") {
  Typed t;
  CHECK(t.row({}) == "5,integer,7.1,real,2,integer,CNY,,null\n");
  CHECK(t.row({{"n", "+7"}, {"r", "7"}, {"x", "7.5"}, {"s", "USD"}, {"t", "42"}}) ==
        "7,integer,7.0,real,7.5,real,USD,42,text\n");  // text stays text, a real is real even when whole
  CHECK(t.row({{"n", "10"}, {"r", "1e3"}, {"x", "-3"}, {"t", "NULL"}}) ==
        "10,integer,1000.0,real,-3,integer,CNY,NULL,text\n");
  CHECK(t.row({{"n", "1"}, {"r", "0.000001"}, {"t", ""}}) == "1,integer,1.0e-06,real,2,integer,CNY,\"\",text\n");

  Fixture fx;
  auto cny = fx.run("api_prices_normalised", {"fx_usd_cny=7"});
  INFO(cny.describe());
  REQUIRE(cny.status == 0);
  CHECK(has(cny.out, "GPT-4.0,,input,0.03,0.03,USD,CNY,0.21,0.21,"));
  CHECK(has(cny.out, "GPT-4.0,,output,0.06,0.06,USD,CNY,0.42,0.42,"));
  auto usd = fx.run("api_prices_normalised", {"fx_usd_cny=7", "currency=USD"});
  INFO(usd.describe());
  REQUIRE(usd.status == 0);
  CHECK(has(usd.out, "千帆大模型平台,百度,any,0.002,0.012,CNY,USD,0.000286,0.001714,"));
  CHECK(has(usd.out, "GPT-4.0,,input,0.03,0.03,USD,USD,0.03,0.03,"));
  auto funding = fx.run("key_figures", {"topic=funding"});
  REQUIRE(funding.status == 0);
  CHECK(has(funding.out, ",funding,"));

  auto own = fx.run("typed", {"n=3", "t=玉言"}, true);
  INFO(own.describe());
  CHECK(own.out == "n,nt,r,rt,x,xt,s,t,tt\n3,integer,7.1,real,2,integer,CNY,玉言,text\n");
}

TEST_CASE("params: a declaration that does not hold together is a catalog error naming FILE:LINE") {
  auto refused = [](const std::string& param_line, const std::string& message) {
    CAPTURE(param_line);
    CHECK_THROWS_WITH_AS(parse("-- title: t\n-- scope: report\n-- param: " + param_line + "\nSELECT :a"),
                         doctest::Contains(("queries/q.sql:3: param a: " + message).c_str()), aigc::DataError);
  };
  refused("a flaot = 1.5", "unknown type 'flaot'; the types are integer, real, number and text");
  refused("a integr = 1", "unknown type 'integr' (did you mean integer?)");
  refused("a integer = 1.5", "default 1.5 does not fit: a takes a whole number");
  refused("a integer = 'x'", "default 'x' does not fit: a takes a whole number");
  refused("a text = 5", "default 5 does not fit: a takes text (quote it: '5')");
  refused("a real > 0 = -1", "default -1 does not fit: a takes a number greater than 0");
  refused("a real > 0 = 0", "default 0 does not fit");
  refused("a integer between 1 and 10 = 11", "default 11 does not fit: a takes a whole number from 1 to 10");
  refused("a text in ('CNY', 'USD') = 'EUR'", "default 'EUR' does not fit: a takes 'CNY' or 'USD'");
  refused("a text in ('CNY', 'USD') = 'cny'", "default 'cny' does not fit");
  refused("a text in ('CNY', 1) = 'CNY'", "accepted value 1 does not fit: a takes text");
  refused("a integer in (1, 2.5)", "accepted value 2.5 does not fit: a takes a whole number");
  refused("a integer > 0 in (0, 1)", "accepted value 0 does not fit: a takes a whole number greater than 0");
  refused("a text in ('x', 'y', 'x')", "accepted value 'x' is listed twice");
  refused("a number in (1, 1.0)", "accepted value 1.0 is listed twice");
  refused("a text in ('x') in ('y')", "a second in (...) list");
  refused("a text in ('x', NULL)", "expected a number or a 'quoted string' in the list of accepted values");
  refused("a text > 0", "bounds apply to numbers, not text");
  refused("a text in ()", "in () needs at least one value");
  refused("a text in ('x'", "expected , or ) in the list of accepted values");
  refused("a text in 'x'", "expected ( after in");
  refused("a integer > 5 and < 3", "no value fits (nothing is greater than 5 and less than 3)");
  refused("a integer > 5 and > 6", "a second lower bound");
  refused("a integer between 5 and 1", "no value fits");
  refused("a integer between 5", "expected and after between 5");
  refused("a integer > 0.5", "bound 0.5 does not fit: a takes a whole number");
  refused("a integer > 'x'", "expected a number after >");
  refused("a > 0", "give a type for its bounds or accepted values (for example -- param: a real > 0)");
  refused("a in ('x')", "give a type");
  refused("a integer = 5 oops", "unexpected 'oops'");
  refused("a integer integer", "unexpected 'integer'");
  refused("a real > 0 = 1e999", "default '1e999' is not a number");
  refused("a real > 0 = ", "expected a default after =");
  refused("a real > 0 = 'x", "the quoted value has no closing quote");
  refused("a integer > 5 and < 6", "no value fits (nothing is greater than 5 and less than 6)");
  refused("a integer >= 5 and", "expected > >= < <= between or in (...) after and");

  SUBCASE("what does hold together") {
    auto q = parse(
        "-- title: t\n-- scope: report\n-- param: a INTEGER between -5 and -1 = -3--the a\n-- param: b real >= 0 and < "
        "1e3\n"
        "-- param: c number in (1, 2.5) = 2.5\n-- param: d in ('x', '') = ''\n-- param: e > 0 = 7\n"
        "SELECT :a, :b, :c, :d, :e");
    REQUIRE(q.params.size() == 5);
    CHECK(q.params[0].description == "the a");
    CHECK(q.params[0].default_value->i == -3);
    CHECK_FALSE(q.params[1].default_value.has_value());
    CHECK(q.params[3].default_value->s.empty());
    SQLite::Database db(":memory:", SQLite::OPEN_READWRITE);
    aigc::PreparedQuery prepared(db.getHandle(), q);
    std::vector<std::string> summaries;
    for (const auto& p : prepared.parameters()) summaries.push_back(p.summary());
    CHECK(summaries == std::vector<std::string>{"a integer between -5 and -1 = -3",
                                                "b real >= 0 and < 1000.0 (required)", "c number in (1, 2.5) = 2.5",
                                                "d text in ('x', '') = ''", "e number > 0 = 7"});
    CHECK_THROWS_WITH_AS(prepared.bind({{"b", "1000"}}),
                         doctest::Contains("b takes a number at least 0 and less than 1000.0, not '1000'"),
                         aigc::UsageError);
    CHECK_NOTHROW(prepared.bind({{"b", "999.5"}, {"c", "1.0"}, {"d", "x"}}));
  }

  SUBCASE("the binary reports it, exit 1, for every command that reads the catalog") {
    Fixture fx;
    fx.add("bad",
           "-- title: Bad\n-- scope: report\n-- section: cover\n-- param: fx real > 0 = 0 -- a rate\nSELECT :fx AS fx");
    for (const auto& args : std::vector<std::vector<std::string>>{{"queries", "--queries", fx.queries.string()},
                                                                  {"run", "typed", "--queries", fx.queries.string()}}) {
      auto r = fx.aigc(args);
      INFO(r.describe());
      CHECK(r.status == 1);
      CHECK(has(r.err, "bad.sql:4: param fx: default 0 does not fit: fx takes a number greater than 0"));
    }
  }
}

TEST_CASE("params: every shipped parameter declares its type, its default fits, and key_figures knows every topic") {
  test::TempDir dir;
  aigc::build_warehouse(dir / "w.db", aigc::BuildSources::embedded());
  SQLite::Database db((dir / "w.db").string());
  const auto catalog = aigc::QueryCatalog::embedded();  // throws for a header that does not hold together
  std::size_t typed = 0;
  for (const auto& saved : catalog.queries()) {
    aigc::PreparedQuery q(db.getHandle(), saved);
    for (const auto& p : q.parameters()) {
      CAPTURE(saved.file);
      CAPTURE(p.name);
      const std::string summary = p.summary();
      const std::string after = summary.substr(std::min(summary.size(), p.name.size() + 1));
      const bool declared = after.rfind("integer", 0) == 0 || after.rfind("real", 0) == 0 ||
                            after.rfind("number", 0) == 0 || after.rfind("text", 0) == 0;
      CHECK_MESSAGE(declared, summary);
      ++typed;
      REQUIRE(p.default_value.has_value());
      if (p.default_value->kind == aigc::ParamValue::Kind::null) continue;
      // The default, given as a --param, is taken and bound unchanged.
      const std::string as_text =
          p.default_value->kind == aigc::ParamValue::Kind::text ? p.default_value->s : p.default_value->literal();
      auto bound = q.bind({{p.name, as_text}});
      for (const auto& [name, value] : bound)
        if (name == p.name) CHECK(value.literal() == p.default_value->literal());
    }
  }
  CHECK(typed >= 4);

  // topic's accepted values are the schema's CHECK list: every topic in the warehouse is taken.
  aigc::PreparedQuery key_figures(db.getHandle(), catalog.find("key_figures"));
  SQLite::Statement topics(db, "SELECT DISTINCT topic FROM key_figure");
  std::size_t n = 0;
  while (topics.executeStep()) {
    const std::string topic = topics.getColumn(0).getString();
    CAPTURE(topic);
    CHECK_NOTHROW(key_figures.bind({{"topic", topic}}));
    ++n;
  }
  CHECK(n >= 5);
  CHECK_THROWS_AS(key_figures.bind({{"topic", "fundng"}}), aigc::UsageError);
}

TEST_CASE("params: aigc queries shows each parameter's type and accepted values") {
  Fixture fx;
  auto list = fx.aigc({"queries", "--format", "csv"});
  INFO(list.describe());
  REQUIRE(list.status == 0);
  CHECK(has(list.out, "\"fx_usd_cny real > 0 = 7.1, currency text in ('CNY', 'USD') = 'CNY'\""));
  CHECK(has(list.out, "topic text in ('user growth', 'web content', "));
  auto one = fx.aigc({"queries", "api_prices_normalised"});
  INFO(one.describe());
  REQUIRE(one.status == 0);
  CHECK(has(one.out, "\n  fx_usd_cny real > 0 = 7.1  -- CNY per USD"));
  CHECK(has(one.out, "\n  currency text in ('CNY', 'USD') = 'CNY'  -- currency"));
  auto own = fx.aigc({"queries", "--queries", fx.queries.string(), "--format", "csv"});
  INFO(own.describe());
  CHECK(has(own.out,
            "\"n integer between 1 and 10 = 5, r real > 0 = 7.1, x number = 2, s text in ('CNY', 'USD') = "
            "'CNY', t text = NULL\""));
}

TEST_CASE("params: export, report and the shell refuse a bad value too, and write nothing") {
  Fixture fx;
  const auto out = fx.dir / "out";
  SUBCASE("export one query") {
    auto r = fx.aigc({"export", "api_prices_normalised", "-o", (fx.dir / "p.csv").string(), "-p", "currency=EUR"});
    INFO(r.describe());
    CHECK(r.status == 2);
    CHECK(has(r.err, "--param currency=EUR: currency takes 'CNY' or 'USD' (default 'CNY'), not 'EUR'"));
    CHECK_FALSE(test::fs::exists(fx.dir / "p.csv"));
  }
  SUBCASE("export --all") {
    auto r = fx.aigc({"export", "--all", "--dir", out.string(), "-p", "fx_usd_cny=7.1x"});
    INFO(r.describe());
    CHECK(r.status == 2);
    CHECK(has(r.err, "not '7.1x'"));
    CHECK((!test::fs::exists(out) || test::entries(out).empty()));
  }
  SUBCASE("report") {
    auto r = fx.aigc({"report", "-o", (fx.dir / "r.html").string(), "-p", "fx_usd_cny=abc"});
    INFO(r.describe());
    CHECK(r.status == 2);
    CHECK(has(r.err, "fx_usd_cny takes a number greater than 0"));
    CHECK_FALSE(test::fs::exists(fx.dir / "r.html"));
  }
  SUBCASE("the shell, piped") {
    auto r = fx.aigc({"shell", "--format", "csv"}, ".run api_prices_normalised fx_usd_cny=abc\nSELECT 'after' AS x;\n");
    INFO(r.describe());
    CHECK(r.status != 0);
    CHECK(has(r.err, "fx_usd_cny takes a number greater than 0 (default 7.1), not 'abc'"));
    CHECK_FALSE(has(r.out, "GPT-4.0"));
  }
}

TEST_CASE("params: a hostile command line: names twice, no name, capitals, Unicode, huge and multi-line values") {
  Fixture fx;
  auto usage = [&](const std::string& query, const std::vector<std::string>& params, const std::string& message) {
    auto r = fx.run(query, params);
    INFO(r.describe());
    CHECK(r.status == 2);
    CHECK(r.out.empty());
    CHECK(has(r.err, message));
    return r;
  };
  usage("api_prices_normalised", {"fx_usd_cny=7", "fx_usd_cny=8"}, "--param fx_usd_cny is given twice");
  usage("api_prices_normalised", {"fx_usd_cny=7", ":fx_usd_cny=7"}, "--param fx_usd_cny is given twice");
  usage("api_prices_normalised", {"=7"}, "--param '=7' is not NAME=VALUE");
  usage("api_prices_normalised", {":=7"}, "--param ':=7' is not NAME=VALUE");
  usage("api_prices_normalised", {"fx_usd_cny"}, "is not NAME=VALUE");
  usage("api_prices_normalised", {"FX_USD_CNY=7"},
        "has no parameter 'FX_USD_CNY' (did you mean fx_usd_cny? names are case-sensitive)");
  usage("api_prices_normalised", {"fx_usd_cny=７.１"}, "not '７.１'");
  usage("api_prices_normalised", {"fx_usd_cny==7"}, "not '=7'");
  usage("api_prices_normalised", {"currency=CNY "}, "not 'CNY ' (no spaces around a value)");
  usage("key_figures", {"topic=NULL"}, "not 'NULL' (leave --param topic out for its default, NULL)");

  SUBCASE("a huge value is refused with a message of sensible length") {
    auto r =
        usage("api_prices_normalised", {"fx_usd_cny=" + std::string(100000, '7')}, "(beyond the range of a number)");
    CHECK(r.err.size() < 400);
    CHECK(has(r.err, "…"));
    auto text = usage("api_prices_normalised", {"currency=" + std::string(100000, 'X')}, "not 'XXXX");
    CHECK(text.err.size() < 400);
  }
  SUBCASE("a value with a line break stays on one line of the message") {
    auto r = usage("api_prices_normalised", {"currency=CNY\nUSD"}, "not 'CNY\\nUSD'");
    CHECK(r.err.find('\n') == r.err.size() - 1);
  }
  SUBCASE("a huge or multi-line name, or a huge query name, is cut and escaped in the message") {
    const std::string huge(100000, 'n');
    for (const auto& r :
         {fx.run("api_prices_normalised", {huge + "=1"}), fx.run("api_prices_normalised", {huge}),
          fx.aigc({"run", huge}), fx.aigc({"report", "-o", (fx.dir / "r.html").string(), "-p", huge + "=1"}),
          fx.run("api_prices_normalised", {huge + "=1", huge + "=2"})}) {
      INFO(r.describe().substr(0, 2000));
      CHECK(r.status == 2);
      CHECK(r.err.size() < 600);
      CHECK(has(r.err, "nnnn…"));
    }
    auto nl = usage("api_prices_normalised", {"fx\nusd=1"}, "has no parameter 'fx\\nusd'");
    CHECK(nl.err.find('\n') == nl.err.size() - 1);
  }
  SUBCASE("a huge text value where any text is taken is simply data") {
    auto r = fx.run("provenance", {"term=" + std::string(100000, 'X')});
    INFO(r.describe());
    CHECK(r.status == 0);
  }
}
