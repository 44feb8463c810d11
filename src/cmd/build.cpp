// aigc build: (re)creates the warehouse from schema/ and seeds/.
#include <iostream>
#include <memory>

#include "cmd/commands.h"
#include "cmd/progress.h"
#include "core/warehouse.h"

namespace aigc::cmd {

namespace {
struct BuildOptions {
  std::string from;  ///< a project directory holding schema/ and seeds/; empty: embedded copy
  bool quiet = false;
};
}  // namespace

void setup_build(CLI::App& app, GlobalOptions& global) {
  auto opts = std::make_shared<BuildOptions>();
  auto* sub = app.add_subcommand("build", "Create the warehouse from the schema and the report's seed data");
  sub->add_option("--from", opts->from,
                  "Project directory whose schema/ and seeds/ to use instead of the copy built into aigc");
  sub->add_flag("-q,--quiet", opts->quiet, "Print nothing on success");
  sub->footer(R"(The new warehouse is built in a temporary file and renamed over the old one
only when complete and checked, so a failed or interrupted build leaves the
old warehouse as it was.

Examples:
  aigc build                      # the default warehouse, from the built-in seeds
  aigc --db /tmp/w.db build --from ~/src/aigc-warehouse
)");
  sub->callback([opts, &global] {
    auto path = resolve_warehouse_path(global.db);
    auto sources = opts->from.empty() ? BuildSources::embedded() : BuildSources::from_directory(opts->from);
    std::unique_ptr<ProgressBar> bar;
    std::string current;
    auto summary = build_warehouse(path, sources, [&](const std::string& table, const LoadProgress& p) {
      if (table != current) {
        bar = std::make_unique<ProgressBar>("build " + table);
        current = table;
      }
      bar->update(p);
    });
    bar.reset();
    if (opts->quiet) return;
    std::uint64_t rows = 0;
    for (const auto& t : summary.tables) rows += t.added;
    std::cout << "built " << summary.path.string() << ": " << summary.tables.size() << " tables, " << rows
              << " rows from " << sources.origin << " seeds\n";
  });
}

}  // namespace aigc::cmd
