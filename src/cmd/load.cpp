// aigc load: appends (or upserts) a CSV's rows into a warehouse table.
#include <iostream>
#include <memory>

#include "cmd/commands.h"
#include "cmd/csv_input.h"
#include "cmd/progress.h"
#include "csv/csv_reader.h"
#include "load/loader.h"
#include "warehouse/warehouse.h"

namespace aigc::cmd {

void setup_load(CLI::App& app, GlobalOptions& global) {
  auto opts = std::make_shared<LoadCommandOptions>();
  auto* sub = app.add_subcommand("load", "Append rows from a CSV file to a warehouse table, validated, all or nothing");
  sub->add_option("table", opts->table, "Warehouse table to load into (its name is the seed file's stem)")->required();
  sub->add_option("file", opts->file, "CSV file with a header row naming the table's columns; - for standard input")
      ->required();
  sub->add_flag("--upsert", opts->upsert, "A row whose primary key exists replaces the stored row");
  sub->add_flag("--dry-run", opts->dry_run, "Check the file as a load would, then roll back: nothing is written");
  sub->add_option("--max-errors", opts->max_errors, "Stop after this many errors (all are reported)")
      ->default_val(100)
      ->check(CLI::PositiveNumber);
  add_delimiter_options(*sub, opts->delimiter);
  sub->footer(R"(The header names columns in any order; columns left out take their defaults.
Every value is checked against the column's type and constraints and every
reference against its table. If anything is wrong, every error is listed as
FILE:LINE:COLUMN: column NAME: what is wrong, and nothing is loaded.

Examples:
  aigc load pricing my_prices.csv
  aigc load pricing refreshed_prices.csv --upsert
    loaded 12 rows into pricing: 3 added, 9 replaced
  aigc load pricing prices_de.csv --delimiter ';'
)");
  sub->callback([opts, &global] { run_load(*opts, global, std::cout); });
}

void run_load(const LoadCommandOptions& options, const GlobalOptions& global, std::ostream& out) {
  const CsvOptions csv_options = csv_options_from(options.delimiter);
  auto db = open_warehouse(resolve_warehouse_path(global.db), Access::read_write);
  CsvReader csv(options.file, csv_options);
  ProgressBar bar("load " + options.table);
  aigc::LoadOptions lo;
  lo.upsert = options.upsert;
  set_shared_load_options(options, bar, lo);
  auto summary = load_table(db.getHandle(), csv, options.table, lo);
  bar.clear();
  const char* rows = summary.rows == 1 ? " row" : " rows";
  if (options.dry_run)
    out << "checked " << summary.rows << rows << " for " << summary.table << ": all would load";
  else
    out << "loaded " << summary.rows << rows << " into " << summary.table;
  if (options.upsert)
    out << (options.dry_run ? ", " : ": ") << summary.added << " added, " << summary.replaced << " replaced";
  if (options.dry_run) out << " (dry run: nothing was written)";
  out << "\n";
}

}  // namespace aigc::cmd
