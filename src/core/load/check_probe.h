#pragma once
/// Naming every CHECK constraint a row breaks: SQLite reports only the first.
#include <sqlite3.h>

#include <optional>
#include <vector>

#include "sqlite/statement.h"
#include "sqlite/table_info.h"
#include "sqlite/value.h"

namespace aigc {

class CheckProbe {
 public:
  /// `field_to_column[f]` is the table column that field f of a row fills;
  /// columns left out take their default.
  CheckProbe(sqlite3* db, const TableInfo& table, std::vector<std::size_t> field_to_column);

  /// Indexes (into table.checks) of the constraints the row breaks. A CHECK
  /// whose expression cannot be evaluated outside the table is skipped.
  std::vector<std::size_t> failing(const Value* values);

 private:
  sqlite3* db_;
  const TableInfo& table_;
  std::vector<std::size_t> field_to_column_;
  std::vector<std::optional<Statement>> probes_;  ///< prepared on first use
  bool prepared_ = false;
};

}  // namespace aigc
