#include "csv/utf8_validation.h"

namespace aigc {

namespace {

std::string hex_byte(unsigned char c) {
  static const char digits[] = "0123456789abcdef";
  std::string s = "0x";
  s += digits[c >> 4];
  s += digits[c & 15];
  return s;
}

}  // namespace

std::string Utf8Check::reason() const {
  if (problem == Utf8Problem::none || at == nullptr) return "";
  const std::string first = "invalid UTF-8 byte " + hex_byte(static_cast<unsigned char>(*at));
  const char* why = "";
  switch (problem) {
    case Utf8Problem::none:
    case Utf8Problem::bad_lead: return first;
    case Utf8Problem::cut_by_end: return first + " (sequence truncated by the end of input)";
    case Utf8Problem::truncated: why = "truncated sequence"; break;
    case Utf8Problem::overlong: why = "overlong encoding"; break;
    case Utf8Problem::surrogate: why = "UTF-16 surrogate"; break;
    case Utf8Problem::too_large: why = "code point beyond U+10FFFF"; break;
  }
  std::string seq;
  for (std::size_t k = 0; k < shown; ++k) seq += " " + hex_byte(static_cast<unsigned char>(at[k]));
  return first + " (" + why + ":" + seq + ")";
}

}  // namespace aigc
