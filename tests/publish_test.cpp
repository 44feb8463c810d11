// aigc publish (issue 15): the SQLite schema translated for PostgreSQL, and
// the whole warehouse copied into a real PostgreSQL 15 (tests/pg_server.h),
// replaced, killed half-way, and refused.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "base/error.h"
#include "pg_server.h"
#include "postgres/conninfo.h"
#include "postgres/libpq_library.h"
#include "pty.h"
#include "publish/md5.h"
#include "publish/pg_schema.h"
#include "publish/publish.h"
#include "sqlite/table_info.h"
#include "support.h"

extern char** environ;

using aigc::test::PgServer;

namespace {

/// psql's output without its final newline.
std::string sql_value(const PgServer& pg, const std::string& sql, const std::string& db = "postgres") {
  std::string out = pg.psql(sql, db);
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

/// The lines of `text`, sorted: PostgreSQL's collation orders names its own way.
std::string sorted_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::string line;
  for (std::istringstream in(text); std::getline(in, line);) lines.push_back(line);
  std::sort(lines.begin(), lines.end());
  std::string out;
  for (const auto& l : lines) out += l + "\n";
  return out;
}

/// An in-memory SQLite database holding the project's schema/*.sql.
struct SchemaDb {
  sqlite3* db = nullptr;
  SchemaDb() {
    REQUIRE(sqlite3_open(":memory:", &db) == SQLITE_OK);
    for (const auto& f : test::entries(test::source_dir() / "schema")) {
      if (f.size() < 4 || f.substr(f.size() - 4) != ".sql") continue;
      const std::string sql = test::read_file(test::source_dir() / "schema" / f);
      char* err = nullptr;
      if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
        const std::string what = err ? err : "?";
        sqlite3_free(err);
        FAIL("schema/" << f << ": " << what);
      }
    }
  }
  ~SchemaDb() { sqlite3_close(db); }
};

std::vector<aigc::TableColumn> columns(std::initializer_list<const char*> names) {
  std::vector<aigc::TableColumn> out;
  for (const char* n : names) {
    aigc::TableColumn c;
    c.name = n;
    out.push_back(c);
  }
  return out;
}

/// A warehouse built from the seeds in `dir`.
test::fs::path built_warehouse(const test::TempDir& dir) {
  const auto db = dir / "w.db";
  const auto r = test::run_aigc({"--db", db.string(), "build", "--quiet"}, dir.path());
  INFO(r.describe());
  REQUIRE(r.status == 0);
  return db;
}

/// Every table of `schema` with its row count, "name=count" a line.
std::string table_counts(const PgServer& pg, const std::string& db, const std::string& schema = "aigc") {
  return sorted_lines(pg.psql(
      "SELECT string_agg(table_name || '=' || (xpath('/row/c/text()', query_to_xml(format('SELECT count(*) AS c "
      "FROM %I.%I', table_schema, table_name), false, true, '')))[1]::text, E'\\n' ORDER BY table_name) "
      "FROM information_schema.tables WHERE table_schema = '" +
          schema + "'",
      db));
}

/// The same from the SQLite file.
std::string sqlite_counts(const test::fs::path& path) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
  std::string out;
  for (const auto& t : aigc::table_names(db)) {
    sqlite3_stmt* s = nullptr;
    const std::string sql = "SELECT count(*) FROM \"" + t + "\"";
    REQUIRE(sqlite3_prepare_v2(db, sql.c_str(), -1, &s, nullptr) == SQLITE_OK);
    REQUIRE(sqlite3_step(s) == SQLITE_ROW);
    out += (out.empty() ? "" : "\n") + t + "=" + std::to_string(sqlite3_column_int64(s, 0));
    sqlite3_finalize(s);
  }
  sqlite3_close(db);
  return sorted_lines(out);
}

bool psql_refuses(const PgServer& pg, const std::string& sql, const std::string& db, const std::string& expected) {
  try {
    pg.psql(sql, db);
  } catch (const std::exception& e) {
    INFO(e.what());
    CHECK(std::string(e.what()).find(expected) != std::string::npos);
    return true;
  }
  return false;
}

}  // namespace

TEST_CASE("publish: GLOB patterns become anchored regular expressions with the same matches") {
  using aigc::glob_to_regex;
  CHECK(glob_to_regex("[a-z0-9]*") == "^[a-z0-9].*$");
  CHECK(glob_to_regex("*[^a-z0-9_]*") == "^.*[^a-z0-9_].*$");
  CHECK(glob_to_regex("[12][0-9][0-9][0-9]-[01][0-9]") == "^[12][0-9][0-9][0-9]-[01][0-9]$");
  // A ']' first in a class is literal; '[' inside one too; both escaped for PostgreSQL.
  CHECK(glob_to_regex("[[]*]") == "^[\\[].*\\]$");
  CHECK(glob_to_regex("*[^],0-9[]*") == "^.*[^\\],0-9\\[].*$");
  CHECK(glob_to_regex("a?b.c+(d)") == "^a.b\\.c\\+\\(d\\)$");
  CHECK(glob_to_regex("[一-龥]*") == "^[一-龥].*$");
  CHECK_THROWS_AS(glob_to_regex("[abc"), aigc::DataError);
}

TEST_CASE("publish: CHECK expressions are translated, or refused with the reason") {
  using aigc::translate_expression;
  const auto cols = columns({"section_id", "Price_Min", "price_max", "name"});
  CHECK(translate_expression("section_id GLOB '[a-z0-9]*' AND section_id NOT GLOB '*[^a-z0-9_]*'", cols) ==
        "\"section_id\" ~ '^[a-z0-9].*$' AND \"section_id\" !~ '^.*[^a-z0-9_].*$'");
  CHECK(translate_expression("price_min <= PRICE_MAX", cols) == "\"Price_Min\" <= \"price_max\"");
  CHECK(translate_expression("(price_min IS NULL) = (price_max IS NOT NULL)", cols) ==
        "(\"Price_Min\" IS NULL) = (\"price_max\" IS NOT NULL)");
  CHECK(translate_expression("length(name) == 3 OR name != 'it''s'", cols) ==
        "char_length(\"name\") = 3 OR \"name\" <> 'it''s'");
  CHECK(translate_expression("name IS price_max", cols) == "\"name\" IS NOT DISTINCT FROM \"price_max\"");
  CHECK(translate_expression("name IS NOT price_max", cols) == "\"name\" IS DISTINCT FROM \"price_max\"");
  CHECK(translate_expression("price_min BETWEEN 0 AND 100", cols) == "\"Price_Min\" BETWEEN 0 AND 100");
  CHECK(translate_expression("name IN ('a', 'b')", cols) == "\"name\" IN ('a', 'b')");
  // Never silently dropped: what has no translation is an error saying so.
  CHECK_THROWS_WITH_AS(translate_expression("typeof(name) = 'text'", cols), doctest::Contains("typeof"),
                       aigc::DataError);
  CHECK_THROWS_WITH_AS(translate_expression("name GLOB price_max", cols), doctest::Contains("literal"),
                       aigc::DataError);
  CHECK_THROWS_WITH_AS(translate_expression("name LIKE 'a%'", cols), doctest::Contains("LIKE"), aigc::DataError);
  CHECK_THROWS_WITH_AS(translate_expression("nosuch > 0", cols), doctest::Contains("nosuch"), aigc::DataError);
  CHECK_THROWS_WITH_AS(translate_expression("price_min & 1", cols), doctest::Contains("&"), aigc::DataError);
}

TEST_CASE("publish: a table whose CHECK has no translation is refused naming the table and the CHECK") {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(":memory:", &db) == SQLITE_OK);
  REQUIRE(sqlite3_exec(db, "CREATE TABLE odd (x TEXT CHECK (typeof(x) = 'text')) STRICT", nullptr, nullptr, nullptr) ==
          SQLITE_OK);
  CHECK_THROWS_WITH_AS(aigc::translate_table(db, "odd"),
                       doctest::Contains("cannot publish table odd: its CHECK (typeof(x) = 'text')"), aigc::DataError);
  sqlite3_close(db);
}

TEST_CASE("publish: every table, CHECK and index of the real schema translates") {
  SchemaDb schema;
  std::size_t tables = 0, checks = 0, regexes = 0;
  for (const auto& name : aigc::table_names(schema.db)) {
    CAPTURE(name);
    aigc::PgTable t;
    REQUIRE_NOTHROW(t = aigc::translate_table(schema.db, name));
    const auto info = aigc::TableInfo::read(schema.db, name);
    // Each CHECK is in the translation: one ADD CHECK per CHECK written.
    std::size_t added = 0;
    for (std::size_t at = 0; (at = t.constraints.find("ADD CHECK (", at)) != std::string::npos; ++at) ++added;
    CHECK(added == info.checks.size());
    for (std::size_t at = 0; (at = t.constraints.find(" ~ '^", at)) != std::string::npos; ++at) ++regexes;
    CHECK(t.constraints.find("GLOB") == std::string::npos);
    checks += added;
    ++tables;
  }
  CHECK(tables >= 25);
  CHECK(checks >= 100);
  CHECK(regexes >= 5);
  const auto indexes = aigc::translate_indexes(schema.db);
  CHECK(indexes.size() >= 50);
}

TEST_CASE("publish: each GLOB of the schema and its regex agree on PostgreSQL, string by string") {
  SchemaDb schema;
  // The patterns the schema uses, read back out of its CHECKs.
  std::vector<std::string> patterns;
  for (const auto& name : aigc::table_names(schema.db))
    for (const auto& check : aigc::TableInfo::read(schema.db, name).checks)
      for (std::size_t at = 0; (at = check.find("GLOB '", at)) != std::string::npos;) {
        at += 6;
        patterns.push_back(check.substr(at, check.find('\'', at) - at));
      }
  REQUIRE(patterns.size() >= 10);
  const std::vector<std::string> probes = {"",        "a",       "abc_1",   "Abc",        "1abc",    "a-b",
                                           "2023-05", "2023-13", "3023-05", "2023-05-17", "2023",    "2023H1",
                                           "2023H3",  "CNY",     "CN",      "cny",        "[1,2,5]", "[1,2,a]",
                                           "[]",      "1,2]",    "[1, 2]",  "年",         "a\nb",    "2023-05\n"};
  PgServer& pg = PgServer::shared();
  std::string values;
  for (const auto& p : patterns)
    for (const auto& s : probes) {
      sqlite3_stmt* st = nullptr;
      REQUIRE(sqlite3_prepare_v2(schema.db, "SELECT ? GLOB ?", -1, &st, nullptr) == SQLITE_OK);
      sqlite3_bind_text(st, 1, s.c_str(), -1, SQLITE_TRANSIENT);
      sqlite3_bind_text(st, 2, p.c_str(), -1, SQLITE_TRANSIENT);
      REQUIRE(sqlite3_step(st) == SQLITE_ROW);
      const bool glob = sqlite3_column_int(st, 0) == 1;
      sqlite3_finalize(st);
      auto lit = [](const std::string& x) {
        std::string q = "'";
        for (char c : x) q += c == '\'' ? std::string("''") : std::string(1, c);
        return q + "'";
      };
      values += std::string(values.empty() ? "" : ", ") + "(" + lit(s) + ", " + lit(aigc::glob_to_regex(p)) + ", " +
                (glob ? "true" : "false") + ", " + lit(p) + ")";
    }
  const std::string disagreements = sql_value(pg, "SELECT string_agg(format('%L GLOB %L', s, p), '; ') FROM (VALUES " +
                                                      values + ") AS v(s, r, g, p) WHERE (s ~ r) <> g");
  CHECK(disagreements == "");
}

TEST_CASE("publish: md5 is RFC 1321's, as PostgreSQL's md5() computes it") {
  CHECK(aigc::md5_hex(aigc::md5("")) == "d41d8cd98f00b204e9800998ecf8427e");
  CHECK(aigc::md5_hex(aigc::md5("The quick brown fox jumps over the lazy dog")) == "9e107d9d372bb6826bd81d3542a419d6");
  std::string long_text(1000, 'x');
  long_text += "年";
  CHECK(aigc::md5_hex(aigc::md5(long_text)) == sql_value(PgServer::shared(), "SELECT md5(repeat('x', 1000) || '年')"));
}

TEST_CASE("publish: the warehouse copied into PostgreSQL, counts equal, a CHECK enforced there") {
  PgServer& pg = PgServer::shared();
  pg.create_database("publish_first");
  test::TempDir dir;
  const auto db = built_warehouse(dir);
  // A user table with the values that trip up a copy: tabs, newlines,
  // backslashes, NULL beside '', CJK, and numbers as text.
  test::write_file(dir / "tricky.csv",
                   "k,v\n1,\"tab\there\"\n2,\"line\nbreak\"\n3,back\\slash\\N\n4,\n5,\"\"\n6,数据\n7,0.1\n8,"
                   "9007199254740993\n");
  auto r = test::run_aigc({"--db", db.string(), "import", (dir / "tricky.csv").string(), "--as", "tricky"}, dir.path());
  REQUIRE(r.status == 0);
  r = test::run_aigc({"--db", db.string(), "publish", pg.url("publish_first")}, dir.path());
  INFO(r.describe());
  REQUIRE(r.status == 0);
  CHECK(r.out.find("to schema aigc") != std::string::npos);
  CHECK(r.out.find("digests match") != std::string::npos);
  const std::string counts = table_counts(pg, "publish_first");
  CHECK(counts == sqlite_counts(db));
  CHECK(counts.find("aigc_meta=") != std::string::npos);
  CHECK(counts.find("tricky=8") != std::string::npos);
  CHECK(sql_value(pg, "SELECT string_agg(coalesce(v, '<null>'), '|' ORDER BY k::int) FROM aigc.tricky",
                  "publish_first") == "tab\there|line\nbreak|back\\slash\\N|<null>||数据|0.1|9007199254740993");
  // Types, keys and foreign keys came along.
  CHECK(sql_value(pg,
                  "SELECT data_type FROM information_schema.columns WHERE table_schema = 'aigc' AND table_name = "
                  "'pricing' AND column_name = 'price_min'",
                  "publish_first") == "double precision");
  CHECK(sql_value(pg,
                  "SELECT count(*) > 20 FROM information_schema.table_constraints WHERE table_schema = 'aigc' AND "
                  "constraint_type = 'FOREIGN KEY'",
                  "publish_first") == "t");
  // The GLOB CHECK of named_list.list_id, enforced by PostgreSQL.
  const std::string insert = "INSERT INTO aigc.named_list (list_id, title, title_printed, kind, source_note) VALUES ";
  CHECK(psql_refuses(pg, insert + "('Bad-Id', 't', 1, 'list', 'mine')", "publish_first", "named_list_list_id_check"));
  CHECK(psql_refuses(pg, insert + "('ok_id', 't', 1, 'list', NULL)", "publish_first", "check"));
  CHECK_NOTHROW(pg.psql(insert + "('ok_id', 't', 1, 'list', 'mine')", "publish_first"));
  // A foreign key, enforced.
  CHECK(psql_refuses(pg,
                     "INSERT INTO aigc.firm_industry (firm_id, industry_id, role, source_note) VALUES ('nosuch', "
                     "'nosuch', 'example', 'mine')",
                     "publish_first", "foreign key"));
}

TEST_CASE("publish: every kind of value arrives exactly, and the digest sees a changed value") {
  PgServer& pg = PgServer::shared();
  pg.create_database("publish_typed");
  test::TempDir dir;
  const auto path = built_warehouse(dir);
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  REQUIRE(sqlite3_exec(db,
                       "CREATE TABLE typed (i INTEGER, r REAL, t TEXT, b BLOB, a ANY) STRICT;"
                       "INSERT INTO typed VALUES (9223372036854775807, 0.1, 'it''s', x'00ff', 1),"
                       " (-9223372036854775808, 1e-7, 'back\\slash\ttab', x'', 2.5),"
                       " (NULL, -0.0, '', NULL, 'text'), (0, 1e300, '数据', x'5c27', NULL),"
                       " (7, 1.0 / 3, NULL, x'0a', 'E''x\\')",
                       nullptr, nullptr, nullptr) == SQLITE_OK);
  std::uint64_t rows = 0;
  const std::string digest = aigc::sqlite_table_digest(db, "typed", &rows);
  const std::string digest_sql = aigc::pg_table_digest_sql(aigc::translate_table(db, "typed"));
  sqlite3_close(db);
  CHECK(rows == 5);
  const auto r = test::run_aigc({"--db", path.string(), "publish", pg.url("publish_typed")}, dir.path());
  INFO(r.describe());
  REQUIRE(r.status == 0);
  const std::string on = "SET search_path = aigc; ";
  // NULL shown as ~; -0.0 is 0.0 in SQLite already (it stores it as the integer 0).
  CHECK(sql_value(pg,
                  "SELECT string_agg(concat_ws('|', coalesce(i::text, '~'), encode(float8send(r), 'hex'), "
                  "coalesce(t, '~'), coalesce(encode(b, 'hex'), '~'), coalesce(a, '~')), E'\\n' ORDER BY i "
                  "NULLS FIRST) FROM aigc.typed",
                  "publish_typed") ==
        "~|0000000000000000||~|text\n"
        "-9223372036854775808|3e7ad7f29abcaf48|back\\slash\ttab||2.5\n"
        "0|7e37e43c8800759c|数据|5c27|~\n"
        "7|3fd5555555555555|~|0a|E'x\\\n"
        "9223372036854775807|3fb999999999999a|it's|00ff|1");
  CHECK(sql_value(pg, on + digest_sql, "publish_typed") == "5|" + digest);
  // One value changed on the server: the digest no longer agrees.
  pg.psql("UPDATE aigc.typed SET t = 'it''S' WHERE i = 0", "publish_typed");
  const std::string changed = sql_value(pg, on + digest_sql, "publish_typed");
  CHECK(changed.substr(0, 2) == "5|");
  CHECK(changed != "5|" + digest);
}

TEST_CASE("publish: a second publish replaces the first; a row added between shows up") {
  PgServer& pg = PgServer::shared();
  pg.create_database("publish_twice");
  test::TempDir dir;
  const auto db = built_warehouse(dir);
  auto r = test::run_aigc({"--db", db.string(), "publish", pg.url("publish_twice")}, dir.path());
  REQUIRE(r.status == 0);
  // Something only the old schema has: gone after the second publish.
  pg.psql("CREATE TABLE aigc.left_by_hand (x int)", "publish_twice");
  const std::string firms_before = sql_value(pg, "SELECT count(*) FROM aigc.firm", "publish_twice");
  test::write_file(dir / "firm.csv", "firm_id,name_en,kind,source_note\nmy_firm,My Firm,company,added by the test\n");
  r = test::run_aigc({"--db", db.string(), "load", "firm", (dir / "firm.csv").string()}, dir.path());
  REQUIRE(r.status == 0);
  r = test::run_aigc({"--db", db.string(), "publish", pg.conninfo("publish_twice")}, dir.path());
  INFO(r.describe());
  REQUIRE(r.status == 0);
  CHECK(std::stoi(sql_value(pg, "SELECT count(*) FROM aigc.firm", "publish_twice")) == std::stoi(firms_before) + 1);
  CHECK(sql_value(pg, "SELECT name_en FROM aigc.firm WHERE firm_id = 'my_firm'", "publish_twice") == "My Firm");
  CHECK(sql_value(pg, "SELECT to_regclass('aigc.left_by_hand') IS NULL", "publish_twice") == "t");
  CHECK(sql_value(pg, "SELECT string_agg(nspname, ',') FROM pg_namespace WHERE nspname LIKE 'aigc%'",
                  "publish_twice") == "aigc");
  CHECK(table_counts(pg, "publish_twice") == sqlite_counts(db));
  // --schema: another schema beside it, the first untouched.
  r = test::run_aigc({"--db", db.string(), "publish", pg.url("publish_twice"), "--schema", "aigc_copy"}, dir.path());
  REQUIRE(r.status == 0);
  CHECK(table_counts(pg, "publish_twice", "aigc_copy") == table_counts(pg, "publish_twice"));
}

TEST_CASE("publish: killed during COPY, the previous schema is intact and complete") {
  PgServer& pg = PgServer::shared();
  pg.create_database("publish_killed");
  test::TempDir dir;
  const auto db = built_warehouse(dir);
  auto r = test::run_aigc({"--db", db.string(), "publish", pg.url("publish_killed")}, dir.path());
  REQUIRE(r.status == 0);
  const std::string before = table_counts(pg, "publish_killed");
  REQUIRE(before == sqlite_counts(db));
  // A large user table, so that COPY runs long enough to be caught.
  {
    std::ofstream csv(dir / "big.csv");
    csv << "id,name,amount,note\n";
    for (int i = 0; i < 300000; ++i)
      csv << i << ",name " << i << "," << i * 0.25 << ",some text to make the row longer\n";
  }
  r = test::run_aigc({"--db", db.string(), "import", (dir / "big.csv").string(), "--as", "big"}, dir.path());
  REQUIRE(r.status == 0);

  const std::string url = pg.url("publish_killed");
  std::vector<std::string> args = {AIGC_BINARY, "--db", db.string(), "publish", url};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  pid_t child = 0;
  REQUIRE(posix_spawn(&child, argv[0], &actions, nullptr, argv.data(), environ) == 0);
  posix_spawn_file_actions_destroy(&actions);

  // Wait until the server is receiving the big table's rows, then kill.
  const aigc::LibPq& pq = aigc::libpq();
  PGconn* watch = pq.PQconnectdb(pg.conninfo("publish_killed").c_str());
  REQUIRE(pq.PQstatus(watch) == CONNECTION_OK);
  bool copying = false;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (!copying && std::chrono::steady_clock::now() < deadline) {
    PGresult* res = pq.PQexec(watch,
                              "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'aigc publish' "
                              "AND state = 'active' AND query LIKE 'COPY \"big\"%'");
    copying = pq.PQresultStatus(res) == PGRES_TUPLES_OK && std::string(pq.PQgetvalue(res, 0, 0)) == "1";
    pq.PQclear(res);
    if (!copying) {
      int status = 0;
      if (waitpid(child, &status, WNOHANG) == child) {
        child = 0;
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
  }
  if (child != 0) {
    kill(child, SIGKILL);
    int status = 0;
    waitpid(child, &status, 0);
    CHECK(WIFSIGNALED(status));
  }
  REQUIRE_MESSAGE(copying, "the publish was never seen copying the big table");
  // The server notices the dead client and rolls its transaction back; the
  // old schema was never touched, and the new one never committed.
  for (int i = 0; i < 500; ++i) {
    PGresult* res = pq.PQexec(watch, "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'aigc publish'");
    const bool gone = std::string(pq.PQgetvalue(res, 0, 0)) == "0";
    pq.PQclear(res);
    if (gone) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  pq.PQfinish(watch);
  CHECK(table_counts(pg, "publish_killed") == before);
  CHECK(before.find("big=") == std::string::npos);
  CHECK(sql_value(pg, "SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'aigc\\_\\_new%'", "publish_killed") ==
        "0");
  CHECK(sql_value(pg,
                  "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relname = "
                  "'big'",
                  "publish_killed") == "0");
}

TEST_CASE("publish: a bad connection string or a refused password is exit 1, and the password is never printed") {
  PgServer& pg = PgServer::shared();
  test::TempDir dir;
  const auto db = built_warehouse(dir);
  // Refused authentication: aigc_pw with a wrong password, in a URL and in a keyword string.
  std::string url = pg.url("postgres", "aigc_pw");
  url.insert(url.find("aigc_pw") + 7, ":not-the-s3cret");
  for (const std::string& target : {url, pg.conninfo("postgres", "aigc_pw") + " password='not the s3cret'"}) {
    CAPTURE(target);
    const auto r = test::run_aigc({"--db", db.string(), "publish", target}, dir.path());
    INFO(r.describe());
    CHECK(r.status == 1);
    CHECK(r.err.find("cannot connect to PostgreSQL at ") != std::string::npos);
    CHECK(r.err.find("password authentication failed") != std::string::npos);
    CHECK(r.err.find("***") != std::string::npos);
    CHECK(r.err.find("s3cret") == std::string::npos);
    CHECK(r.out.find("s3cret") == std::string::npos);
  }
  // Not a connection string at all, and a server that is not there.
  for (const std::string& target :
       {std::string("postgresql://u:s3cret@[::1/db"), std::string("host=/nonexistent port=1 password=s3cret"),
        std::string("no_such_keyword=1 password=s3cret")}) {
    CAPTURE(target);
    const auto r = test::run_aigc({"--db", db.string(), "publish", target}, dir.path());
    INFO(r.describe());
    CHECK(r.status == 1);
    CHECK(r.err.find("cannot connect to PostgreSQL at ") != std::string::npos);
    CHECK(r.err.find("s3cret") == std::string::npos);
  }
  CHECK(aigc::redact_conninfo("postgresql://u:secret@h/db") == "postgresql://u:***@h/db");
}

TEST_CASE("publish: on a terminal the progress bar shows rows copied, then clears before the summary") {
  using namespace std::chrono_literals;
  PgServer& pg = PgServer::shared();
  pg.create_database("publish_progress");
  test::TempDir dir;
  const auto db = built_warehouse(dir);
  test::Pty pty({"--db", db.string(), "publish", pg.url("publish_progress")}, {"AIGC_PROGRESS_DELAY_MS=0"});
  REQUIRE(pty.wait_exit(60s) == 0);
  const std::string& out = pty.output();
  INFO(out);
  CHECK(out.find("\033[Kpublish ") != std::string::npos);  // the bar's line, not the summary
  CHECK(out.find(" rows/s") != std::string::npos);
  CHECK(out.find("% ETA ") != std::string::npos);
  const auto cleared = out.rfind("\r\033[K");
  const auto summary = out.find("published ");
  REQUIRE(summary != std::string::npos);
  CHECK(cleared < summary);
}
