#pragma once
/// A progress bar on stderr for long loads: rows, rate, share of the file
/// and ETA. Only on a terminal, and only once a load has run for a second
/// (AIGC_PROGRESS_DELAY_MS changes that), so short loads and scripts see
/// nothing.
#include <chrono>
#include <string>

#include "load/loader.h"

namespace aigc::cmd {

class ProgressBar {
 public:
  explicit ProgressBar(std::string label);
  ~ProgressBar();  ///< clears the bar's line
  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;

  void update(const LoadProgress& p);
  /// Erases the bar, for good: call before printing the summary, which
  /// would otherwise land on the bar's line.
  void clear();

 private:
  std::string label_;
  bool enabled_;
  bool shown_ = false;
  std::chrono::milliseconds delay_;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_;
};

}  // namespace aigc::cmd
