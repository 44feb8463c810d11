#include "csv/csv_writer.h"

#include <array>

#include "base/error.h"

namespace aigc {

namespace {
constexpr std::size_t kFlushAt = 64 * 1024;
}

CsvWriter::CsvWriter(std::ostream& out, bool crlf) : out_(out), crlf_(crlf) { buffer_.reserve(kFlushAt + 4096); }

CsvWriter::~CsvWriter() {
  try {
    flush();
  } catch (...) {
    // A destructor must not throw; callers who care call flush() themselves.
  }
}

namespace {
/// Whether `value` holds a byte that forces quoting: , " CR LF. One pass
/// over a lookup table: std::string_view::find_first_of calls memchr once
/// per byte of the value, which dominated CSV export.
bool needs_quotes(std::string_view value) {
  static constexpr auto special = [] {
    std::array<bool, 256> t{};
    t[static_cast<unsigned char>(',')] = t[static_cast<unsigned char>('"')] = true;
    t[static_cast<unsigned char>('\r')] = t[static_cast<unsigned char>('\n')] = true;
    return t;
  }();
  for (unsigned char c : value)
    if (special[c]) return true;
  return false;
}
}  // namespace

void CsvWriter::field(std::string_view value) {
  if (!first_in_row_) buffer_ += ',';
  row_is_one_empty_field_ = first_in_row_ && value.empty();
  first_in_row_ = false;
  // RFC 4180: only , " CR and LF need quoting; spaces are data. A field
  // starting with a byte-order mark is quoted too: first in a file, a reader
  // would strip the mark as the file's own (found by fuzzing). So is one
  // starting with a zip signature, which the reader refuses as a zip archive
  // when a file starts with it.
  if (!needs_quotes(value) && value.substr(0, 3) != "\xEF\xBB\xBF" && value.substr(0, 4) != "PK\x03\x04") {
    buffer_.append(value);
  } else {
    buffer_ += '"';
    for (std::size_t start = 0;;) {
      std::size_t q = value.find('"', start);
      if (q == std::string_view::npos) {
        buffer_.append(value.substr(start));
        break;
      }
      buffer_.append(value.substr(start, q + 1 - start));
      buffer_ += '"';
      start = q + 1;
    }
    buffer_ += '"';
  }
  if (buffer_.size() > kFlushAt) drain();
}

void CsvWriter::field_quoted(std::string_view value) {
  if (needs_quotes(value)) return field(value);  // quoted by field()
  if (!first_in_row_) buffer_ += ',';
  first_in_row_ = false;
  row_is_one_empty_field_ = false;
  buffer_ += '"';
  buffer_.append(value);
  buffer_ += '"';
  if (buffer_.size() > kFlushAt) drain();
}

void CsvWriter::end_row() {
  // A row of one empty field would be a blank line; write it as "" instead.
  if (row_is_one_empty_field_) buffer_ += "\"\"";
  buffer_ += crlf_ ? "\r\n" : "\n";
  first_in_row_ = true;
  row_is_one_empty_field_ = false;
  if (buffer_.size() > kFlushAt) drain();
}

void CsvWriter::drain() {
  if (!buffer_.empty()) {
    out_.write(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
    buffer_.clear();
  }
  if (!out_) throw DataError("cannot write CSV output: the output stream failed");
}

void CsvWriter::flush() {
  drain();
  out_.flush();
  if (!out_) throw DataError("cannot write CSV output: the output stream failed");
}

}  // namespace aigc
