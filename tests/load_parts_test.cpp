// The pieces the loader and the CSV reader are built from, each on its own:
// the reference checker, constraint messages, UTF-8 validation and the
// input buffer.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <sqlite3.h>

#include <filesystem>
#include <string>
#include <vector>

#include "base/error.h"
#include "csv/input_buffer.h"
#include "csv/utf8_validation.h"
#include "load/constraint_messages.h"
#include "load/header_map.h"
#include "load/reference_checker.h"
#include "sqlite/table_info.h"
#include "sqlite/value.h"
#include "support.h"

using namespace aigc;

namespace {

/// An in-memory database holding `sql`; closed on destruction.
struct MemoryDb {
  sqlite3* db = nullptr;
  explicit MemoryDb(const char* sql) {
    REQUIRE(sqlite3_open(":memory:", &db) == SQLITE_OK);
    REQUIRE(sqlite3_exec(db, sql, nullptr, nullptr, nullptr) == SQLITE_OK);
  }
  ~MemoryDb() { sqlite3_close(db); }
  MemoryDb(const MemoryDb&) = delete;
  MemoryDb& operator=(const MemoryDb&) = delete;
};

const char* kSchema = R"(
  CREATE TABLE vendor (vendor_id TEXT PRIMARY KEY) STRICT;
  CREATE TABLE price (
    price_id TEXT PRIMARY KEY,
    vendor_id TEXT REFERENCES vendor(vendor_id),
    parent_id TEXT REFERENCES price(price_id)
  ) STRICT;
  INSERT INTO vendor VALUES ('baidu'), ('tencent');
)";

Value text(std::string_view s) { return Value{Value::Kind::text, 0, 0, s}; }
Value null() { return Value{}; }

/// Open file descriptors of this process.
std::size_t open_fds() {
  std::size_t n = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator("/proc/self/fd")) ++n;
  return n;
}

}  // namespace

TEST_CASE("reference checker: found keys pass, a missing one names its table, column and value") {
  MemoryDb m(kSchema);
  const TableInfo price = TableInfo::read(m.db, "price");
  // The file's fields: vendor_id, price_id, parent_id (not the table's order).
  const HeaderMap header{{1, 0, 2}};
  ReferenceChecker checker(m.db, price, header);
  const std::uint8_t fine[3] = {0, 0, 0};

  SUBCASE("a key that exists passes") {
    const Value row[3] = {text("baidu"), text("p1"), null()};
    CHECK(checker.check(row, fine).empty());
  }
  SUBCASE("a missing key is reported at its field, with the table and column it names") {
    const Value row[3] = {text("nobody"), text("p1"), null()};
    const auto& missing = checker.check(row, fine);
    REQUIRE(missing.size() == 1);
    CHECK(missing[0].field == 0);
    CHECK_FALSE(checker.refers_to_own_table(missing[0]));
    CHECK(checker.column(missing[0]) == "vendor_id");
    CHECK(checker.message(missing[0]) == "no vendor row has vendor_id = 'nobody' (foreign key)");
  }
  SUBCASE("a key found once is answered from the cache; a missing one is looked up each time") {
    const Value row[3] = {text("tencent"), text("p1"), null()};
    CHECK(checker.check(row, fine).empty());
    CHECK(checker.database_lookups() == 1);
    CHECK(checker.check(row, fine).empty());
    CHECK(checker.database_lookups() == 1);
    const Value bad_row[3] = {text("nobody"), text("p1"), null()};
    CHECK(checker.check(bad_row, fine).size() == 1);
    CHECK(checker.check(bad_row, fine).size() == 1);
    CHECK(checker.database_lookups() == 3);
  }
  SUBCASE("NULL references, and values already refused, are not looked up") {
    const Value row[3] = {null(), text("p1"), null()};
    CHECK(checker.check(row, fine).empty());
    const Value refused_row[3] = {text("nobody"), text("p1"), null()};
    const std::uint8_t refused[3] = {1, 0, 0};
    CHECK(checker.check(refused_row, refused).empty());
    CHECK(checker.database_lookups() == 0);
  }
}

TEST_CASE("reference checker: a reference to the own table waits for the end of the file") {
  MemoryDb m(kSchema);
  const TableInfo price = TableInfo::read(m.db, "price");
  const HeaderMap header{{0, 1, 2}};  // price_id, vendor_id, parent_id
  ReferenceChecker checker(m.db, price, header);
  const std::uint8_t fine[3] = {0, 0, 0};

  std::string later = "p2", never = "p9";  // the row's text is gone by the end
  const Value first[3] = {text("p1"), text("baidu"), text(later)};
  const auto& missing = checker.check(first, fine);
  REQUIRE(missing.size() == 1);
  CHECK(checker.refers_to_own_table(missing[0]));
  CHECK(missing[0].field == 2);
  checker.keep_for_end(missing[0], FieldPos{2, 10});
  const Value second[3] = {text("p3"), text("baidu"), text(never)};
  checker.keep_for_end(checker.check(second, fine).at(0), FieldPos{3, 10});
  later.assign("xx");
  never.assign("yy");

  // A later row added p2; no row added p9.
  REQUIRE(sqlite3_exec(m.db, "INSERT INTO price VALUES ('p2', 'baidu', NULL)", nullptr, nullptr, nullptr) == SQLITE_OK);
  const auto unresolved = checker.recheck_kept();
  REQUIRE(unresolved.size() == 1);
  CHECK(unresolved[0].at.line == 3);
  CHECK(unresolved[0].at.column == 10);
  CHECK(unresolved[0].column == "parent_id");
  CHECK(unresolved[0].message == "no price row has price_id = 'p9' (foreign key)");
}

TEST_CASE("reference checker: a column the header leaves out is not checked") {
  MemoryDb m(kSchema);
  const TableInfo price = TableInfo::read(m.db, "price");
  const HeaderMap header{{0}};  // price_id only: the references take their defaults
  ReferenceChecker checker(m.db, price, header);
  const Value row[1] = {text("p1")};
  const std::uint8_t fine[1] = {0};
  CHECK(checker.check(row, fine).empty());
  CHECK(checker.database_lookups() == 0);
}

TEST_CASE("constraint messages: a refused row in the user's terms, at the field that broke the rule") {
  MemoryDb m(R"(
    CREATE TABLE item (
      id TEXT PRIMARY KEY,
      qty INTEGER NOT NULL CHECK (qty >= 0),
      price REAL CHECK (price < 100),
      note TEXT
    ) STRICT;)");
  const TableInfo item = TableInfo::read(m.db, "item");
  const HeaderMap header{{3, 0, 1, 2}};  // note, id, qty, price
  ConstraintMessages messages(m.db, item, header);
  const Value row[4] = {text("n"), text("a1"), Value{Value::Kind::integer, -1, 0, {}},
                        Value{Value::Kind::real, 0, 250.5, {}}};
  std::vector<RowIssue> out;

  SUBCASE("a duplicate key names its columns and values") {
    messages.explain(SQLITE_CONSTRAINT_PRIMARYKEY, "UNIQUE constraint failed: item.id", row, out);
    REQUIRE(out.size() == 1);
    CHECK(out[0].field == 1);
    CHECK(out[0].column == "id");
    CHECK(out[0].message == "duplicate key: a row with id = 'a1' already exists");
  }
  SUBCASE("NOT NULL") {
    messages.explain(SQLITE_CONSTRAINT_NOTNULL, "NOT NULL constraint failed: item.qty", row, out);
    REQUIRE(out.size() == 1);
    CHECK(out[0].field == 2);
    CHECK(out[0].message == "a value is required (the column is NOT NULL)");
  }
  SUBCASE("every broken CHECK is named, not only the first SQLite names") {
    messages.explain(SQLITE_CONSTRAINT_CHECK, "CHECK constraint failed: qty >= 0", row, out);
    REQUIRE(out.size() == 2);
    CHECK(out[0].field == 2);
    CHECK(out[0].message == "value -1 breaks the rule CHECK (qty >= 0)");
    CHECK(out[1].field == 3);
    CHECK(out[1].column == "price");
    CHECK(out[1].message == "value 250.5 breaks the rule CHECK (price < 100)");
  }
  SUBCASE("a key repeated under --upsert names the line it was first on") {
    const RowIssue issue = messages.repeated_key(7, row);
    CHECK(issue.field == 1);
    CHECK(issue.message == "key id = 'a1' is also at line 7; with --upsert each key may appear once in a file");
  }
}

TEST_CASE("UTF-8 validation: a reason and the offset of the bad sequence, never an exception") {
  const auto check = [](std::string_view bytes, std::size_t start, bool at_eof = true) {
    return check_utf8_run(bytes.data() + start, bytes.data() + bytes.size(), at_eof);
  };

  SUBCASE("valid two-, three- and four-byte sequences end at the next ASCII byte") {
    const std::string s = "a\xC3\xA9\xE4\xB8\xAD\xF0\x9F\x98\x80z";  // a é 中 😀 z
    const Utf8Check c = check(s, 1);
    CHECK(c.valid());
    REQUIRE_FALSE(c.need_more());
    CHECK(c.at - s.data() == 10);
    CHECK(c.reason().empty());
  }
  SUBCASE("overlong encoding") {
    const std::string s = "\xC3\xA9\xE0\x80\x80";
    const Utf8Check c = check(s, 0);
    CHECK(c.problem == Utf8Problem::overlong);
    CHECK(c.at - s.data() == 2);
    CHECK(c.reason() == "invalid UTF-8 byte 0xe0 (overlong encoding: 0xe0 0x80)");
  }
  SUBCASE("UTF-16 surrogate") {
    const std::string s = "x\xED\xA0\x80";
    const Utf8Check c = check(s, 1);
    CHECK(c.problem == Utf8Problem::surrogate);
    CHECK(c.at - s.data() == 1);
    CHECK(c.reason() == "invalid UTF-8 byte 0xed (UTF-16 surrogate: 0xed 0xa0)");
  }
  SUBCASE("beyond U+10FFFF") {
    const std::string s = "\xF4\x90\x80\x80";
    const Utf8Check c = check(s, 0);
    CHECK(c.problem == Utf8Problem::too_large);
    CHECK(c.reason() == "invalid UTF-8 byte 0xf4 (code point beyond U+10FFFF: 0xf4 0x90)");
  }
  SUBCASE("a byte that starts no sequence") {
    const std::string s = "\xC3\xA9\xFF";
    const Utf8Check c = check(s, 0);
    CHECK(c.problem == Utf8Problem::bad_lead);
    CHECK(c.at - s.data() == 2);
    CHECK(c.reason() == "invalid UTF-8 byte 0xff");
  }
  SUBCASE("a sequence cut short by an ASCII byte") {
    const std::string s = "\xE4\xB8z";
    const Utf8Check c = check(s, 0);
    CHECK(c.problem == Utf8Problem::truncated);
    CHECK(c.reason() == "invalid UTF-8 byte 0xe4 (truncated sequence: 0xe4 0xb8)");
  }
  SUBCASE("a sequence cut by the end of the buffer: more input is awaited, unless the input ended") {
    const std::string s = "\xC3\xA9\xE4\xB8";
    CHECK(check(s, 0, false).need_more());
    const Utf8Check c = check(s, 0, true);
    CHECK(c.problem == Utf8Problem::cut_by_end);
    CHECK(c.at - s.data() == 2);
    CHECK(c.reason() == "invalid UTF-8 byte 0xe4 (sequence truncated by the end of input)");
  }
}

TEST_CASE("input buffer: a file read in small pieces arrives whole and in order") {
  test::TempDir dir;
  std::string content;
  for (int i = 0; i < 200; ++i) content += "line " + std::to_string(i) + "\n";
  test::write_file(dir / "in.csv", content);

  SUBCASE("each piece consumed before the next") {
    InputBuffer input((dir / "in.csv").string(), 16);
    CHECK(input.total() == content.size());
    std::string seen;
    int reads = 0;
    while (!input.eof()) {
      const char* keep = input.end();  // everything consumed
      input.refill(keep);
      CHECK(keep == input.begin());
      CHECK(input.offset() == seen.size());
      seen.append(input.begin(), input.end());
      ++reads;
    }
    CHECK(seen == content);
    CHECK(reads > 10);
  }
  SUBCASE("nothing consumed: the buffer grows to hold it all") {
    InputBuffer input((dir / "in.csv").string(), 16);
    const char* keep = input.begin();
    while (!input.eof()) input.refill(keep);
    CHECK(input.offset() == 0);
    CHECK(std::string(keep, input.end()) == content);
  }
}

TEST_CASE("input buffer: closes the file it opened, also when it refuses a directory") {
  test::TempDir dir;
  test::write_file(dir / "in.csv", "a,b\n");
  const std::size_t before = open_fds();
  {
    InputBuffer input((dir / "in.csv").string());
    CHECK(open_fds() == before + 1);
  }
  CHECK(open_fds() == before);
  CHECK_THROWS_AS(InputBuffer(dir.path().string()), DataError);
  CHECK(open_fds() == before);
}

TEST_CASE("input buffer: standard input is borrowed, not closed") {
  if (fcntl(0, F_GETFD) == -1) return;  // no standard input to borrow
  {
    InputBuffer input("-");
    CHECK(input.name() == "<stdin>");
  }
  CHECK(fcntl(0, F_GETFD) != -1);
}
