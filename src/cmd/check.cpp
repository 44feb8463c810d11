// aigc check: runs the declarative data checks on the warehouse.
#include <iostream>
#include <memory>

#include "base/error.h"
#include "cmd/commands.h"
#include "cmd/query_options.h"
#include "query/check.h"
#include "warehouse/warehouse.h"

namespace aigc::cmd {

void setup_check(CLI::App& app, GlobalOptions& global) {
  auto opts = std::make_shared<CheckCommandOptions>();
  auto* sub = app.add_subcommand("check", "Run data checks on the warehouse and list every row that fails one");
  sub->add_option("--only", opts->only, "Run only this check (repeatable); see --list");
  sub->add_flag("--list", opts->list, "List the checks and what each verifies, and run none");
  sub->add_option("--max-rows", opts->max_rows, "Failing rows shown per check (all are counted)")
      ->default_val(100)
      ->check(CLI::PositiveNumber);
  sub->add_option("-f,--format", opts->format,
                  "Write the failing rows as table, csv, json, jsonl or markdown instead of the report");
  add_csv_options(sub, opts->out);
  sub->footer(R"(Checks: integrity, foreign keys, unique keys, values the schema's CHECK and
NOT NULL rules accept, min <= max in ranges, declared counts against rows
present, provenance (section_id with source_line, or source_note), and
coverage: every non-blank line of the report's text is cited by a row or
listed in text_line with its reason (aigc run coverage shows it by page).
Each failing row is shown with its table, key and, for a row of the seed
data, its seed file and line. A failure the report's known gaps document
(known_gap) is a warning. Exit status 1 if any check fails.

Examples:
  aigc check
    ok    integrity        the file's structure, indexes and column types are sound ...
    FAIL  min_le_max       a range's minimum is not above its maximum: 1 failing row
          pricing: pricing_id = 'mine' (seeds/pricing.csv:13): price_min 5.0 > price_max 1.0
  aigc check --only foreign_keys --format csv > dangling.csv
)");
  sub->callback([opts, &global] { run_check(*opts, global, std::cout); });
}

void run_check(const CheckCommandOptions& options, const GlobalOptions& global, std::ostream& out) {
  if (options.list) {
    for (const auto& c : data_checks()) out << c.name << "\t" << c.description << "\n";
    return;
  }
  auto db = open_warehouse(resolve_warehouse_path(global.db), Access::read_only);
  CheckOptions co;
  co.only = options.only;
  co.max_findings = options.format ? static_cast<std::size_t>(-1) : options.max_rows;
  co.seeds = warehouse_seeds(db.getHandle());
  const CheckReport report = run_checks(db.getHandle(), co);
  if (options.format) {
    OutputFlags flags = options.out;
    flags.format = *options.format;
    render_check_report(report, out, render_options(flags));
  } else {
    write_check_report(report, out);
  }
  out.flush();
  if (const auto failed = report.failed())
    throw DataError(std::to_string(failed) + (failed == 1 ? " check" : " checks") + " failed");
}

}  // namespace aigc::cmd
