// Ad-hoc SQL: the guarded connection (refusals, timeout, interrupt), the
// script runner, and `aigc sql` end to end.
#include <doctest/doctest.h>

#include <SQLiteCpp/Database.h>
#include <chrono>
#include <sstream>
#include <thread>

#include "base/error.h"
#include "query/sql_guard.h"
#include "query/sql_script.h"
#include "support.h"
#include "warehouse/warehouse.h"

namespace {

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

const std::string never_ending = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c) SELECT count(*) FROM c";

/// A temporary warehouse, built from the embedded seeds.
struct Warehouse {
  test::TempDir dir;
  test::fs::path path = dir / "w.db";
  Warehouse() { aigc::build_warehouse(path, aigc::BuildSources::embedded()); }
};

/// Runs `sql` as a script and returns its CSV output; throws what run_script throws.
std::string run_csv(aigc::GuardedConnection& conn, const std::string& sql) {
  aigc::ScriptOptions o;
  o.render.format = aigc::Format::csv;
  std::ostringstream out;
  aigc::run_script(conn, sql, out, o);
  return out.str();
}

/// The message run_script gives for `sql`, or "" if it succeeds.
std::string failure(aigc::GuardedConnection& conn, const std::string& sql) {
  try {
    run_csv(conn, sql);
  } catch (const aigc::StatementError& e) {
    return e.reason();
  }
  return "";
}

std::int64_t count_rows(const test::fs::path& db, const std::string& table) {
  SQLite::Database d(db.string(), SQLite::OPEN_READONLY);
  return d.execAndGet("SELECT count(*) FROM " + table).getInt64();
}

/// A copy of the warehouse file (the connection has committed everything).
void fs_copy_for_attach(const test::fs::path& from, const test::fs::path& to) {
  test::fs::copy_file(from, to, test::fs::copy_options::overwrite_existing);
}

}  // namespace

// ---------------------------------------------------------------------------
// The guarded connection

TEST_CASE("sql guard: read-only mode refuses every kind of change, naming it and how to allow it") {
  Warehouse w;
  const std::string before = test::read_file(w.path);
  aigc::GuardedConnection conn(w.path, aigc::Access::read_only);
  const std::string hint = "(use --write to allow changes)";
  struct Case {
    const char* sql;
    const char* message;
  };
  const Case cases[] = {
      {"INSERT INTO firm (firm_id, kind, name_en, source_note) VALUES ('x', 'company', 'X', 'n')",
       "refused: INSERT into firm is not allowed in read-only mode"},
      {"UPDATE firm SET name_en = 'x'", "refused: UPDATE of firm is not allowed in read-only mode"},
      {"DELETE FROM pricing", "refused: DELETE from pricing is not allowed in read-only mode"},
      {"CREATE TABLE t (a)", "refused: CREATE TABLE is not allowed in read-only mode"},
      {"CREATE TEMP TABLE t (a)", "refused: CREATE TEMP TABLE is not allowed in read-only mode"},
      {"CREATE VIEW v AS SELECT 1", "refused: CREATE VIEW is not allowed in read-only mode"},
      {"CREATE INDEX i ON firm (name_en)", "refused: CREATE INDEX is not allowed in read-only mode"},
      {"DROP TABLE firm_industry", "refused: DROP TABLE is not allowed in read-only mode"},
      {"ALTER TABLE firm ADD COLUMN x TEXT", "refused: ALTER TABLE is not allowed in read-only mode"},
      {"ANALYZE", "refused: ANALYZE is not allowed in read-only mode"},
      {"REINDEX", "refused: REINDEX is not allowed in read-only mode"},
      {"VACUUM", "refused: VACUUM is not allowed in read-only mode"},
      {"PRAGMA writable_schema = 1", "refused: PRAGMA writable_schema = 1 is not allowed in read-only mode"},
      {"PRAGMA journal_mode = delete", "refused: PRAGMA journal_mode = delete is not allowed in read-only mode"},
      {"PRAGMA user_version = 7", "refused: PRAGMA user_version = 7 is not allowed in read-only mode"},
      {"PRAGMA foreign_keys = OFF", "refused: PRAGMA foreign_keys = OFF is not allowed in read-only mode"},
      {"PRAGMA query_only = 0", "refused: PRAGMA query_only = 0 is not allowed in read-only mode"},
      {"PRAGMA optimize", "refused: PRAGMA optimize is not allowed in read-only mode"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.sql);
    const std::string message = failure(conn, c.sql);
    CHECK(contains(message, c.message));
    CHECK(contains(message, hint));
  }
  CHECK(test::read_file(w.path) == before);
}

TEST_CASE("sql guard: ATTACH and VACUUM INTO cannot touch another file without --write") {
  Warehouse w;
  aigc::GuardedConnection conn(w.path, aigc::Access::read_only);
  const auto other = w.dir / "other.db";
  SUBCASE("ATTACH, which sqlite3_stmt_readonly() alone would let through") {
    CHECK(contains(failure(conn, "ATTACH '" + other.string() + "' AS other"),
                   "refused: ATTACH is not allowed in read-only mode (use --write to allow changes)"));
  }
  SUBCASE("ATTACH through a URI") {
    CHECK(contains(failure(conn, "ATTACH 'file:" + other.string() + "?mode=rwc' AS other"), "refused: ATTACH"));
  }
  SUBCASE("VACUUM INTO, which writes a file even on a read-only connection") {
    CHECK(contains(failure(conn, "VACUUM INTO '" + other.string() + "'"),
                   "refused: VACUUM INTO is not allowed, even with --write"));
  }
  SUBCASE("VACUUM INTO later in a script: nothing before it is undone, nothing after it runs") {
    CHECK_THROWS_AS(run_csv(conn, "SELECT 1; VACUUM INTO '" + other.string() + "'; SELECT 2"), aigc::StatementError);
  }
  CHECK_FALSE(test::fs::exists(other));
}

TEST_CASE("sql guard: load_extension is refused even with --write") {
  Warehouse w;
  for (auto access : {aigc::Access::read_only, aigc::Access::read_write}) {
    aigc::GuardedConnection conn(w.path, access);
    const std::string message = failure(conn, "SELECT load_extension('/tmp/nothing.so')");
    CHECK(contains(message, "refused: load_extension() is not allowed"));
  }
}

TEST_CASE("sql guard: every layer is set, so each catches what another might miss") {
  Warehouse w;
  aigc::GuardedConnection conn(w.path, aigc::Access::read_only);
  sqlite3* db = conn.handle();
  int on = -1;
  sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, -1, &on);
  CHECK(on == 1);
  sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, -1, &on);
  CHECK(on == 0);
  CHECK(sqlite3_db_readonly(db, "main") == 1);
  CHECK(sqlite3_limit(db, SQLITE_LIMIT_ATTACHED, -1) == 0);
  CHECK(run_csv(conn, "PRAGMA query_only") == "query_only\n1\n");

  SUBCASE("without the authorizer, the read-only connection still refuses writes and ATTACH") {
    sqlite3_set_authorizer(db, nullptr, nullptr);
    CHECK(sqlite3_exec(db, "INSERT INTO industry (industry_id, name_zh, source_note) VALUES ('x', 'x', 'x')", nullptr,
                       nullptr, nullptr) != SQLITE_OK);
    CHECK(sqlite3_exec(db, ("ATTACH '" + (w.dir / "a.db").string() + "' AS a").c_str(), nullptr, nullptr, nullptr) !=
          SQLITE_OK);
    CHECK_FALSE(test::fs::exists(w.dir / "a.db"));
  }
}

TEST_CASE("sql guard: the schema table cannot be written, even with --write") {
  Warehouse w;
  for (auto access : {aigc::Access::read_only, aigc::Access::read_write}) {
    aigc::GuardedConnection conn(w.path, access);
    CHECK(contains(failure(conn, "UPDATE sqlite_master SET sql = 'x'"), "may not be modified"));
    if (access == aigc::Access::read_write)  // defensive mode: writable_schema has no effect
      CHECK(contains(failure(conn, "PRAGMA writable_schema = 1; UPDATE sqlite_master SET sql = 'x' WHERE 0"),
                     "may not be modified"));
  }
}

TEST_CASE("sql guard: pragmas that only read are allowed") {
  Warehouse w;
  aigc::GuardedConnection conn(w.path, aigc::Access::read_only);
  for (const char* sql :
       {"PRAGMA table_info(firm)", "PRAGMA main.table_xinfo('firm')", "PRAGMA table_list", "PRAGMA index_list(firm)",
        "PRAGMA foreign_key_list(firm_industry)", "PRAGMA foreign_key_check", "PRAGMA integrity_check",
        "PRAGMA quick_check", "PRAGMA database_list", "PRAGMA compile_options", "PRAGMA function_list",
        "PRAGMA user_version", "PRAGMA foreign_keys", "PRAGMA page_count", "PRAGMA encoding",
        "SELECT name FROM pragma_table_info('firm')"}) {
    CAPTURE(sql);
    CHECK(failure(conn, sql) == "");
  }
  CHECK(aigc::pragma_allowed_read_only("table_info", true));
  CHECK(aigc::pragma_allowed_read_only("user_version", false));
  CHECK_FALSE(aigc::pragma_allowed_read_only("user_version", true));
  CHECK_FALSE(aigc::pragma_allowed_read_only("writable_schema", false));
}

TEST_CASE("sql guard: --write allows changes and ATTACH, but not VACUUM INTO") {
  Warehouse w;
  aigc::GuardedConnection conn(w.path, aigc::Access::read_write);
  const auto copy = w.dir / "copy.db";
  CHECK(run_csv(conn, "CREATE TABLE note (x); INSERT INTO note VALUES (1), (2); SELECT count(*) AS n FROM note") ==
        "n\n2\n");
  // VACUUM INTO writes a file wherever it is told: refused even with --write.
  CHECK(contains(failure(conn, "VACUUM INTO '" + copy.string() + "'"), "refused: VACUUM INTO is not allowed"));
  CHECK(!test::fs::exists(copy));
  fs_copy_for_attach(w.path, copy);
  CHECK(run_csv(conn, "ATTACH '" + copy.string() + "' AS c; SELECT count(*) AS n FROM c.note") == "n\n2\n");
  CHECK(count_rows(w.path, "note") == 2);
}

TEST_CASE("sql guard: a timeout stops a runaway query with a clear message, and the connection stays usable") {
  Warehouse w;
  aigc::GuardedConnection conn(w.path, aigc::Access::read_only);
  conn.set_timeout(std::chrono::milliseconds(200));
  const auto start = std::chrono::steady_clock::now();
  try {
    run_csv(conn, never_ending);
    FAIL("the query should have been stopped");
  } catch (const aigc::StatementError& e) {
    CHECK(e.reason() == "query stopped after 0.2 s (--timeout)");
    CHECK(e.cause() == aigc::StopCause::timed_out);
  }
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(5));
  // The limit is per statement: quick ones after it still run.
  CHECK(run_csv(conn, "SELECT 1 AS a; SELECT 2 AS b") == "a\n1\nb\n2\n");
  CHECK(aigc::timeout_message(std::chrono::seconds(3)) == "query stopped after 3 s (--timeout)");
  CHECK_THROWS_AS(aigc::timeout_from_seconds(-1), aigc::UsageError);
  CHECK(aigc::timeout_from_seconds(1.5) == std::chrono::milliseconds(1500));
}

TEST_CASE("sql guard: interrupt() stops the running statement from another thread (as SIGINT does)") {
  Warehouse w;
  aigc::GuardedConnection conn(w.path, aigc::Access::read_only);
  std::thread stopper([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(150));
    conn.interrupt();
  });
  std::string reason;
  aigc::StopCause cause = aigc::StopCause::none;
  try {
    run_csv(conn, never_ending);
  } catch (const aigc::StatementError& e) {
    reason = e.reason();
    cause = e.cause();
  }
  stopper.join();
  CHECK(reason == "interrupted");
  CHECK(cause == aigc::StopCause::interrupted);
  conn.clear_interrupt();
  CHECK(run_csv(conn, "SELECT 'after' AS a") == "a\nafter\n");
}

// ---------------------------------------------------------------------------
// The script runner

TEST_CASE("sql script: statements run in order; blanks, comments and lone semicolons are skipped") {
  SQLite::Database db(":memory:", SQLite::OPEN_READWRITE);
  aigc::GuardedConnection conn(std::move(db), aigc::Access::read_write);
  std::string seen;  // ordinal@line:changes for each statement run
  aigc::ScriptOptions o;
  o.render.format = aigc::Format::csv;
  o.on_statement = [&](const aigc::StatementOutcome& s) {
    seen += std::to_string(s.statement.ordinal) + "@" + std::to_string(s.statement.line) + ":" +
            std::to_string(s.changes) + " ";
  };
  std::ostringstream out;
  auto summary =
      aigc::run_script(conn,
                       "-- a comment\n\nCREATE TABLE t (x);;\n/* block\ncomment */ INSERT INTO t VALUES (1), (2);\n"
                       "SELECT count(*) AS n FROM t; -- trailing\n\n",
                       out, o);
  CHECK(out.str() == "n\n2\n");
  CHECK(summary.statements == 3);
  CHECK(summary.results == 1);
  CHECK(seen == "1@3:0 2@5:2 3@6:0 ");
  CHECK(aigc::is_blank_sql("  -- only\n /* comments */ "));
  CHECK_FALSE(aigc::is_blank_sql("-- x\nSELECT 1"));
}

TEST_CASE("sql script: the first error stops the run and names the statement, its line and its text") {
  SQLite::Database db(":memory:", SQLite::OPEN_READWRITE);
  aigc::GuardedConnection conn(std::move(db), aigc::Access::read_write);
  aigc::ScriptOptions o;
  o.render.format = aigc::Format::csv;
  std::ostringstream out;
  try {
    aigc::run_script(
        conn,
        "CREATE TABLE t (x);\nINSERT INTO t VALUES (1);\n\n  SELECT * FROM nope\n  WHERE 1;\nINSERT INTO t VALUES (2);",
        out, o);
    FAIL("expected an error");
  } catch (const aigc::StatementError& e) {
    CHECK(e.reason() == "no such table: nope");
    CHECK(e.statement().ordinal == 3);
    CHECK(e.statement().line == 4);
    CHECK(e.statement().text == "SELECT * FROM nope\n  WHERE 1;");
    CHECK(std::string(e.what()) == "no such table: nope\n  in statement 3 at line 4: SELECT * FROM nope ...");
  }
  CHECK(run_csv(conn, "SELECT count(*) AS n FROM t") == "n\n1\n");  // the last INSERT never ran
}

TEST_CASE("sql script: a syntax error names only its own statement") {
  SQLite::Database db(":memory:", SQLite::OPEN_READWRITE);
  aigc::GuardedConnection conn(std::move(db), aigc::Access::read_write);
  try {
    run_csv(conn, "SELECT 1; SELECT (1 + ; SELECT 3");
    FAIL("expected an error");
  } catch (const aigc::StatementError& e) {
    CHECK(contains(e.reason(), "syntax error"));
    CHECK(e.statement().ordinal == 2);
    CHECK(e.statement().text == "SELECT (1 + ;");
  }
}

TEST_CASE("sql script: excerpts are cut by characters, not bytes") {
  aigc::StatementInfo info;
  info.text = "SELECT '" + std::string() + [] {
    std::string s;
    for (int i = 0; i < 80; ++i) s += "价";
    return s;
  }() + "'";
  const std::string e = info.excerpt();
  CHECK(e.size() == 8 + 52 * 3 + 4);  // 60 characters, then " ..."
  CHECK(e.substr(e.size() - 4) == " ...");
}

// ---------------------------------------------------------------------------
// aigc sql, end to end

TEST_CASE("aigc sql and aigc shell: help explains safety and shows worked examples") {
  for (const char* cmd : {"sql", "shell"}) {
    CAPTURE(cmd);
    auto r = test::run_aigc({cmd, "--help"});
    CHECK(r.status == 0);
    CHECK(contains(r.out, "Examples:"));
    CHECK(contains(r.out, "--write"));
    CHECK(contains(r.out, "--timeout"));
  }
}

TEST_CASE("aigc sql: each format renders the result") {
  test::TempDir dir;
  const std::string db = (dir / "w.db").string();
  const std::string q = "SELECT firm_id, name_zh FROM firm WHERE firm_id = 'baidu'";
  auto r = test::run_aigc({"--db", db, "sql", q});
  INFO(r.describe());
  CHECK(r.status == 0);
  CHECK(contains(r.out, "| firm_id | name_zh |"));
  CHECK(contains(r.out, "| baidu   | 百度    |"));
  r = test::run_aigc({"--db", db, "sql", "--format", "csv", q});
  CHECK(r.out == "firm_id,name_zh\nbaidu,百度\n");
  r = test::run_aigc({"--db", db, "sql", "--format", "json", q});
  CHECK(contains(r.out, "\"firm_id\":\"baidu\""));
  CHECK(contains(r.out, "\"name_zh\":\"百度\""));
  r = test::run_aigc({"--db", db, "sql", "-f", "markdown", q});
  CHECK(contains(r.out, "| firm_id | name_zh |"));
  CHECK(contains(r.out, "| baidu | 百度 |"));
  r = test::run_aigc({"--db", db, "sql", "--format", "xml", q});
  CHECK(r.status == 2);
}

TEST_CASE("aigc sql: statements from standard input, every result in order") {
  test::TempDir dir;
  const std::string db = (dir / "w.db").string();
  const std::string script = "-- exploring\nSELECT 'one' AS a;\n\nSELECT 'two' AS b;\n";
  for (auto args : {std::vector<std::string>{"--db", db, "sql", "-f", "csv"},
                    std::vector<std::string>{"--db", db, "sql", "-f", "csv", "-"}}) {
    auto r = test::run_aigc(args, dir.path(), script);
    INFO(r.describe());
    CHECK(r.status == 0);
    CHECK(r.out == "a\none\nb\ntwo\n");
  }
}

TEST_CASE("aigc sql: the first error stops the run with exit 1, naming the statement") {
  test::TempDir dir;
  const std::string db = (dir / "w.db").string();
  auto r = test::run_aigc({"--db", db, "sql", "--write", "-f", "csv"}, dir.path(),
                          "CREATE TABLE log (x);\nINSERT INTO log VALUES ('first');\nSELECT * FROM nope;\n"
                          "INSERT INTO log VALUES ('never');\n");
  INFO(r.describe());
  CHECK(r.status == 1);
  CHECK(contains(r.err, "aigc: no such table: nope"));
  CHECK(contains(r.err, "in statement 3 at line 3: SELECT * FROM nope;"));
  CHECK(count_rows(dir / "w.db", "log") == 1);
  r = test::run_aigc({"--db", db, "sql", "-f", "csv", "SELECT 'shown' AS a; SELECT x FROM nope; SELECT 'hidden'"});
  CHECK(r.status == 1);
  CHECK(contains(r.out, "shown"));
  CHECK_FALSE(contains(r.out, "hidden"));
}

TEST_CASE("aigc sql: without --write, changes and other files are refused with a way to allow them") {
  test::TempDir dir;
  const std::string db = (dir / "w.db").string();
  REQUIRE(test::run_aigc({"--db", db, "build", "--quiet"}).status == 0);
  const std::string before = test::read_file(dir / "w.db");
  const auto other = dir / "copy.db";
  struct Case {
    std::string sql;
    std::string message;
  };
  const Case cases[] = {
      {"INSERT INTO industry (industry_id, name_zh, source_note) VALUES ('x', 'x', 'x')",
       "aigc: refused: INSERT into industry is not allowed in read-only mode (use --write to allow changes)"},
      {"CREATE TABLE t (a)", "aigc: refused: CREATE TABLE is not allowed in read-only mode (use --write"},
      {"ATTACH '" + other.string() + "' AS o",
       "aigc: refused: ATTACH is not allowed in read-only mode (use --write to allow changes)"},
      {"VACUUM INTO '" + other.string() + "'", "aigc: refused: VACUUM INTO is not allowed, even with --write"},
      {"SELECT load_extension('x')", "aigc: refused: load_extension() is not allowed"},
      {"PRAGMA writable_schema=1", "aigc: refused: PRAGMA writable_schema = 1 is not allowed in read-only mode"},
      {"PRAGMA journal_mode=delete", "aigc: refused: PRAGMA journal_mode = delete is not allowed in read-only mode"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.sql);
    auto r = test::run_aigc({"--db", db, "sql", c.sql});
    INFO(r.describe());
    CHECK(r.status == 1);
    CHECK(contains(r.err, c.message));
  }
  CHECK_FALSE(test::fs::exists(other));
  CHECK(test::read_file(dir / "w.db") == before);
}

TEST_CASE("aigc sql: --write allows an insert") {
  test::TempDir dir;
  const std::string db = (dir / "w.db").string();
  auto r =
      test::run_aigc({"--db", db, "sql", "--write",
                      "INSERT INTO industry (industry_id, name_zh, source_note) VALUES ('space', '航天', 'mine')"});
  INFO(r.describe());
  CHECK(r.status == 0);
  r = test::run_aigc({"--db", db, "sql", "-f", "csv", "SELECT name_zh FROM industry WHERE industry_id = 'space'"});
  CHECK(r.out == "name_zh\n航天\n");
}

TEST_CASE("aigc sql: --timeout stops a never-ending query") {
  test::TempDir dir;
  const std::string db = (dir / "w.db").string();
  auto r = test::run_aigc({"--db", db, "sql", "--timeout", "0.5", never_ending});
  INFO(r.describe());
  CHECK(r.status == 1);
  CHECK(contains(r.err, "aigc: query stopped after 0.5 s (--timeout)"));
  r = test::run_aigc({"--db", db, "sql", "--timeout", "-2", "SELECT 1"});
  CHECK(r.status == 2);
}

TEST_CASE("aigc sql: -o writes the whole result or nothing") {
  test::TempDir dir;
  const std::string db = (dir / "w.db").string();
  auto r = test::run_aigc({"--db", db, "sql", "-f", "csv", "-o", (dir / "out.csv").string(), "SELECT 1 AS a"});
  INFO(r.describe());
  CHECK(r.status == 0);
  CHECK(r.out.empty());
  CHECK(test::read_file(dir / "out.csv") == "a\n1\n");
  r = test::run_aigc(
      {"--db", db, "sql", "-f", "csv", "-o", (dir / "out.csv").string(), "SELECT 2 AS a; SELECT * FROM nope"});
  CHECK(r.status == 1);
  CHECK(test::read_file(dir / "out.csv") == "a\n1\n");  // the old file, untouched
  r = test::run_aigc({"--db", db, "sql", "-o", (dir / "missing" / "x.csv").string(), "SELECT 1"});
  CHECK(r.status == 2);
}
