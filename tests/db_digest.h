#pragma once
// Fingerprints of a database's content, to show that a fault or a refused
// load left every table exactly as it was.
#include <sqlite3.h>

#include <cstdint>
#include <map>
#include <string>

namespace test {

/// One table's rows in rowid order: how many, and a 64-bit FNV-1a hash of
/// every value's storage class and bytes (so 1, 1.0 and '1' differ).
struct TableDigest {
  std::uint64_t rows = 0;
  std::uint64_t hash = 0;
  bool operator==(const TableDigest&) const = default;
};

/// Digest of `table` (a rowid table).
TableDigest table_digest(sqlite3* db, const std::string& table);

/// Digest of every table, keyed by name, plus "sqlite_schema" itself (so a
/// created or dropped table or index shows too).
std::map<std::string, TableDigest> database_digest(sqlite3* db);

/// "ok", or every line PRAGMA integrity_check reported, joined by newlines.
std::string integrity_check(sqlite3* db);

/// "table: N rows, hash H" per line, for INFO() when digests differ.
std::string describe(const std::map<std::string, TableDigest>& digests);

}  // namespace test
