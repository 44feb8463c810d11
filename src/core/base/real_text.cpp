#include "base/real_text.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>

namespace aigc {

namespace {

/// SQLite's %g switches to exponent form below 1e-4 and from 1e15 on; the
/// same switch points keep every value that SQLite printed exactly as it was.
constexpr int kMinFixedExponent = -4;
constexpr int kMaxFixedExponent = 14;
/// A double never needs more than 17 significant digits to round-trip.
constexpr int kMaxDigits = 17;

std::string_view copy(const char* text, RealTextBuffer& buffer) {
  const std::size_t n = std::strlen(text);
  std::memcpy(buffer.data(), text, n + 1);
  return {buffer.data(), n};
}

}  // namespace

std::string_view real_text(double value, RealTextBuffer& buffer) {
  if (std::isnan(value)) return copy("NaN", buffer);
  if (std::isinf(value)) return copy(value < 0 ? "-Inf" : "Inf", buffer);
  if (value == 0) return copy(std::signbit(value) ? "-0.0" : "0.0", buffer);

  // Shortest round-trip digits in scientific form: d[.ddd]e±XX.
  char sci[32];
  const auto [end, ec] = std::to_chars(sci, sci + sizeof sci, std::fabs(value), std::chars_format::scientific);
  char digits[kMaxDigits];
  int ndigits = 0;
  const char* p = sci;
  for (; ec == std::errc() && p < end && *p != 'e'; ++p) {
    if (*p != '.' && ndigits < kMaxDigits) digits[ndigits++] = *p;
  }
  int exponent = 0;
  if (ec != std::errc() || p == end || std::from_chars(p + 1 + (p[1] == '+'), end, exponent).ec != std::errc()) {
    // Not reachable for a finite double; "%.17g" still round-trips.
    std::snprintf(buffer.data(), buffer.size(), "%.17g", value);
    return buffer.data();
  }

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
  return {buffer.data(), static_cast<std::size_t>(out - buffer.data())};
}

}  // namespace aigc
