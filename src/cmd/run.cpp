// aigc run: runs one saved query with bound parameters and prints its rows.
#include <iostream>
#include <memory>

#include "base/output_file.h"
#include "cmd/commands.h"
#include "cmd/query_options.h"
#include "postgres/pg_engine.h"
#include "query/catalog.h"
#include "warehouse/warehouse.h"

namespace aigc::cmd {

void setup_run(CLI::App& app, GlobalOptions& global) {
  auto opts = std::make_shared<RunCommandOptions>();
  auto* sub = app.add_subcommand("run", "Run a saved query and print its rows");
  sub->add_option("name", opts->name, "Saved query to run ('aigc queries' lists them)")->required();
  add_param_option(sub, opts->params);
  add_format_option(sub, opts->out, "table");
  sub->add_option("-o,--output", opts->output,
                  "Write to FILE instead of standard output (- is standard output; complete or not at all: a "
                  "temporary file is renamed; a device or pipe is written in place; never the warehouse)");
  add_csv_options(sub, opts->out);
  add_queries_option(sub, opts->queries);
  add_server_options(sub, opts->server);
  sub->footer(R"(Parameters are bound to the statement, never pasted into its SQL. Each takes
what the query's header declares ('aigc queries NAME' shows it): a type
(integer, real, number or text), maybe bounds or a list of accepted values. A
value that does not fit is refused (exit 2) before anything runs; numbers are
read whole (7.1, -3, 1e3; not 7.1x, ' 7', 0x10 or inf). A parameter without a
default must be given.

On a terminal the table is cut to the terminal's width (long cells end in …);
piped or written to a file, nothing is cut. NULL shows as NULL, an empty
string as nothing.

Examples:
  aigc run api_prices
  aigc run api_prices_normalised --param fx_usd_cny=7.2 --param currency=USD
  aigc run provenance -p term=玉言 --format markdown
  aigc run vendor_table --format csv --bom -o vendors.csv
)");
  sub->callback([opts, &global] { run_run(*opts, global, std::cout); });
}

void run_run(const RunCommandOptions& options, const GlobalOptions& global, std::ostream& out) {
  const auto catalog = QueryCatalog::resolve(options.queries);
  catalog.find(options.name);  // an unknown name is reported before anything else happens
  const auto args = parse_param_args(options.params);
  RenderOptions ro = render_options(options.out);
  if (options.server.on_server()) {
    const bool to_stdout = !options.output || *options.output == "-";
    if (!to_stdout) check_output_path(*options.output, {});
    auto pg = open_server(options.server, Access::read_only);
    if (to_stdout) {
      if (ro.format == Format::table) ro.max_width = terminal_width_for(out);
      run_saved_query(*pg, catalog, options.name, args, out, ro);
      out.flush();
      return;
    }
    OutputFile file(*options.output, {});
    auto rows = run_saved_query(*pg, catalog, options.name, args, file.stream(), ro);
    file.commit();
    std::cerr << "wrote " << rows << (rows == 1 ? " row" : " rows") << " to " << *options.output << "\n";
    return;
  }
  const auto warehouse = resolve_warehouse_path(global.db);
  const bool to_stdout = !options.output || *options.output == "-";
  if (!to_stdout) check_output_path(*options.output, warehouse);  // before the warehouse is opened (or built)
  auto db = open_warehouse(warehouse, Access::read_only);
  if (to_stdout) {
    if (ro.format == Format::table) ro.max_width = terminal_width_for(out);
    run_saved_query(db.getHandle(), catalog, options.name, args, out, ro);
    out.flush();
    return;
  }
  OutputFile file(*options.output, warehouse);
  auto rows = run_saved_query(db.getHandle(), catalog, options.name, args, file.stream(), ro);
  file.commit();
  std::cerr << "wrote " << rows << (rows == 1 ? " row" : " rows") << " to " << *options.output << "\n";
}

}  // namespace aigc::cmd
