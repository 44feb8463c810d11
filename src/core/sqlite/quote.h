#pragma once
/// Quoting names and values into SQL text.
#include <string>
#include <string_view>

namespace aigc {

/// Double-quotes an SQL identifier ("a""b").
std::string quote_identifier(std::string_view name);

/// Quotes a value as an SQL string literal, for messages only (never for SQL).
std::string quote_literal(std::string_view value);

}  // namespace aigc
