#include "base/suggest.h"

#include <algorithm>
#include <cctype>

namespace aigc {

static char fold(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t subst = prev[j - 1] + (fold(a[i - 1]) == fold(b[j - 1]) ? 0 : 1);
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, subst});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

std::vector<std::string> closest_matches(std::string_view word, const std::vector<std::string>& candidates,
                                         std::size_t limit) {
  std::vector<std::pair<std::size_t, std::string>> scored;
  const std::size_t threshold = std::max<std::size_t>(2, word.size() / 2);
  for (const auto& c : candidates) {
    std::size_t d = edit_distance(word, c);
    bool prefix = !word.empty() && c.size() > word.size() &&
                  std::equal(word.begin(), word.end(), c.begin(), [](char x, char y) { return fold(x) == fold(y); });
    if (d <= threshold || prefix) scored.emplace_back(prefix ? std::min(d, threshold) : d, c);
  }
  std::stable_sort(scored.begin(), scored.end(), [](const auto& x, const auto& y) { return x.first < y.first; });
  std::vector<std::string> out;
  for (std::size_t i = 0; i < scored.size() && i < limit; ++i) out.push_back(scored[i].second);
  return out;
}

std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates) {
  auto best = closest_matches(word, candidates);
  if (best.empty()) return "";
  std::string s = "did you mean ";
  for (std::size_t i = 0; i < best.size(); ++i) {
    if (i > 0) s += (i + 1 == best.size()) ? " or " : ", ";
    s += best[i];
  }
  return s + "?";
}

}  // namespace aigc
