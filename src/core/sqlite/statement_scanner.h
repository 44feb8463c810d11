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
/// fed a byte at a time. Only the last token, which the next byte may still
/// lengthen, is kept; it is resumed rather than read again, so feeding stays
/// linear in the length of the text.
class StatementScanner {
 public:
  /// Feeds the next byte. True if it is the ';' that ends a statement: what
  /// was fed since the last end is then one complete statement.
  bool feed(char c);
  /// Whether everything fed so far ends complete, as sqlite3_complete()
  /// would say of it (a final -- comment counts as blank).
  bool complete() const noexcept;
  /// Whether only whitespace and comments were fed (an unclosed /* too).
  bool blank() const noexcept {
    return state_ == 0 && (pending_.empty() || last_.kind == SqlTokenKind::whitespace ||
                           last_.kind == SqlTokenKind::comment);
  }
  void reset() noexcept {
    pending_.clear();
    last_ = {};
    state_ = 0;
  }

 private:
  std::string pending_;  ///< the bytes of the last token, which the next byte may lengthen
  SqlToken last_;        ///< that token; its text is re-pointed into pending_ before use
  std::uint8_t state_ = 0;  ///< sqlite3_complete()'s state: 1 is "complete"
};

/// Length of the first statement of `sql` (through its ';'), or sql.size()
/// if no ';' ends a statement. Linear in the length of that statement.
std::size_t first_statement_length(std::string_view sql) noexcept;

}  // namespace aigc
