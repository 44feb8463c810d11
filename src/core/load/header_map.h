#pragma once
/// A CSV header mapped onto a table's columns.
#include <cstddef>
#include <optional>
#include <vector>

namespace aigc {

struct HeaderMap {
  /// For each CSV field, the index of the table column it fills.
  std::vector<std::size_t> field_to_column;

  /// The CSV field that fills table column `column`; none when the header
  /// leaves the column out (it takes its default).
  std::optional<std::size_t> field_of(std::size_t column) const {
    for (std::size_t f = 0; f < field_to_column.size(); ++f)
      if (field_to_column[f] == column) return f;
    return std::nullopt;
  }
};

}  // namespace aigc
