#pragma once
/// The problems a load finds, collected up to a limit and reported together.
#include <algorithm>
#include <cstddef>
#include <string>
#include <tuple>
#include <vector>

#include "base/error.h"
#include "csv/csv_reader.h"

namespace aigc {

/// Collects issues up to the limit.
class IssueList {
 public:
  IssueList(std::string file, std::size_t limit) : file_(std::move(file)), limit_(limit) {}
  void add(FieldPos pos, std::string column, std::string message) {
    add(DataIssue{{file_, pos.line, pos.column}, std::move(column), std::move(message)});
  }
  void add(DataIssue issue) {
    if (full()) {
      stopped_ = true;
      return;
    }
    issues_.push_back(std::move(issue));
  }
  bool full() const { return issues_.size() >= limit_; }
  /// Whether another issue would be kept; when not, notes that reading
  /// stopped early. Lets a caller skip the cost of locating an issue that
  /// would be dropped: a header of 100,000 bad names costs linear time.
  bool accepting() {
    if (full()) stopped_ = true;
    return !full();
  }
  bool empty() const { return issues_.empty(); }
  std::size_t size() const { return issues_.size(); }
  [[noreturn]] void raise() {
    std::stable_sort(issues_.begin(), issues_.end(), [](const DataIssue& a, const DataIssue& b) {
      return std::tie(a.where.line, a.where.column) < std::tie(b.where.line, b.where.column);
    });
    throw LoadError(std::move(issues_), stopped_ || full());
  }

 private:
  std::string file_;
  std::size_t limit_;
  std::vector<DataIssue> issues_;
  bool stopped_ = false;
};

}  // namespace aigc
