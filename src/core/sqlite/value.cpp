#include "sqlite/value.h"

#include <charconv>
#include <cmath>

#include "sqlite/database.h"

namespace aigc {

bool parse_integer(std::string_view text, std::int64_t& out) {
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  if (text.empty()) return false;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size();
}

bool parse_real(std::string_view text, double& out) {
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  if (text.empty()) return false;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out, std::chars_format::general);
  return ec == std::errc() && end == text.data() + text.size() && std::isfinite(out);
}

Value exact_value(std::string_view text) {
  Value v;
  v.kind = Value::Kind::text;
  v.s = text;
  if (text.empty() || text.size() > 20) return v;
  std::size_t p = 0;
  if (text[0] == '-') p = 1;
  if (p == text.size()) return v;
  // Integer part: "0" or no leading zero.
  std::size_t int_begin = p;
  while (p < text.size() && text[p] >= '0' && text[p] <= '9') ++p;
  std::size_t int_digits = p - int_begin;
  if (int_digits == 0 || (int_digits > 1 && text[int_begin] == '0')) return v;
  if (p == text.size()) {
    if (text == "-0") return v;  // would print as 0
    if (parse_integer(text, v.i)) v.kind = Value::Kind::integer;
    return v;
  }
  if (text[p] != '.') return v;
  std::size_t frac_begin = ++p;
  while (p < text.size() && text[p] >= '0' && text[p] <= '9') ++p;
  std::size_t frac_digits = p - frac_begin;
  if (p != text.size() || frac_digits == 0) return v;
  // SQLite prints a REAL with up to 15 significant digits and keeps ".0" for
  // whole numbers, so "2.0" and "3.25" survive and "0.50" would not.
  bool trailing_zero = text.back() == '0' && !(frac_digits == 1);
  if (trailing_zero) return v;
  std::size_t significant = int_digits + frac_digits;
  if (text[int_begin] == '0') {
    significant = frac_digits;
    std::size_t q = frac_begin;
    while (q < text.size() && text[q] == '0') ++q, --significant;
  }
  if (significant > 15 || int_digits > 15) return v;
  if (text[0] == '-' && text.find_first_not_of("-0.") == std::string_view::npos) return v;  // -0.0
  if (parse_real(text, v.d)) v.kind = Value::Kind::real;
  return v;
}

void bind_value(Statement& st, int index, const Value& v) {
  switch (v.kind) {
    case Value::Kind::null: st.bind_null(index); break;
    case Value::Kind::integer: st.bind_int64(index, v.i); break;
    case Value::Kind::real: st.bind_double(index, v.d); break;
    case Value::Kind::text: st.bind_text(index, v.s); break;
  }
}

}  // namespace aigc
