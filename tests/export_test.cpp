// Atomic output files, `aigc run`, `aigc queries` and `aigc export`, end to
// end on the real binary with a directory of test queries (--queries), so
// these tests do not depend on the shipped queries.
#include <doctest/doctest.h>

#include <SQLiteCpp/Database.h>
#include <algorithm>
#include <sstream>

#include "base/error.h"
#include "base/output_file.h"
#include "csv/csv_reader.h"
#include "json_parse.h"
#include "render/render.h"
#include "support.h"

namespace {

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

/// Number of records in a CSV text, header included.
std::size_t csv_records(const std::string& text) {
  aigc::CsvReader csv(text, "export");
  std::size_t n = 0;
  while (csv.next()) ++n;
  return n;
}

/// A warehouse path and a directory of test queries, in a fresh temp dir.
struct Fixture {
  test::TempDir dir;
  test::fs::path db = dir / "warehouse.db";
  test::fs::path queries = dir / "queries";

  Fixture() {
    test::fs::create_directory(queries);
    add("echo",
        "-- title: 回声\n-- scope: report\n-- description: Echoes v and its type.\n-- section: cover\n"
        "-- param: v -- anything\nSELECT :v AS v, typeof(:v) AS type");
    add("firm_count", "-- title: Firms\n-- scope: report\n-- section: cover\nSELECT count(*) AS firms FROM firm");
    add("chinese",
        "-- title: 中文\n-- scope: report\n-- section: cover\n"
        "SELECT column1 AS 产品, column2 AS 价格, column3 AS 备注 FROM (VALUES "
        "('文心大模型', 0.012, '按tokens计费'), ('GPT-4.0', 0.03, NULL), ('通义千问-Turbo', 0.008, ''), "
        "('=1+1', -5, '-cmd'))");
    add("prices",
        "-- title: 价格\n-- scope: report\n-- section: outlook_app_layer\n-- param: fx = 7.1 -- CNY per USD\n"
        "SELECT column1 AS usd, round(column1 * :fx, 4) AS cny FROM (VALUES (0.03), (0.06))");
  }
  void add(const std::string& name, const std::string& text) const {
    test::write_file(queries / (name + ".sql"), text);
  }

  test::RunResult run(std::vector<std::string> args, const test::fs::path& cwd = test::fs::current_path(),
                      const std::vector<std::string>& env = {}) const {
    args.insert(args.begin(), {"--db", db.string()});
    return test::run_aigc(args, cwd, "", env);
  }
  /// `args` after `aigc --db DB COMMAND`, with --queries pointing at the test queries.
  test::RunResult cmd(const std::string& command, std::vector<std::string> args) const {
    args.insert(args.begin(), {command, "--queries", queries.string()});
    return run(args);
  }
};

/// A query that fails on its third row, after two rows were produced.
const char* const kFailing =
    "-- title: Fails\n-- scope: report\n-- section: cover\n"
    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5)\n"
    "SELECT i, CASE WHEN i = 3 THEN abs(-9223372036854775807 - (i - 2)) ELSE i END AS v FROM n";

}  // namespace

TEST_CASE("AtomicFile: the target appears only on commit; otherwise nothing is left") {
  test::TempDir dir;
  auto target = dir / "out.csv";
  {
    aigc::AtomicFile f(target);
    f.stream() << "partial";
    CHECK(test::fs::exists(f.temp_path()));
    CHECK(f.temp_path().parent_path() == dir.path());
    CHECK(f.temp_path().filename().string().rfind(".out.csv.tmp-", 0) == 0);
    CHECK_FALSE(test::fs::exists(target));
  }
  CHECK(test::entries(dir.path()).empty());

  test::write_file(target, "old");
  {
    aigc::AtomicFile f(target);
    f.stream() << "new, incomplete";
  }
  CHECK(test::read_file(target) == "old");  // an abandoned write leaves the old file
  CHECK(test::entries(dir.path()) == std::vector<std::string>{"out.csv"});
  {
    aigc::AtomicFile f(target);
    f.stream() << "new";
    f.commit();
  }
  CHECK(test::read_file(target) == "new");
  CHECK(test::entries(dir.path()) == std::vector<std::string>{"out.csv"});
}

TEST_CASE("AtomicFile: refuses a missing directory and a directory as the target") {
  test::TempDir dir;
  CHECK_THROWS_WITH_AS(aigc::AtomicFile(dir / "no" / "such" / "x.csv"), doctest::Contains("does not exist"),
                       aigc::UsageError);
  CHECK_THROWS_WITH_AS(aigc::AtomicFile(dir.path()), doctest::Contains("is a directory"), aigc::UsageError);
}

TEST_CASE("run: an injection attempt passed as --param stays data") {
  Fixture fx;
  const std::string evil = "x'); DROP TABLE firm; --";
  auto r = fx.cmd("run", {"echo", "--param", "v=" + evil, "--format", "csv"});
  INFO(r.describe());
  REQUIRE(r.status == 0);
  CHECK(r.out == "v,type\nx'); DROP TABLE firm; --,text\n");
  auto count = fx.cmd("run", {"firm_count", "--format", "csv"});
  INFO(count.describe());
  REQUIRE(count.status == 0);
  CHECK(count.out != "firms\n0\n");
  CHECK(count.out.rfind("firms\n", 0) == 0);
}

TEST_CASE("run: --param binds numbers as numbers; -p before the name works") {
  Fixture fx;
  auto r = fx.cmd("run", {"-p", "v=42", "echo", "--format", "json"});
  INFO(r.describe());
  REQUIRE(r.status == 0);
  auto doc = test::JsonParser::parse(r.out);
  CHECK(doc[0]["v"].type == test::Json::Type::number);
  CHECK(doc[0]["v"].text == "42");
  CHECK(doc[0]["type"].text == "integer");
  auto p = fx.cmd("run", {"prices", "-p", "fx=7.2", "--format", "csv"});
  CHECK(p.out == "usd,cny\n0.03,0.216\n0.06,0.432\n");
}

TEST_CASE("run: unknown parameter, missing parameter and unknown query are usage errors that help") {
  Fixture fx;
  SUBCASE("unknown parameter") {
    auto r = fx.cmd("run", {"prices", "--param", "fxx=7"});
    INFO(r.describe());
    CHECK(r.status == 2);
    CHECK(r.err.find("query prices has no parameter 'fxx' (did you mean fx?); it takes: fx number = 7.1") !=
          std::string::npos);
  }
  SUBCASE("missing parameter") {
    auto r = fx.cmd("run", {"echo"});
    INFO(r.describe());
    CHECK(r.status == 2);
    CHECK(r.err.find("query echo needs a value for v: pass --param v=VALUE; it takes: v (required)") !=
          std::string::npos);
  }
  SUBCASE("unknown query") {
    auto r = fx.cmd("run", {"prises"});
    INFO(r.describe());
    CHECK(r.status == 2);
    CHECK(r.err.find("no saved query named 'prises'; did you mean prices?") != std::string::npos);
  }
  SUBCASE("malformed --param") {
    auto r = fx.cmd("run", {"prices", "--param", "fx"});
    CHECK(r.status == 2);
    CHECK(r.err.find("is not NAME=VALUE") != std::string::npos);
  }
  SUBCASE("unknown format") {
    auto r = fx.cmd("run", {"prices", "--format", "jsn"});
    CHECK(r.status == 2);
    CHECK(r.err.find("did you mean json") != std::string::npos);
  }
}

TEST_CASE("run: the table lines up Chinese text and, piped, cuts nothing") {
  Fixture fx;
  auto r = fx.cmd("run", {"chinese"});
  INFO(r.describe());
  REQUIRE(r.status == 0);
  auto lines = lines_of(r.out);
  REQUIRE(lines.size() == 8);
  for (const auto& line : lines) CHECK(aigc::display_width(line) == aigc::display_width(lines[0]));
  CHECK(r.out.find("…") == std::string::npos);
  CHECK(r.out.find("| 通义千问-Turbo | 0.008 |              |") != std::string::npos);
  CHECK(r.out.find("| GPT-4.0        |  0.03 | NULL         |") != std::string::npos);
  CHECK(r.out.find("| =1+1           |    -5 | -cmd         |") != std::string::npos);
}

TEST_CASE("run: -o writes the file atomically and refuses a bad path") {
  Fixture fx;
  auto out = fx.dir / "chinese.csv";
  auto r = fx.cmd("run", {"chinese", "--format", "csv", "-o", out.string()});
  INFO(r.describe());
  REQUIRE(r.status == 0);
  auto direct = fx.cmd("run", {"chinese", "--format", "csv"});
  CHECK(test::read_file(out) == direct.out);
  CHECK(r.out.empty());

  auto missing = fx.cmd("run", {"chinese", "-o", (fx.dir / "nowhere" / "x.csv").string()});
  CHECK(missing.status == 2);
  CHECK(missing.err.find("does not exist") != std::string::npos);
  auto is_dir = fx.cmd("run", {"chinese", "-o", fx.dir.path().string()});
  CHECK(is_dir.status == 2);
  CHECK(is_dir.err.find("is a directory") != std::string::npos);

  fx.add("fails", kFailing);
  auto failed_target = fx.dir / "fails.csv";
  auto failed = fx.cmd("run", {"fails", "--format", "csv", "-o", failed_target.string()});
  CHECK(failed.status == 1);
  CHECK(failed.err.find("integer overflow") != std::string::npos);
  CHECK_FALSE(test::fs::exists(failed_target));
  for (const auto& name : test::entries(fx.dir.path())) CHECK(name.find(".tmp-") == std::string::npos);
}

TEST_CASE("queries: lists name, title, scope, parameters with defaults, and section") {
  Fixture fx;
  auto r = fx.cmd("queries", {"--format", "csv"});
  INFO(r.describe());
  REQUIRE(r.status == 0);
  CHECK(r.out ==
        "name,title,scope,parameters,section\n"
        "chinese,中文,report,\"\",cover\n"
        "echo,回声,report,v (required),cover\n"
        "firm_count,Firms,report,\"\",cover\n"
        "prices,价格,report,fx number = 7.1,outlook_app_layer\n");
  auto one = fx.cmd("queries", {"prices"});
  CHECK(one.status == 0);
  CHECK(one.out.find("fx number = 7.1  -- CNY per USD") != std::string::npos);
  auto env = fx.run({"queries", "--format", "json"}, test::fs::current_path(), {"AIGC_QUERIES=" + fx.queries.string()});
  INFO(env.describe());
  CHECK(test::JsonParser::parse(env.out).items.size() == 4);
}

TEST_CASE("export --all: one file per query and a manifest whose row counts match") {
  Fixture fx;
  auto out = fx.dir / "out" / "nested";  // created
  auto r = fx.cmd("export", {"--all", "--dir", out.string(), "--param", "v=hello"});
  INFO(r.describe());
  REQUIRE(r.status == 0);
  CHECK(test::entries(out) ==
        std::vector<std::string>{"chinese.csv", "echo.csv", "firm_count.csv", "manifest.json", "prices.csv"});
  auto manifest = test::JsonParser::parse(test::read_file(out / "manifest.json"));
  CHECK(manifest["aigc_version"].text == "0.1.0");
  CHECK(manifest["database"].text == test::fs::absolute(fx.db).string());
  CHECK(manifest["seed_origin"].text == "embedded");
  CHECK(manifest["seed_digest"].text.size() == 64);
  CHECK(manifest["format"].text == "csv");
  const std::string& at = manifest["generated_at"].text;
  CHECK(at.size() == 20);
  CHECK(at[10] == 'T');
  CHECK(at.back() == 'Z');
  {
    SQLite::Database db(fx.db.string());
    CHECK(manifest["seed_digest"].text ==
          db.execAndGet("SELECT value FROM aigc_meta WHERE key = 'seed_digest'").getString());
  }
  const auto& queries = manifest["queries"];
  REQUIRE(queries.items.size() == 4);
  for (const auto& q : queries.items) {
    CAPTURE(q["name"].text);
    CHECK(q["file"].text == q["name"].text + ".csv");
    CHECK(q["rows"].number() == static_cast<double>(csv_records(test::read_file(out / q["file"].text)) - 1));
  }
  CHECK(queries[0]["name"].text == "chinese");
  CHECK(queries[0]["title"].text == "中文");
  CHECK(queries[0]["rows"].text == "4");
  CHECK(queries[1]["params"]["v"].text == "hello");
  CHECK(queries[3]["params"]["fx"].text == "7.1");
  CHECK(test::read_file(out / "echo.csv") == "v,type\nhello,text\n");
}

TEST_CASE("export: --bom starts each CSV with EF BB BF; --format picks the extension") {
  Fixture fx;
  auto with_bom = fx.dir / "bom";
  auto r = fx.cmd("export", {"--all", "--dir", with_bom.string(), "-p", "v=1", "--bom"});
  INFO(r.describe());
  REQUIRE(r.status == 0);
  for (const auto& name : {"chinese.csv", "echo.csv", "prices.csv"})
    CHECK(test::read_file(with_bom / name).substr(0, 3) == "\xEF\xBB\xBF");
  auto one = fx.dir / "one.csv";
  REQUIRE(fx.cmd("export", {"chinese", "-o", one.string()}).status == 0);
  CHECK(test::read_file(one).substr(0, 3) != "\xEF\xBB\xBF");

  auto json = fx.dir / "json";
  REQUIRE(fx.cmd("export", {"--all", "--dir", json.string(), "-p", "v=1", "--format", "json"}).status == 0);
  CHECK(test::entries(json) ==
        std::vector<std::string>{"chinese.json", "echo.json", "firm_count.json", "manifest.json", "prices.json"});
  CHECK(test::JsonParser::parse(test::read_file(json / "chinese.json")).items.size() == 4);
  auto md = fx.dir / "md";
  REQUIRE(fx.cmd("export", {"prices", "--dir", md.string(), "--format", "md"}).status == 0);
  CHECK(test::read_file(md / "prices.md") == "| usd | cny |\n| ---: | ---: |\n| 0.03 | 0.213 |\n| 0.06 | 0.426 |\n");
  auto jsonl = fx.dir / "jsonl";
  REQUIRE(fx.cmd("export", {"prices", "--dir", jsonl.string(), "--format", "jsonl"}).status == 0);
  CHECK(test::read_file(jsonl / "prices.jsonl") == "{\"usd\":0.03,\"cny\":0.213}\n{\"usd\":0.06,\"cny\":0.426}\n");
}

TEST_CASE("export: --excel-safe passes through; numbers are left alone") {
  Fixture fx;
  auto file = fx.dir / "safe.csv";
  auto r = fx.cmd("export", {"chinese", "-o", file.string(), "--excel-safe"});
  INFO(r.describe());
  REQUIRE(r.status == 0);
  CHECK(test::read_file(file).find("'=1+1,-5,'-cmd") != std::string::npos);
}

TEST_CASE("export: a failed export leaves no partial file, and --all leaves the directory as it was") {
  Fixture fx;
  fx.add("zz_fails", kFailing);  // runs last, after the others were written
  auto out = fx.dir / "out";
  test::fs::create_directory(out);
  test::write_file(out / "chinese.csv", "from an earlier export");
  auto r = fx.cmd("export", {"--all", "--dir", out.string(), "-p", "v=1"});
  INFO(r.describe());
  CHECK(r.status == 1);
  CHECK(r.err.find("query zz_fails") != std::string::npos);
  CHECK(r.err.find("integer overflow") != std::string::npos);
  CHECK(test::entries(out) == std::vector<std::string>{"chinese.csv"});  // no new file, no temporary, no manifest
  CHECK(test::read_file(out / "chinese.csv") == "from an earlier export");

  auto single = fx.cmd("export", {"zz_fails", "-o", (out / "zz_fails.csv").string()});
  CHECK(single.status == 1);
  CHECK(test::entries(out) == std::vector<std::string>{"chinese.csv"});
}

TEST_CASE("export: usage errors") {
  Fixture fx;
  auto dir = fx.dir / "x";
  SUBCASE("--all with a query nobody takes as --param") {
    auto r = fx.cmd("export", {"--all", "--dir", dir.string(), "-p", "v=1", "-p", "fz=2"});
    CHECK(r.status == 2);
    CHECK(r.err.find("no saved query takes a parameter 'fz' (did you mean fx") != std::string::npos);
    CHECK_FALSE(test::fs::exists(dir));
  }
  SUBCASE("--all while a query needs a parameter") {
    auto r = fx.cmd("export", {"--all", "--dir", dir.string()});
    CHECK(r.status == 2);
    CHECK(r.err.find("query echo needs a value for v") != std::string::npos);
    CHECK_FALSE(test::fs::exists(dir));
  }
  SUBCASE("--all without --dir, and neither --all nor a name") {
    CHECK(fx.cmd("export", {"--all"}).status == 2);
    CHECK(fx.cmd("export", {}).status == 2);
    CHECK(fx.cmd("export", {"prices", "--all", "--dir", dir.string()}).status == 2);
  }
}

TEST_CASE("export: a single query without -o goes to NAME.csv in the current directory") {
  Fixture fx;
  auto work = fx.dir / "work";
  test::fs::create_directory(work);
  auto r = fx.run({"export", "prices", "--queries", fx.queries.string()}, work);
  INFO(r.describe());
  REQUIRE(r.status == 0);
  CHECK(test::read_file(work / "prices.csv") == "usd,cny\n0.03,0.213\n0.06,0.426\n");
}

TEST_CASE("run, queries, export: --help shows a worked example") {
  for (const char* command : {"run", "queries", "export"}) {
    CAPTURE(command);
    auto r = test::run_aigc({command, "--help"});
    CHECK(r.status == 0);
    CHECK(r.out.find("Examples:") != std::string::npos);
    CHECK(r.out.find(std::string("aigc ") + command) != std::string::npos);
  }
}
