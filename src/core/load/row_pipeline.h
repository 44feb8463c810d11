#pragma once
/// Reading and converting CSV records on a second thread while the caller
/// inserts them: parsing and type conversion overlap with SQLite's work.
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"
#include "csv/csv_reader.h"
#include "sqlite/table_info.h"
#include "sqlite/value.h"

namespace aigc {

/// One record, converted to the target columns' types.
struct ParsedRow {
  std::uint64_t line = 0;             ///< where the record starts
  std::string_view raw;               ///< its bytes as read, to locate a field on error
  const Value* values = nullptr;      ///< one per field; text points into the pipeline's buffers
  const std::uint8_t* bad = nullptr;  ///< per field: 1 where conversion failed (already reported)
  std::size_t size = 0;               ///< number of fields (== columns unless ragged)
  bool ragged = false;                ///< wrong field count (already reported)
  /// The last row of the pipeline's batch: this row and those before it
  /// stay valid until the next call to next(), which recycles their memory.
  bool last_in_batch = false;
};

/// Converts a field's text to a value of the column's type; on failure
/// returns false and says why. Empty unquoted text is NULL; so is empty text
/// in a numeric column.
bool convert_field(std::string_view text, bool quoted, const TableColumn& column, Value& out, std::string& why);

/// Shortens and quotes a value for a message.
std::string show_value(std::string_view text);

/// Producer thread plus a small ring of batches: memory stays bounded by
/// the batch size, whatever the input's size. Rows come out in file order.
class RowPipeline {
 public:
  /// Starts reading `csv` (positioned after its header). `columns[i]` is the
  /// column field i converts to.
  RowPipeline(CsvReader& csv, std::vector<const TableColumn*> columns);
  ~RowPipeline();  ///< stops the producer and waits for it; never throws
  RowPipeline(const RowPipeline&) = delete;
  RowPipeline& operator=(const RowPipeline&) = delete;

  /// The next row, or false at the end. Problems found while reading
  /// (ragged rows, bad values) are appended to `issues` before the row that
  /// has them is returned. Rethrows a CsvError (malformed input) when the
  /// consumer reaches it. A row's values stay valid until next() is called
  /// after a row marked last_in_batch.
  bool next(ParsedRow& row, std::vector<DataIssue>& issues);

  /// Where field `field` of `row` starts in the file.
  FieldPos locate(const ParsedRow& row, std::size_t field) const;

  /// Input bytes consumed by the rows returned so far, and the input's size.
  std::uint64_t bytes_read() const;
  std::uint64_t total_bytes() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace aigc
