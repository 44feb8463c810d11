#include "base/resources.h"

#include <algorithm>

namespace aigc {

std::vector<Resource> embedded_files(std::string_view prefix) {
  std::vector<Resource> out;
  for (const auto& r : detail::embedded_resources())
    if (r.path.substr(0, prefix.size()) == prefix) out.push_back(r);
  std::sort(out.begin(), out.end(), [](const Resource& a, const Resource& b) { return a.path < b.path; });
  return out;
}

std::string_view embedded_seed_digest() { return detail::embedded_seed_digest(); }

}  // namespace aigc
