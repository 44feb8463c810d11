// aigc export: writes saved queries' results to files, with a manifest.
#include <iostream>
#include <memory>
#include <optional>

#include "base/error.h"
#include "base/output_file.h"
#include "cmd/commands.h"
#include "cmd/query_options.h"
#include "export/export.h"
#include "export/xlsx_export.h"
#include "postgres/pg_engine.h"
#include "sqlite/sqlite_engine.h"
#include "warehouse/warehouse.h"

namespace aigc::cmd {

namespace {

/// What the export reads: the warehouse file, or the server --on names.
class ExportSource {
 public:
  ExportSource(const ServerFlags& server, const fs::path& warehouse) : warehouse_(warehouse) {
    if (server.on_server()) {
      pg_ = open_server(server, Access::read_only);
    } else {
      file_.emplace(open_warehouse(warehouse, Access::read_only));  // built on first use; the export only reads
      sqlite_.emplace(file_->getHandle());
    }
  }
  engine::Connection& db() { return pg_ ? static_cast<engine::Connection&>(*pg_) : *sqlite_; }
  WarehouseInfo info() {
    WarehouseInfo info = WarehouseInfo::read(db(), warehouse_);
    if (pg_) info.database = pg_->shown_target();
    return info;
  }

 private:
  fs::path warehouse_;
  std::optional<SQLite::Database> file_;
  std::optional<SqliteConnection> sqlite_;
  std::unique_ptr<PgConnection> pg_;
};

}  // namespace

void setup_export(CLI::App& app, GlobalOptions& global) {
  auto opts = std::make_shared<ExportCommandOptions>();
  auto* sub = app.add_subcommand("export", "Write saved queries' results to files (one query, or all with a manifest)");
  sub->add_option("name", opts->name, "Saved query to export");
  sub->add_flag("--all", opts->all, "Export every saved query into --dir, plus manifest.json");
  sub->add_option(
      "-o,--output", opts->output,
      "File to write one query to (default: NAME.EXT in --dir or here; - is standard output; never the warehouse)");
  sub->add_option("--dir", opts->dir, "Directory for the files (created if missing; required with --all)");
  sub->add_option(
      "--xlsx", opts->xlsx,
      "Write one Excel workbook instead: an index sheet, then a sheet per query (with --all, or one query)");
  add_param_option(sub, opts->params);
  add_format_option(sub, opts->out, "csv");
  add_csv_options(sub, opts->out);
  add_queries_option(sub, opts->queries);
  add_server_options(sub, opts->server);
  sub->footer(R"(Each file is written under a temporary name and renamed when complete, so an
interrupted export never leaves a truncated file. With --all nothing is renamed
until every query has run: a failure leaves DIR as it was. The extension
follows --format: .csv, .json, .jsonl, .md, .txt (table). With --all, a --param goes to
every query that takes it. manifest.json records when, from which warehouse and
seeds, which queries, their parameters and row counts.

Examples:
  aigc export --all --dir report-tables --bom     # for Excel on Chinese Windows
  aigc export api_prices -o api_prices.csv
  aigc export api_prices_normalised -p fx_usd_cny=7.2 --format json -o prices.json
  aigc export --all --xlsx aigc.xlsx          # one workbook: index + a sheet per query
)");
  sub->callback([opts, &global, sub] {
    opts->format_given = sub->count("--format") > 0;
    run_export(*opts, global, std::cout);
  });
}

void run_export(const ExportCommandOptions& options, const GlobalOptions& global, std::ostream& out) {
  if (options.all == !options.name.empty())
    throw UsageError(options.all ? "give either --all or a query name, not both"
                                 : "name a saved query to export, or use --all --dir DIR");
  const auto catalog = QueryCatalog::resolve(options.queries);
  aigc::ExportOptions eo;
  eo.render = render_options(options.out);
  eo.params = parse_param_args(options.params);
  const fs::path path = options.server.on_server() ? fs::path() : resolve_warehouse_path(global.db);
  if (!options.xlsx.empty()) {
    if (!options.dir.empty() || options.output)
      throw UsageError("--xlsx names the workbook to write; leave out --dir and -o");
    if (options.format_given || options.out.bom || options.out.crlf || options.out.excel_safe)
      throw UsageError("--format, --bom, --crlf and --excel-safe are for text files, not --xlsx");
    check_output_path(options.xlsx, path);
    ExportSource source(options.server, path);
    const auto queries = options.all ? catalog.queries() : std::vector<SavedQuery>{catalog.find(options.name)};
    auto summary = export_xlsx(source.db(), queries, options.xlsx, eo.params, &out);
    std::uint64_t rows = 0;
    for (const auto& s : summary.sheets) rows += s.rows;
    (options.xlsx == "-" ? std::cerr : out)
        << "exported " << summary.sheets.size() << (summary.sheets.size() == 1 ? " query (" : " queries (") << rows
        << " rows) to " << options.xlsx << "\n";
    return;
  }
  if (options.all) {
    if (options.output) throw UsageError("-o names one file; with --all use --dir DIR");
    if (options.dir.empty()) throw UsageError("--all needs --dir DIR, the directory to write the files into");
    ExportSource source(options.server, path);
    auto summary = export_all(source.db(), source.info(), catalog, options.dir, eo);
    std::uint64_t rows = 0;
    for (const auto& q : summary.queries) rows += q.rows;
    out << "exported " << summary.queries.size() << " queries (" << rows << " rows) to " << summary.dir.string()
        << "; manifest " << summary.manifest.string() << "\n";
    return;
  }
  const SavedQuery& query = catalog.find(options.name);
  fs::path file;
  if (options.output)
    file = *options.output;
  else
    file = (options.dir.empty() ? fs::path(".") : fs::path(options.dir)) /
           (query.name + std::string(format_extension(eo.render.format)));
  if (options.output && !options.dir.empty()) throw UsageError("give -o FILE or --dir DIR, not both");
  if (std::error_code ec; !options.dir.empty() && fs::exists(options.dir, ec) && !fs::is_directory(options.dir, ec))
    throw UsageError("cannot write into " + options.dir + ": it is not a directory (--dir names a directory)");
  if (std::error_code ec; options.dir.empty() || fs::is_directory(options.dir, ec))
    check_output_path(file, path);  // before the warehouse is opened (or built)
  if (std::error_code ec; !options.dir.empty() && !fs::create_directories(options.dir, ec) && ec)
    throw DataError("cannot create directory " + options.dir + ": " + ec.message());
  eo.standard_output = &out;
  ExportSource source(options.server, path);
  auto e = export_query(source.db(), query, file, eo);
  // The summary is a message: on standard error when the data itself went to standard output.
  (file == "-" ? std::cerr : out) << "exported " << e.name << " (" << e.rows << (e.rows == 1 ? " row" : " rows")
                                  << ") to " << e.file.string() << "\n";
}

}  // namespace aigc::cmd
