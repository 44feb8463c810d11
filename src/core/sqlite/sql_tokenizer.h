#pragma once
/// SQL text split into tokens as SQLite's own tokenizer (src/tokenize.c,
/// sqlite3GetToken) splits it, so every place that looks inside SQL (the
/// statement splitter, the guard, CHECK expressions, column finders) agrees
/// with SQLite on what is a string, a quoted name, a comment or a ';'.
/// Allocation-free: tokens are views into the text they were read from.
///
/// Where this differs from tokenize.c, on purpose:
/// - An unterminated string, quoted identifier or blob is its own kind with
///   closed == false (SQLite calls it TK_ILLEGAL); it runs to the end.
/// - "/*" at the very end is an unterminated comment (SQLite reads a '/' and
///   a '*' there only to avoid reading past its terminator), so text fed in
///   pieces reads the same as text read whole.
/// - TCL variable forms ($a(b), :a(b)) are not read: the '(' ends the
///   parameter, as sqlite3_complete() sees it, so a ';' inside one still
///   ends the statement. ":a::b" is read as one parameter, as SQLite does.
/// - A NUL byte is an illegal one-byte token rather than the end of text.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/text.h"

namespace aigc {

enum class SqlTokenKind : std::uint8_t {
  end,                ///< no token: the text is used up
  word,               ///< a keyword or an identifier: SELECT, firm_id, 名前
  quoted_identifier,  ///< "x", [x] or `x`
  string,             ///< 'it''s'
  blob,               ///< x'00ff'
  number,             ///< 42, 3.5e2, .5, 0x1F
  parameter,          ///< ?, ?1, :name, @name, $name, #name
  punctuation,        ///< operators and ( ) , . || -> ->> <= <> != == << >> & | ~
  semicolon,
  comment,  ///< -- to the end of the line (the '\n' not included), or /* ... */
  whitespace,
  illegal,  ///< what SQLite reads as no token: !, a lone :, a number run into letters (1abc), x'0'
};

struct SqlToken {
  SqlTokenKind kind = SqlTokenKind::end;
  std::size_t offset = 0;  ///< of its first byte in the text
  std::string_view text;   ///< the token as written, quotes and all
  /// False for a string, quoted identifier, blob or block comment that the
  /// text ends inside of.
  bool closed = true;

  std::size_t end() const noexcept { return offset + text.size(); }
  /// False for kind end, so `while (auto t = tokenizer.next())` stops there.
  explicit operator bool() const noexcept { return kind != SqlTokenKind::end; }
  /// Whether it means anything to SQLite: not whitespace, a comment or the end.
  bool significant() const noexcept {
    return kind != SqlTokenKind::whitespace && kind != SqlTokenKind::comment && kind != SqlTokenKind::end;
  }
};

/// SQLite's IdChar(): letters, digits, '_', '$' and every byte of a
/// multi-byte UTF-8 character.
constexpr bool is_sql_id_char(char c) noexcept {
  const auto u = static_cast<unsigned char>(c);
  return (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') || u == '_' || u == '$' ||
         u >= 0x80;
}

/// The token starting at `offset`; kind end when offset >= sql.size().
SqlToken sql_token_at(std::string_view sql, std::size_t offset) noexcept;

/// `token`, read from a shorter text that `sql` extends (the same bytes up
/// to token.end()), read again over `sql`: the same token sql_token_at()
/// would give, found by looking mostly at the new bytes: every kind resumes
/// where it stopped, except that an operator, or a number or parameter whose
/// last byte leaves its reading open (a '.', an 'e', a ':'), is read again
/// from its start.
SqlToken continue_sql_token(std::string_view sql, const SqlToken& token) noexcept;

/// The first token at or after `from` that is not whitespace or a comment
/// (kind end if there is none).
SqlToken next_significant_token(std::string_view sql, std::size_t from = 0) noexcept;

/// Reads `sql` a token at a time:
///   for (SqlTokenizer t(sql); auto tok = t.next(); ) ...
/// Whitespace and comments included; next_significant() skips them.
class SqlTokenizer {
 public:
  explicit SqlTokenizer(std::string_view sql, std::size_t from = 0) noexcept : sql_(sql), at_(from) {}
  /// The next token; kind end (which converts to false) when none is left.
  SqlToken next() noexcept {
    const SqlToken t = sql_token_at(sql_, at_);
    at_ = t.end();
    return t;
  }
  SqlToken next_significant() noexcept {
    const SqlToken t = next_significant_token(sql_, at_);
    at_ = t.end();
    return t;
  }
  /// Where the next token starts.
  std::size_t position() const noexcept { return at_; }

 private:
  std::string_view sql_;
  std::size_t at_;
};

/// Whether `token` is the word `keyword`, in any case: is_keyword(t, "check").
inline bool is_keyword(const SqlToken& token, std::string_view keyword) noexcept {
  return token.kind == SqlTokenKind::word && iequals(token.text, keyword);
}

/// The name an identifier token stands for: "a ""b""" -> a "b", [x] -> x,
/// `x` -> x; a word as it is. An unterminated quote keeps what follows it.
std::string unquote_identifier(std::string_view token_text);

/// The names that words and quoted identifiers in `sql` stand for, unquoted,
/// in order: where to look for the columns an expression or an SQLite message
/// ("UNIQUE constraint failed: t.a, t.b") names. A name before a '.' (a
/// table or schema) is left out; strings and comments are never read.
std::vector<std::string> identifiers_in(std::string_view sql);

}  // namespace aigc
