// aigc build: (re)creates the warehouse from schema/ and seeds/.
#include <iostream>
#include <memory>

#include "cmd/commands.h"
#include "cmd/progress.h"
#include "warehouse/warehouse.h"

namespace aigc::cmd {

namespace {
/// "pricing 2 rows, deals (imported) 1 row"
std::string describe(const std::vector<TableCount>& counts) {
  std::string out;
  for (const auto& c : counts)
    out += (out.empty() ? "" : ", ") + c.table + (c.imported ? " (imported)" : "") + " " + std::to_string(c.rows) +
           (c.rows == 1 ? " row" : " rows");
  return out;
}
}  // namespace

void setup_build(CLI::App& app, GlobalOptions& global) {
  auto opts = std::make_shared<BuildCommandOptions>();
  auto* sub = app.add_subcommand("build", "Create the warehouse from the schema and the report's seed data");
  sub->add_option("--from", opts->from,
                  "Project directory whose schema/ and seeds/ to use instead of the copy built into aigc");
  sub->add_flag("-q,--quiet", opts->quiet, "Print nothing on success");
  sub->add_flag("--discard-user-data", opts->discard_user_data,
                "Drop the rows you added that no longer fit the new schema or seeds (listed otherwise), and replace "
                "a warehouse too damaged to read them from");
  sub->footer(R"(The new warehouse is built in a temporary file and renamed over the old one
only when complete and checked, so a failed or interrupted build leaves the
old warehouse as it was.

What you added is kept: rows loaded into the report's tables (aigc load) and
tables imported (aigc import) are carried into the new warehouse and checked
against it. If one no longer fits (its key is now taken by a report row, it
refers to a row the new seeds dropped, it breaks a new rule), nothing changes
and each such row is listed; --discard-user-data drops those rows instead.

Only an aigc warehouse is replaced (or an empty file or a missing path): any
other file named by --db is refused. Through a symbolic link, the file it
names is replaced and the link stays; the file keeps its permission mode.

Examples:
  aigc build                      # the default warehouse, from the built-in seeds
  aigc --db /tmp/w.db build --from ~/src/aigc-warehouse
)");
  sub->callback([opts, &global] { run_build(*opts, global, std::cout); });
}

void run_build(const BuildCommandOptions& options, const GlobalOptions& global, std::ostream& out) {
  auto path = resolve_warehouse_path(global.db);
  auto sources = options.from.empty() ? BuildSources::embedded() : BuildSources::from_directory(options.from);
  std::unique_ptr<ProgressBar> bar;
  std::string current;
  aigc::BuildOptions build_options;
  build_options.discard_user_data = options.discard_user_data;
  auto summary = build_warehouse(
      path, sources,
      [&](const std::string& table, const LoadProgress& p) {
        if (table != current) {
          bar = std::make_unique<ProgressBar>("build " + table);
          current = table;
        }
        bar->update(p);
      },
      build_options);
  bar.reset();
  // What was dropped is said even with --quiet: data went away.
  if (!summary.user_data.discarded.empty())
    std::cerr << "discarded, as --discard-user-data asked: " << describe(summary.user_data.discarded) << "\n";
  if (summary.old_unreadable)
    std::cerr << "the old warehouse was too damaged to read what you had added; replaced without it, as "
                 "--discard-user-data asked\n";
  if (options.quiet) return;
  std::uint64_t rows = 0;
  for (const auto& t : summary.tables) rows += t.added;
  out << "built " << summary.path.string() << ": " << summary.tables.size() << " tables, " << rows << " rows from "
      << sources.origin << " seeds\n";
  if (!summary.user_data.kept.empty()) out << "kept what you added: " << describe(summary.user_data.kept) << "\n";
}

}  // namespace aigc::cmd
