#pragma once
/// Where SQL statements end, found as sqlite3_complete() finds them but fed
/// a byte at a time: reading a script from a pipe, the shell's input, and
/// the error path of a statement that did not prepare all need the end of a
/// statement without calling sqlite3_complete() again on a growing buffer,
/// which is quadratic (a hostile 1 MB statement made of ';' inside a string
/// would take minutes).
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace aigc {

class StatementScanner {
 public:
  /// Feeds the next byte. True if it is the ';' that ends a statement: what
  /// was fed since the last end is then one complete statement.
  bool feed(char c) noexcept;
  /// Whether everything fed so far ends complete, as sqlite3_complete()
  /// would say of it (a final -- comment counts as blank).
  bool complete() const noexcept;
  /// Whether only whitespace and comments were fed (an unclosed /* too).
  bool blank() const noexcept {
    return state_ == 0 && mode_ != Mode::word && mode_ != Mode::slash && mode_ != Mode::dash && mode_ != Mode::quoted;
  }
  void reset() noexcept { *this = StatementScanner{}; }

 private:
  enum class Mode : std::uint8_t { normal, word, slash, dash, block_comment, block_star, line_comment, quoted };
  bool emit(int token) noexcept;
  int word_token() const noexcept;

  Mode mode_ = Mode::normal;
  std::uint8_t state_ = 0;  ///< sqlite3_complete()'s state: 1 is "complete"
  char quote_ = 0;          ///< the byte that closes the quoted text
  char word_[10] = {};      ///< the current word's first bytes, lower case
  std::size_t word_length_ = 0;
};

/// Length of the first statement of `sql` (through its ';'), or sql.size()
/// if no ';' ends a statement. Linear in the length of that statement.
std::size_t first_statement_length(std::string_view sql) noexcept;

}  // namespace aigc
