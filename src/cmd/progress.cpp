#include "cmd/progress.h"

#include <algorithm>

#include <sys/ioctl.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>

#include "render/render.h"

namespace aigc::cmd {

using Clock = std::chrono::steady_clock;

namespace {

/// How long a load runs before the bar appears: AIGC_PROGRESS_DELAY_MS, or
/// one second. 0 shows it from the first update (the tests use that).
std::chrono::milliseconds progress_delay() {
  const char* env = std::getenv("AIGC_PROGRESS_DELAY_MS");
  if (env == nullptr || *env == '\0') return std::chrono::seconds(1);
  char* end = nullptr;
  const long ms = std::strtol(env, &end, 10);
  // Capped at a day: a huge value would overflow the clock when added to now.
  return (*end == '\0' && ms >= 0) ? std::chrono::milliseconds(std::min(ms, 86'400'000L)) : std::chrono::seconds(1);
}

}  // namespace

ProgressBar::ProgressBar(std::string label)
    : label_(std::move(label)),
      enabled_(::isatty(STDERR_FILENO) == 1),
      delay_(progress_delay()),
      start_(Clock::now()),
      last_draw_(start_) {}

ProgressBar::~ProgressBar() { clear(); }

void ProgressBar::clear() {
  if (!shown_) return;
  std::fputs("\r\033[K", stderr);
  std::fflush(stderr);
  shown_ = false;
  enabled_ = false;  // the load is over: no bar after the summary
}

static std::string human_count(double n) {
  char buf[32];
  if (n >= 1e6)
    std::snprintf(buf, sizeof buf, "%.1fM", n / 1e6);
  else if (n >= 1e3)
    std::snprintf(buf, sizeof buf, "%.1fk", n / 1e3);
  else
    std::snprintf(buf, sizeof buf, "%.0f", n);
  return buf;
}

void ProgressBar::update(const LoadProgress& p) {
  if (!enabled_) return;
  auto now = Clock::now();
  double elapsed = std::chrono::duration<double>(now - start_).count();
  if (now - start_ < delay_ || (shown_ && now - last_draw_ < std::chrono::milliseconds(100))) return;
  last_draw_ = now;
  shown_ = true;
  winsize ws{};
  int width = (::ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) ? ws.ws_col : 80;
  double rate = elapsed > 0 ? p.rows / elapsed : 0;
  std::string line =
      label_ + " " + human_count(static_cast<double>(p.rows)) + " rows, " + human_count(rate) + " rows/s";
  if (p.total_bytes > 0) {
    double frac = static_cast<double>(p.bytes) / static_cast<double>(p.total_bytes);
    double eta = frac > 0 ? elapsed * (1 - frac) / frac : 0;
    char tail[64];
    std::snprintf(tail, sizeof tail, " %3.0f%% ETA %.0fs", frac * 100, eta);
    // Terminal cells, not bytes: a table may have a Chinese name.
    int bar_width = width - static_cast<int>(display_width(line)) - static_cast<int>(std::string(tail).size()) - 4;
    if (bar_width > 10) {
      int filled = static_cast<int>(frac * bar_width);
      line += " [" + std::string(static_cast<std::size_t>(filled), '#') +
              std::string(static_cast<std::size_t>(bar_width - filled), ' ') + "]";
    }
    line += tail;
  }
  std::fprintf(stderr, "\r\033[K%s", line.c_str());
  std::fflush(stderr);
}

}  // namespace aigc::cmd
