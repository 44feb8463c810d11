#include "base/display_width.h"

#include <utf8proc.h>

#include <algorithm>
#include <atomic>
#include <iterator>

namespace aigc {
namespace {

struct Range {
  char32_t first;
  char32_t last;
};

constexpr Range kAmbiguous[] = {
#include "base/east_asian_ambiguous.inc"
};

// Relaxed: set once at start-up before any output, read on every cell.
std::atomic<bool> g_ambiguous_wide{false};

}  // namespace

bool is_east_asian_ambiguous(char32_t cp) noexcept {
  // The first range starts at U+00A1: everything below (ASCII above all)
  // answers without a search.
  if (cp < kAmbiguous[0].first) return false;
  const auto* it = std::upper_bound(std::begin(kAmbiguous), std::end(kAmbiguous), cp,
                                    [](char32_t c, const Range& r) { return c < r.first; });
  return it != std::begin(kAmbiguous) && cp <= std::prev(it)->last;
}

void set_ambiguous_wide(bool wide) noexcept { g_ambiguous_wide.store(wide, std::memory_order_relaxed); }
bool ambiguous_wide() noexcept { return g_ambiguous_wide.load(std::memory_order_relaxed); }

std::size_t char_width(char32_t cp) noexcept {
  const int w = utf8proc_charwidth(static_cast<utf8proc_int32_t>(cp));
  if (w <= 0) return 0;  // combining marks stay zero even where they are ambiguous
  if (w == 1 && ambiguous_wide() && is_east_asian_ambiguous(cp)) return 2;
  return static_cast<std::size_t>(w);
}

std::size_t display_width(std::string_view text) noexcept {
  std::size_t width = 0;
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const auto* end = p + text.size();
  while (p < end) {
    if (*p < 0x80) {  // ASCII: printable characters take one cell, controls none
      width += (*p >= 0x20 && *p < 0x7F) ? 1 : 0;
      ++p;
      continue;
    }
    utf8proc_int32_t cp = 0;
    const utf8proc_ssize_t n = utf8proc_iterate(p, end - p, &cp);
    if (n <= 0) {  // an invalid byte shows as one replacement character
      ++width;
      ++p;
      continue;
    }
    width += char_width(static_cast<char32_t>(cp));
    p += n;
  }
  return width;
}

}  // namespace aigc
