#include "postgres/pg_sql.h"

#include <algorithm>
#include <cctype>

#include "base/error.h"

namespace aigc::pg {

namespace {

bool is_space(char c) noexcept { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }
bool is_ident_start(char c) noexcept {
  return std::isalpha(static_cast<unsigned char>(c)) != 0 || c == '_' || static_cast<unsigned char>(c) >= 0x80;
}
bool is_ident_char(char c) noexcept {
  return is_ident_start(c) || std::isdigit(static_cast<unsigned char>(c)) != 0 || c == '$';
}

/// The tag of a dollar quote starting at `at` ("$$" or "$tag$"), or empty
/// when there is none there.
std::string_view dollar_tag(std::string_view sql, std::size_t at) {
  if (sql[at] != '$') return {};
  std::size_t p = at + 1;
  if (p < sql.size() && sql[p] == '$') return sql.substr(at, 2);
  if (p >= sql.size() || !is_ident_start(sql[p])) return {};
  while (p < sql.size() && is_ident_char(sql[p]) && sql[p] != '$') ++p;
  if (p < sql.size() && sql[p] == '$') return sql.substr(at, p - at + 1);
  return {};
}

[[noreturn]] void unterminated(const char* what) { throw DataError(std::string("the SQL ends inside ") + what); }

}  // namespace

ScannedStatement scan_first_statement(std::string_view sql) {
  ScannedStatement out;
  out.sql.reserve(sql.size());
  std::size_t i = 0;
  std::size_t copied = 0;  // sql[copied, i) still to append to out.sql
  auto flush = [&](std::size_t upto) {
    out.sql.append(sql.substr(copied, upto - copied));
    copied = upto;
  };
  while (i < sql.size()) {
    const char c = sql[i];
    const char next = i + 1 < sql.size() ? sql[i + 1] : '\0';
    const char prev = i > 0 ? sql[i - 1] : '\0';
    if (is_space(c)) {
      ++i;
      continue;
    }
    if (c == '-' && next == '-') {
      while (i < sql.size() && sql[i] != '\n') ++i;
      continue;
    }
    if (c == '/' && next == '*') {
      int depth = 1;
      i += 2;
      while (depth > 0) {
        if (i + 1 >= sql.size()) unterminated("a /* comment */");
        if (sql[i] == '/' && sql[i + 1] == '*') {
          ++depth;
          i += 2;
        } else if (sql[i] == '*' && sql[i + 1] == '/') {
          --depth;
          i += 2;
        } else {
          ++i;
        }
      }
      continue;
    }
    if (c == ';') {
      flush(i);
      out.consumed = i + 1;
      return out;
    }
    out.empty = false;
    if (c == '\'') {
      // E'...' (and e'...') takes backslash escapes, unless the E ends a longer word.
      const bool escapes = (prev == 'E' || prev == 'e') && (i < 2 || !is_ident_char(sql[i - 2]));
      ++i;
      for (;;) {
        if (i >= sql.size()) unterminated("a 'string'");
        if (escapes && sql[i] == '\\') {
          i += 2;
          continue;
        }
        if (sql[i] == '\'') {
          if (i + 1 < sql.size() && sql[i + 1] == '\'') {
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        ++i;
      }
      continue;
    }
    if (c == '"') {
      ++i;
      for (;;) {
        if (i >= sql.size()) unterminated("a \"quoted identifier\"");
        if (sql[i] == '"') {
          if (i + 1 < sql.size() && sql[i + 1] == '"') {
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        ++i;
      }
      continue;
    }
    if (is_ident_start(c) || std::isdigit(static_cast<unsigned char>(c)) !=
                                 0) {  // a word (keyword, identifier, number): '$' inside it is part of it
      while (i < sql.size() && is_ident_char(sql[i])) ++i;
      continue;
    }
    if (c == '$') {
      const std::string_view tag = dollar_tag(sql, i);
      if (!tag.empty()) {
        const std::size_t end = sql.find(tag, i + tag.size());
        if (end == std::string_view::npos) unterminated("a $$dollar-quoted$$ string");
        i = end + tag.size();
        continue;
      }
      if (std::isdigit(static_cast<unsigned char>(next)))
        throw DataError("the SQL uses a positional parameter ($" + std::string(1, next) +
                        "...); name it (:name) so --param can set it");
    }
    if (c == ':' && next == ':') {  // a cast
      i += 2;
      continue;
    }
    if ((c == ':' || c == '@' || c == '$') && is_ident_start(next)) {
      std::size_t end = i + 1;
      while (end < sql.size() && is_ident_char(sql[end]) && sql[end] != '$') ++end;
      const std::string name = ":" + std::string(sql.substr(i + 1, end - i - 1));
      auto found = std::find(out.parameters.begin(), out.parameters.end(), name);
      std::size_t number = static_cast<std::size_t>(found - out.parameters.begin()) + 1;
      if (found == out.parameters.end()) out.parameters.push_back(name);
      flush(i);
      out.sql += "$" + std::to_string(number);
      i = copied = end;
      continue;
    }
    ++i;
  }
  flush(sql.size());
  out.consumed = sql.size();
  return out;
}

std::string first_keyword(std::string_view sql) {
  std::size_t i = 0;
  for (;;) {
    while (i < sql.size() && (is_space(sql[i]) || sql[i] == '(')) ++i;
    if (sql.substr(i, 2) == "--") {
      while (i < sql.size() && sql[i] != '\n') ++i;
    } else if (sql.substr(i, 2) == "/*") {
      const std::size_t end = sql.find("*/", i + 2);
      i = end == std::string_view::npos ? sql.size() : end + 2;
    } else {
      break;
    }
  }
  std::string word;
  while (i < sql.size() && std::isalpha(static_cast<unsigned char>(sql[i])))
    word.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(sql[i++]))));
  return word;
}

}  // namespace aigc::pg
