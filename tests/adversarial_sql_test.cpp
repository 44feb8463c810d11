// Hostile SQL: what a user's SQL text (or a crafted warehouse file) must not
// be able to do to aigc: crash it, read or write other files, print
// pointers, take unbounded memory or time. SQLite's own list
// (https://www.sqlite.org/security.html) is followed item by item, and each
// item has a test here; most run the real binary, so the process-wide
// settings main() makes (the heap limit) are in force.
#include <doctest/doctest.h>

#include <SQLiteCpp/Database.h>
#include <chrono>
#include <cstdlib>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "query/sql_guard.h"
#include "query/sql_script.h"
#include "render/render.h"
#include "sqlite/connection.h"
#include "sqlite/statement.h"
#include "sqlite/statement_scanner.h"
#include "support.h"
#include "warehouse/warehouse.h"

namespace {

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

/// A warehouse in a temporary directory, and `aigc` run on it.
struct Fixture {
  test::TempDir dir;
  std::string db = (dir / "w.db").string();
  Fixture() { aigc::build_warehouse(db, aigc::BuildSources::embedded()); }
  test::RunResult sql(const std::vector<std::string>& args, const std::string& input = "",
                      const test::RunLimits& limits = {}) const {
    std::vector<std::string> all = {"--db", db, "sql"};
    all.insert(all.end(), args.begin(), args.end());
    return test::run_aigc(all, dir.path(), input, env(), limits);
  }
  /// HOME, and under the sanitizers a small quarantine: ASan keeps freed
  /// memory (256 MB by default) before reuse, which a memory bound would
  /// otherwise measure instead of aigc.
  std::vector<std::string> env() const {
    std::vector<std::string> e = {"HOME=" + dir.path().string()};
    if (const char* asan = std::getenv("ASAN_OPTIONS"))
      e.push_back(std::string("ASAN_OPTIONS=") + asan + ":quarantine_size_mb=8");
    return e;
  }
  /// A child's peak memory as the kernel reports it counts what the test
  /// process held when it forked (larger under the sanitizers): bounds are
  /// measured above that of a trivial run.
  long baseline_rss_kb() const {
    static const long kb = sql({"SELECT 1"}).max_rss_kb;
    return kb;
  }
  /// The most a streaming run may grow above that: `kb`, or four times it
  /// under the sanitizers, whose allocator keeps size-class caches and
  /// shadow memory (the normal build holds the real bound).
  static long allowance_kb(long kb) { return std::getenv("ASAN_OPTIONS") ? 4 * kb : kb; }
  test::RunResult shell(const std::vector<std::string>& args, const std::string& input,
                        const test::RunLimits& limits = {}) const {
    std::vector<std::string> all = {"--db", db, "shell"};
    all.insert(all.end(), args.begin(), args.end());
    return test::run_aigc(all, dir.path(), input,
                          {"HOME=" + dir.path().string(), "AIGC_HISTORY=" + (dir / "history").string()}, limits);
  }
};

/// `n` copies of `s`, joined by `sep`.
std::string repeat(const std::string& s, std::size_t n, const std::string& sep = "") {
  std::string out;
  for (std::size_t i = 0; i < n; ++i) out += (i ? sep : "") + s;
  return out;
}

/// Exited by itself (no signal), with a message and no address-like hex.
void check_clean_failure(const test::RunResult& r, int status, const std::string& message) {
  INFO(r.describe());
  CHECK(r.status == status);
  CHECK(contains(r.err, message));
  // (The error echoes the SQL, which may hold hex digits of its own.)
  CHECK(!std::regex_search(r.out, std::regex("0x[0-9a-fA-F]{6,}|\\b[0-9A-F]{12,16}\\b")));
  CHECK(!contains(r.err, "0x"));
}

}  // namespace

// ---------------------------------------------------------------------------
// 4. SQL cannot crash aigc or reach outside it

TEST_CASE("adversarial sql: fts3_tokenizer() cannot crash aigc or print a pointer, with or without --write") {
  Fixture f;
  auto r = f.sql({"--write", "CREATE VIRTUAL TABLE notes USING fts3(body); INSERT INTO notes VALUES ('hello world')"});
  REQUIRE(r.status == 0);
  const std::string crash =
      "SELECT fts3_tokenizer('simple', x'4141414141414141'); "
      "SELECT * FROM notes WHERE notes MATCH 'hello'";
  SUBCASE("two arguments install a tokenizer from a forged pointer: refused, read-only") {
    check_clean_failure(f.sql({crash}), 1, "fts3_tokenizer() is not allowed, even with --write");
  }
  SUBCASE("two arguments, --write") {
    check_clean_failure(f.sql({"--write", crash}), 1, "fts3_tokenizer() is not allowed, even with --write");
  }
  SUBCASE("one argument prints the tokenizer's address: refused") {
    check_clean_failure(f.sql({"SELECT hex(fts3_tokenizer('simple'))"}), 1, "fts3_tokenizer() is not allowed");
    check_clean_failure(f.sql({"--write", "SELECT fts3_tokenizer('porter')"}), 1, "fts3_tokenizer() is not allowed");
  }
  SUBCASE("the shell refuses it too") {
    check_clean_failure(f.shell({}, crash + ";\n"), 1, "fts3_tokenizer() is not allowed");
  }
  // The FTS table itself still works.
  r = f.sql({"-f", "csv", "SELECT body FROM notes WHERE notes MATCH 'hello'"});
  CHECK(r.out == "body\nhello world\n");
}

TEST_CASE("adversarial sql: every connection is hardened (defensive, untrusted schema, no tokenizer, no extensions)") {
  Fixture f;
  for (auto access : {aigc::Access::read_only, aigc::Access::read_write}) {
    auto db = aigc::open_database(f.db, access);
    sqlite3* h = db.getHandle();
    auto setting = [&](int option) {
      int value = -1;
      REQUIRE(sqlite3_db_config(h, option, -1, &value) == SQLITE_OK);
      return value;
    };
    CHECK(setting(SQLITE_DBCONFIG_DEFENSIVE) == 1);
    CHECK(setting(SQLITE_DBCONFIG_TRUSTED_SCHEMA) == 0);
    CHECK(setting(SQLITE_DBCONFIG_ENABLE_FTS3_TOKENIZER) == 0);
    CHECK(setting(SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION) == 0);
    for (const auto& l : aigc::kSqlLimits) {
      INFO(l.what);
      CHECK(sqlite3_limit(h, l.id, -1) == l.value);
    }
  }
  // The warehouse's own CHECK constraints and foreign keys still work on an
  // untrusted schema, and the loader's 64-row INSERT still fits the
  // parameter limit on the widest table.
  auto r = f.sql({"--write", "UPDATE pricing SET billing_basis = 'bogus'"});
  INFO(r.describe());
  CHECK(r.status == 1);
  CHECK(contains(r.err, "CHECK constraint failed"));
  SQLite::Database db(f.db, SQLite::OPEN_READONLY);
  SQLite::Statement widest(db,
                           "SELECT max(n) FROM (SELECT count(*) AS n FROM sqlite_schema s, pragma_table_info(s.name) "
                           "WHERE s.type = 'table' GROUP BY s.name)");
  REQUIRE(widest.executeStep());
  CHECK(
      widest.getColumn(0).getInt() * 64 <=
      sqlite3_limit(aigc::open_database(f.db, aigc::Access::read_write).getHandle(), SQLITE_LIMIT_VARIABLE_NUMBER, -1));
}

TEST_CASE("adversarial sql: each SQLite limit holds, with a clean error") {
  Fixture f;
  SUBCASE("a string or BLOB over 64 MiB") {
    check_clean_failure(f.sql({"SELECT length(zeroblob(70000000))"}), 1, "string or blob too big");
    // printf() answers nothing rather than an error, but never the 70 MB.
    auto r = f.sql({"-f", "csv", "SELECT length(printf('%.*c', 70000000, 'x')) AS n"});
    CHECK(!contains(r.out, "70000000"));
    check_clean_failure(f.sql({"SELECT length(randomblob(70000000))"}), 1, "string or blob too big");
  }
  SUBCASE("more than 1,000 result columns") {
    check_clean_failure(f.sql({"SELECT " + repeat("1", 2001, ",")}), 1, "too many columns");
  }
  SUBCASE("an expression deeper than 200") {
    check_clean_failure(f.sql({"SELECT " + repeat("1", 250, "+")}), 1, "Expression tree is too large");
  }
  SUBCASE("a compound SELECT of more than 100 terms") {
    check_clean_failure(f.sql({repeat("SELECT 1", 101, " UNION ALL ")}), 1, "too many terms in compound SELECT");
  }
  SUBCASE("a LIKE pattern over 1,000 bytes") {
    check_clean_failure(f.sql({"SELECT 'a' LIKE printf('%.*c', 2000, '%')"}), 1, "LIKE or GLOB pattern too complex");
  }
  SUBCASE("a parameter number over 6,400") {
    check_clean_failure(f.sql({"SELECT ?6401"}), 1, "variable number must be between ?1 and ?6400");
  }
  SUBCASE("more than 100 function arguments") {
    check_clean_failure(f.sql({"SELECT max(" + repeat("1", 101, ",") + ")"}), 1, "too many arguments on function max");
  }
  SUBCASE("triggers nested deeper than 32") {
    check_clean_failure(f.sql({"--write",
                               "PRAGMA recursive_triggers = ON; CREATE TABLE t (x INTEGER); "
                               "CREATE TRIGGER grow AFTER INSERT ON t WHEN new.x < 100 "
                               "BEGIN INSERT INTO t VALUES (new.x + 1); END; "
                               "INSERT INTO t VALUES (1)"}),
                        1, "too many levels of trigger recursion");
  }
  SUBCASE("more than 4 attached databases, with --write") {
    std::string sql;
    for (int i = 0; i < 5; ++i) sql += "ATTACH ':memory:' AS m" + std::to_string(i) + "; ";
    check_clean_failure(f.sql({"--write", sql}), 1, "too many attached databases - max 4");
  }
  SUBCASE("a statement over 1 MiB") {
    const std::string big = "SELECT '" + std::string(1100000, 'x') + "';\n";
    check_clean_failure(f.sql({"-"}, big), 1, "longer than 1048576 bytes (1 MiB), the limit for one statement");
    check_clean_failure(f.shell({}, big), 1, "longer than 1048576 bytes (1 MiB), the limit for one statement");
  }
}

TEST_CASE("adversarial sql: SQLite's heap is capped at 1 GiB: a statement that needs more fails cleanly") {
  Fixture f;
  // Twenty 60 MB strings alive at once in one row of a subquery: 1.2 GB.
  std::string columns, lengths;
  for (int i = 0; i < 20; ++i) {
    columns += std::string(i ? ", " : "") + "printf('%.*c', 60000000, 'x') AS c" + std::to_string(i);
    lengths += std::string(i ? " + " : "") + "length(c" + std::to_string(i) + ")";
  }
  const std::string sql = "SELECT " + lengths + " FROM (SELECT " + columns + " LIMIT 1) ORDER BY 1";
  auto r = f.sql({"-f", "csv", sql});
  check_clean_failure(r, 1, "out of memory");
  // Well under what SQLite would have used without the limit, and the
  // process is still able to say so.
  CHECK(r.max_rss_kb < f.baseline_rss_kb() + 1600L * 1024);
}

TEST_CASE("adversarial sql: functions and statements that touch files or pointers are refused, with --write too") {
  Fixture f;
  const auto outside = f.dir / "outside.db";
  for (bool write : {false, true}) {
    CAPTURE(write);
    auto run = [&](const std::string& sql) {
      std::vector<std::string> args;
      if (write) args.push_back("--write");
      args.push_back(sql);
      return f.sql(args);
    };
    check_clean_failure(run("SELECT load_extension('/lib/x86_64-linux-gnu/libm.so.6')"), 1,
                        "load_extension() is not allowed");
    check_clean_failure(run("VACUUM INTO '" + outside.string() + "'"), 1, "VACUUM INTO is not allowed");
    check_clean_failure(run("VACUUM main INTO '" + outside.string() + "'"), 1, "VACUUM INTO is not allowed");
    check_clean_failure(run("VACUUM \"main\" /* x */ INTO '" + outside.string() + "'"), 1,
                        "VACUUM INTO is not allowed");
    CHECK(!test::fs::exists(outside));
    check_clean_failure(run("PRAGMA trusted_schema = ON"), 1, "PRAGMA trusted_schema = ON is not allowed");
    check_clean_failure(run("PRAGMA temp_store_directory = '" + f.dir.path().string() + "'"), 1,
                        "PRAGMA temp_store_directory");
    // Not in aigc's SQLite (the sqlite3 shell's own), and refused should a
    // build ever add them.
    for (const char* fn : {"readfile('/etc/passwd')", "writefile('x', 'y')", "edit('x')"}) {
      auto r = run(std::string("SELECT ") + fn);
      INFO(r.describe());
      CHECK(r.status == 1);
    }
    CHECK(!test::fs::exists(f.dir / "x"));
  }
  // Read-only: ATTACH of any file is refused before it is opened.
  check_clean_failure(f.sql({"ATTACH '" + outside.string() + "' AS o"}), 1, "ATTACH is not allowed");
  CHECK(!test::fs::exists(outside));
  // A plain VACUUM still works with --write.
  auto r = f.sql({"--write", "VACUUM"});
  INFO(r.describe());
  CHECK(r.status == 0);
}

// ---------------------------------------------------------------------------
// 5. Bounded resources

TEST_CASE("adversarial sql: an endless result in table format streams in bounded memory") {
  Fixture f;
  // A million rows, each with a 45-byte text: held whole, that is 150+ MB.
  const std::string sql =
      "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c) "
      "SELECT x, 'forty-five bytes of text to make a row larger' AS pad FROM c LIMIT 1000000";
  // Into a file, not this process: a child's peak memory as the kernel
  // reports it includes what this process held when it forked.
  const auto out = f.dir / "out.txt";
  auto r = f.sql({"-o", out.string(), sql});
  INFO(r.err);
  CHECK(r.status == 0);
  CHECK(r.max_rss_kb < f.baseline_rss_kb() + Fixture::allowance_kb(100 * 1024));
  const std::string text = test::read_file(out);
  CHECK(contains(text, "| 1000000 | forty-five bytes of text to make a row larger |\n+"));
  CHECK(contains(text, "| 1000 | forty-five bytes of text to make a row larger |\n"));
  // And an endless one runs until --timeout stops it, still bounded.
  r = f.sql({"-o", out.string(), "--timeout", "2",
             "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c) SELECT x FROM c"});
  CHECK(r.status == 1);
  CHECK(contains(r.err, "query stopped after 2 s (--timeout)"));
  CHECK(r.max_rss_kb < f.baseline_rss_kb() + Fixture::allowance_kb(100 * 1024));
}

TEST_CASE("adversarial sql: the table sizes columns on its first 1,000 rows, then cuts wider cells with an ellipsis") {
  SQLite::Database db(":memory:", SQLite::OPEN_READWRITE);
  aigc::Statement st(db.getHandle(),
                     "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c LIMIT 1002) "
                     "SELECT x, CASE WHEN x = 1002 THEN 'much wider than before' ELSE 'ab' END AS t FROM c");
  std::ostringstream out;
  aigc::RenderOptions o;
  CHECK(aigc::render_statement(st.get(), out, o) == 1002);
  const std::string text = out.str();
  CHECK(contains(text, "|    1 | ab |\n"));
  CHECK(contains(text, "| 1001 | ab |\n"));
  CHECK(contains(text, "| 1002 | m\xE2\x80\xA6 |\n"));
  // Every line is as wide as the first.
  std::istringstream lines(text);
  std::string line, first;
  std::getline(lines, first);
  while (std::getline(lines, line)) CHECK(aigc::display_width(line) == aigc::display_width(first));
}

TEST_CASE("adversarial sql: SQL from an endless standard input runs one statement at a time in bounded memory") {
  Fixture f;
  SUBCASE("150 MB of statements") {
    test::RunLimits limits;
    limits.input_repeat = 150000;
    const std::string one = "SELECT 1 AS one; -- " + std::string(1000, 'x') + "\n";
    auto r = f.sql({"-f", "csv", "-"}, one, limits);
    INFO(r.err);
    CHECK(r.status == 0);
    CHECK(r.out.size() == 150000 * std::string("one\n1\n").size());
    CHECK(r.max_rss_kb < f.baseline_rss_kb() + Fixture::allowance_kb(100 * 1024));
  }
  SUBCASE("yes 'SELECT 1' (no ';'): stops at the statement limit, naming it") {
    test::RunLimits limits;
    limits.input_repeat = 1000000;
    limits.kill_after = std::chrono::seconds(60);
    check_clean_failure(f.sql({"-"}, "SELECT 1\n", limits), 1,
                        "standard input, line 1: statement 1 is longer than 1048576 bytes (1 MiB)");
    check_clean_failure(f.shell({}, "SELECT 1\n", limits), 1,
                        "line 1: the statement is longer than 1048576 bytes (1 MiB)");
  }
  SUBCASE("one endless line") {
    test::RunLimits limits;
    limits.input_repeat = 1000000;
    limits.kill_after = std::chrono::seconds(60);
    check_clean_failure(f.shell({}, "xxxxxxxxxx", limits), 1, "line 1 is longer than 1048576 bytes");
  }
  SUBCASE("a long statement of ';' inside a string is found in linear time") {
    test::RunLimits limits;
    limits.kill_after = std::chrono::seconds(60);
    const std::string sql = "SELECT length('" + repeat(";", 500000, "\n") + "') AS n;\n";
    const auto start = std::chrono::steady_clock::now();
    auto r = f.shell({"-f", "csv"}, sql, limits);
    INFO(r.err);
    CHECK(r.status == 0);
    CHECK(r.out == "n\n999999\n");
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(20));
  }
  SUBCASE("statement numbers and lines go on across the stream") {
    auto r = f.sql({"-f", "csv", "-"}, "SELECT 1 AS a;\nSELECT 2 AS b;\n\nSELECT nope;\n");
    INFO(r.describe());
    CHECK(r.status == 1);
    CHECK(r.out == "a\n1\nb\n2\n");
    CHECK(contains(r.err, "in statement 3 at line 4: SELECT nope;"));
  }
}

TEST_CASE("adversarial sql: --timeout takes any positive number, clamped, and refuses the rest") {
  Fixture f;
  const std::string counting =
      "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c LIMIT 200000) "
      "SELECT count(*) AS n FROM c";
  for (const char* big : {"1e10", "1e300", "999999999999999999999"}) {
    CAPTURE(big);
    auto r = f.sql({"-f", "csv", "--timeout", big, counting});
    INFO(r.describe());
    CHECK(r.status == 0);
    CHECK(r.out == "n\n200000\n");
  }
  // Below a millisecond is one millisecond, never "no limit".
  test::RunLimits limits;
  limits.kill_after = std::chrono::seconds(30);
  auto r = f.sql(
      {"--timeout", "0.0001", "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c) SELECT count(*) FROM c"},
      "", limits);
  CHECK(r.status == 1);
  CHECK(contains(r.err, "query stopped after"));
  for (const char* bad :
       {"0", "-1", "-0.5", "nan", "NaN", "inf", "-inf", "infinity", "abc", "", "5s", "0x10", " 5", "1e", "."}) {
    CAPTURE(bad);
    for (const char* command : {"sql", "shell"}) {
      CAPTURE(command);
      auto res = std::string(command) == "sql" ? f.sql({"--timeout", bad, "SELECT 1"})
                                               : f.shell({"--timeout", bad}, "SELECT 1;\n");
      INFO(res.describe());
      CHECK(res.status == 2);
      CHECK(contains(res.err, "--timeout"));
    }
  }
}

// ---------------------------------------------------------------------------
// Hostile SQL of every other kind: each ends with a clean error or a
// bounded answer, never a crash.

TEST_CASE("adversarial sql: deep nesting, huge values, JSON and recursion end cleanly") {
  Fixture f;
  struct Case {
    std::string sql;
    std::string message;  ///< in stderr, exit 1
  };
  const std::vector<Case> cases = {
      {"SELECT " + repeat("(", 5000) + "1" + repeat(")", 5000), "parser stack overflow"},
      {"SELECT " + repeat("- ", 5000) + "1", "parser stack overflow"},
      {"SELECT " + repeat("(SELECT ", 2000) + "1" + repeat(")", 2000), "parser stack overflow"},
      {"SELECT json('" + repeat("[", 100000) + repeat("]", 100000) + "')", "malformed JSON"},
      {"SELECT json_extract('" + repeat("{\"a\":", 50000) + "1" + repeat("}", 50000) + "', '$.a')", "malformed JSON"},
      {"SELECT length(zeroblob(9223372036854775807))", "string or blob too big"},
      {"SELECT length(replace(printf('%.*c', 1000000, 'x'), 'x', printf('%.*c', 100, 'y')))", "string or blob too big"},
      {"WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c LIMIT 100000) SELECT length(group_concat("
       "printf('%.*c', 1000, 'x'))) FROM c",
       "string or blob too big"},
      {"WITH RECURSIVE c(s) AS (SELECT 'x' UNION ALL SELECT s || s FROM c) SELECT length(s) FROM c",
       "string or blob too big"},
      {"SELECT char(" + repeat("1114112", 101, ",") + ")", "too many arguments"},
      {"PRAGMA cache_size = -100000000", "not allowed in read-only mode"},
      {"PRAGMA writable_schema = ON", "not allowed in read-only mode"},
      {"SELECT * FROM sqlite_dbpage", "no such table"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.sql.substr(0, 120));
    check_clean_failure(f.sql({"-"}, c.sql), 1, c.message);
  }
  // With --write the schema still cannot be written by hand (defensive mode).
  auto r = f.sql({"--write", "PRAGMA writable_schema = ON; UPDATE sqlite_schema SET sql = 'x' WHERE name = 'firm'"});
  INFO(r.describe());
  CHECK(r.status == 1);
  r = f.sql({"-f", "csv", "SELECT count(*) AS n FROM firm"});
  CHECK(r.status == 0);
}

TEST_CASE("adversarial sql: the statement scanner agrees with sqlite3_complete") {
  const std::vector<std::string> texts = {
      "SELECT 1",
      "SELECT 1;",
      "SELECT 1; -- comment",
      "SELECT 1; /* open",
      "SELECT ';",
      "SELECT \"a;\";",
      "SELECT [a;b];",
      "SELECT `x;`;",
      "SELECT 1 -- ; \n;",
      "CREATE TRIGGER t AFTER INSERT ON x BEGIN SELECT 1; END",
      "CREATE TRIGGER t AFTER INSERT ON x BEGIN SELECT 1; END;",
      "CREATE TEMP TRIGGER t AFTER INSERT ON x BEGIN SELECT 1; SELECT CASE WHEN 1 THEN 2 END; END;",
      "EXPLAIN CREATE TRIGGER t AFTER INSERT ON x BEGIN SELECT 1; END;",
      "create trigger x; select 1;",
      "SELECT 1 /* ; */;",
      "SELECT 1/2;",
      "SELECT 1-2;",
      "SELECT 'it''s';",
      ";",
      "",
      "  \n",
      "SELECT 名前 FROM 表;",
  };
  for (const auto& t : texts) {
    CAPTURE(t);
    aigc::StatementScanner scanner;
    for (char c : t) scanner.feed(c);
    CHECK(scanner.complete() == (sqlite3_complete(t.c_str()) != 0));
  }
  CHECK(aigc::first_statement_length("SELECT ';'; SELECT 2;") == 11);
  const std::string trigger = "CREATE TRIGGER t AFTER INSERT ON x BEGIN SELECT 1; END;";
  CHECK(aigc::first_statement_length(trigger + " SELECT 2") == trigger.size());
}
