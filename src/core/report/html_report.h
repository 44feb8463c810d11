#pragma once
/// The HTML report: every saved query's result as one self-contained page.
///
/// One file, nothing fetched: the styles are inline, the charts inline SVG,
/// there is no script, and a Content-Security-Policy forbids loading
/// anything, so the page reads the same offline, from a mail attachment or
/// on an intranet. It opens with the report's title and a table of contents,
/// then one section per query in the order of the report pages they
/// reproduce: title, description, the report sections (looked up in
/// report_section), a chart where the query has one (core/report/report_charts.h),
/// the table (NULL shown as a marked NULL, distinct from an empty string),
/// and its provenance: sections, the source lines its rows cite, the
/// parameters bound and the SQL.
#include <sqlite3.h>

#include <cstdint>
#include <filesystem>
#include <ostream>
#include <string>

#include "engine/connection.h"
#include "export/export.h"
#include "query/catalog.h"

namespace aigc {

namespace fs = std::filesystem;

struct HtmlReportOptions {
  /// --param values; each goes to the queries that take it (as export --all).
  ParamArgs params;
  /// Shown in the header; the current time (UTC) when empty.
  std::string generated_at;
  /// Where a file named "-" goes (write_html_report_file); null: "-" is refused.
  std::ostream* standard_output = nullptr;
};

struct HtmlReportSummary {
  std::size_t sections = 0;  ///< one per query
  std::size_t charts = 0;
  std::uint64_t rows = 0;  ///< over all tables
};

/// Runs every query of `catalog` and writes the page to `out`. Every query
/// runs before anything is written. Throws UsageError for a --param no
/// query takes or a required parameter left out, DataError naming the query
/// whose SQL fails, or if writing fails.
HtmlReportSummary write_html_report(engine::Connection& db, const WarehouseInfo& warehouse, const QueryCatalog& catalog,
                                    std::ostream& out, const HtmlReportOptions& options);
HtmlReportSummary write_html_report(sqlite3* db, const WarehouseInfo& warehouse, const QueryCatalog& catalog,
                                    std::ostream& out, const HtmlReportOptions& options);

/// As write_html_report, into `file` (an OutputFile: under a temporary name
/// renamed into place when complete, so a failure leaves no file behind and
/// an older `file` untouched). Throws UsageError if `file` is the database
/// `db` reads or a companion of it.
HtmlReportSummary write_html_report_file(engine::Connection& db, const WarehouseInfo& warehouse,
                                         const QueryCatalog& catalog, const fs::path& file,
                                         const HtmlReportOptions& options);
HtmlReportSummary write_html_report_file(sqlite3* db, const WarehouseInfo& warehouse, const QueryCatalog& catalog,
                                         const fs::path& file, const HtmlReportOptions& options);

}  // namespace aigc
