// A port of sqlite3GetToken() (SQLite 3.40, src/tokenize.c): the same
// character classes and the same token boundaries, bar the differences
// listed in sql_tokenizer.h. Keywords are not told apart from identifiers:
// the callers here ask about a handful of words by name.
#include "sqlite/sql_tokenizer.h"
#include "base/text.h"

#include <algorithm>

namespace aigc {

namespace {

using Kind = SqlTokenKind;

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_hex_digit(char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
/// Bytes that start a whitespace token (SQLite's CC_SPACE).
bool starts_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r'; }
/// Bytes that continue one (sqlite3Isspace(), which adds '\v').
bool is_space(char c) { return starts_space(c) || c == '\v'; }

SqlToken make(std::string_view sql, Kind kind, std::size_t offset, std::size_t end, bool closed = true) {
  return SqlToken{kind, offset, sql.substr(offset, end - offset), closed};
}

/// End of a quoted text whose opening quote came before `from`: after its
/// closing `close`, a doubled one ('it''s') standing for itself unless the
/// quote is ']'. `closed` says whether there was one.
std::size_t quoted_end(std::string_view sql, std::size_t from, char close, bool& closed) {
  for (std::size_t i = from; i < sql.size(); ++i) {
    if (sql[i] != close) continue;
    if (close != ']' && i + 1 < sql.size() && sql[i + 1] == close) {
      ++i;
      continue;
    }
    closed = true;
    return i + 1;
  }
  closed = false;
  return sql.size();
}

/// End of a block comment whose body starts at or before `from`.
std::size_t block_comment_end(std::string_view sql, std::size_t from, bool& closed) {
  for (std::size_t i = from; i + 1 < sql.size(); ++i)
    if (sql[i] == '*' && sql[i + 1] == '/') {
      closed = true;
      return i + 2;
    }
  closed = false;
  return sql.size();
}

/// x'...' starting at `offset`: a blob when an even number of hex digits
/// fill the quotes; anything else up to the closing quote is illegal.
SqlToken read_blob(std::string_view sql, std::size_t offset) {
  std::size_t i = offset + 2;
  while (i < sql.size() && is_hex_digit(sql[i])) ++i;
  if (i < sql.size() && sql[i] == '\'' && (i - offset) % 2 == 0) return make(sql, Kind::blob, offset, i + 1);
  while (i < sql.size() && sql[i] != '\'') ++i;
  if (i == sql.size()) return make(sql, Kind::blob, offset, i, false);
  return make(sql, Kind::illegal, offset, i + 1);
}

/// A number starting at `offset` (a digit, or '.' before a digit).
SqlToken read_number(std::string_view sql, std::size_t offset) {
  const std::size_t n = sql.size();
  std::size_t i = offset;
  if (sql[i] == '0' && i + 2 < n && (sql[i + 1] == 'x' || sql[i + 1] == 'X') && is_hex_digit(sql[i + 2])) {
    for (i += 3; i < n && is_hex_digit(sql[i]);) ++i;
    return make(sql, Kind::number, offset, i);  // SQLite 3.40 reads no letters after hex digits
  }
  while (i < n && is_digit(sql[i])) ++i;
  if (i < n && sql[i] == '.')
    for (++i; i < n && is_digit(sql[i]);) ++i;
  if (i < n && (sql[i] == 'e' || sql[i] == 'E') &&
      ((i + 1 < n && is_digit(sql[i + 1])) ||
       (i + 2 < n && (sql[i + 1] == '+' || sql[i + 1] == '-') && is_digit(sql[i + 2]))))
    for (i += 2; i < n && is_digit(sql[i]);) ++i;
  Kind kind = Kind::number;
  for (; i < n && is_sql_id_char(sql[i]); ++i) kind = Kind::illegal;  // 12abc
  return make(sql, kind, offset, i);
}

/// :name, @name, $name or #name from `from` on, `named` telling whether an
/// identifier byte came before `from`. "::" inside the name belongs to it;
/// the TCL form $name(...) is not read (see the header).
SqlToken read_named_parameter(std::string_view sql, std::size_t offset, std::size_t from, bool named) {
  std::size_t i = from;
  while (i < sql.size()) {
    if (is_sql_id_char(sql[i])) {
      named = true;
      ++i;
    } else if (sql[i] == ':' && i + 1 < sql.size() && sql[i + 1] == ':') {
      i += 2;
    } else {
      break;
    }
  }
  return make(sql, named ? Kind::parameter : Kind::illegal, offset, i);
}

}  // namespace

SqlToken sql_token_at(std::string_view sql, std::size_t offset) noexcept {
  const std::size_t n = sql.size();
  if (offset >= n) return SqlToken{Kind::end, n, sql.substr(n), true};
  const char c = sql[offset];
  const char next = offset + 1 < n ? sql[offset + 1] : '\0';
  auto punctuation = [&](std::size_t length) { return make(sql, Kind::punctuation, offset, offset + length); };
  switch (c) {
    case ' ':
    case '\t':
    case '\n':
    case '\f':
    case '\r': {
      std::size_t i = offset + 1;
      while (i < n && is_space(sql[i])) ++i;
      return make(sql, Kind::whitespace, offset, i);
    }
    case '-':
      if (next == '-') {
        const std::size_t nl = sql.find('\n', offset);
        return make(sql, Kind::comment, offset, nl == std::string_view::npos ? n : nl);
      }
      if (next == '>') return punctuation(offset + 2 < n && sql[offset + 2] == '>' ? 3 : 2);
      return punctuation(1);
    case '/':
      if (next == '*') {
        bool closed = false;
        const std::size_t end = block_comment_end(sql, offset + 2, closed);
        return make(sql, Kind::comment, offset, end, closed);
      }
      return punctuation(1);
    case ';': return make(sql, Kind::semicolon, offset, offset + 1);
    case '(':
    case ')':
    case '+':
    case '*':
    case '%':
    case ',':
    case '&':
    case '~': return punctuation(1);
    case '=': return punctuation(next == '=' ? 2 : 1);
    case '<': return punctuation(next == '=' || next == '>' || next == '<' ? 2 : 1);
    case '>': return punctuation(next == '=' || next == '>' ? 2 : 1);
    case '!': return next == '=' ? punctuation(2) : make(sql, Kind::illegal, offset, offset + 1);
    case '|': return punctuation(next == '|' ? 2 : 1);
    case '\'':
    case '"':
    case '`':
    case '[': {
      bool closed = false;
      const std::size_t end = quoted_end(sql, offset + 1, c == '[' ? ']' : c, closed);
      return make(sql, c == '\'' ? Kind::string : Kind::quoted_identifier, offset, end, closed);
    }
    case '.':
      if (!is_digit(next)) return punctuation(1);
      return read_number(sql, offset);
    case '?': {
      std::size_t i = offset + 1;
      while (i < n && is_digit(sql[i])) ++i;
      return make(sql, Kind::parameter, offset, i);
    }
    case ':':
    case '@':
    case '$':
    case '#': return read_named_parameter(sql, offset, offset + 1, false);
    case 'x':
    case 'X':
      if (next == '\'') return read_blob(sql, offset);
      break;
    default:
      if (is_digit(c)) return read_number(sql, offset);
      if (!is_sql_id_char(c)) return make(sql, Kind::illegal, offset, offset + 1);
  }
  std::size_t i = offset + 1;
  while (i < n && is_sql_id_char(sql[i])) ++i;
  return make(sql, Kind::word, offset, i);
}

SqlToken continue_sql_token(std::string_view sql, const SqlToken& token) noexcept {
  const std::size_t n = sql.size();
  const std::size_t offset = token.offset, old_end = token.end();
  const std::string_view text = token.text;
  if (token.kind == Kind::end || text.empty() || old_end >= n) return sql_token_at(sql, offset);
  const char first = text.front(), last = text.back();
  std::size_t i = old_end;
  switch (token.kind) {
    case Kind::whitespace:
      while (i < n && is_space(sql[i])) ++i;
      return make(sql, Kind::whitespace, offset, i);
    case Kind::comment: {
      if (first == '-') {
        while (i < n && sql[i] != '\n') ++i;
        return make(sql, Kind::comment, offset, i);
      }
      if (token.closed) break;
      bool closed = false;
      // The last byte read may be the '*' of the closing "*/".
      const std::size_t end = block_comment_end(sql, std::max(offset + 2, old_end - 1), closed);
      return make(sql, Kind::comment, offset, end, closed);
    }
    case Kind::string:
    case Kind::quoted_identifier: {
      const char close = first == '[' ? ']' : first;
      if (token.closed && close == ']') break;
      // A closing quote read last may be the first of a doubled pair.
      bool closed = false;
      const std::size_t end = quoted_end(sql, token.closed ? old_end - 1 : old_end, close, closed);
      return make(sql, token.kind, offset, end, closed);
    }
    case Kind::blob:
      if (token.closed) break;
      while (i < n && sql[i] != '\'') ++i;
      if (i == n) return make(sql, Kind::blob, offset, n, false);
      return read_blob(sql, offset);  // closed at last: its digits are checked once
    case Kind::word:
      if (text.size() == 1 && (first == 'x' || first == 'X')) return sql_token_at(sql, offset);  // x'..' is a blob
      while (i < n && is_sql_id_char(sql[i])) ++i;
      return make(sql, Kind::word, offset, i);
    case Kind::number:
    case Kind::illegal:
      if (!is_digit(first) && first != '.') break;
      // Resumed without reading the digits already read, so that a long
      // number fed a byte at a time stays linear. Read again from the start
      // only where a byte to come may change how the earlier ones read: after
      // a '.', an 'e' or an 'x'.
      if (token.kind == Kind::number && text.size() > 2 && (text[1] == 'x' || text[1] == 'X')) {
        while (i < n && is_hex_digit(sql[i])) ++i;
        return make(sql, Kind::number, offset, i);
      }
      if (token.kind == Kind::illegal && last != 'e' && last != 'E' && last != 'x' && last != 'X') {
        while (i < n && is_sql_id_char(sql[i])) ++i;
        return make(sql, Kind::illegal, offset, i);
      }
      if (token.kind == Kind::number && is_digit(last)) {
        while (i < n && is_digit(sql[i])) ++i;
        if (i == n || (sql[i] != '.' && !is_sql_id_char(sql[i]))) return make(sql, Kind::number, offset, i);
      }
      break;
    case Kind::parameter:
      if (first == '?') {
        while (i < n && is_digit(sql[i])) ++i;
        return make(sql, Kind::parameter, offset, i);
      }
      if (last == ':') break;  // perhaps the first of "::"
      return read_named_parameter(sql, offset, old_end, true);
    default: break;
  }
  return sql_token_at(sql, offset);
}

SqlToken next_significant_token(std::string_view sql, std::size_t from) noexcept {
  SqlToken t = sql_token_at(sql, from);
  while (t.kind == Kind::whitespace || t.kind == Kind::comment) t = sql_token_at(sql, t.end());
  return t;
}

std::string unquote_identifier(std::string_view t) {
  if (t.empty()) return {};
  const char open = t.front();
  if (open != '"' && open != '`' && open != '[' && open != '\'') return std::string(t);
  const char close = open == '[' ? ']' : open;
  std::string out;
  out.reserve(t.size());
  for (std::size_t i = 1; i < t.size(); ++i) {
    if (t[i] != close) {
      out += t[i];
    } else if (close != ']' && i + 1 < t.size() && t[i + 1] == close) {
      out += close;
      ++i;
    } else {
      break;
    }
  }
  return out;
}

std::vector<std::string> identifiers_in(std::string_view sql) {
  std::vector<std::string> names;
  SqlTokenizer tokens(sql);
  for (SqlToken t = tokens.next_significant(); t;) {
    const SqlToken next = tokens.next_significant();
    const bool qualifier = next.kind == Kind::punctuation && next.text == ".";
    if ((t.kind == Kind::word || t.kind == Kind::quoted_identifier) && !qualifier)
      names.push_back(unquote_identifier(t.text));
    t = next;
  }
  return names;
}

}  // namespace aigc
