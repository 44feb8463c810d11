#include "engine/cursor.h"

#include <string>

#include "base/error.h"

namespace aigc::engine {

namespace {

bool is_prefix(char c) { return c == ':' || c == '@' || c == '$'; }

}  // namespace

int Cursor::parameter_index(std::string_view name) const {
  const int count = parameter_count();
  const bool bare = !name.empty() && !is_prefix(name.front()) && name.front() != '?';
  for (int i = 1; i <= count; ++i) {
    const std::string_view written = parameter_name(i);
    if (written == name) return i;
    if (bare && written.size() == name.size() + 1 && is_prefix(written.front()) && written.substr(1) == name) return i;
  }
  return 0;
}

int Cursor::require_parameter(std::string_view name) const {
  const int index = parameter_index(name);
  if (index == 0) throw DataError("bind failed: the statement has no parameter " + std::string(name));
  return index;
}

Cell Cursor::cell(int i) {
  Cell c;
  c.type = column_type(i);
  switch (c.type) {
    case ColumnType::null: break;
    case ColumnType::integer: c.integer = column_int64(i); break;
    case ColumnType::real: c.real = column_double(i); break;
    case ColumnType::text: c.bytes = column_text(i); break;
    case ColumnType::blob: c.bytes = column_blob(i); break;
  }
  return c;
}

void Cursor::read_row(std::span<Cell> cells) {
  for (std::size_t i = 0; i < cells.size(); ++i) cells[i] = cell(static_cast<int>(i));
}

}  // namespace aigc::engine
