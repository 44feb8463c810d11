#pragma once
/// The row loop that load and import share: rows come converted from a
/// RowPipeline, their references are checked, they are inserted (many to a
/// statement where the table allows), and each problem becomes an issue at
/// its file, line and column.
#include <sqlite3.h>

#include <optional>
#include <vector>

#include "csv/csv_reader.h"
#include "load/constraint_messages.h"
#include "load/header_map.h"
#include "load/issue_list.h"
#include "load/loader.h"
#include "load/multi_row_insert.h"
#include "load/reference_checker.h"
#include "load/row_pipeline.h"
#include "load/upsert_keys.h"
#include "sqlite/statement.h"
#include "sqlite/table_info.h"
#include "sqlite/value.h"

namespace aigc {

class RowLoader {
 public:
  /// All references must outlive the loader. Problems go to `issues`.
  RowLoader(sqlite3* db, CsvReader& csv, const TableInfo& table, const LoadOptions& options, IssueList& issues)
      : db_(db), csv_(csv), table_(table), options_(options), issues_(issues) {}

  /// Loads every row after the header (already read), mapped by `header`.
  /// Stops early when `issues` is full.
  LoadSummary run(const HeaderMap& header);

 private:
  /// A row waiting in the batch for the multi-row insert.
  struct BatchedRow {
    ParsedRow row;
    bool referenced;
  };

  /// Checks a converted row and inserts it, or adds it to the batch.
  void load_row(const ParsedRow& row, LoadSummary& summary);

  /// Inserts the batched rows: a full batch in one statement; a short one,
  /// or one SQLite refused, row by row, so that each broken row is reported
  /// at its own line as if there were no batching.
  void flush(LoadSummary& summary);

  /// Inserts one row on its own (with --upsert, replacing a stored row).
  void insert_one(const ParsedRow& row, bool referenced, LoadSummary& summary);

  /// Prepares the statements for the header's columns; throws UsageError
  /// when --upsert lacks a key.
  void prepare();

  /// Where field f of the current row starts.
  FieldPos where(std::size_t f) const { return pipeline_->locate(*row_, f); }

  /// Reports each reference of the row that names no row, at its line and
  /// column; one to the table itself waits for the end of the file, where
  /// a later row may have added the key. False when one was reported.
  bool check_references(const ParsedRow& row);

  /// Reports the references to the own table that no row of the file added.
  void recheck_pending();

  /// Adds issues about the current row.
  void add(std::vector<RowIssue>& found);

  /// With --upsert: whether the row's key is already stored.
  bool exists(const Value* values);

  /// Inserts the current row; SQLite's code.
  int insert(const Value* values);

  /// After a failed step: SQLite may have rolled back the whole transaction
  /// (an ON CONFLICT ROLLBACK rule, an I/O error). Going on would write rows
  /// outside it, so the load stops; nothing of it was kept.
  void ensure_transaction(int rc) const;

  /// After a failed insert: a broken constraint becomes the row's issues;
  /// any other failure (a full disk) ends the load with DataError.
  void report_step_error(int rc, const Value* values);

  sqlite3* db_;
  CsvReader& csv_;
  const TableInfo& table_;
  const LoadOptions& options_;
  IssueList& issues_;
  HeaderMap header_;
  std::optional<Statement> insert_;
  std::optional<MultiRowInsert> multi_;  ///< unless --upsert, or too many columns
  std::vector<BatchedRow> batch_;
  std::vector<const Value*> batch_values_;
  std::optional<Statement> exists_;
  /// Set by exists(): the row found is one of the report's (see prepare()).
  bool existing_is_report_row_ = false;
  /// --upsert: the CSV field of the key's first column, where a refusal is reported.
  std::size_t key_field_ = 0;
  std::optional<UpsertKeys> upsert_keys_;  ///< with --upsert
  std::optional<ReferenceChecker> references_;
  std::optional<ConstraintMessages> messages_;
  std::vector<RowIssue> row_issues_;  ///< reused
  RowPipeline* pipeline_ = nullptr;
  const ParsedRow* row_ = nullptr;  ///< the row being loaded
};

}  // namespace aigc
