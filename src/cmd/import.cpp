// aigc import: any CSV as a new table, for ad-hoc work beside the warehouse.
#include <iostream>
#include <memory>

#include "cmd/commands.h"
#include "cmd/csv_input.h"
#include "cmd/progress.h"
#include "csv/csv_reader.h"
#include "load/loader.h"
#include "sqlite/table_info.h"
#include "warehouse/warehouse.h"

namespace aigc::cmd {

namespace {

/// The warehouse's own tables, which import must never create or replace:
/// those the embedded schema creates, found by applying it to an empty
/// in-memory database (the schema stays the one source of truth).
std::vector<std::string> warehouse_tables() {
  SQLite::Database mem(":memory:", SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
  for (const auto& f : BuildSources::embedded().schema) mem.exec(f.data);
  return table_names(mem.getHandle());
}
}  // namespace

void setup_import(CLI::App& app, GlobalOptions& global) {
  auto opts = std::make_shared<ImportCommandOptions>();
  auto* sub = app.add_subcommand("import", "Create a new table from any CSV file (header names become columns)");
  sub->add_option("file", opts->file, "CSV file; - for standard input")->required();
  sub->add_option("--as", opts->as, "Name of the new table")->required();
  sub->add_flag("--replace", opts->replace, "Replace an existing table of that name");
  sub->add_flag("--dry-run", opts->dry_run, "Check the file as an import would, then roll back: no table is created");
  sub->add_option("--max-errors", opts->max_errors, "Stop after this many errors (all are reported)")
      ->default_val(100)
      ->check(CLI::PositiveNumber);
  add_delimiter_options(*sub, opts->delimiter);
  sub->footer(R"(Columns are untyped: a value is stored as a number only where that keeps its
exact text, so codes such as 0870 or 12345678901234567890 stay as written.
The same checks as 'load' apply to the file itself (UTF-8, quoting, field
counts); on any error no table is created. The name may not be a warehouse
table (use 'aigc load' to add rows to one), start with sqlite_ or pragma_, or
be one of SQLite's table-valued functions such as json_each.

Examples:
  aigc import deals.csv --as deals
    imported 1520 rows into new table deals
  aigc sql "SELECT * FROM deals LIMIT 5"
  aigc import export.txt --as export --delimiter ';'
  aigc import sheet.tsv --as sheet --tsv
)");
  sub->callback([opts, &global] { run_import(*opts, global, std::cout); });
}

void run_import(const ImportCommandOptions& options, const GlobalOptions& global, std::ostream& out) {
  const CsvOptions csv_options = csv_options_from(options.delimiter);
  aigc::LoadOptions lo;
  lo.reserved_tables = warehouse_tables();
  // Checked before the warehouse is opened (or built): a refused name
  // changes nothing anywhere.
  check_import_name(options.as, lo.reserved_tables);
  auto db = open_warehouse(resolve_warehouse_path(global.db), Access::read_write);
  CsvReader csv(options.file, csv_options);
  ProgressBar bar("import " + options.as);
  lo.replace_table = options.replace;
  set_shared_load_options(options, bar, lo);
  auto summary = import_table(db.getHandle(), csv, options.as, lo);
  bar.clear();
  const char* rows = summary.rows == 1 ? " row" : " rows";
  if (options.dry_run)
    out << "checked " << summary.rows << rows << ": table " << summary.table
        << " would be created (dry run: nothing was written)\n";
  else
    out << "imported " << summary.rows << rows << " into new table " << summary.table << "\n";
}

}  // namespace aigc::cmd
