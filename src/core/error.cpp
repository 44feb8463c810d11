#include "core/error.h"

namespace aigc {

std::string DataIssue::format() const {
  std::string s = where.file + ":" + std::to_string(where.line) + ":" + std::to_string(where.column) + ": ";
  if (!column.empty()) s += "column " + column + ": ";
  return s + message;
}

CsvError::CsvError(Location where, const std::string& message)
    : DataError(where.file + ":" + std::to_string(where.line) + ":" + std::to_string(where.column) + ": " + message),
      where_(std::move(where)),
      reason_(message) {}

static std::string summarize(const std::vector<DataIssue>& issues, std::uint64_t suppressed) {
  std::string s;
  for (const auto& i : issues) s += i.format() + "\n";
  if (suppressed > 0) s += "... and " + std::to_string(suppressed) + " more errors\n";
  if (!s.empty()) s.pop_back();
  return s;
}

LoadError::LoadError(std::vector<DataIssue> issues, std::uint64_t suppressed)
    : DataError(summarize(issues, suppressed)), issues_(std::move(issues)), suppressed_(suppressed) {}

}  // namespace aigc
