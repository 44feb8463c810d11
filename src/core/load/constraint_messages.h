#pragma once
/// Turning a row SQLite refused (a broken CHECK, NOT NULL, UNIQUE or primary
/// key) into what the user reads: the rule, the column and the value.
#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "load/check_probe.h"
#include "load/header_map.h"
#include "sqlite/table_info.h"
#include "sqlite/value.h"

namespace aigc {

/// A value as a message shows it: NULL, a number, or quoted, shortened text.
std::string show_value(const Value& v);

/// One problem with a row, at one of its fields.
struct RowIssue {
  static constexpr std::size_t kRowStart = static_cast<std::size_t>(-1);
  std::size_t field = kRowStart;  ///< the CSV field it is reported at; kRowStart: the row's first byte
  std::string column;             ///< the column named, or ""
  std::string message;
};

class ConstraintMessages {
 public:
  /// `table` and `header` must outlive this.
  ConstraintMessages(sqlite3* db, const TableInfo& table, const HeaderMap& header);

  /// Appends to `out` what a row broke, given SQLite's extended code and
  /// message for a constraint error (SQLITE_CONSTRAINT_*). A broken CHECK
  /// names every CHECK the row breaks, not only the first SQLite names, so
  /// the file can be fixed in one pass.
  void explain(int extended_code, const std::string& sqlite_message, const Value* values, std::vector<RowIssue>& out);

  /// A key given a second time in an --upsert file, first seen at `first_line`.
  RowIssue repeated_key(std::uint64_t first_line, const Value* values) const;

 private:
  RowIssue broken_check(const std::string& expr, const Value* values) const;

  sqlite3* db_;
  const TableInfo& table_;
  const HeaderMap& header_;
  std::optional<CheckProbe> probe_;  ///< prepared when a first CHECK fails
};

}  // namespace aigc
