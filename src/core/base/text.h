#pragma once
/// ASCII text helpers: case and whitespace. ASCII only, on purpose: SQL
/// keywords, identifiers' case-insensitive matching and the project's own
/// names are ASCII, and a locale-dependent std::tolower would change a UTF-8
/// byte in a Chinese name.
#include <algorithm>
#include <string>
#include <string_view>

namespace aigc {

/// What trim() removes unless told otherwise: the C locale's isspace set.
inline constexpr std::string_view kAsciiSpace = " \t\r\n\f\v";

constexpr char ascii_lower(char c) noexcept { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }
constexpr char ascii_upper(char c) noexcept { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c; }

inline std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = ascii_lower(c);
  return out;
}

inline std::string ascii_upper(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = ascii_upper(c);
  return out;
}

/// Whether `a` and `b` are equal ignoring ASCII case.
constexpr bool iequals(std::string_view a, std::string_view b) noexcept {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return ascii_lower(x) == ascii_lower(y); });
}

constexpr std::string_view trim_left(std::string_view s, std::string_view chars = kAsciiSpace) noexcept {
  const auto first = s.find_first_not_of(chars);
  return first == std::string_view::npos ? std::string_view{} : s.substr(first);
}

constexpr std::string_view trim_right(std::string_view s, std::string_view chars = kAsciiSpace) noexcept {
  const auto last = s.find_last_not_of(chars);
  return last == std::string_view::npos ? std::string_view{} : s.substr(0, last + 1);
}

/// `s` without the `chars` at either end (by default ASCII white space).
constexpr std::string_view trim(std::string_view s, std::string_view chars = kAsciiSpace) noexcept {
  return trim_right(trim_left(s, chars), chars);
}

}  // namespace aigc
