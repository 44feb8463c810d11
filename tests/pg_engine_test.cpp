// PostgreSQL behind the engine seam (issue 15): connection strings shown
// without their password, the PG cursor, and --on for the query commands.
#include <doctest/doctest.h>

#include <string>

#include "postgres/conninfo.h"

using aigc::redact_conninfo;
using aigc::redact_message;

TEST_CASE("pg: redact_conninfo hides a URL's password and keeps the rest") {
  CHECK(redact_conninfo("postgresql://u:secret@h/db") == "postgresql://u:***@h/db");
  CHECK(redact_conninfo("postgres://u:secret@h:5433/db?sslmode=require") ==
        "postgres://u:***@h:5433/db?sslmode=require");
  CHECK(redact_conninfo("postgresql://u@h/db") == "postgresql://u@h/db");
  CHECK(redact_conninfo("postgresql:///db?host=/tmp/x") == "postgresql:///db?host=/tmp/x");
  CHECK(redact_conninfo("postgresql://h/db?user=u&password=secret&sslmode=disable") ==
        "postgresql://h/db?user=u&password=***&sslmode=disable");
  // A raw '@' or '/' in the password is still hidden whole.
  CHECK(redact_conninfo("postgresql://u:p@ss/w@h/db") == "postgresql://u:***@h/db");
  // Inside a message.
  CHECK(redact_conninfo("cannot connect to postgresql://u:secret@h/db: refused") ==
        "cannot connect to postgresql://u:***@h/db: refused");
}

TEST_CASE("pg: redact_conninfo hides password=VALUE in keyword strings, quoted or not") {
  CHECK(redact_conninfo("host=h password=secret dbname=d") == "host=h password=*** dbname=d");
  CHECK(redact_conninfo("host=h password = secret") == "host=h password = ***");
  CHECK(redact_conninfo("password='a b' host=h") == "password=*** host=h");
  CHECK(redact_conninfo("password='it\\'s' host=h") == "password=*** host=h");
  CHECK(redact_conninfo("password=a&b host=h") == "password=*** host=h");
  CHECK(redact_conninfo("host=h dbname=password") == "host=h dbname=password");
  CHECK(redact_conninfo("host=h passfile=/x") == "host=h passfile=/x");
  CHECK(redact_conninfo("") == "");
}

TEST_CASE("pg: redact_message hides a password that libpq's message quotes another way") {
  const std::string conninfo = "postgresql://u:se%63ret@h/db";
  const std::string message = "invalid percent-encoded token: \"se%63ret\" (that is secret)";
  const std::string redacted = redact_message(message, conninfo);
  CHECK(redacted.find("se%63ret") == std::string::npos);
  CHECK(redacted.find("secret") == std::string::npos);
  CHECK(redacted.find("***") != std::string::npos);
  CHECK(redact_message("password authentication failed for user \"u\"", "host=h password='p w'") ==
        "password authentication failed for user \"u\"");
  CHECK(redact_message("bad value p w here", "host=h password='p w'") == "bad value *** here");
}

// ---------------------------------------------------------------------------
// The SQL scanner: statements and parameters

#include "base/error.h"
#include "postgres/pg_sql.h"

TEST_CASE("pg: named parameters become $n, reported as :name, and never inside literals, comments or casts") {
  const auto s = aigc::pg::scan_first_statement(
      "SELECT :fx * price::numeric AS p, ':not' AS a, \"@not\" AS b, $$ :not $$ AS c, E'\\' :not' AS d -- :not\n"
      "  /* :not /* nested :not */ */ FROM t WHERE x = @fx AND y = $cur; SELECT 2");
  CHECK(s.sql ==
        "SELECT $1 * price::numeric AS p, ':not' AS a, \"@not\" AS b, $$ :not $$ AS c, E'\\' :not' AS d -- :not\n"
        "  /* :not /* nested :not */ */ FROM t WHERE x = $1 AND y = $2");
  CHECK(s.parameters == std::vector<std::string>{":fx", ":cur"});
  CHECK_FALSE(s.empty);
  CHECK(std::string_view("... ; SELECT 2").size() > 0);
  const auto rest = aigc::pg::scan_first_statement(" -- only a comment\n /* and another */ ");
  CHECK(rest.empty);
  CHECK_THROWS_AS(aigc::pg::scan_first_statement("SELECT 'open"), aigc::DataError);
  CHECK_THROWS_AS(aigc::pg::scan_first_statement("SELECT $1"), aigc::DataError);
  CHECK(aigc::pg::first_keyword("  /* c */ -- d\n (WITH x AS (SELECT 1) SELECT * FROM x)") == "with");
}

// ---------------------------------------------------------------------------
// The engine against a real server

#include <sqlite3.h>

#include <SQLiteCpp/Database.h>
#include <cstdlib>
#include <sstream>

#include "pg_server.h"
#include "postgres/pg_connection.h"
#include "render/render.h"
#include "sqlite/sqlite_engine.h"

namespace {

using aigc::Access;
using aigc::PgConnection;
using aigc::test::PgServer;

std::string render_all(aigc::engine::Cursor& cursor, aigc::Format format) {
  aigc::RenderOptions options;
  options.format = format;
  std::ostringstream out;
  aigc::render(cursor, out, options);
  return out.str();
}

/// A fresh database for one test, named after it.
std::string fresh_database(const std::string& name) {
  PgServer::shared().create_database(name);
  return PgServer::shared().conninfo(name);
}

}  // namespace

TEST_CASE("pg: the PostgreSQL cursor renders the same bytes as SQLite for typed values") {
  const std::string conninfo = fresh_database("pg_engine_types");
  auto pg = PgConnection::open(conninfo, Access::read_only);
  // The same values typed on each side: ints beyond 2^53, reals needing 17
  // digits, NULL beside '', CJK text, bytes.
  const std::string pg_sql =
      "SELECT * FROM (VALUES "
      "(1, 9007199254740993::int8, 0.1::float8, 'x'::text, NULL::text, '\\x00ff41'::bytea, true, 1.50::numeric),"
      "(2, '-9223372036854775808'::int8, 1e-7::float8, ''::text, '百度'::text, '\\x'::bytea, false, 3::numeric),"
      "(3, 42::int8, 0.30000000000000004::float8, 'a,\"b\"'::text, 'é'::text, NULL::bytea, NULL::bool, "
      "0.333333333333333333333::numeric)"
      ") AS t(id, big, r, s, n, b, flag, num) ORDER BY id";
  SQLite::Database sqlite(":memory:");
  aigc::SqliteConnection lite(sqlite.getHandle());
  const std::string sqlite_sql =
      "SELECT * FROM (SELECT 1 AS id, 9007199254740993 AS big, 0.1 AS r, 'x' AS s, NULL AS n, x'00ff41' AS b, 1 AS "
      "flag,"
      " 1.5 AS num UNION ALL "
      "SELECT 2, -9223372036854775807 - 1, 1e-7, '', '百度', x'', 0, 3 UNION ALL "
      "SELECT 3, 42, 0.30000000000000004, 'a,\"b\"', 'é', NULL, NULL, '0.333333333333333333333') ORDER BY id";
  for (auto format : {aigc::Format::csv, aigc::Format::json, aigc::Format::table, aigc::Format::markdown}) {
    CAPTURE(aigc::format_name(format));
    auto from_pg = pg->prepare(pg_sql);
    auto from_sqlite = lite.prepare(sqlite_sql);
    const std::string pg_text = render_all(*from_pg, format);
    CHECK(pg_text == render_all(*from_sqlite, format));
    CHECK(pg_text.find("9007199254740993") != std::string::npos);
  }
  auto cursor = pg->prepare(pg_sql);
  REQUIRE(cursor->step());
  CHECK(cursor->column_type(1) == aigc::engine::ColumnType::integer);
  CHECK(cursor->column_int64(1) == 9007199254740993LL);
  CHECK(cursor->column_type(2) == aigc::engine::ColumnType::real);
  CHECK(cursor->column_type(4) == aigc::engine::ColumnType::null);
  CHECK(cursor->column_type(5) == aigc::engine::ColumnType::blob);
  CHECK(cursor->column_blob(5) == std::string_view("\0\xff"
                                                   "A",
                                                   3));
  CHECK(cursor->column_type(7) == aigc::engine::ColumnType::real);
  REQUIRE(cursor->step());
  CHECK(cursor->column_type(3) == aigc::engine::ColumnType::text);
  CHECK(cursor->column_text(3).empty());
  CHECK(cursor->column_type(7) == aigc::engine::ColumnType::integer);
  REQUIRE(cursor->step());
  CHECK(cursor->column_type(7) == aigc::engine::ColumnType::text);
  CHECK_FALSE(cursor->step());
}

TEST_CASE("pg: parameters bind by name with types, and a second cursor may run while the first is part-way") {
  const std::string conninfo = fresh_database("pg_engine_params");
  PgServer::shared().psql(
      "CREATE TABLE t (id bigint, d date, price double precision); "
      "INSERT INTO t SELECT g, DATE '2024-01-01' + g, g * 1.5 FROM generate_series(1, 100) g",
      "pg_engine_params");
  auto pg = PgConnection::open(conninfo, Access::read_only);
  auto cursor = pg->prepare(
      "SELECT id, price * :fx AS cny, ':fx' AS literal FROM t WHERE d >= :since AND id <= @top ORDER BY id");
  REQUIRE(cursor->parameter_count() == 3);
  CHECK(cursor->parameter_name(1) == ":fx");
  CHECK(cursor->parameter_name(2) == ":since");
  CHECK(cursor->parameter_name(3) == ":top");
  CHECK(cursor->parameter_index("top") == 3);
  CHECK(cursor->column_count() == 3);
  CHECK(cursor->column_name(1) == "cny");
  cursor->bind_double("fx", 2.0);
  cursor->bind_text("since", "2024-01-05");  // untyped: read as a date
  cursor->bind_int64("top", 50);
  REQUIRE(cursor->step());
  CHECK(cursor->column_int64(0) == 4);
  CHECK(cursor->column_double(1) == 12.0);
  CHECK(cursor->column_text(2) == ":fx");
  // Another statement meanwhile: the first keeps its remaining rows.
  auto other = pg->prepare("SELECT count(*) FROM t");
  REQUIRE(other->step());
  CHECK(other->column_int64(0) == 100);
  other.reset();
  int rows = 1;
  while (cursor->step()) ++rows;
  CHECK(rows == 47);
  // Run again with other values.
  cursor->reset();
  cursor->bind_int64("top", 4);
  REQUIRE(cursor->step());
  CHECK_FALSE(cursor->step());
  // Errors come as DataError with the server's words.
  CHECK_THROWS_WITH_AS(pg->prepare("SELECT * FROM no_such_table"), doctest::Contains("no_such_table"), aigc::DataError);
  std::string_view rest;
  CHECK(pg->prepare_first("  -- nothing\n", rest) == nullptr);
  CHECK_THROWS_AS(pg->prepare("SELECT 1; SELECT 2"), aigc::DataError);
}

TEST_CASE("pg: a read-only connection refuses to change the database; read_write does") {
  const std::string conninfo = fresh_database("pg_engine_readonly");
  PgServer::shared().psql("CREATE TABLE t (id bigint)", "pg_engine_readonly");
  {
    auto pg = PgConnection::open(conninfo, Access::read_only);
    auto insert = pg->prepare("INSERT INTO t VALUES (1)");
    CHECK_FALSE(insert->read_only());
    CHECK_THROWS_WITH_AS(insert->step(), doctest::Contains("read-only transaction"), aigc::DataError);
    // The session is usable afterwards.
    auto count = pg->prepare("SELECT count(*) FROM t");
    CHECK(count->read_only());
    REQUIRE(count->step());
    CHECK(count->column_int64(0) == 0);
  }
  auto pg = PgConnection::open(conninfo, Access::read_write);
  auto insert = pg->prepare("INSERT INTO t VALUES (:v)");
  insert->bind_int64(1, 7);
  CHECK_FALSE(insert->step());
  CHECK(PgServer::shared().psql("SELECT sum(id) FROM t", "pg_engine_readonly") == "7\n");
}

TEST_CASE("pg: a bad connection string and a refused password are clear errors that never show the password") {
  PgServer& server = PgServer::shared();
  const std::string wrong = server.conninfo("postgres", "aigc_pw") + " password=not-the-s3cret";
  try {
    PgConnection::open(wrong, Access::read_only);
    FAIL("connected with a wrong password");
  } catch (const aigc::DataError& e) {
    const std::string message = e.what();
    CHECK(message.find("cannot connect to PostgreSQL at ") == 0);
    CHECK(message.find("password authentication failed") != std::string::npos);
    CHECK(message.find("not-the-s3cret") == std::string::npos);
    CHECK(message.find("password=***") != std::string::npos);
  }
  try {
    PgConnection::open("postgresql://aigc_pw:hunter2@/postgres?host=" + server.socket_dir().string() +
                           "&port=" + std::to_string(server.port()) + "&bogus=1",
                       Access::read_only);
    FAIL("connected with a bad connection string");
  } catch (const aigc::DataError& e) {
    const std::string message = e.what();
    CHECK(message.find("cannot connect to PostgreSQL at postgresql://aigc_pw:***@") == 0);
    CHECK(message.find("bogus") != std::string::npos);
    CHECK(message.find("hunter2") == std::string::npos);
  }
  // The right password connects (scram).
  auto ok = PgConnection::open(server.conninfo("postgres", "aigc_pw") + " password=s3cret-pw", Access::read_only);
  auto one = ok->prepare("SELECT 1");
  CHECK(one->step());
  // A schema that is not there is named.
  CHECK_THROWS_WITH_AS(PgConnection::open(server.conninfo(), Access::read_only, {"no_such_schema", {}}),
                       doctest::Contains("has no schema \"no_such_schema\""), aigc::DataError);
}
