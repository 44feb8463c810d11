#pragma once
/// "Did you mean ...?" for unknown names.
#include <string>
#include <string_view>
#include <vector>

namespace aigc {

/// Edit distance (Levenshtein, over bytes, case-insensitive for ASCII).
std::size_t edit_distance(std::string_view a, std::string_view b);

/// Up to `limit` candidates closest to `word`, nearest first; only those
/// within a distance that makes a suggestion plausible (or sharing a prefix).
std::vector<std::string> closest_matches(std::string_view word, const std::vector<std::string>& candidates,
                                         std::size_t limit = 3);

/// "did you mean a, b or c?" or "" when there is nothing to suggest.
std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates);

}  // namespace aigc
