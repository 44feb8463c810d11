#pragma once
/// Writing text into HTML and SVG: escaping, and cutting or wrapping text to
/// a width measured in display cells (a Chinese character counts 2).
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace aigc {

/// Appends `text` escaped for HTML or XML, in element content or a quoted
/// attribute: & < > " ' become references; C0 control characters other than
/// tab and newline (and DEL) become their visible Control Pictures (U+2400...),
/// C1 controls and invalid UTF-8 bytes U+FFFD, so the output is always
/// well-formed and shows what the data holds.
void append_escaped(std::string& out, std::string_view text);
/// `text` escaped as by append_escaped.
std::string escaped(std::string_view text);

/// The longest prefix of `text` that fits `width` cells, followed by "…"
/// when something was cut; `text` itself when it fits.
std::string cut_to_width(std::string_view text, std::size_t width);

/// Splits `text` into lines of at most `width` cells: breaks at spaces where
/// it can, anywhere between two characters otherwise (as Chinese text
/// breaks). A word longer than a line is broken inside.
std::vector<std::string> wrap_to_width(std::string_view text, std::size_t width);

}  // namespace aigc
