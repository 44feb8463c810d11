#pragma once
/// How many terminal cells text takes. East Asian wide characters take 2 and
/// combining marks 0, after utf8proc's width data. Characters whose East Asian
/// width is *ambiguous* (`·`, `—`, `①`, Greek and Cyrillic letters, ...) take
/// one cell in most terminals and two in a CJK terminal (or one set to treat
/// them as wide); `set_ambiguous_wide(true)` counts them as two, so tables
/// stay aligned there. `aigc --ambiguous-wide` and AIGC_AMBIGUOUS_WIDE=1 set it.
#include <cstddef>
#include <string_view>

namespace aigc {

/// Whether `cp`'s East_Asian_Width is A (Unicode 15.0's EastAsianWidth.txt,
/// tools/gen_east_asian_ambiguous.sh).
bool is_east_asian_ambiguous(char32_t cp) noexcept;

/// Process-wide: count ambiguous-width characters as two cells. Set once at
/// start-up, before any output.
void set_ambiguous_wide(bool wide) noexcept;
bool ambiguous_wide() noexcept;

/// Cells one code point takes in the terminal: utf8proc's width (0 for
/// combining marks and controls, 2 for wide), with ambiguous characters of
/// width 1 counted as 2 when ambiguous_wide() is on.
std::size_t char_width(char32_t cp) noexcept;

/// Cells `text` takes: the sum of char_width; an invalid byte counts one
/// (it is shown as one replacement character), ASCII controls none.
std::size_t display_width(std::string_view text) noexcept;

}  // namespace aigc
