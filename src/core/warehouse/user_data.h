#pragma once
/// What a rebuild keeps of the old warehouse: the rows users loaded into the
/// report's tables and the tables they imported. Report rows are rebuilt from
/// the seeds; everything else a user put there is carried over and checked.
#include <sqlite3.h>

#include <cstdint>
#include <string>
#include <vector>

namespace aigc {

/// Rows of one table carried into the new warehouse, or dropped.
struct TableCount {
  std::string table;
  std::uint64_t rows = 0;
  bool imported = false;  ///< a table made by `aigc import`, not a report table
};

struct CarryResult {
  std::vector<TableCount> kept;
  std::vector<TableCount> discarded;
};

/// Records, in aigc_meta as 'seed_rows:TABLE', a fingerprint of every row of
/// each seed table: how the next build tells the report's rows from the rows
/// users added. Call right after the seeds are loaded, before anything else.
void record_seed_fingerprints(sqlite3* db, const std::vector<std::string>& seed_tables);

/// Copies the user data of the warehouse attached as schema "old" into the
/// main database (the new warehouse, seeds loaded, inside a transaction) and
/// checks it against the new schema: every constraint, every foreign key.
/// A row that does not fit throws DataError listing each such row (table,
/// key, rule broken); with `discard` such rows are dropped and counted.
CarryResult carry_user_data(sqlite3* db, bool discard);

}  // namespace aigc
