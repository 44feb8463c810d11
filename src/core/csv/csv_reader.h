#pragma once
/// Streaming RFC 4180 reader: constant memory in the input's size.
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "base/error.h"

namespace aigc {

/// Where a field starts: 1-based line, and column in characters.
struct FieldPos {
  std::uint64_t line = 0;
  std::uint64_t column = 0;
};

/// How a file is read.
struct CsvOptions {
  /// The field separator: one byte, not '"', CR or LF (see valid_delimiter).
  char delimiter = ',';
  /// A record (line, with its quoted line breaks) longer than this is
  /// refused: an endless line or an unclosed quote cannot take unbounded memory.
  std::size_t max_record_bytes = std::size_t{64} << 20;
  /// A record with more fields than this is refused, for the same reason
  /// (a field costs the reader more memory than its one separator byte).
  std::size_t max_fields = 1000000;
  /// The input starts a file: a UTF-8 BOM is stripped, and a UTF-16 BOM or a
  /// gzip or zip signature refused. False to read one record's bytes again
  /// (RowPipeline::locate), where such bytes are data.
  bool start_of_file = true;
};

/// Parses a --delimiter value: one byte other than '"', CR and LF; "\t" and
/// "tab" spell a tab. Throws UsageError saying what is accepted.
char parse_delimiter(std::string_view text);

/// Reads records one at a time. Accepts LF or CRLF, quoted fields holding
/// separators, doubled quotes and newlines; strips one leading UTF-8 BOM;
/// one blank line at the very end of the input is not a record. Throws
/// CsvError (naming file, line, column) on invalid UTF-8 (suggesting iconv),
/// a UTF-16 BOM or a gzip or zip signature (saying how to convert), a NUL
/// byte, a CR not followed by LF outside quotes (classic Mac line ends:
/// suggesting tr), an unterminated quoted field, a quote inside an unquoted
/// field or after a closing quote, and a record beyond the limits of
/// CsvOptions. Ragged rows are the caller's business: size() may vary.
class CsvReader {
 public:
  /// Reads the file at `path`; "-" reads standard input. Throws DataError if
  /// it cannot be opened or is a directory.
  explicit CsvReader(const std::string& path, CsvOptions options = {});
  /// Reads an in-memory buffer (embedded seeds, tests); `name` is used in
  /// messages. The buffer must outlive the reader.
  CsvReader(std::string_view data, std::string name, CsvOptions options = {});
  ~CsvReader();
  CsvReader(const CsvReader&) = delete;
  CsvReader& operator=(const CsvReader&) = delete;

  /// Advances to the next record; false at end of input.
  bool next();
  /// Number of fields in the current record.
  std::size_t size() const;
  /// Field i of the current record, unescaped; valid until the next next().
  std::string_view field(std::size_t i) const;
  /// Whether field i was quoted in the input (distinguishes "" from nothing).
  bool quoted(std::size_t i) const;
  /// Where field i of the current record starts.
  FieldPos position(std::size_t i) const;
  /// Line on which the current record starts.
  std::uint64_t record_line() const;
  /// The current record's bytes as read (line end included), valid until the
  /// next next(): reading them again with the in-memory constructor gives
  /// the same fields, so a field can be located after the reader moved on.
  std::string_view raw_record() const;
  /// The name used in messages (the path, or "<stdin>").
  const std::string& name() const;
  /// The options it reads with (to read a record's raw bytes again alike).
  const CsvOptions& options() const;
  /// Bytes consumed so far, and the input's total size when known (else 0):
  /// for progress reports.
  std::uint64_t bytes_read() const;
  std::uint64_t total_bytes() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace aigc
