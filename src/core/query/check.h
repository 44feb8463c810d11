#pragma once
/// Data tests on a warehouse: declarative checks, each an SQL query that
/// returns the rows breaking it, run by `aigc check`.
///
/// A check's query returns one row per failure with the columns
///     table, rowid, detail [, known_gap]
/// table and rowid locate the row (both NULL for a finding about the whole
/// file); detail says what is wrong; known_gap, when not NULL, names the
/// known_gap row documenting the failure, which then counts as a warning.
/// The failing row's primary key, and its seed file and line when its key
/// is a seed row, are looked up from table and rowid.
#include <sqlite3.h>

#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "render/render.h"
#include "warehouse/warehouse.h"

namespace aigc {

/// One check, as data.
struct CheckSpec {
  std::string_view name;
  std::string_view description;
  /// The query, run once; empty when `per_table` builds the queries.
  std::string_view sql;
  /// Builds the queries for one table (none where the check does not apply),
  /// for checks derived from each table's own schema.
  std::vector<std::string> (*per_table)(sqlite3* db, const std::string& table) = nullptr;
};

/// Every check `aigc check` runs, in the order it runs them.
const std::vector<CheckSpec>& data_checks();

/// One failing row.
struct CheckFinding {
  std::string table;      ///< empty for a finding about the whole file
  std::string key;        ///< "pricing_id = 'x'"; "rowid = 7" for a table without a primary key
  std::string source;     ///< "seeds/pricing.csv:7" when the key is a seed file's row
  std::string detail;     ///< what is wrong
  std::string known_gap;  ///< the documenting known_gap row: a warning, not a failure
};

/// What one check found.
struct CheckResult {
  std::string name;
  std::string description;
  std::vector<CheckFinding> findings;  ///< at most CheckOptions::max_findings
  std::uint64_t total = 0;             ///< findings in all, kept or not
  std::uint64_t known_gaps = 0;        ///< of which documented known gaps
  std::string error;                   ///< the check could not run (counts as a failure)

  bool failed() const noexcept { return !error.empty() || total > known_gaps; }
  bool warned() const noexcept { return !failed() && known_gaps > 0; }
};

struct CheckOptions {
  /// Run only these checks (by name); empty: all. An unknown name is a UsageError.
  std::vector<std::string> only;
  /// Findings kept per check (the count goes on).
  std::size_t max_findings = 1000;
  /// Seed files to locate failing rows in: TABLE.csv each.
  std::vector<SourceFile> seeds;
};

struct CheckReport {
  std::vector<CheckResult> results;
  std::size_t failed() const noexcept;
  std::size_t warned() const noexcept;
};

/// Runs the checks on `db` (read only).
CheckReport run_checks(sqlite3* db, const CheckOptions& options);

/// The seed files the warehouse was built from, to locate rows in: those
/// of the directory aigc_meta's seed_origin names if it is still there,
/// else the embedded ones.
std::vector<SourceFile> warehouse_seeds(sqlite3* db);

/// Writes the report as text: a line per check, its failing rows under it,
/// then a summary line.
void write_check_report(const CheckReport& report, std::ostream& out);

/// Writes the findings as rows (check, status, table, key, source, detail,
/// known_gap) in a render format; a check that could not run is a row with
/// status "error".
void render_check_report(const CheckReport& report, std::ostream& out, const RenderOptions& options);

}  // namespace aigc
