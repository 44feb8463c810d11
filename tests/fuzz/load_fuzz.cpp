// Fuzzes loading bytes as a CSV into a table with foreign keys, CHECK rules,
// UNIQUE keys and STRICT types (load_table), or as a new table
// (import_table). It must never crash, and:
// - a refused file leaves the database exactly as it was (every table's
//   rows, and the schema), with no transaction left open;
// - an accepted file leaves it sound: integrity_check ok, no dangling
//   reference, the rows counted as added really added;
// - foreign-key enforcement is on again afterwards.
//
// The first byte picks the table and options; the rest is the CSV.
#include <sqlite3.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "../db_digest.h"
#include "base/error.h"
#include "csv/csv_reader.h"
#include "fuzz_check.h"
#include "load/loader.h"

namespace {

constexpr const char* kSchema = R"sql(
PRAGMA foreign_keys = ON;
CREATE TABLE parent (
  id   TEXT PRIMARY KEY,
  n    INTEGER NOT NULL CHECK (n >= 0)
) STRICT;
CREATE TABLE item (
  item_id   TEXT PRIMARY KEY,
  parent_id TEXT REFERENCES parent(id),
  qty       INTEGER NOT NULL DEFAULT 1 CHECK (qty BETWEEN 0 AND 1000),
  price     REAL CHECK (price >= 0),
  lo        REAL,
  hi        REAL,
  kind      TEXT CHECK (kind IN ('a', 'b', 'c')),
  data      BLOB,
  anything  ANY,
  up_id     TEXT REFERENCES item(item_id),
  UNIQUE (parent_id, kind),
  CHECK (lo <= hi)
) STRICT;
CREATE TABLE pair (
  a TEXT NOT NULL,
  b INTEGER NOT NULL,
  PRIMARY KEY (a, b)
) STRICT;
CREATE TABLE pair_child (
  id INTEGER PRIMARY KEY,
  a  TEXT,
  b  INTEGER,
  note TEXT NOT NULL DEFAULT '',
  FOREIGN KEY (a, b) REFERENCES pair(a, b)
) STRICT;
CREATE TABLE loose (
  k  INTEGER UNIQUE,
  v  NUMERIC,
  t  VARCHAR(10) CHECK (length(t) <= 10)
);
INSERT INTO parent VALUES ('p1', 1), ('p2', 2), ('p3', 0);
INSERT INTO item (item_id, parent_id, kind, lo, hi) VALUES ('i1', 'p1', 'a', 1, 2), ('i2', 'p2', 'b', 0, 0);
INSERT INTO pair VALUES ('x', 1), ('x', 2), ('y', 1);
INSERT INTO pair_child (a, b) VALUES ('x', 1);
INSERT INTO loose VALUES (1, 2.5, 'ten chars!');
)sql";

const char* const kTables[] = {"item", "loose", "pair_child"};  // 3: import

bool foreign_keys_on(sqlite3* db) {
  int on = -1;
  sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_FKEY, -1, &on);
  return on == 1;
}

bool no_dangling_references(sqlite3* db) {
  sqlite3_stmt* st = nullptr;
  FUZZ_CHECK(sqlite3_prepare_v2(db, "PRAGMA foreign_key_check", -1, &st, nullptr) == SQLITE_OK);
  const bool none = sqlite3_step(st) == SQLITE_DONE;
  sqlite3_finalize(st);
  return none;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::uint8_t mode = data[0];
  const std::string_view csv_text(reinterpret_cast<const char*>(data + 1), size - 1);
  const bool import = (mode & 0x03) == 0x03;
  // An import either creates a table or, with replace, replaces one.
  const bool replace = (mode & 0x10) != 0;
  const std::string table = import ? (replace ? "loose" : "imported") : kTables[mode & 0x03];

  FuzzDb db(kSchema);
  const auto before = test::database_digest(db.get());
  aigc::LoadOptions options;
  options.upsert = (mode & 0x04) != 0;
  options.max_errors = (mode & 0x08) ? 1 + (mode >> 5) : 100;
  options.replace_table = replace;

  aigc::CsvReader csv(csv_text, "fuzz.csv");
  try {
    const auto summary =
        import ? aigc::import_table(db.get(), csv, table, options) : aigc::load_table(db.get(), csv, table, options);
    FUZZ_CHECK(sqlite3_get_autocommit(db.get()) == 1);
    FUZZ_CHECK(test::integrity_check(db.get()) == "ok");
    FUZZ_CHECK(no_dangling_references(db.get()));
    const auto after = test::database_digest(db.get());
    if (import) {
      FUZZ_CHECK(after.at(table).rows == summary.rows);
      for (const auto& [name, digest] : before)
        if (name != table && name != "sqlite_schema") FUZZ_CHECK(after.at(name) == digest);
    } else {
      FUZZ_CHECK(summary.added + summary.replaced == summary.rows);
      FUZZ_CHECK(after.at(table).rows == before.at(table).rows + summary.added);
      for (const auto& [name, digest] : before)
        if (name != table) FUZZ_CHECK(after.at(name) == digest);
    }
  } catch (const aigc::LoadError& e) {
    FUZZ_CHECK(!e.issues().empty());
    for (const auto& issue : e.issues()) FUZZ_CHECK(issue.where.line >= 1 && issue.where.column >= 1);
    FUZZ_CHECK(sqlite3_get_autocommit(db.get()) == 1);
    FUZZ_CHECK(test::database_digest(db.get()) == before);
  } catch (const aigc::Error&) {
    // Malformed CSV, --upsert without a key, a bad table name: refused whole.
    FUZZ_CHECK(sqlite3_get_autocommit(db.get()) == 1);
    FUZZ_CHECK(test::database_digest(db.get()) == before);
  }
  FUZZ_CHECK(foreign_keys_on(db.get()));
  return 0;
}
