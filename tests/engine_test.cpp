// The engine seam (core/engine/): the renderers and the saved-query runner
// work through engine::Connection and engine::Cursor alone, and SQLite's
// implementation of them (core/sqlite/sqlite_engine.h) reads and binds
// every type as SQLite stores it.
#include <doctest/doctest.h>

#include <SQLiteCpp/Database.h>
#include <charconv>
#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "base/error.h"
#include "engine/connection.h"
#include "engine/cursor.h"
#include "query/catalog.h"
#include "render/render.h"
#include "sqlite/sqlite_engine.h"
#include "sqlite/statement.h"
#include "support.h"

namespace {

using aigc::engine::ColumnType;

/// A value the fake engine holds; text and BLOB bytes are owned here.
struct FakeValue {
  ColumnType type = ColumnType::null;
  std::int64_t integer = 0;
  double real = 0;
  std::string bytes;

  static FakeValue null() { return {}; }
  static FakeValue of(std::int64_t v) { return {ColumnType::integer, v, 0, {}}; }
  static FakeValue of(double v) { return {ColumnType::real, 0, v, {}}; }
  static FakeValue text(std::string v) { return {ColumnType::text, 0, 0, std::move(v)}; }
  static FakeValue blob(std::string v) { return {ColumnType::blob, 0, 0, std::move(v)}; }
};

using FakeRow = std::vector<FakeValue>;

/// What a fake cursor was asked to do, kept by the test: the cursor itself
/// goes with the query that owns it.
struct Trace {
  std::vector<FakeValue> bound;
  int steps = 0;
};

/// An engine that is not SQLite: a cursor over rows held in a vector. It
/// overrides none of Cursor's defaults (cell, read_row), so rendering it
/// also runs those. With `echo` set, its one row is its bound parameters,
/// as "SELECT :a, :b" would give.
class FakeCursor final : public aigc::engine::Cursor {
 public:
  FakeCursor(std::vector<std::string> columns, std::vector<FakeRow> rows, std::vector<std::string> parameters = {})
      : columns_(std::move(columns)),
        rows_(std::move(rows)),
        parameters_(std::move(parameters)),
        bound_(parameters_.size()) {}

  bool echo = false;
  bool writes = false;
  int steps = 0;           ///< step() calls, to tell a cursor that was run from one that was not
  Trace* trace = nullptr;  ///< when set, gets every bound value and step

  int parameter_count() const override { return static_cast<int>(parameters_.size()); }
  std::string_view parameter_name(int index) const override {
    return parameters_.at(static_cast<std::size_t>(index - 1));
  }
  void bind_null(int index) override { set(index, FakeValue::null()); }
  void bind_int64(int index, std::int64_t value) override { set(index, FakeValue::of(value)); }
  void bind_double(int index, double value) override { set(index, FakeValue::of(value)); }
  void bind_text(int index, std::string_view value) override { set(index, FakeValue::text(std::string(value))); }

  bool step() override {
    ++steps;
    if (trace) ++trace->steps;
    if (echo && next_ == 0) rows_ = {bound_};
    if (next_ >= rows_.size()) return false;
    current_ = &rows_[next_++];
    return true;
  }
  void reset() override {
    next_ = 0;
    current_ = nullptr;
  }
  bool read_only() const override { return !writes; }

  int column_count() const override { return static_cast<int>(columns_.size()); }
  std::string_view column_name(int i) const override { return columns_.at(static_cast<std::size_t>(i)); }
  ColumnType column_type(int i) override { return value(i).type; }
  std::int64_t column_int64(int i) override { return value(i).integer; }
  double column_double(int i) override { return value(i).real; }
  std::string_view column_text(int i) override {
    const FakeValue& v = value(i);
    if (v.type != ColumnType::integer) return v.bytes;
    const auto end = std::to_chars(number_, number_ + sizeof number_, v.integer).ptr;
    return {number_, static_cast<std::size_t>(end - number_)};
  }
  std::string_view column_blob(int i) override { return value(i).bytes; }

 private:
  void set(int index, FakeValue value) {
    bound_.at(static_cast<std::size_t>(index - 1)) = std::move(value);
    if (trace) trace->bound = bound_;
  }
  const FakeValue& value(int i) const { return current_->at(static_cast<std::size_t>(i)); }

  std::vector<std::string> columns_;
  std::vector<FakeRow> rows_;
  std::vector<std::string> parameters_;
  std::vector<FakeValue> bound_;
  std::size_t next_ = 0;
  const FakeRow* current_ = nullptr;
  char number_[24] = {};
};

/// A connection of the fake engine: every statement it prepares is the
/// cursor `make` builds, whatever the SQL says.
class FakeConnection final : public aigc::engine::Connection {
 public:
  std::function<std::unique_ptr<FakeCursor>()> make;
  std::vector<std::string> prepared;  ///< the SQL of every statement prepared
  FakeCursor* last = nullptr;

  std::string_view engine_name() const noexcept override { return "fake"; }
  std::unique_ptr<aigc::engine::Cursor> prepare_first(std::string_view sql, std::string_view& rest) override {
    rest = {};
    if (sql.find_first_not_of(" \t\r\n") == std::string_view::npos) return nullptr;
    prepared.emplace_back(sql);
    auto cursor = make();
    last = cursor.get();
    return cursor;
  }
  std::filesystem::path database_file() const override { return {}; }
};

const std::vector<std::string> kColumns = {"id", "name", "share", "note", "raw"};

/// Rows with every type and the values each format treats specially:
/// extreme integers, REALs that need 17 digits or an exponent, CJK and
/// control characters, quotes, a formula-like text, empty text beside NULL.
std::vector<FakeRow> sample_rows() {
  using V = FakeValue;
  return {
      {V::of(std::int64_t{1}), V::text("百度"), V::of(0.1), V::text("plain"), V::blob(std::string("\x00\x1B\xFF", 3))},
      {V::of(std::numeric_limits<std::int64_t>::min()), V::text("say \"hi\", then\nleave"), V::of(1.0 / 3), V::text(""),
       V::null()},
      {V::of(std::numeric_limits<std::int64_t>::max()), V::text("=SUM(A1)"), V::of(1e20), V::null(), V::blob("")},
      {V::of(std::int64_t{-7}), V::text("tab\there | pipe * star_x_"), V::of(-2.0), V::text("  padded  "),
       V::blob("ab")},
      {V::null(), V::text("全角文字がとても長いテキストで幅を超えます"), V::of(2.5e-7), V::text("-5"), V::null()},
  };
}

/// The same rows in a SQLite table whose columns have no type affinity, so
/// every value is stored exactly as it is bound.
SQLite::Database sqlite_with(const std::vector<FakeRow>& rows) {
  SQLite::Database db(":memory:", SQLite::OPEN_READWRITE);
  db.exec("CREATE TABLE t (id, name, share, note, raw)");
  aigc::Statement insert(db.getHandle(), "INSERT INTO t VALUES (?, ?, ?, ?, ?)");
  for (const auto& row : rows) {
    for (std::size_t i = 0; i < row.size(); ++i) {
      const int index = static_cast<int>(i) + 1;
      const FakeValue& v = row[i];
      switch (v.type) {
        case ColumnType::null: insert.bind_null(index); break;
        case ColumnType::integer: insert.bind_int64(index, v.integer); break;
        case ColumnType::real: insert.bind_double(index, v.real); break;
        case ColumnType::text: insert.bind_text(index, v.bytes); break;
        case ColumnType::blob: insert.bind_blob(index, v.bytes.data(), v.bytes.size()); break;
      }
    }
    insert.step();
    insert.reset();
  }
  return db;
}

std::string render_to_string(aigc::engine::Cursor& cursor, const aigc::RenderOptions& options, std::uint64_t& rows) {
  std::ostringstream out;
  rows = aigc::render(cursor, out, options);
  return out.str();
}

aigc::SavedQuery saved(const std::string& name, const std::string& text) {
  return aigc::SavedQuery::parse(name, "queries/" + name + ".sql", text);
}

const std::string kRateQuery =
    "-- title: rate\n-- scope: report\n"
    "-- param: fx real > 0 = 7.1 -- CNY per USD\n"
    "-- param: currency text in ('CNY', 'USD') = 'CNY'\n"
    "-- param: note text = NULL\n"
    "SELECT :fx AS fx, :currency AS currency, :note AS note";

}  // namespace

TEST_CASE("engine: a cursor of another engine renders byte for byte as the same rows from SQLite, in every format") {
  const auto rows = sample_rows();
  auto db = sqlite_with(rows);
  aigc::SqliteConnection sqlite(db.getHandle());

  struct Case {
    const char* what;
    aigc::RenderOptions options;
  };
  std::vector<Case> cases;
  for (auto f :
       {aigc::Format::table, aigc::Format::csv, aigc::Format::json, aigc::Format::jsonl, aigc::Format::markdown}) {
    aigc::RenderOptions o;
    o.format = f;
    cases.push_back({"plain", o});
  }
  aigc::RenderOptions narrow;
  narrow.max_width = 40;
  narrow.null_text = "∅";
  cases.push_back({"table cut to 40 cells, NULL as ∅", narrow});
  aigc::RenderOptions excel;
  excel.format = aigc::Format::csv;
  excel.bom = excel.crlf = excel.excel_safe = true;
  cases.push_back({"csv for Excel", excel});

  for (const auto& c : cases) {
    CAPTURE(aigc::format_name(c.options.format));
    CAPTURE(c.what);
    FakeCursor fake(kColumns, rows);
    std::uint64_t fake_rows = 0, sqlite_rows = 0;
    const std::string from_fake = render_to_string(fake, c.options, fake_rows);
    auto cursor = sqlite.prepare("SELECT id, name, share, note, raw FROM t ORDER BY rowid");
    const std::string from_sqlite = render_to_string(*cursor, c.options, sqlite_rows);
    CHECK(from_fake == from_sqlite);
    CHECK(fake_rows == rows.size());
    CHECK(sqlite_rows == rows.size());
    CHECK(from_fake.find("百度") != std::string::npos);
  }
}

TEST_CASE("engine: a cursor without result columns is run and shows nothing") {
  FakeCursor fake({}, {FakeRow{}, FakeRow{}});
  std::ostringstream out;
  CHECK(aigc::render(fake, out, {}) == 2);
  CHECK(fake.steps == 3);
  CHECK(out.str().empty());
}

TEST_CASE("engine: SQLite's cursor reads each type as SQLite stores it") {
  SQLite::Database db(":memory:", SQLite::OPEN_READWRITE);
  aigc::SqliteConnection conn(db.getHandle());
  CHECK(conn.engine_name() == "SQLite");
  auto c = conn.prepare(
      "SELECT 42 AS i, -9223372036854775808 AS min, 0.1 AS r, 'a' || char(0) || 'b' AS nul_text, "
      "x'00ff10' AS b, x'' AS empty_blob, NULL AS n, '' AS empty_text, '百度' AS cjk");
  REQUIRE(c->column_count() == 9);
  CHECK(c->column_name(0) == "i");
  CHECK(c->column_name(3) == "nul_text");
  CHECK(c->read_only());
  REQUIRE(c->step());

  CHECK(c->column_type(0) == ColumnType::integer);
  CHECK(c->column_int64(0) == 42);
  CHECK(c->column_type(1) == ColumnType::integer);
  CHECK(c->column_int64(1) == std::numeric_limits<std::int64_t>::min());
  CHECK(c->column_type(2) == ColumnType::real);
  CHECK(c->column_double(2) == 0.1);
  CHECK(c->column_type(3) == ColumnType::text);
  CHECK(c->column_text(3) == std::string_view("a\0b", 3));  // the NUL does not end the text
  CHECK(c->column_type(4) == ColumnType::blob);
  CHECK(c->column_blob(4) == std::string_view("\x00\xff\x10", 3));
  CHECK(c->column_type(5) == ColumnType::blob);
  CHECK(c->column_blob(5).empty());
  CHECK(c->column_type(6) == ColumnType::null);
  CHECK(c->column_type(7) == ColumnType::text);
  CHECK(c->column_text(7).empty());
  CHECK(c->column_text(8) == "百度");

  // cell() and read_row() give the same as the accessors, in one call.
  std::vector<aigc::engine::Cell> row(9);
  c->read_row(row);
  CHECK(row[0].type == ColumnType::integer);
  CHECK(row[0].integer == 42);
  CHECK(row[1].integer == std::numeric_limits<std::int64_t>::min());
  CHECK(row[2].type == ColumnType::real);
  CHECK(row[2].real == 0.1);
  CHECK(row[3].type == ColumnType::text);
  CHECK(row[3].bytes == std::string_view("a\0b", 3));
  CHECK(row[4].type == ColumnType::blob);
  CHECK(row[4].bytes == std::string_view("\x00\xff\x10", 3));
  CHECK(row[5].type == ColumnType::blob);
  CHECK(row[5].bytes.empty());
  CHECK(row[6].type == ColumnType::null);
  CHECK(row[7].type == ColumnType::text);
  CHECK(row[8].bytes == "百度");
  const auto one = c->cell(4);
  CHECK(one.type == ColumnType::blob);
  CHECK(one.bytes == row[4].bytes);

  CHECK_FALSE(c->step());
  c->reset();
  REQUIRE(c->step());  // runs again from the start
  CHECK(c->column_int64(0) == 42);
}

TEST_CASE("engine: SQLite's cursor binds by index and by name, and keeps its own copy of text") {
  SQLite::Database db(":memory:", SQLite::OPEN_READWRITE);
  aigc::SqliteConnection conn(db.getHandle());
  auto c = conn.prepare("SELECT :a AS a, @b AS b, $c AS c, ?4 AS d, typeof(:a) AS ta");
  REQUIRE(c->parameter_count() == 4);
  CHECK(c->parameter_name(1) == ":a");
  CHECK(c->parameter_name(2) == "@b");
  CHECK(c->parameter_name(3) == "$c");
  CHECK(c->parameter_name(4) == "?4");
  CHECK(c->parameter_index("a") == 1);
  CHECK(c->parameter_index(":a") == 1);
  CHECK(c->parameter_index("@a") == 0);  // written with a prefix, it must match exactly
  CHECK(c->parameter_index("b") == 2);
  CHECK(c->parameter_index("$c") == 3);
  CHECK(c->parameter_index("?4") == 4);
  CHECK(c->parameter_index("nope") == 0);

  {
    std::string text = "CNY";
    c->bind_text("a", text);
    text = "XXX";  // the cursor copied it: changing the caller's string changes nothing
  }
  c->bind_int64("b", -5);
  c->bind_double("$c", 7.25);
  c->bind_null(4);
  REQUIRE(c->step());
  CHECK(c->column_text(0) == "CNY");
  CHECK(c->column_int64(1) == -5);
  CHECK(c->column_double(2) == 7.25);
  CHECK(c->column_type(3) == ColumnType::null);
  CHECK(c->column_text(4) == "text");

  CHECK_THROWS_WITH_AS(c->bind_int64("zz", 1), doctest::Contains("no parameter zz"), aigc::DataError);
  CHECK_THROWS_AS(c->bind_int64(9, 1), aigc::DataError);  // out of range: SQLite refuses
}

TEST_CASE("engine: SQLite's connection prepares one statement at a time and reports failures") {
  test::TempDir dir;
  SQLite::Database db((dir / "w.db").string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
  db.exec("CREATE TABLE t (x)");
  aigc::SqliteConnection conn(db.getHandle());
  CHECK(conn.database_file() == std::filesystem::canonical(dir / "w.db"));

  std::string_view rest;
  auto first = conn.prepare_first("INSERT INTO t VALUES (1); SELECT x FROM t; -- done\n", rest);
  REQUIRE(first);
  CHECK_FALSE(first->read_only());
  CHECK(rest == " SELECT x FROM t; -- done\n");
  CHECK_FALSE(first->step());
  std::string_view after;
  auto second = conn.prepare_first(rest, after);
  REQUIRE(second);
  REQUIRE(second->step());
  CHECK(second->column_int64(0) == 1);
  CHECK_FALSE(conn.prepare_first(after, rest));  // only a comment left

  CHECK_THROWS_WITH_AS(conn.prepare("SELECT 1; SELECT 2"), doctest::Contains("more than one"), aigc::DataError);
  CHECK_THROWS_WITH_AS(conn.prepare("  -- nothing\n"), doctest::Contains("no SQL statement"), aigc::DataError);
  CHECK_THROWS_WITH_AS(conn.prepare("SELECT * FROM nope"), doctest::Contains("no such table: nope"), aigc::DataError);
  auto overflow = conn.prepare("SELECT abs(-9223372036854775808)");
  CHECK_THROWS_WITH_AS(overflow->step(), doctest::Contains("integer overflow"), aigc::DataError);

  SQLite::Database mem(":memory:", SQLite::OPEN_READWRITE);
  CHECK(aigc::SqliteConnection(mem.getHandle()).database_file().empty());
}

TEST_CASE("engine: a saved query runs on another engine: checked, bound with typed values and rendered") {
  FakeConnection fake;
  Trace trace;
  fake.make = [&] {
    auto c = std::make_unique<FakeCursor>(std::vector<std::string>{"fx", "currency", "note"}, std::vector<FakeRow>{},
                                          std::vector<std::string>{":fx", ":currency", ":note"});
    c->echo = true;
    c->trace = &trace;
    return c;
  };
  test::TempDir dir;
  test::write_file(dir / "rate.sql", kRateQuery);
  const auto catalog = aigc::QueryCatalog::from_directory(dir.path());
  aigc::RenderOptions csv;
  csv.format = aigc::Format::csv;

  std::ostringstream on_fake;
  CHECK(aigc::run_saved_query(fake, catalog, "rate", {{"fx", "7.25"}}, on_fake, csv) == 1);
  const auto& bound = trace.bound;
  REQUIRE(bound.size() == 3);
  CHECK(bound[0].type == ColumnType::real);  // declared real: bound as a double
  CHECK(bound[0].real == 7.25);
  CHECK(bound[1].type == ColumnType::text);  // the default
  CHECK(bound[1].bytes == "CNY");
  CHECK(bound[2].type == ColumnType::null);
  REQUIRE(fake.prepared.size() == 1);
  CHECK(fake.prepared[0].find("SELECT :fx") != std::string::npos);

  // The same query on SQLite gives the same bytes.
  SQLite::Database db(":memory:", SQLite::OPEN_READWRITE);
  std::ostringstream on_sqlite;
  aigc::run_saved_query(db.getHandle(), catalog, "rate", {{"fx", "7.25"}}, on_sqlite, csv);
  CHECK(on_fake.str() == on_sqlite.str());
  CHECK(on_fake.str() == "fx,currency,note\n7.25,CNY,\n");

  CHECK(trace.steps == 2);  // the row, then the end

  // A bad value is refused before anything runs.
  trace = {};
  std::ostringstream refused;
  CHECK_THROWS_WITH_AS(aigc::run_saved_query(fake, catalog, "rate", {{"fx", "-1"}}, refused, csv),
                       doctest::Contains("fx takes a number greater than 0"), aigc::UsageError);
  CHECK(trace.steps == 0);
  CHECK(trace.bound.empty());
  CHECK(refused.str().empty());
}

TEST_CASE(
    "engine: a saved query is refused on another engine as on SQLite: writes, positional and doubled parameters") {
  FakeConnection fake;
  bool writes = false;
  std::vector<std::string> params;
  fake.make = [&] {
    auto c = std::make_unique<FakeCursor>(std::vector<std::string>{"x"}, std::vector<FakeRow>{}, params);
    c->writes = writes;
    return c;
  };
  const auto query = saved("q", "-- title: q\n-- scope: report\nSELECT 1");

  writes = true;
  CHECK_THROWS_WITH_AS(aigc::PreparedQuery(fake, query), doctest::Contains("would change the database"),
                       aigc::DataError);
  writes = false;
  params = {""};
  CHECK_THROWS_WITH_AS(aigc::PreparedQuery(fake, query), doctest::Contains("positional parameter"), aigc::DataError);
  params = {":x", "@x"};
  CHECK_THROWS_WITH_AS(aigc::PreparedQuery(fake, query),
                       doctest::Contains("(:x and @x), which fake takes as two parameters"), aigc::DataError);
  params = {};
  aigc::PreparedQuery ok(fake, query);
  CHECK(ok.get() == nullptr);  // not SQLite: no sqlite3_stmt behind it
  CHECK(&ok.cursor() == fake.last);
}
