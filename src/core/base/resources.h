#pragma once
/// The project's schema/, seeds/ and queries/ files, the report's text
/// (report/) and the HTML report's style sheet (style/report.css), compiled
/// into the binary.
#include <string>
#include <string_view>
#include <vector>

namespace aigc {

/// One embedded file: "schema/001_core.sql", "seeds/firm.csv", "queries/x.sql".
struct Resource {
  std::string_view path;
  std::string_view data;
};

/// Embedded files whose path starts with `prefix` ("schema/", "seeds/", ...),
/// sorted by path.
std::vector<Resource> embedded_files(std::string_view prefix);

/// SHA-256 over the embedded seed files' names and digests.
std::string_view embedded_seed_digest();

namespace detail {
const std::vector<Resource>& embedded_resources();
const char* embedded_seed_digest();
}  // namespace detail

}  // namespace aigc
