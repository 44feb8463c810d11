#pragma once
/// Checking that bytes are UTF-8, saying why not without throwing: the
/// reader that calls it knows the file, line and column to report.
#include <cstdint>
#include <string>

namespace aigc {

/// Why a byte sequence is not UTF-8.
enum class Utf8Problem : std::uint8_t {
  none,
  bad_lead,    ///< a byte that starts no sequence (0x80-0xC1, 0xF5-0xFF)
  cut_by_end,  ///< the input ends inside a sequence
  truncated,   ///< a byte that does not continue the sequence cuts it short
  overlong,    ///< a longer encoding of a code point than it needs
  surrogate,   ///< a UTF-16 surrogate (U+D800 to U+DFFF)
  too_large,   ///< a code point beyond U+10FFFF
};

/// What check_utf8_run found.
struct Utf8Check {
  /// Valid: the byte after the run. Invalid: the bad sequence's first byte.
  /// nullptr: a sequence runs past the bytes given, and more may follow.
  const char* at = nullptr;
  Utf8Problem problem = Utf8Problem::none;
  std::uint8_t shown = 0;  ///< invalid: how many of the sequence's bytes reason() quotes

  bool need_more() const noexcept { return at == nullptr; }
  bool valid() const noexcept { return problem == Utf8Problem::none; }
  /// Why the sequence at `at` is not UTF-8, as users read it: "invalid
  /// UTF-8 byte 0xe0 (overlong encoding: 0xe0 0x80)".
  std::string reason() const;
};

/// Validates the run of UTF-8 sequences in [p, end) that starts at `p` (a
/// byte >= 0x80) and goes on while bytes are >= 0x80. `at_eof`: `end` is
/// the end of the input, so a sequence it cuts is invalid rather than
/// waiting for more. Inline: the CSV reader's hot loop calls it for every
/// run of non-ASCII text.
inline Utf8Check check_utf8_run(const char* p, const char* end, bool at_eof) noexcept {
  do {
    const unsigned char c = static_cast<unsigned char>(*p);
    std::size_t n;
    unsigned char lo = 0x80, hi = 0xBF;
    Utf8Problem out_of_range = Utf8Problem::truncated;  // what a second byte outside [lo, hi] but in 0x80-0xBF means
    if (c >= 0xC2 && c <= 0xDF) {
      n = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      n = 3;
      if (c == 0xE0) {
        lo = 0xA0;
        out_of_range = Utf8Problem::overlong;
      } else if (c == 0xED) {
        hi = 0x9F;
        out_of_range = Utf8Problem::surrogate;
      }
    } else if (c >= 0xF0 && c <= 0xF4) {
      n = 4;
      if (c == 0xF0) {
        lo = 0x90;
        out_of_range = Utf8Problem::overlong;
      } else if (c == 0xF4) {
        hi = 0x8F;
        out_of_range = Utf8Problem::too_large;
      }
    } else {
      return {p, Utf8Problem::bad_lead, 1};
    }
    for (std::size_t i = 1; i < n; ++i) {
      if (p + i == end) {
        if (!at_eof) return {};
        return {p, Utf8Problem::cut_by_end, 1};
      }
      const unsigned char b = static_cast<unsigned char>(p[i]);
      const unsigned char l = i == 1 ? lo : 0x80, h = i == 1 ? hi : 0xBF;
      if (b < l || b > h) {
        const bool truncated = b < 0x80 || b > 0xBF;
        return {p, truncated ? Utf8Problem::truncated : out_of_range, static_cast<std::uint8_t>(truncated ? i : i + 1)};
      }
    }
    p += n;
  } while (p < end && static_cast<unsigned char>(*p) >= 0x80);
  return {p, Utf8Problem::none, 0};
}

}  // namespace aigc
