#pragma once
/// Building the server's pages: the frame every page shares, escaping,
/// query-string links, and a result table.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "query/query_result.h"

namespace aigc::web {

/// `text` escaped for element content or a quoted attribute.
std::string esc(std::string_view text);

/// `text` percent-encoded for a query string or a path segment.
std::string url_encode(std::string_view text);

/// "?a=1&b=x" from pairs (empty when there are none), values encoded.
std::string query_string(const std::vector<std::pair<std::string, std::string>>& params);

/// A Content-Disposition header value for downloading `name`.`ext`: an
/// ASCII filename (other bytes, quotes and controls become _) and the exact
/// UTF-8 name as filename* (RFC 6266), so no name can break the header.
std::string attachment(std::string_view name, std::string_view ext);

/// One link in the trail above a page's title: {label, href}; the last has no href.
struct Crumb {
  std::string label;
  std::string href;
};

/// The start of a page up to and including <main>: doctype, head with the
/// style sheet and script, the site header and the trail.
std::string page_start(std::string_view title, const std::vector<Crumb>& trail);
/// The end of a page: closes <main>, the footer and the document.
std::string page_end();

/// How a result table is drawn.
struct TableOptions {
  std::string id = "result";
  /// The base of the header links that sort: the page's query string
  /// without _sort/_desc, e.g. "?fx=7.1" or "". Empty optional: no sorting.
  std::optional<std::string> sort_base;
  std::string sorted_by;  ///< the column sorted on, if any
  bool descending = false;
  /// Caption text (the accessible name of the table).
  std::string caption;
};

/// Appends `result` as a <table>: numbers right-aligned (class num), NULL
/// as a marked NULL (class null), an empty string as an empty cell (class
/// empty), a source_line cell as a link to the report's text.
void append_result_table(std::string& html, const QueryResult& result, const TableOptions& options);

/// Sorts `result`'s rows by column `column` (NULL first, numbers by value
/// before text, text by its bytes), reversed when `descending`. Stable.
void sort_rows(QueryResult& result, std::size_t column, bool descending);

}  // namespace aigc::web
