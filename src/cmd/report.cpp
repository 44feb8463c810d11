// aigc report: every saved query as one self-contained HTML page with charts.
#include <iostream>
#include <memory>

#include "base/error.h"
#include "base/output_file.h"
#include "cmd/commands.h"
#include "cmd/query_options.h"
#include "postgres/pg_engine.h"
#include "report/html_report.h"
#include "warehouse/warehouse.h"

namespace aigc::cmd {

void setup_report(CLI::App& app, GlobalOptions& global) {
  auto opts = std::make_shared<ReportCommandOptions>();
  auto* sub = app.add_subcommand("report", "Write every saved query's result as one HTML page with charts");
  sub->add_option(
         "-o,--html", opts->html,
         "HTML file to write (- is standard output; complete or not at all: a temporary file is renamed; never "
         "the warehouse)")
      ->required();
  add_param_option(sub, opts->params);
  add_queries_option(sub, opts->queries);
  add_server_options(sub, opts->server);
  sub->footer(R"(One self-contained file: styles inline, charts as inline SVG, no scripts, and
nothing loaded from the network (a Content-Security-Policy forbids it), so it
opens anywhere, offline, and prints cleanly. A table of contents, then one
section per saved query in the order of the report pages they reproduce:
title, description, the report sections, a chart where the data suits one
(API prices in one currency, 玉言 vs humans per task, industries on the
potential matrix, price spread per vendor), the table (NULL marked as such),
and its provenance: sections, cited source lines, parameters and SQL.
A --param goes to every query that takes it, as with 'export --all'.

Examples:
  aigc report --html report.html
  aigc report -o report-usd.html -p currency=USD -p fx_usd_cny=7.2
)");
  sub->callback([opts, &global] { run_report(*opts, global, std::cout); });
}

void run_report(const ReportCommandOptions& options, const GlobalOptions& global, std::ostream& out) {
  const auto catalog = QueryCatalog::resolve(options.queries);
  HtmlReportOptions ro;
  ro.params = parse_param_args(options.params);
  if (options.server.on_server()) {
    check_output_path(options.html, {});
    ro.standard_output = &out;
    auto pg = open_server(options.server, Access::read_only);
    WarehouseInfo info = WarehouseInfo::read(*pg, {});
    info.database = pg->shown_target();
    auto s = write_html_report_file(*pg, info, catalog, options.html, ro);
    (options.html == "-" ? std::cerr : out) << "wrote " << options.html << ": " << s.sections << " sections, "
                                            << s.charts << " charts, " << s.rows << " rows\n";
    return;
  }
  const auto path = resolve_warehouse_path(global.db);
  check_output_path(options.html, path);  // a bad path is reported before the warehouse is opened
  ro.standard_output = &out;
  auto db = open_warehouse(path, Access::read_only);
  auto s = write_html_report_file(db.getHandle(), WarehouseInfo::read(db.getHandle(), path), catalog, options.html, ro);
  // The summary is a message: on standard error when the page itself went to standard output.
  (options.html == "-" ? std::cerr : out) << "wrote " << options.html << ": " << s.sections << " sections, " << s.charts
                                          << " charts, " << s.rows << " rows\n";
}

}  // namespace aigc::cmd
