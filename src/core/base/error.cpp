#include "base/error.h"

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

static std::string summarize(const std::vector<DataIssue>& issues, bool stopped_early) {
  std::string s;
  for (const auto& i : issues) s += i.format() + "\n";
  if (stopped_early) s += "(stopped after " + std::to_string(issues.size()) + " errors; there may be more)\n";
  if (!s.empty()) s.pop_back();
  return s;
}

LoadError::LoadError(std::vector<DataIssue> issues, bool stopped_early)
    : DataError(summarize(issues, stopped_early)), issues_(std::move(issues)), stopped_early_(stopped_early) {}

}  // namespace aigc
