#pragma once
/// A REAL as text that reads back as the same double: the shortest digits
/// that round-trip (as Python, JavaScript and DuckDB print them), laid out as
/// SQLite lays out a REAL (0.03, 2.0, 1.0e+20, -1.5e-05).
///
/// Why not SQLite's own text: sqlite3_column_text() prints "%!.15g", which
/// cuts a REAL to 15 significant digits, so 1.0/6 came out as
/// 0.166666666666667 and 0.1+0.2 as 0.3: neither parses back to the stored
/// double, and the csv disagreed with the xlsx (which stores the double).
/// Where 15 digits are enough (most values, which came from short decimals)
/// the text is byte for byte SQLite's; only values that need 16 or 17 digits
/// differ, and then SQLite's text was wrong. Why not "%.17g": it prints
/// 0.1 as 0.10000000000000001. Shortest digits come from std::to_chars,
/// which is also several times faster than SQLite's long-double printf.
#include <array>
#include <string_view>

namespace aigc {

/// Room for any REAL's text: "-2.2250738585072014e-308" and a NUL.
using RealTextBuffer = std::array<char, 40>;

/// `value` as text that parses back (strtod, Python's float(), JSON) to
/// exactly `value`, -0.0 included. Infinities are written as SQLite writes
/// them (Inf, -Inf); NaN, which SQLite never stores, as NaN. The view
/// points into `buffer`.
std::string_view real_text(double value, RealTextBuffer& buffer);

}  // namespace aigc
