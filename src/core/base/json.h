#pragma once
/// Small JSON-writing helpers shared by the renderer and the export manifest.
#include <string>
#include <string_view>

namespace aigc {

/// Appends `text` to `out` as a JSON string literal, quotes included.
/// Control characters become \n, \t, ... or \u00XX; UTF-8 is kept as is and
/// invalid UTF-8 bytes become U+FFFD, so the result is always valid JSON.
void append_json_string(std::string& out, std::string_view text);

/// `text` as a JSON string literal.
std::string json_string(std::string_view text);

}  // namespace aigc
