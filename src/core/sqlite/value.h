#pragma once
/// Turning CSV text into typed SQL values.
#include <cstdint>
#include <string_view>

namespace aigc {

class Statement;

/// A value ready to bind. Text points into the reader's buffer.
struct Value {
  enum class Kind { null, integer, real, text } kind = Kind::null;
  std::int64_t i = 0;
  double d = 0;
  std::string_view s;
};

/// Parses an optionally signed decimal integer that fits in 64 bits.
bool parse_integer(std::string_view text, std::int64_t& out);
/// Parses a finite decimal number (integer, fraction or exponent form).
bool parse_real(std::string_view text, double& out);

/// For untyped (ANY) columns: a number only where storing it as one keeps
/// the exact text when SQLite prints it back. "0870", "+5", "1e3", "0.50"
/// and integers beyond 64 bits stay text; "42", "-7" and "3.25" become numbers.
Value exact_value(std::string_view text);

/// Binds `v` to parameter `index` (1-based) of `st`; text is not copied.
void bind_value(Statement& st, int index, const Value& v);

}  // namespace aigc
