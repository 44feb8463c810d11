#pragma once
/// RFC 4180 writer with a large buffer: quotes only fields that need it.
#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>

namespace aigc {

class CsvWriter {
 public:
  /// Writes to `out`; CRLF line ends when `crlf` (RFC 4180, Excel), LF otherwise.
  explicit CsvWriter(std::ostream& out, bool crlf = false);
  ~CsvWriter();  ///< flushes; never throws
  CsvWriter(const CsvWriter&) = delete;
  CsvWriter& operator=(const CsvWriter&) = delete;

  /// Appends one field to the current row.
  void field(std::string_view value);
  /// Appends one field, always quoted: an empty string is written as "" so
  /// it stays distinct from an empty (NULL) field.
  void field_quoted(std::string_view value);
  /// Ends the current row.
  void end_row();
  /// Pushes buffered bytes to the stream; throws DataError if the stream failed.
  void flush();

 private:
  std::ostream& out_;
  bool crlf_;
  bool first_in_row_ = true;
  bool row_is_one_empty_field_ = false;  ///< so a lone empty field is written as ""
  std::string buffer_;

  void drain();  ///< writes buffer_ to out_ without flushing out_
};

}  // namespace aigc
