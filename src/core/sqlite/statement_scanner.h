#pragma once
/// Where SQL statements end, found as sqlite3_complete() finds them but fed
/// a byte at a time: reading a script from a pipe, the shell's input, and
/// the error path of a statement that did not prepare all need the end of a
/// statement without calling sqlite3_complete() again on a growing buffer,
/// which is quadratic (a hostile 1 MB statement made of ';' inside a string
/// would take minutes).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "sqlite/sql_tokenizer.h"

namespace aigc {

/// sqlite3_complete()'s state machine over the tokens of sql_tokenizer.h,
/// fed a byte at a time. Bytes are only gathered until a ';' arrives or the
/// state is asked for; then the new ones are read as tokens in one pass,
/// the last token (which more bytes may still lengthen) resumed rather than
/// read again, so feeding stays linear in the length of the text.
class StatementScanner {
 public:
  /// Feeds the next byte. True if it is the ';' that ends a statement: what
  /// was fed since the last end is then one complete statement.
  bool feed(char c) {
    pending_ += c;
    return c == ';' && read_pending();
  }
  /// Whether everything fed so far ends complete, as sqlite3_complete()
  /// would say of it (a final -- comment counts as blank).
  bool complete() const noexcept;
  /// Whether only whitespace and closed comments were fed: a "/*" still open
  /// is not blank, because the lines after it belong to the comment.
  bool blank() const noexcept;
  void reset() noexcept {
    pending_.clear();
    read_ = 0;
    last_ = {};
    state_ = 0;
  }

 private:
  /// Reads the bytes fed since the last read; true if a ';' among them
  /// ended a statement. Const because complete() and blank() read first:
  /// what was fed does not change, only how far it has been read.
  bool read_pending() const noexcept;

  /// The last token read and the bytes fed after it.
  mutable std::string pending_;
  mutable std::size_t read_ = 0;    ///< bytes of pending_ read: those of last_
  mutable SqlToken last_;           ///< its text is re-pointed into pending_ before use
  mutable std::uint8_t state_ = 0;  ///< sqlite3_complete()'s state: 1 is "complete"
};

/// Length of the first statement of `sql` (through its ';'), or sql.size()
/// if no ';' ends a statement. Linear in the length of that statement.
std::size_t first_statement_length(std::string_view sql) noexcept;

}  // namespace aigc
