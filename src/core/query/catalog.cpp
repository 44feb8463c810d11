#include "query/catalog.h"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>

#include "base/error.h"
#include "base/json.h"
#include "base/real_text.h"
#include "base/resources.h"
#include "base/suggest.h"
#include "base/text.h"
#include "sqlite/connection.h"
#include "sqlite/quote.h"
#include "sqlite/sql_tokenizer.h"
#include "sqlite/sqlite_engine.h"
#include "sqlite/value.h"

namespace aigc {

namespace {

/// What a header line or parameter value is trimmed of: spaces, tabs and
/// line ends (a form feed or vertical tab is kept, and so refused).
constexpr std::string_view kBlanks = " \t\r\n";

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_name_start(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool is_name_char(char c) { return is_name_start(c) || is_digit(c); }

/// [+-]? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?: a number as
/// people write one. "007" (an identifier, a zip code), ".5" and "5." are not.
bool is_plain_number(std::string_view t) {
  std::size_t p = 0, n = t.size();
  if (p < n && (t[p] == '+' || t[p] == '-')) ++p;
  if (p == n || !is_digit(t[p])) return false;
  if (t[p] == '0') {
    ++p;
  } else {
    while (p < n && is_digit(t[p])) ++p;
  }
  if (p < n && t[p] == '.') {
    ++p;
    if (p == n || !is_digit(t[p])) return false;
    while (p < n && is_digit(t[p])) ++p;
  }
  if (p < n && (t[p] == 'e' || t[p] == 'E')) {
    ++p;
    if (p < n && (t[p] == '+' || t[p] == '-')) ++p;
    if (p == n || !is_digit(t[p])) return false;
    while (p < n && is_digit(t[p])) ++p;
  }
  return p == n;
}

/// A plain number as an integer (when it has no fraction or exponent and
/// fits 64 bits) or a real; nullopt if it is not a plain number.
std::optional<ParamValue> number_value(std::string_view text) {
  if (!is_plain_number(text)) return std::nullopt;
  ParamValue v;
  if (text.find_first_of(".eE") == std::string_view::npos && parse_integer(text, v.i)) {
    v.kind = ParamValue::Kind::integer;
    return v;
  }
  if (parse_real(text, v.d)) {
    v.kind = ParamValue::Kind::real;
    return v;
  }
  return std::nullopt;  // beyond the range of a double
}

std::string join(const std::vector<std::string>& items, std::string_view sep) {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += sep;
    out += items[i];
  }
  return out;
}

void append_joined(std::string& to, std::string_view more) {
  if (!to.empty() && !more.empty()) to += ' ';
  to += more;
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f'; }

/// Compares two numbers (integer or real ParamValues) by value. Through long
/// double, which holds every int64 exactly on x86-64 and AArch64, so 2^63-1
/// is not rounded into 2^63 when it meets a real bound.
int compare_numbers(const ParamValue& a, const ParamValue& b) {
  using Kind = ParamValue::Kind;
  if (a.kind == Kind::integer && b.kind == Kind::integer) return a.i < b.i ? -1 : a.i > b.i ? 1 : 0;
  const long double x = a.kind == Kind::integer ? static_cast<long double>(a.i) : static_cast<long double>(a.d);
  const long double y = b.kind == Kind::integer ? static_cast<long double>(b.i) : static_cast<long double>(b.d);
  return x < y ? -1 : x > y ? 1 : 0;
}

bool is_number(const ParamValue& v) { return v.kind == ParamValue::Kind::integer || v.kind == ParamValue::Kind::real; }

bool same_value(const ParamValue& a, const ParamValue& b) {
  if (is_number(a) && is_number(b)) return compare_numbers(a, b) == 0;
  return a.kind == b.kind && a.s == b.s;
}

/// A literal from a header (a number, a quoted string or NULL) as a value of
/// `base`: an integer literal is a real where a real is wanted; nullopt when
/// it is not of the type. NULL stays NULL.
std::optional<ParamValue> as_type(const ParamValue& v, ParamType::Base base) {
  using Base = ParamType::Base;
  using Kind = ParamValue::Kind;
  if (v.kind == Kind::null || base == Base::any) return v;
  switch (base) {
    case Base::integer:
      if (v.kind == Kind::integer) return v;
      break;
    case Base::real:
      if (v.kind == Kind::real) return v;
      if (v.kind == Kind::integer) {
        ParamValue r;
        r.kind = Kind::real;
        r.d = static_cast<double>(v.i);
        return r;
      }
      break;
    case Base::number:
      if (is_number(v)) return v;
      break;
    case Base::text:
      if (v.kind == Kind::text) return v;
      break;
    case Base::any: break;
  }
  return std::nullopt;
}

/// "A, B or C".
std::string or_list(const std::vector<std::string>& items) {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += i + 1 == items.size() ? " or " : ", ";
    out += items[i];
  }
  return out;
}

/// A value a person typed, for a message: control characters escaped (so
/// the message stays one line), cut after 40 characters (so a 100 kB value
/// does not flood the terminal).
std::string shown(std::string_view v) {
  constexpr std::size_t kMaxChars = 40;
  std::string out;
  std::size_t chars = 0;
  for (std::size_t i = 0; i < v.size(); ++i) {
    const auto c = static_cast<unsigned char>(v[i]);
    if ((c & 0xC0) != 0x80 && ++chars > kMaxChars) {
      out += "…";
      break;
    }
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c < 0x20 || c == 0x7F) {
      static const char hex[] = "0123456789abcdef";
      out += "\\x";
      out += hex[c >> 4];
      out += hex[c & 0xF];
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

/// shown(v) in single quotes, a quote in it doubled as SQL writes it.
std::string quoted_value(std::string_view v) {
  std::string out = "'";
  for (char c : shown(v)) {
    out += c;
    if (c == '\'') out += '\'';
  }
  return out + "'";
}

/// The bounds in words: "greater than 0", "from 1 to 10", "at least 0 and
/// less than 1"; "" without bounds.
std::string bounds_words(const ParamType& t) {
  if (t.lower && t.upper && t.lower_inclusive && t.upper_inclusive)
    return "from " + t.lower->literal() + " to " + t.upper->literal();
  std::string out;
  if (t.lower) out = (t.lower_inclusive ? "at least " : "greater than ") + t.lower->literal();
  if (t.upper) {
    if (!out.empty()) out += " and ";
    out += (t.upper_inclusive ? "at most " : "less than ") + t.upper->literal();
  }
  return out;
}

/// A token of a "-- param:" line.
struct Token {
  enum class Kind { end, word, number, text, punct, bad, description } kind = Kind::end;
  std::string_view raw;  ///< as written (for text: with its quotes; for a description: the text after --)
  std::size_t pos = 0;   ///< where it starts in the line
  ParamValue value;      ///< number and text tokens
};

/// Splits the part of a param line after its name into tokens: words,
/// numbers, 'quoted strings', ( ) , = > >= < <=, and "--" with everything
/// after it (the description).
class ParamLineLexer {
 public:
  ParamLineLexer(std::string_view line, std::size_t pos, std::string context)
      : s_(line), p_(pos), context_(std::move(context)) {}

  Token next() {
    while (p_ < s_.size() && (s_[p_] == ' ' || s_[p_] == '\t')) ++p_;
    Token t;
    t.pos = p_;
    if (p_ == s_.size()) return t;
    const char c = s_[p_];
    if (s_.compare(p_, 2, "--") == 0) {
      t.kind = Token::Kind::description;
      t.raw = trim(s_.substr(p_ + 2), kBlanks);
      p_ = s_.size();
      return t;
    }
    if (c == '\'') {
      const SqlToken quoted = sql_token_at(s_, p_);
      if (!quoted.closed) throw DataError(context_ + "the quoted value has no closing quote");
      t.kind = Token::Kind::text;
      t.raw = quoted.text;
      t.value.kind = ParamValue::Kind::text;
      t.value.s = unquote_identifier(quoted.text);  // 'it''s' -> it's, as for a quoted name
      p_ = quoted.end();
      return t;
    }
    if (c == '(' || c == ')' || c == ',' || c == '=') {
      t.kind = Token::Kind::punct;
      t.raw = s_.substr(p_++, 1);
      return t;
    }
    if (c == '<' || c == '>') {
      const std::size_t n = p_ + 1 < s_.size() && s_[p_ + 1] == '=' ? 2 : 1;
      t.kind = Token::Kind::punct;
      t.raw = s_.substr(p_, n);
      p_ += n;
      return t;
    }
    const std::size_t start = p_;
    while (p_ < s_.size() && s_[p_] != ' ' && s_[p_] != '\t' &&
           std::string_view("(),='<>").find(s_[p_]) == std::string_view::npos &&
           !(p_ > start && s_.compare(p_, 2, "--") == 0))
      ++p_;
    t.raw = s_.substr(start, p_ - start);
    if (is_name_start(t.raw[0]) && std::all_of(t.raw.begin(), t.raw.end(), is_name_char)) {
      t.kind = Token::Kind::word;
    } else if (auto n = number_value(t.raw)) {
      t.kind = Token::Kind::number;
      t.value = std::move(*n);
    } else {
      t.kind = Token::Kind::bad;
    }
    return t;
  }

 private:
  std::string_view s_;
  std::size_t p_;
  std::string context_;
};

bool is_word(const Token& t, std::string_view word) {
  return t.kind == Token::Kind::word && ascii_lower(t.raw) == word;
}
bool is_punct(const Token& t, std::string_view p) { return t.kind == Token::Kind::punct && t.raw == p; }

/// Parses the value of a "-- param:" line:
/// NAME [TYPE [CONSTRAINT]] [= DEFAULT] [-- DESCRIPTION].
ParamDecl parse_param_line(std::string_view value, const std::string& where) {
  using Base = ParamType::Base;
  ParamDecl d;
  std::size_t p = 0;
  if (p < value.size() && (value[p] == ':' || value[p] == '@' || value[p] == '$')) ++p;
  const std::size_t name_start = p;
  if (p < value.size() && is_name_start(value[p]))
    while (p < value.size() && is_name_char(value[p])) ++p;
  d.name = std::string(value.substr(name_start, p - name_start));
  if (d.name.empty()) throw DataError(where + ": param needs a name: -- param: NAME TYPE = DEFAULT -- description");
  const std::string context = where + ": param " + d.name + ": ";
  auto fail = [&](const std::string& what) { throw DataError(context + what); };
  ParamLineLexer lex(value, p, context);
  Token tok = lex.next();

  ParamType& type = d.type;
  bool typed = false;
  if (tok.kind == Token::Kind::word && !is_word(tok, "in") && !is_word(tok, "between") && !is_word(tok, "null")) {
    static const std::vector<std::pair<std::string, Base>> kTypes = {
        {"integer", Base::integer}, {"real", Base::real}, {"number", Base::number}, {"text", Base::text}};
    const std::string word = ascii_lower(tok.raw);
    auto it = std::find_if(kTypes.begin(), kTypes.end(), [&](const auto& t) { return t.first == word; });
    if (it == kTypes.end()) {
      std::string msg = "unknown type '" + std::string(tok.raw) + "'";
      std::string hint = did_you_mean(word, {"integer", "real", "number", "text"});
      if (!hint.empty()) msg += " (" + hint + ")";
      fail(msg + "; the types are integer, real, number and text");
    }
    type.base = it->second;
    typed = true;
    tok = lex.next();
  }

  // Constraints, in the order written: bounds and one list of accepted values.
  bool constrained = false;
  std::optional<std::vector<Token>> list;
  auto set_bound = [&](bool lower, const Token& n, bool inclusive) {
    auto& slot = lower ? type.lower : type.upper;
    if (slot) fail(lower ? "a second lower bound" : "a second upper bound");
    slot = n.value;
    (lower ? type.lower_inclusive : type.upper_inclusive) = inclusive;
  };
  for (bool first = true;; first = false) {
    if (!first && is_word(tok, "and")) {
      tok = lex.next();
      if (!(is_punct(tok, ">") || is_punct(tok, ">=") || is_punct(tok, "<") || is_punct(tok, "<=") ||
            is_word(tok, "in") || is_word(tok, "between")))
        fail("expected > >= < <= between or in (...) after and");
    }
    if (is_punct(tok, ">") || is_punct(tok, ">=") || is_punct(tok, "<") || is_punct(tok, "<=")) {
      const std::string op(tok.raw);
      const Token n = lex.next();
      if (n.kind != Token::Kind::number) fail("expected a number after " + op);
      set_bound(op[0] == '>', n, op.size() == 2);
    } else if (is_word(tok, "between")) {
      const Token a = lex.next();
      if (a.kind != Token::Kind::number) fail("expected a number after between");
      if (!is_word(lex.next(), "and")) fail("expected and after between " + std::string(a.raw));
      const Token b = lex.next();
      if (b.kind != Token::Kind::number) fail("expected a number after between " + std::string(a.raw) + " and");
      set_bound(true, a, true);
      set_bound(false, b, true);
    } else if (is_word(tok, "in")) {
      if (list) fail("a second in (...) list");
      if (!is_punct(lex.next(), "(")) fail("expected ( after in");
      list.emplace();
      for (;;) {
        const Token item = lex.next();
        if (list->empty() && is_punct(item, ")")) fail("in () needs at least one value");
        if (item.kind != Token::Kind::number && item.kind != Token::Kind::text)
          fail("expected a number or a 'quoted string' in the list of accepted values");
        list->push_back(item);
        const Token sep = lex.next();
        if (is_punct(sep, ")")) break;
        if (!is_punct(sep, ",")) fail("expected , or ) in the list of accepted values");
      }
    } else {
      break;
    }
    constrained = true;
    tok = lex.next();
  }

  Token default_token;
  if (is_punct(tok, "=")) {
    default_token = lex.next();
    if (is_word(default_token, "null")) {
      d.default_value = ParamValue{};
    } else if (default_token.kind == Token::Kind::number || default_token.kind == Token::Kind::text) {
      d.default_value = default_token.value;
    } else if (default_token.kind == Token::Kind::end || default_token.kind == Token::Kind::description) {
      fail("expected a default after =: a number, a 'single-quoted string' or NULL");
    } else {
      fail("default '" + std::string(default_token.raw) + "' is not a number, a 'single-quoted string' or NULL");
    }
    tok = lex.next();
  }
  if (tok.kind == Token::Kind::description) {
    d.description = std::string(tok.raw);
  } else if (tok.kind != Token::Kind::end) {
    fail("unexpected '" + std::string(trim(value.substr(tok.pos), kBlanks)) +
         "'; write -- param: NAME TYPE [> N | between A and B | in (VALUES)] [= DEFAULT] [-- description]");
  }

  if (!typed) {
    // The default says what the author had in mind.
    if (d.default_value && is_number(*d.default_value))
      type.base = Base::number;
    else if (d.default_value && d.default_value->kind == ParamValue::Kind::text)
      type.base = Base::text;
    else if (constrained)
      fail("give a type for its bounds or accepted values (for example -- param: " + d.name + " real > 0)");
  }

  // The declaration must hold together: bounds of the type that some value
  // meets, accepted values of the type within the bounds, a default that fits.
  const std::string takes = d.name + " takes ";
  if ((type.lower || type.upper) && (type.base == Base::text || type.base == Base::any))
    fail("bounds apply to numbers, not text");
  for (const auto* bound : {&type.lower, &type.upper}) {
    if (*bound && !as_type(**bound, type.base)) {
      ParamType bare;
      bare.base = type.base;
      fail("bound " + (*bound)->literal() + " does not fit: " + takes + bare.phrase());
    }
  }
  if (type.lower && type.upper) {
    const int c = compare_numbers(*type.lower, *type.upper);
    bool empty = c > 0 || (c == 0 && !(type.lower_inclusive && type.upper_inclusive));
    if (!empty && type.base == Base::integer && !type.lower_inclusive && !type.upper_inclusive)
      empty = type.lower->i + 1 == type.upper->i;  // > 5 and < 6: no whole number between (lower < upper: no overflow)
    if (empty) {
      fail("no value fits (nothing is " + bounds_words(type) + ")");
    }
  }
  if (list) {
    for (const auto& item : *list) {
      auto v = as_type(item.value, type.base);
      if (!v || !type.fits(*v))
        fail("accepted value " + std::string(item.raw) + " does not fit: " + takes + type.phrase());
    }
    for (const auto& item : *list) {
      ParamValue v = *as_type(item.value, type.base);
      for (const auto& earlier : type.accepted)
        if (same_value(earlier, v)) fail("accepted value " + std::string(item.raw) + " is listed twice");
      type.accepted.push_back(std::move(v));
    }
  }
  if (d.default_value) {
    auto v = as_type(*d.default_value, type.base);
    if (!v || !type.fits(*v)) {
      std::string msg = "default " + std::string(default_token.raw) + " does not fit: " + takes + type.phrase();
      if (type.base == Base::text && type.accepted.empty() && is_number(*d.default_value))
        msg += " (quote it: '" + std::string(default_token.raw) + "')";
      fail(msg);
    }
    d.default_value = std::move(*v);
  }
  return d;
}

/// Parses the value of a "-- scope:" line. Kept apart from the other keys
/// so that the header's grammar for each key stays in one place.
QueryScope parse_scope_line(std::string_view value, const std::string& where) {
  if (value == "report") return QueryScope::report;
  if (value == "analysis") return QueryScope::analysis;
  std::string msg = where + ": unknown scope '" + std::string(value) + "'";
  std::string hint = did_you_mean(value, {"report", "analysis"});
  if (!hint.empty()) msg += " (" + hint + ")";
  throw DataError(msg +
                  "; write -- scope: report (the report's rows only) or -- scope: analysis (report and user "
                  "rows, saying where each comes from)");
}

}  // namespace

std::string shown_for_message(std::string_view v) { return shown(v); }
std::string_view scope_name(QueryScope scope) noexcept { return scope == QueryScope::analysis ? "analysis" : "report"; }

// ---------------------------------------------------------------------------
// ParamValue

ParamValue ParamValue::from_text(std::string_view text) {
  if (auto n = number_value(text)) return *n;
  ParamValue v;
  v.kind = Kind::text;
  v.s = std::string(text);
  return v;
}

std::string ParamValue::literal() const {
  switch (kind) {
    case Kind::null: return "NULL";
    case Kind::integer: return std::to_string(i);
    case Kind::real: {
      RealTextBuffer buf;
      return std::string(real_text(d, buf));
    }
    case Kind::text: return quote_literal(s);
  }
  return "NULL";
}

std::string ParamValue::json() const {
  switch (kind) {
    case Kind::null: return "null";
    case Kind::text: return json_string(s);
    default: return literal();
  }
}

void ParamValue::bind(engine::Cursor& cursor, int index) const {
  switch (kind) {
    case Kind::null: cursor.bind_null(index); break;
    case Kind::integer: cursor.bind_int64(index, i); break;
    case Kind::real: cursor.bind_double(index, d); break;
    case Kind::text: cursor.bind_text(index, s); break;
  }
}

void ParamValue::bind(sqlite3_stmt* stmt, int index) const {
  SqliteCursor cursor(stmt);
  bind(cursor, index);
}

// ---------------------------------------------------------------------------
// ParamType

std::string ParamType::spec() const {
  static const char* const kNames[] = {"", "integer", "real", "number", "text"};
  std::string out = kNames[static_cast<int>(base)];
  if (lower && upper && lower_inclusive && upper_inclusive) {
    out += " between " + lower->literal() + " and " + upper->literal();
  } else {
    if (lower) out += std::string(lower_inclusive ? " >= " : " > ") + lower->literal();
    if (lower && upper) out += " and";
    if (upper) out += std::string(upper_inclusive ? " <= " : " < ") + upper->literal();
  }
  if (!accepted.empty()) {
    std::vector<std::string> items;
    for (const auto& v : accepted) items.push_back(v.literal());
    out += " in (" + join(items, ", ") + ")";
  }
  return out;
}

std::string ParamType::phrase() const {
  if (!accepted.empty()) {
    std::vector<std::string> items;
    for (const auto& v : accepted) items.push_back(v.literal());
    return or_list(items);
  }
  static const char* const kWords[] = {"any value", "a whole number", "a number", "a number", "text"};
  std::string out = kWords[static_cast<int>(base)];
  if (const std::string b = bounds_words(*this); !b.empty()) out += " " + b;
  return out;
}

bool ParamType::fits(const ParamValue& v) const {
  using Kind = ParamValue::Kind;
  if (v.kind == Kind::null || base == Base::any) return true;
  switch (base) {
    case Base::integer:
      if (v.kind != Kind::integer) return false;
      break;
    case Base::real:
      if (v.kind != Kind::real) return false;
      break;
    case Base::number:
      if (!is_number(v)) return false;
      break;
    case Base::text:
      if (v.kind != Kind::text) return false;
      break;
    case Base::any: break;
  }
  if (is_number(v)) {
    if (lower) {
      const int c = compare_numbers(v, *lower);
      if (c < 0 || (c == 0 && !lower_inclusive)) return false;
    }
    if (upper) {
      const int c = compare_numbers(v, *upper);
      if (c > 0 || (c == 0 && !upper_inclusive)) return false;
    }
  }
  if (!accepted.empty())
    return std::any_of(accepted.begin(), accepted.end(), [&](const ParamValue& a) { return same_value(a, v); });
  return true;
}

std::optional<ParamValue> ParamType::read(std::string_view text, std::string& why) const {
  why.clear();
  if (base == Base::any) return ParamValue::from_text(text);
  // Reasons the phrase ("a number greater than 0") does not make obvious.
  const bool padded = !text.empty() && (is_space(text.front()) || is_space(text.back()));
  auto not_a_number = [&]() -> std::optional<ParamValue> {
    const std::size_t digits = text.find_first_not_of("+-");
    if (padded)
      why = "(no spaces around a value)";
    else if (digits != std::string_view::npos && digits < 2 && text.size() > digits + 1 && text[digits] == '0' &&
             is_digit(text[digits + 1]))
      why = "(a number has no leading zeros)";
    return std::nullopt;
  };
  std::optional<ParamValue> v;
  switch (base) {
    case Base::integer: {
      if (!is_plain_number(text)) return not_a_number();
      if (text.find_first_of(".eE") != std::string_view::npos) return std::nullopt;
      ParamValue n;
      n.kind = ParamValue::Kind::integer;
      if (!parse_integer(text, n.i)) {
        why = "(beyond a 64-bit integer)";
        return std::nullopt;
      }
      v = std::move(n);
      break;
    }
    case Base::real:
    case Base::number: {
      if (!is_plain_number(text)) return not_a_number();
      v = number_value(text);
      if (!v) {
        why = "(beyond the range of a number)";
        return std::nullopt;
      }
      if (base == Base::real) v = as_type(*v, Base::real);
      break;
    }
    case Base::text: {
      ParamValue t;
      t.kind = ParamValue::Kind::text;
      t.s = std::string(text);
      v = std::move(t);
      break;
    }
    case Base::any: break;
  }
  if (fits(*v)) return v;
  if (base == Base::text) {
    // The accepted values are exact; say which one a near miss meant.
    const std::string folded = ascii_lower(trim(text, kBlanks));
    for (const auto& a : accepted) {
      if (a.s == trim(text, kBlanks)) {
        why = "(no spaces around a value)";
        break;
      }
      if (ascii_lower(a.s) == folded) why = "(did you mean " + a.literal() + "?)";
    }
    if (why.empty()) {
      std::vector<std::string> names;
      for (const auto& a : accepted) names.push_back(a.s);
      const auto best = closest_matches(text, names, 1);
      if (!best.empty()) why = "(did you mean " + quote_literal(best[0]) + "?)";
    }
  }
  return std::nullopt;
}

// ---------------------------------------------------------------------------
// SavedQuery

SavedQuery SavedQuery::parse(std::string name, std::string file, std::string text) {
  SavedQuery q;
  q.name = std::move(name);
  q.file = std::move(file);
  if (text.rfind("\xEF\xBB\xBF", 0) == 0) text.erase(0, 3);  // SQLite would not skip a BOM
  std::uint64_t line_no = 1;
  std::uint64_t scope_line = 0;
  // The header is the -- comments before the SQL, one per line.
  SqlTokenizer tokens(text);
  for (SqlToken t = tokens.next(); t; t = tokens.next()) {
    if (t.kind == SqlTokenKind::whitespace) {
      line_no += static_cast<std::uint64_t>(std::count(t.text.begin(), t.text.end(), '\n'));
      continue;
    }
    if (t.kind != SqlTokenKind::comment || t.text.compare(0, 2, "--") != 0) break;  // the SQL begins
    std::string_view body = trim(t.text.substr(2), kBlanks);
    std::size_t k = 0;
    while (k < body.size() && ((body[k] >= 'a' && body[k] <= 'z') || body[k] == '_')) ++k;
    if (k == 0 || k >= body.size() || body[k] != ':') continue;  // a free comment
    const std::string key(body.substr(0, k));
    const std::string_view value = trim(body.substr(k + 1), kBlanks);
    const std::string where = q.file + ":" + std::to_string(line_no);
    if (key == "title") {
      append_joined(q.title, value);
    } else if (key == "description") {
      append_joined(q.description, value);
    } else if (key == "scope") {
      if (scope_line)
        throw DataError(where + ": a second -- scope: line (the first is line " + std::to_string(scope_line) + ")");
      q.scope = parse_scope_line(value, where);
      scope_line = line_no;
    } else if (key == "section") {
      std::string_view list = value;
      while (!list.empty()) {
        const std::size_t comma = list.find(',');
        const std::string_view id = trim(list.substr(0, comma), kBlanks);
        if (!id.empty() && std::find(q.sections.begin(), q.sections.end(), id) == q.sections.end())
          q.sections.emplace_back(id);
        list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
      }
    } else if (key == "param") {
      ParamDecl d = parse_param_line(value, where);
      if (q.param(d.name)) throw DataError(where + ": param " + d.name + " is declared twice");
      d.line = line_no;
      q.params.push_back(std::move(d));
    } else {
      std::string msg = where + ": unknown header key '" + key + "'";
      std::string hint = did_you_mean(key, {"title", "scope", "description", "section", "param"});
      if (!hint.empty()) msg += " (" + hint + ")";
      throw DataError(msg +
                      "; the keys are title, scope, description, section and param (a free comment must not "
                      "start with 'word:')");
    }
  }
  if (!scope_line)
    throw DataError(q.file +
                    ":1: no -- scope: line; add -- scope: report (the report's rows only) or -- scope: "
                    "analysis (report and user rows) as the second line, after -- title:");
  q.sql = std::move(text);
  return q;
}

const ParamDecl* SavedQuery::param(std::string_view name) const {
  for (const auto& p : params)
    if (p.name == name) return &p;
  return nullptr;
}

// ---------------------------------------------------------------------------
// QueryCatalog

namespace {

/// Gives each query of `queries` its PostgreSQL variant from `variants`
/// (name -> {file, text}); a variant without its query is an error.
void attach_postgres_variants(std::vector<SavedQuery>& queries,
                              const std::map<std::string, std::pair<std::string, std::string>>& variants) {
  for (const auto& entry : variants) {
    // Not a structured binding: clang 14 cannot capture one in a lambda.
    const std::string& name = entry.first;
    const auto& variant = entry.second;
    auto it = std::find_if(queries.begin(), queries.end(), [&](const SavedQuery& q) { return q.name == name; });
    if (it == queries.end())
      throw DataError(variant.first + ": a PostgreSQL variant of query " + name + ", which has no " + name + ".sql");
    it->postgres_file = variant.first;
    it->postgres_sql = variant.second;
  }
}

}  // namespace

QueryCatalog QueryCatalog::embedded() {
  QueryCatalog c;
  c.origin_ = "embedded";
  std::map<std::string, std::pair<std::string, std::string>> variants;
  for (const auto& r : embedded_files("queries/")) {
    fs::path p(r.path);
    if (p.extension() != ".sql") continue;
    if (p.parent_path() == "queries/postgresql") {
      variants[p.stem().string()] = {std::string(r.path), std::string(r.data)};
      continue;
    }
    if (p.parent_path() != "queries") continue;
    c.queries_.push_back(SavedQuery::parse(p.stem().string(), std::string(r.path), std::string(r.data)));
  }
  attach_postgres_variants(c.queries_, variants);
  return c;
}

QueryCatalog QueryCatalog::from_directory(const fs::path& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) throw UsageError("no directory of saved queries at " + dir.string());
  QueryCatalog c;
  c.origin_ = dir.string();
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (entry.path().extension() != ".sql" || !entry.is_regular_file(ec)) continue;
    files.push_back(entry.path());
  }
  if (ec) throw DataError("cannot list " + dir.string() + ": " + ec.message());
  std::sort(files.begin(), files.end());
  for (const auto& f : files) {
    std::ifstream in(f, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    if (!in && !in.eof()) throw DataError("cannot read " + f.string());
    c.queries_.push_back(SavedQuery::parse(f.stem().string(), f.string(), text.str()));
  }
  // DIR/postgresql/NAME.sql: PostgreSQL variants, if there are any.
  std::map<std::string, std::pair<std::string, std::string>> variants;
  const fs::path variant_dir = dir / "postgresql";
  if (fs::is_directory(variant_dir, ec)) {
    for (const auto& entry : fs::directory_iterator(variant_dir, ec)) {
      if (entry.path().extension() != ".sql" || !entry.is_regular_file(ec)) continue;
      std::ifstream in(entry.path(), std::ios::binary);
      std::ostringstream text;
      text << in.rdbuf();
      if (!in && !in.eof()) throw DataError("cannot read " + entry.path().string());
      variants[entry.path().stem().string()] = {entry.path().string(), text.str()};
    }
  }
  attach_postgres_variants(c.queries_, variants);
  return c;
}

QueryCatalog QueryCatalog::resolve(const std::string& flag) {
  if (!flag.empty()) return from_directory(flag);
  if (const char* env = std::getenv("AIGC_QUERIES"); env && *env) return from_directory(env);
  return embedded();
}

std::vector<std::string> QueryCatalog::names() const {
  std::vector<std::string> out;
  for (const auto& q : queries_) out.push_back(q.name);
  return out;
}

const SavedQuery& QueryCatalog::find(std::string_view name) const {
  for (const auto& q : queries_)
    if (q.name == name) return q;
  if (queries_.empty())
    throw UsageError("no saved query named '" + shown(name) + "': there are no saved queries in " + origin_);
  std::string msg = "no saved query named '" + shown(name) + "'";
  std::string hint = did_you_mean(name, names());
  if (!hint.empty()) msg += "; " + hint;
  throw UsageError(msg + " ('aigc queries' lists them)");
}

// ---------------------------------------------------------------------------
// Parameters

ParamArgs parse_param_args(const std::vector<std::string>& assignments) {
  ParamArgs out;
  for (const auto& a : assignments) {
    const std::size_t eq = a.find('=');
    if (eq == std::string::npos || eq == 0)
      throw UsageError("--param '" + shown(a) + "' is not NAME=VALUE (for example --param fx_usd_cny=7.2)");
    std::string name = a.substr(0, eq);
    if (name[0] == ':' || name[0] == '@' || name[0] == '$') name.erase(0, 1);
    if (name.empty())
      throw UsageError("--param '" + shown(a) + "' is not NAME=VALUE (for example --param fx_usd_cny=7.2)");
    for (const auto& [n, v] : out)
      if (n == name) throw UsageError("--param " + shown(name) + " is given twice");
    out.emplace_back(std::move(name), a.substr(eq + 1));
  }
  return out;
}

std::string QueryParameter::summary() const {
  std::string out = name;
  if (type.declared()) out += " " + type.spec();
  return out + (default_value ? " = " + default_value->literal() : " (required)");
}

PreparedQuery::PreparedQuery(engine::Connection& db, SavedQuery query) : query_(std::move(query)) { prepare(db); }

PreparedQuery::PreparedQuery(sqlite3* db, SavedQuery query) : query_(std::move(query)) {
  SqliteConnection connection(db);
  prepare(connection);
}

void PreparedQuery::prepare(engine::Connection& db) {
  // A query with a PostgreSQL variant runs it there (engine_name() is the
  // engine's own, constant name).
  const bool variant = !query_.postgres_sql.empty() && db.engine_name() == "PostgreSQL";
  const std::string& sql = variant ? query_.postgres_sql : query_.sql;
  std::string_view rest;
  try {
    cursor_ = db.prepare_first(sql, rest);
  } catch (const DataError& e) {
    throw DataError(query_.file + ": " + e.what());
  }
  if (!cursor_) throw DataError(query_.file + ": holds no SQL statement");
  // Everything after the statement must be comments or space.
  bool another = false;
  try {
    std::string_view after;
    another = db.prepare_first(rest, after) != nullptr;
  } catch (const DataError&) {
    another = true;  // something that is not even a statement
  }
  if (another) throw DataError(query_.file + ": holds more than one SQL statement; a saved query is exactly one");
  if (!cursor_->read_only())
    throw DataError(query_.file + ": the statement would change the database; a saved query only reads");

  const int count = cursor_->parameter_count();
  for (int i = 1; i <= count; ++i) {
    const std::string_view written = cursor_->parameter_name(i);
    if (written.empty() || written[0] == '?')
      throw DataError(query_.file + ": uses a positional parameter (?); name it (:name) so --param can set it");
    QueryParameter p;
    p.name = std::string(written.substr(1));
    p.index = i;
    for (const auto& other : parameters_)
      if (other.name == p.name)
        throw DataError(query_.file + ": parameter " + p.name + " is written with two different prefixes (" +
                        std::string(cursor_->parameter_name(other.index)) + " and " + std::string(written) +
                        "), which " + std::string(db.engine_name()) + " takes as two parameters; use one");
    if (const ParamDecl* d = query_.param(p.name)) {
      p.type = d->type;
      p.default_value = d->default_value;
      p.description = d->description;
    }
    parameters_.push_back(std::move(p));
  }
  // Listed in the header's order (the author's), then the undeclared ones.
  auto declared_at = [&](const QueryParameter& p) {
    for (std::size_t i = 0; i < query_.params.size(); ++i)
      if (query_.params[i].name == p.name) return i;
    return query_.params.size();
  };
  std::stable_sort(parameters_.begin(), parameters_.end(),
                   [&](const auto& a, const auto& b) { return declared_at(a) < declared_at(b); });
  for (const auto& d : query_.params) {
    bool used = std::any_of(parameters_.begin(), parameters_.end(), [&](const auto& p) { return p.name == d.name; });
    if (!used)
      throw DataError(query_.file + ":" + std::to_string(d.line) + ": param " + d.name +
                      " is declared but the SQL does not use :" + d.name);
  }
}

PreparedQuery::~PreparedQuery() = default;
PreparedQuery::PreparedQuery(PreparedQuery&& other) noexcept = default;

sqlite3_stmt* PreparedQuery::get() const noexcept {
  const auto* sqlite = dynamic_cast<const SqliteCursor*>(cursor_.get());
  return sqlite ? sqlite->get() : nullptr;
}

std::vector<std::pair<std::string, ParamValue>> PreparedQuery::bind(const ParamArgs& args) {
  auto takes = [&] {
    std::vector<std::string> s;
    for (const auto& p : parameters_) s.push_back(p.summary());
    return s.empty() ? std::string("it takes no parameters") : "it takes: " + join(s, ", ");
  };
  // Every value is read before anything is bound: a refusal leaves the
  // statement as it was.
  std::vector<std::optional<ParamValue>> given(parameters_.size());
  for (const auto& arg : args) {
    // Not a structured binding: clang 14 (the fuzz build) cannot capture one in a lambda.
    const std::string& name = arg.first;
    const std::string& value = arg.second;
    auto it = std::find_if(parameters_.begin(), parameters_.end(), [&](const auto& p) { return p.name == name; });
    if (it == parameters_.end()) {
      std::vector<std::string> names;
      for (const auto& p : parameters_) names.push_back(p.name);
      std::string msg = "query " + query_.name + " has no parameter '" + shown(name) + "'";
      std::string hint = did_you_mean(name, names);
      // SQLite's parameter names are case-sensitive (:fx and :FX are two).
      const bool other_case = std::any_of(names.begin(), names.end(),
                                          [&](const std::string& n) { return ascii_lower(n) == ascii_lower(name); });
      if (!hint.empty()) msg += " (" + hint + (other_case ? " names are case-sensitive" : "") + ")";
      throw UsageError(msg + "; " + takes());
    }
    const QueryParameter& p = *it;
    std::string why;
    auto v = p.type.read(value, why);
    if (!v) {
      if (p.default_value && p.default_value->kind == ParamValue::Kind::null && ascii_lower(value) == "null")
        why = "(leave --param " + p.name + " out for its default, NULL)";
      std::string msg = "--param " + p.name + "=" + shown(value) + ": " + p.name + " takes " + p.type.phrase();
      if (p.default_value) msg += " (default " + p.default_value->literal() + ")";
      msg += ", not " + quoted_value(value);
      if (!why.empty()) msg += " " + why;
      throw UsageError(msg);
    }
    given[static_cast<std::size_t>(it - parameters_.begin())] = std::move(*v);
  }
  std::vector<std::string> missing;
  for (std::size_t i = 0; i < parameters_.size(); ++i)
    if (!given[i] && parameters_[i].required()) missing.push_back(parameters_[i].name);
  if (!missing.empty()) {
    std::vector<std::string> example;
    for (const auto& m : missing) example.push_back("--param " + m + "=VALUE");
    throw UsageError("query " + query_.name + " needs a value for " + join(missing, ", ") + ": pass " +
                     join(example, " ") + "; " + takes());
  }
  // Every parameter is bound below, so none keeps a value from an earlier bind().
  cursor_->reset();
  std::vector<std::pair<std::string, ParamValue>> bound;
  for (std::size_t i = 0; i < parameters_.size(); ++i) {
    const auto& p = parameters_[i];
    ParamValue v = given[i] ? std::move(*given[i]) : *p.default_value;
    v.bind(*cursor_, p.index);
    bound.emplace_back(p.name, std::move(v));
  }
  return bound;
}

// ---------------------------------------------------------------------------
// Running and listing

std::uint64_t run_saved_query(engine::Connection& db, const QueryCatalog& catalog, std::string_view name,
                              const ParamArgs& args, std::ostream& out, const RenderOptions& options) {
  PreparedQuery q(db, catalog.find(name));
  q.bind(args);
  try {
    return render(q.cursor(), out, options);
  } catch (const DataError& e) {
    throw DataError("query " + q.query().name + ": " + e.what());
  }
}

std::uint64_t run_saved_query(sqlite3* db, const QueryCatalog& catalog, std::string_view name, const ParamArgs& args,
                              std::ostream& out, const RenderOptions& options) {
  SqliteConnection connection(db);
  return run_saved_query(connection, catalog, name, args, out, options);
}

std::uint64_t list_queries(engine::Connection& db, const QueryCatalog& catalog, std::ostream& out,
                           const RenderOptions& options) {
  // The listing is itself a result set, so it goes through the one renderer
  // and looks like every other result in every format. It is built in a
  // scratch SQLite database whatever engine `db` is.
  SQLite::Database mem(":memory:", SQLite::OPEN_READWRITE);
  harden_connection(mem.getHandle());
  mem.exec("CREATE TABLE q (name TEXT, title TEXT, scope TEXT, parameters TEXT, section TEXT)");
  SQLite::Statement insert(mem, "INSERT INTO q VALUES (?, ?, ?, ?, ?)");
  for (const auto& saved : catalog.queries()) {
    PreparedQuery q(db, saved);
    std::vector<std::string> params;
    for (const auto& p : q.parameters()) params.push_back(p.summary());
    insert.bind(1, saved.name);
    insert.bind(2, saved.title);
    insert.bind(3, std::string(scope_name(saved.scope)));
    insert.bind(4, join(params, ", "));
    insert.bind(5, join(saved.sections, ", "));
    insert.exec();
    insert.reset();
  }
  SqliteConnection listing(mem.getHandle());
  auto select = listing.prepare("SELECT name, title, scope, parameters, section FROM q ORDER BY name");
  return render(*select, out, options);
}

std::uint64_t list_queries(sqlite3* db, const QueryCatalog& catalog, std::ostream& out, const RenderOptions& options) {
  SqliteConnection connection(db);
  return list_queries(connection, catalog, out, options);
}

void describe_query(sqlite3* db, const SavedQuery& query, std::ostream& out) {
  SqliteConnection connection(db);
  describe_query(connection, query, out);
}

void describe_query(engine::Connection& db, const SavedQuery& query, std::ostream& out) {
  PreparedQuery q(db, query);
  out << query.name << ": " << query.title << "\n";
  if (!query.description.empty()) out << "\n" << query.description << "\n";
  out << "\nscope:      " << scope_name(query.scope)
      << (query.scope == QueryScope::report ? " (the report's rows only)" : " (report and user rows)");
  out << "\nsection:    " << (query.sections.empty() ? std::string("-") : join(query.sections, ", ")) << "\n";
  out << "file:       " << query.file << "\n";
  out << "parameters:";
  if (q.parameters().empty()) out << " none";
  out << "\n";
  std::string run = "aigc run " + query.name;
  for (const auto& p : q.parameters()) {
    out << "  " << p.summary();
    if (!p.description.empty()) out << "  -- " << p.description;
    out << "\n";
    if (p.required()) run += " --param " + p.name + "=VALUE";
  }
  out << "run:        " << run << "\n\n" << trim(query.sql, kBlanks) << "\n";
  if (!out) throw DataError("cannot write the output: the output stream failed");
}

}  // namespace aigc
