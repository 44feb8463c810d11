#pragma once
/// `aigc publish`: the whole warehouse copied into a PostgreSQL schema, in
/// one transaction, and checked.
///
/// The new schema is built under a temporary name (NAME__new_PID), filled
/// with COPY, given its keys, CHECKs, foreign keys and indexes after the
/// rows, compared with the SQLite file table by table (row count and
/// digest), and only then swapped in place of the old one (DROP SCHEMA NAME
/// CASCADE, ALTER SCHEMA ... RENAME TO NAME) just before COMMIT. A publish
/// that fails or is killed never commits: the server keeps its previous
/// schema, untouched, and no temporary schema is ever visible.
#include <sqlite3.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "publish/pg_schema.h"

namespace aigc {

struct PublishOptions {
  /// A postgresql:// URL or a libpq keyword string, handed to libpq as it is
  /// (PGHOST, PGUSER, ~/.pgpass and the rest apply as libpq applies them).
  std::string conninfo;
  std::string schema = "aigc";
  /// Called as rows are copied: rows so far, rows in all.
  std::function<void(std::uint64_t done, std::uint64_t total)> progress;
};

struct PublishedTable {
  std::string name;
  std::uint64_t rows = 0;
  std::string digest;  ///< sqlite_table_digest(), equal on both sides
};

struct PublishSummary {
  std::string schema;
  std::vector<PublishedTable> tables;
  std::uint64_t rows = 0;
};

/// Throws UsageError for a schema name that cannot be used, DataError when
/// the server cannot be reached ("cannot connect to PostgreSQL at ...",
/// password hidden), a table cannot be translated, PostgreSQL refuses a
/// statement, or a table's count or digest differs after the copy.
PublishSummary publish_warehouse(sqlite3* db, const PublishOptions& options);

/// The per-table digest, computed alike on both sides (on PostgreSQL by
/// one aggregate query): each row rendered as its fields joined by ',', a
/// field as PostgreSQL's quote_nullable() writes it (NULL, '42', 'it''s',
/// E'a\\b'), except a double as the hex of its IEEE-754 bits (float8send)
/// and bytea as hex; then the first 64 bits of each row's md5, as a signed
/// integer, summed over the rows. Exposed for the tests.
std::string sqlite_table_digest(sqlite3* db, const std::string& table, std::uint64_t* rows = nullptr);
/// The same digest's query on PostgreSQL (with search_path at the schema):
/// one row, the count and the digest.
std::string pg_table_digest_sql(const PgTable& table);

}  // namespace aigc
