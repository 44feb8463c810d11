// Red team (b): inputs a careless or hostile user types at sql, shell, run,
// export and report, each found to crash aigc, lose data, hang or print a
// wrong answer with exit 0 on the code it was written against.
#include <doctest/doctest.h>

#include <sys/stat.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "support.h"
#include "warehouse/warehouse.h"

namespace {

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

struct Fixture {
  test::TempDir dir;
  std::string db = (dir / "w.db").string();
  Fixture() { aigc::build_warehouse(db, aigc::BuildSources::embedded()); }
  test::RunResult run(const std::string& command, const std::vector<std::string>& args,
                      const std::string& input = "") const {
    std::vector<std::string> all = {"--db", db, command};
    all.insert(all.end(), args.begin(), args.end());
    return test::run_aigc(all, dir.path(), input,
                          {"HOME=" + dir.path().string(), "AIGC_HISTORY=" + (dir / "history").string()});
  }
};

}  // namespace

TEST_CASE(
    "red team b: printf() whose result passes the string limit is an "
    "error, not NULL with exit 0") {
  Fixture f;
  // 70 million 'x' pass SQLite's 64 MiB string limit: SQLite's printf()
  // returned NULL, so length() printed NULL and aigc exited 0.
  auto r = f.run("sql", {"SELECT length(printf('%.*c', 70000000, 'x')) AS n"});
  INFO(r.describe());
  CHECK(r.status == 1);
  CHECK(contains(r.err, "too big"));
  CHECK_FALSE(contains(r.out, "NULL"));
  // A result within the limit, and the corner cases SQLite answers itself,
  // are unchanged.
  r = f.run("sql", {"SELECT length(printf('%.*c', 1000, 'x')) AS a, "
                    "printf('%5.2f|%-4d|%q', 3.14159, 7, 'it''s') AS b,"
                    " printf('') IS NULL AS c, printf(NULL) IS NULL AS d, "
                    "format('%s-%s', 'x', 'y') AS e,"
                    " printf('%d%%', 5) AS g, typeof(printf('%s', NULL)) AS h",
                    "--format", "csv"});
  INFO(r.describe());
  CHECK(r.status == 0);
  CHECK(r.out == "a,b,c,d,e,g,h\n1000, 3.14|7   |it''s,1,1,x-y,5%,text\n");
}

TEST_CASE(
    "red team b: a printf() width or precision past the string limit "
    "stops at once, under --timeout") {
  Fixture f;
  for (const std::string sql : {"SELECT printf('%.*c', 2147483647, 'x')", "SELECT format('%2147483647d', 1)",
                                "SELECT printf('%.2000000000f', 1.5)", "SELECT printf('%*s', -2147483647, 'a')"}) {
    const auto start = std::chrono::steady_clock::now();
    auto r = f.run("sql", {sql, "--timeout", "1"});
    const auto took = std::chrono::steady_clock::now() - start;
    INFO(sql);
    INFO(r.describe());
    CHECK(r.status == 1);
    CHECK(contains(r.err, "too big"));
    // SQLite spent ~10 s (or ~40 s, by machine) in this one call, which the
    // progress handler behind --timeout never sees.
    CHECK(took < std::chrono::seconds(3));
  }
}

TEST_CASE(
    "red team b: a parameter in ad-hoc SQL, which nothing binds, is an "
    "error, not NULL with exit 0") {
  Fixture f;
  // A user who copies a saved query's WHERE firm_id = :firm into aigc sql got
  // no rows (the parameter was NULL) and exit 0: a wrong answer.
  for (const std::string sql :
       {"SELECT name_zh FROM firm WHERE firm_id = :firm", "SELECT ?1", "SELECT 1, @x", "SELECT 1; SELECT $v"}) {
    auto r = f.run("sql", {sql});
    INFO(r.describe());
    CHECK(r.status == 1);
    CHECK(contains(r.err, "parameter"));
    CHECK(contains(r.err, "aigc run"));
  }
  auto r = f.run("shell", {}, "SELECT count(*) FROM firm WHERE firm_id = ?;\n");
  INFO(r.describe());
  CHECK(r.status == 1);
  CHECK(contains(r.err, "parameter (?)"));
  // Text that only looks like a parameter is not one.
  r = f.run("sql", {"SELECT ':x', '?1', \"@y\" FROM (SELECT 1 AS \"@y\") -- :z", "--format", "csv"});
  INFO(r.describe());
  CHECK(r.status == 0);
  CHECK(r.out == "':x','?1',@y\n:x,?1,1\n");
}

TEST_CASE(
    "red team b: --write cannot change the application_id that marks the "
    "file as aigc's warehouse") {
  Fixture f;
  // With application_id changed, aigc build refused the user's own
  // warehouse as "the SQLite database of another program".
  auto r = f.run("sql", {"--write", "PRAGMA main.application_id = 7"});
  INFO(r.describe());
  CHECK(r.status == 1);
  CHECK(contains(r.err, "application_id"));
  r = f.run("sql", {"PRAGMA application_id", "--format", "csv"});
  CHECK(r.out == "application_id\n1095321411\n");
  r = f.run("build", {});
  INFO(r.describe());
  CHECK(r.status == 0);
}

TEST_CASE(
    "red team b: a FIFO or device as the warehouse is a usage error, not "
    "a hang or an empty database") {
  test::TempDir dir;
  const auto fifo = dir / "w.db";
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  // Opening a FIFO for reading waits for a writer: aigc sql hung for ever.
  test::RunLimits limits;
  limits.kill_after = std::chrono::seconds(10);
  auto r = test::run_aigc({"--db", fifo.string(), "sql", "SELECT 1"}, dir.path(), "", {"HOME=" + dir.path().string()},
                          limits);
  INFO(r.describe());
  CHECK(r.status == 2);
  CHECK(contains(r.err, "is not a regular file"));
  // /dev/null opened as an empty database: "no such table: firm".
  r = test::run_aigc({"--db", "/dev/null", "sql", "SELECT count(*) FROM firm"}, dir.path(), "",
                     {"HOME=" + dir.path().string()});
  INFO(r.describe());
  CHECK(r.status == 2);
  CHECK(contains(r.err, "is not a regular file"));
}

TEST_CASE(
    "red team b: an empty file as the warehouse (touch w.db) is built on "
    "first use, like a missing one") {
  test::TempDir dir;
  const auto db = dir / "w.db";
  { std::ofstream touch(db); }
  // SQLite opened it as an empty database: "no such table: pricing".
  auto r = test::run_aigc({"--db", db.string(), "run", "api_prices", "--format", "csv"}, dir.path(), "",
                          {"HOME=" + dir.path().string()});
  INFO(r.describe());
  CHECK(r.status == 0);
  CHECK(contains(r.out, "GPT-4.0,input,0.03,USD"));
}

TEST_CASE(
    "red team b: --timeout past the range of a double is the longest "
    "limit, not 'must be positive'") {
  Fixture f;
  // strtod gives inf for 1e400 and 0 for 1e-400; both were refused as not
  // positive, though the code meant to clamp them.
  for (const std::string t : {"1e400", "1e-400"}) {
    auto r = f.run("sql", {"--timeout", t, "SELECT 7", "--format", "csv"});
    INFO(t);
    INFO(r.describe());
    CHECK(r.status == 0);
    CHECK(r.out == "7\n7\n");
  }
}

TEST_CASE(
    "red team b: a saved query of the user's calling printf() past the "
    "string limit fails at once") {
  Fixture f;
  const auto queries = f.dir / "queries";
  std::filesystem::create_directories(queries);
  std::ofstream(queries / "wide.sql") << "-- title: wide\n-- scope: report\n-- description: x\n"
                                         "-- section: outlook_app_layer\n"
                                         "SELECT printf('%.*c', 2147483647, 'x') AS p;\n";
  const auto start = std::chrono::steady_clock::now();
  // aigc run used a plain connection: ~10 s, then NULL with exit 0.
  auto r = f.run("run", {"wide", "--queries", queries.string()});
  INFO(r.describe());
  CHECK(r.status == 1);
  CHECK(contains(r.err, "too big"));
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(3));
}
