// aigc import: any CSV as a new table, for ad-hoc work beside the warehouse.
#include <iostream>
#include <memory>

#include "cmd/commands.h"
#include "cmd/progress.h"
#include "core/csv_reader.h"
#include "core/loader.h"
#include "core/warehouse.h"

namespace aigc::cmd {

namespace {
struct ImportOptions {
  std::string file;
  std::string as;
  bool replace = false;
  bool dry_run = false;
  std::size_t max_errors = 100;
};
}  // namespace

void setup_import(CLI::App& app, GlobalOptions& global) {
  auto opts = std::make_shared<ImportOptions>();
  auto* sub = app.add_subcommand("import", "Create a new table from any CSV file (header names become columns)");
  sub->add_option("file", opts->file, "CSV file; - for standard input")->required();
  sub->add_option("--as", opts->as, "Name of the new table")->required();
  sub->add_flag("--replace", opts->replace, "Replace an existing table of that name");
  sub->add_flag("--dry-run", opts->dry_run, "Check the file as an import would, then roll back: no table is created");
  sub->add_option("--max-errors", opts->max_errors, "Stop after this many errors (all are reported)")
      ->default_val(100)
      ->check(CLI::PositiveNumber);
  sub->footer(R"(Columns are untyped: a value is stored as a number only where that keeps its
exact text, so codes such as 0870 or 12345678901234567890 stay as written.
The same checks as 'load' apply to the file itself (UTF-8, quoting, field
counts); on any error no table is created.

Examples:
  aigc import deals.csv --as deals
    imported 1520 rows into new table deals
  aigc sql "SELECT * FROM deals LIMIT 5"
)");
  sub->callback([opts, &global] {
    auto db = open_warehouse(resolve_warehouse_path(global.db), Access::read_write);
    CsvReader csv(opts->file);
    ProgressBar bar("import " + opts->as);
    LoadOptions lo;
    lo.replace_table = opts->replace;
    lo.dry_run = opts->dry_run;
    lo.max_errors = opts->max_errors;
    lo.progress = [&](const LoadProgress& p) { bar.update(p); };
    auto summary = import_table(db.getHandle(), csv, opts->as, lo);
    bar.clear();
    const char* rows = summary.rows == 1 ? " row" : " rows";
    if (opts->dry_run)
      std::cout << "checked " << summary.rows << rows << ": table " << summary.table
                << " would be created (dry run: nothing was written)\n";
    else
      std::cout << "imported " << summary.rows << rows << " into new table " << summary.table << "\n";
  });
}

}  // namespace aigc::cmd
