#pragma once
/// A REAL as text, exactly as SQLite writes it ("%!.15g": 0.03, 2.0,
/// 1.0e+20, -1.5e-05), without SQLite's long-double printf on the common path.
///
/// Why: exporting a table of prices spent a third of its time in
/// sqlite3_str_vappendf, whose x87 arithmetic is slow. Most REALs in the
/// warehouse came from short decimals: their shortest round-trip digits
/// (std::to_chars) are at most 15, and then the 15-digit rounding SQLite
/// does gives those same digits, so only the layout is left to do. Other
/// values (16 or 17 significant digits, subnormal, infinite) still go
/// through sqlite3_snprintf.
#include <array>
#include <string_view>

namespace aigc {

/// Room for any REAL's text: "-1.23456789012345e-308" and a NUL.
using RealTextBuffer = std::array<char, 40>;

/// `value` as SQLite's sqlite3_column_text() would give it; the view points
/// into `buffer`.
std::string_view real_text(double value, RealTextBuffer& buffer);

/// The fast path alone: the text's length in `buffer`, or 0 when `value`
/// needs SQLite's formatting. Exposed so tests can tell the paths apart.
std::size_t real_text_fast(double value, RealTextBuffer& buffer);

}  // namespace aigc
