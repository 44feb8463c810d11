// The sqlite layer's own pieces: Statement, check(), exec() and Savepoint,
// each on a fresh database.
#include <doctest/doctest.h>
#include <sqlite3.h>

#include <SQLiteCpp/Database.h>
#include <string>
#include <string_view>

#include "base/error.h"
#include "sqlite/savepoint.h"
#include "sqlite/sqlite_error.h"
#include "sqlite/statement.h"
#include "support.h"

namespace {

/// A connection of its own on `path` (":memory:" by default), closed on scope exit.
struct Db {
  sqlite3* h = nullptr;
  explicit Db(const std::string& path = ":memory:") {
    REQUIRE(sqlite3_open_v2(path.c_str(), &h, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) == SQLITE_OK);
  }
  ~Db() { sqlite3_close(h); }
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;
  operator sqlite3*() const { return h; }
};

std::int64_t count(sqlite3* db, const std::string& table) {
  aigc::Statement st(db, "SELECT count(*) FROM " + table);
  REQUIRE(st.step());
  return st.column_int64(0);
}

/// What a failed call throws, as text; "" if it did not throw DataError.
template <typename Fn>
std::string error_of(Fn fn) {
  try {
    fn();
  } catch (const aigc::DataError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("Statement: a moved-from statement is empty and the new owner runs it") {
  Db db;
  aigc::Statement a(db, "SELECT 42");
  REQUIRE(a);
  sqlite3_stmt* raw = a.get();
  aigc::Statement b(std::move(a));
  CHECK_FALSE(a);
  CHECK(a.get() == nullptr);
  CHECK(b.get() == raw);
  aigc::Statement c;
  c = std::move(b);
  CHECK_FALSE(b);
  REQUIRE(c.step());
  CHECK(c.column_int64(0) == 42);
  CHECK_FALSE(c.step());
}

TEST_CASE("Statement: step() is true for each row and false at the end, and reset() runs it again") {
  Db db;
  aigc::exec(db, "CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (1), (2)");
  aigc::Statement st(db, "SELECT x, 'v' AS label FROM t ORDER BY x", aigc::Prepare::persistent);
  CHECK(st.column_count() == 2);
  CHECK(st.column_name(1) == "label");
  REQUIRE(st.step());
  CHECK(st.column_int64(0) == 1);
  CHECK(st.column_type(0) == SQLITE_INTEGER);
  REQUIRE(st.step());
  CHECK(st.column_int64(0) == 2);
  CHECK_FALSE(st.step());
  st.reset();
  REQUIRE(st.step());
  CHECK(st.column_int64(0) == 1);
  CHECK(st.column_text(1) == "v");
}

TEST_CASE("Statement: SQL of only a comment prepares to an empty statement that is done at once") {
  Db db;
  aigc::Statement st(db, "-- nothing here");
  CHECK_FALSE(st);
  CHECK_FALSE(st.step());
}

TEST_CASE("Statement: try_prepare says where the next statement starts") {
  Db db;
  const std::string sql = "SELECT 1; SELECT 2";
  aigc::Statement st;
  std::size_t consumed = 0;
  REQUIRE(aigc::Statement::try_prepare(db, sql, st, &consumed) == SQLITE_OK);
  CHECK(sql.substr(0, consumed) == "SELECT 1;");
  REQUIRE(st.step());
  CHECK(st.column_int64(0) == 1);

  aigc::Statement bad;
  CHECK(aigc::Statement::try_prepare(db, "SELEC 1", bad) == SQLITE_ERROR);
  CHECK_FALSE(bad);
}

TEST_CASE("Statement: SQL that does not compile is a DataError naming SQLite's reason and the SQL") {
  Db db;
  const std::string message = error_of([&] { aigc::Statement st(db, "SELECT * FROM missing_table"); });
  CHECK(message == "no such table: missing_table in: SELECT * FROM missing_table");
}

TEST_CASE("Statement: a string_view slice binds exactly its bytes, with no NUL after them") {
  Db db;
  const std::string whole = "abcdef";
  const std::string_view slice = std::string_view(whole).substr(1, 3);  // "bcd", followed by 'e'
  aigc::Statement st(db, "SELECT ?1, length(?1), typeof(?2), ?3, ?4, length(?5)");
  st.bind_text(1, slice);
  st.bind_text(2, std::string_view());  // empty: '' and never NULL
  st.bind_int64(3, 1LL << 40);
  st.bind_double(4, 0.5);
  const unsigned char bytes[] = {0, 1, 2};
  st.bind_blob(5, bytes, sizeof bytes);
  REQUIRE(st.step());
  CHECK(st.column_text(0) == "bcd");
  CHECK(st.column_int64(1) == 3);
  CHECK(st.column_text(2) == "text");
  CHECK(st.column_int64(3) == (1LL << 40));
  CHECK(st.column_double(4) == 0.5);
  CHECK(st.column_int64(5) == 3);
}

TEST_CASE("Statement: binding by name, and clear_bindings() makes every parameter NULL") {
  Db db;
  aigc::Statement st(db, "SELECT :firm, :year");
  CHECK(st.parameter_count() == 2);
  st.bind_text(":firm", "acme");
  st.bind_int64(":year", 2024);
  REQUIRE(st.step());
  CHECK(st.column_text(0) == "acme");
  CHECK(st.column_int64(1) == 2024);
  st.reset();
  st.clear_bindings();
  REQUIRE(st.step());
  CHECK(st.column_is_null(0));
  CHECK(st.column_is_null(1));
  st.reset();
  CHECK(error_of([&] { st.bind_null(":nope"); }) == "bind failed: the statement has no parameter :nope");
  CHECK(error_of([&] { st.bind_int64(3, 1); }) == "bind failed: column index out of range");
}

TEST_CASE("Statement: a failed step is the error users see, a CHECK failure word for word") {
  Db db;
  aigc::exec(db, "CREATE TABLE t (x INTEGER CHECK (x > 0))");
  aigc::Statement st(db, "INSERT INTO t VALUES (?1)");
  st.bind_int64(1, -1);
  CHECK(error_of([&] { st.step(); }) == "CHECK constraint failed: x > 0");
  st.reset();
  st.bind_int64(1, 5);
  CHECK_FALSE(st.step());
  CHECK(count(db, "t") == 1);
}

TEST_CASE("Statement: SQLITE_BUSY from another connection's write lock says what it means and what to do") {
  test::TempDir dir;
  const std::string path = (dir / "busy.db").string();
  Db writer(path);
  Db other(path);
  aigc::exec(writer, "CREATE TABLE t (x)");
  aigc::exec(writer, "BEGIN IMMEDIATE");
  aigc::Statement insert(other, "INSERT INTO t VALUES (1)");
  std::string message = error_of([&] { insert.step(); });
  CHECK(message == aigc::explain_sqlite_error(SQLITE_BUSY, "database is locked"));
  CHECK(message.find("another process is writing to it") != std::string::npos);
  aigc::exec(writer, "ROLLBACK");
}

TEST_CASE("check(): OK, ROW and DONE pass through; anything else is the connection's explained error") {
  Db db;
  CHECK(aigc::check(SQLITE_OK, db) == SQLITE_OK);
  CHECK(aigc::check(SQLITE_ROW, db) == SQLITE_ROW);
  CHECK(aigc::check(SQLITE_DONE, db) == SQLITE_DONE);
  aigc::exec(db, "CREATE TABLE t (x NOT NULL)");
  aigc::Statement st(db, "INSERT INTO t VALUES (NULL)");
  const int rc = st.try_step();
  CHECK(rc == SQLITE_CONSTRAINT);
  CHECK(error_of([&] { aigc::check(rc, db); }) == "NOT NULL constraint failed: t.x");
  CHECK(error_of([&] { aigc::check(rc, db, "cannot keep row 3"); }) ==
        "cannot keep row 3: NOT NULL constraint failed: t.x");
}

TEST_CASE("exec(): runs several statements, and a failure is a DataError with SQLite's message") {
  Db db;
  aigc::exec(db, "CREATE TABLE t (x); INSERT INTO t VALUES (1); INSERT INTO t VALUES (2)");
  CHECK(count(db, "t") == 2);
  CHECK(error_of([&] { aigc::exec(db, "INSERT INTO nowhere VALUES (1)"); }) == "no such table: nowhere");
}

TEST_CASE("Savepoint: leaving the scope without release() rolls back") {
  Db db;
  aigc::exec(db, "CREATE TABLE t (x)");
  {
    aigc::Savepoint sp(db, "work");
    aigc::exec(db, "INSERT INTO t VALUES (1)");
    CHECK(count(db, "t") == 1);
  }
  CHECK(count(db, "t") == 0);
  CHECK(sqlite3_get_autocommit(db) != 0);  // the transaction it began is over
}

TEST_CASE("Savepoint: an exception leaving the scope rolls back") {
  Db db;
  aigc::exec(db, "CREATE TABLE t (x)");
  CHECK_THROWS_AS(([&] {
                    aigc::Savepoint sp(db, "work");
                    aigc::exec(db, "INSERT INTO t VALUES (1)");
                    aigc::exec(db, "INSERT INTO nowhere VALUES (1)");
                    sp.release();
                  }()),
                  aigc::DataError);
  CHECK(count(db, "t") == 0);
}

TEST_CASE("Savepoint: release() commits") {
  Db db;
  aigc::exec(db, "CREATE TABLE t (x)");
  {
    aigc::Savepoint sp(db, "work");
    aigc::exec(db, "INSERT INTO t VALUES (1)");
    sp.release();
  }
  CHECK(count(db, "t") == 1);
  CHECK(sqlite3_get_autocommit(db) != 0);
}

TEST_CASE("Savepoint: inside a caller's transaction it nests, and the caller decides") {
  Db db;
  aigc::exec(db, "CREATE TABLE t (x)");

  SUBCASE("the caller's rollback undoes a released savepoint") {
    aigc::exec(db, "BEGIN");
    aigc::exec(db, "INSERT INTO t VALUES ('outer')");
    {
      aigc::Savepoint sp(db, "inner");
      aigc::exec(db, "INSERT INTO t VALUES ('inner')");
      sp.release();
    }
    CHECK(sqlite3_get_autocommit(db) == 0);  // released, yet not committed: the caller's transaction is open
    CHECK(count(db, "t") == 2);
    aigc::exec(db, "ROLLBACK");
    CHECK(count(db, "t") == 0);
  }

  SUBCASE("an unreleased savepoint undoes only its own writes; the caller's stay and commit") {
    aigc::exec(db, "BEGIN");
    aigc::exec(db, "INSERT INTO t VALUES ('outer')");
    {
      aigc::Savepoint sp(db, "inner");
      aigc::exec(db, "INSERT INTO t VALUES ('inner')");
    }
    CHECK(sqlite3_get_autocommit(db) == 0);
    aigc::exec(db, "COMMIT");
    aigc::Statement st(db, "SELECT group_concat(x) FROM t");
    REQUIRE(st.step());
    CHECK(st.column_text(0) == "outer");
  }
}

TEST_CASE("Savepoint: a rolled-back savepoint leaves the database file byte-identical") {
  test::TempDir dir;
  const auto path = dir / "same.db";
  std::string before;
  {
    Db db(path.string());
    aigc::exec(db, "CREATE TABLE t (x); INSERT INTO t VALUES (1)");
    before = test::read_file(path);
    {
      aigc::Savepoint sp(db, "work");
      aigc::exec(db, "INSERT INTO t VALUES (2); CREATE TABLE u (y); DELETE FROM t WHERE x = 1");
    }
    CHECK(count(db, "t") == 1);
  }
  REQUIRE_FALSE(before.empty());
  CHECK(test::read_file(path) == before);
  CHECK_FALSE(std::filesystem::exists(path.string() + "-journal"));
}
