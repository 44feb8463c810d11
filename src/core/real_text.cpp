#include "core/real_text.h"

#include <sqlite3.h>

#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>

namespace aigc {

namespace {

/// SQLite's %g switches to exponent form below 1e-4 and from 1e15 on.
constexpr int kMinFixedExponent = -4;
constexpr int kMaxFixedExponent = 14;
constexpr int kSignificantDigits = 15;

}  // namespace

std::size_t real_text_fast(double value, RealTextBuffer& buffer) {
  if (value == 0) {
    // SQLite tests the sign with `< 0.0`, so -0.0 prints as 0.0 too.
    std::memcpy(buffer.data(), "0.0", 4);
    return 3;
  }
  const double magnitude = std::fabs(value);
  if (!(magnitude >= std::numeric_limits<double>::min()) || std::isinf(magnitude)) return 0;

  // Shortest round-trip digits in scientific form: d[.ddd]e±XX.
  char sci[32];
  const auto [end, ec] = std::to_chars(sci, sci + sizeof sci, magnitude, std::chars_format::scientific);
  if (ec != std::errc()) return 0;
  char digits[kSignificantDigits];
  int ndigits = 0;
  const char* p = sci;
  for (; p < end && *p != 'e'; ++p) {
    if (*p == '.') continue;
    if (ndigits == kSignificantDigits) return 0;  // 16 or 17 digits: SQLite rounds them
    digits[ndigits++] = *p;
  }
  int exponent = 0;
  if (p == end || std::from_chars(p + 1 + (p[1] == '+'), end, exponent).ec != std::errc()) return 0;

  char* out = buffer.data();
  if (value < 0) *out++ = '-';
  const auto put_digits = [&](int from, int to) {  // digits[from, to), zeros past the last
    for (int i = from; i < to; ++i) *out++ = i < ndigits ? digits[i] : '0';
  };
  if (exponent < kMinFixedExponent || exponent > kMaxFixedExponent) {
    *out++ = digits[0];
    *out++ = '.';
    put_digits(1, ndigits > 1 ? ndigits : 2);
    *out++ = 'e';
    *out++ = exponent < 0 ? '-' : '+';
    int e = std::abs(exponent);
    if (e >= 100) {
      *out++ = static_cast<char>('0' + e / 100);
      e %= 100;
    }
    *out++ = static_cast<char>('0' + e / 10);
    *out++ = static_cast<char>('0' + e % 10);
  } else if (exponent >= 0) {
    put_digits(0, exponent + 1);
    *out++ = '.';
    put_digits(exponent + 1, ndigits > exponent + 1 ? ndigits : exponent + 2);
  } else {
    *out++ = '0';
    *out++ = '.';
    for (int i = exponent + 1; i < 0; ++i) *out++ = '0';
    put_digits(0, ndigits);
  }
  *out = '\0';
  return static_cast<std::size_t>(out - buffer.data());
}

std::string_view real_text(double value, RealTextBuffer& buffer) {
  if (const std::size_t n = real_text_fast(value, buffer)) return {buffer.data(), n};
  sqlite3_snprintf(static_cast<int>(buffer.size()), buffer.data(), "%!.15g", value);
  return buffer.data();
}

}  // namespace aigc
