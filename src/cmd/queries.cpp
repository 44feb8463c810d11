// aigc queries: lists the saved queries, or describes one.
#include <iostream>
#include <memory>

#include "cmd/commands.h"
#include "cmd/query_options.h"
#include "postgres/pg_engine.h"
#include "query/catalog.h"
#include "warehouse/warehouse.h"

namespace aigc::cmd {

void setup_queries(CLI::App& app, GlobalOptions& global) {
  auto opts = std::make_shared<QueriesCommandOptions>();
  auto* sub = app.add_subcommand("queries", "List the saved queries, or show one in full");
  sub->add_option("name", opts->name, "Show this query: description, parameters with their meaning, SQL");
  add_format_option(sub, opts->out, "table");
  add_queries_option(sub, opts->queries);
  add_server_options(sub, opts->server);
  sub->footer(R"(Each saved query is a file queries/NAME.sql. Its parameters are read from the
SQL itself and shown as its header declares them: NAME TYPE [bounds or
accepted values] = DEFAULT, or '(required)' for one without a default.
Header lines that declare parameters:
  -- param: fx_usd_cny real > 0 = 7.1 -- CNY per USD
  -- param: currency text in ('CNY', 'USD') = 'CNY' -- currency to show
  -- param: year integer between 2000 and 2030 -- required: no default
The types are integer, real, number (either, as written) and text.

Examples:
  aigc queries
  aigc queries --format markdown
  aigc queries api_prices_normalised
  aigc queries --queries ~/my-queries      # your own NAME.sql files
)");
  sub->callback([opts, &global] { run_queries(*opts, global, std::cout); });
}

void run_queries(const QueriesCommandOptions& options, const GlobalOptions& global, std::ostream& out) {
  const auto catalog = QueryCatalog::resolve(options.queries);
  const SavedQuery* one = options.name.empty() ? nullptr : &catalog.find(options.name);
  RenderOptions ro = render_options(options.out);
  if (options.server.on_server()) {
    auto pg = open_server(options.server, Access::read_only);
    if (one) {
      describe_query(*pg, *one, out);
      return;
    }
    if (ro.format == Format::table) ro.max_width = terminal_width_for(out);
    list_queries(*pg, catalog, out, ro);
    return;
  }
  auto db = open_warehouse(resolve_warehouse_path(global.db), Access::read_only);
  if (one) {
    describe_query(db.getHandle(), *one, out);
    return;
  }
  if (ro.format == Format::table) ro.max_width = terminal_width_for(out);
  list_queries(db.getHandle(), catalog, out, ro);
}

}  // namespace aigc::cmd
