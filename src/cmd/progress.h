#pragma once
/// A progress bar on stderr for long loads: only on a terminal, and only
/// once a load has run for about a second, so short loads and scripts see
/// nothing.
#include <chrono>
#include <string>

#include "core/loader.h"

namespace aigc::cmd {

class ProgressBar {
 public:
  explicit ProgressBar(std::string label);
  ~ProgressBar();  ///< clears the bar's line
  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;

  void update(const LoadProgress& p);

 private:
  std::string label_;
  bool enabled_;
  bool shown_ = false;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_;
};

}  // namespace aigc::cmd
