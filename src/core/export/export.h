#pragma once
/// Exporting saved queries to files, with a manifest saying what was
/// exported, from which warehouse and seeds, and when.
#include <sqlite3.h>

#include <cstdint>
#include <ctime>
#include <filesystem>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/connection.h"
#include "query/catalog.h"
#include "render/render.h"

namespace aigc {

namespace fs = std::filesystem;

struct ExportOptions {
  /// Format, bom, crlf, excel_safe, null_text; max_width is ignored (files are never cut).
  RenderOptions render;
  /// --param values. Exporting every query, each applies to the queries that take it.
  ParamArgs params;
  /// Where a file named "-" goes (export_query only); null: "-" is refused.
  std::ostream* standard_output = nullptr;
};

/// ".csv", ".json", ".md", or ".txt" for the table format.
std::string_view format_extension(Format f);

/// What was written for one query.
struct ExportedQuery {
  std::string name;
  std::string title;
  fs::path file;
  std::uint64_t rows = 0;
  std::vector<std::pair<std::string, ParamValue>> params;  ///< the values bound
};

/// Runs `query` and writes its rows to `file` (an OutputFile: under a
/// temporary name, renamed into place only when complete, so a failure
/// leaves no file behind and an older `file` untouched; a device or FIFO in
/// place; "-" to options.standard_output). Throws UsageError if `file` is
/// the database `db` reads, or a companion of it (core/base/output_file.h).
ExportedQuery export_query(engine::Connection& db, const SavedQuery& query, const fs::path& file,
                           const ExportOptions& options);
ExportedQuery export_query(sqlite3* db, const SavedQuery& query, const fs::path& file, const ExportOptions& options);

/// Where the exported data came from: the warehouse and its aigc_meta rows.
struct WarehouseInfo {
  fs::path database;        ///< absolute path
  std::string seed_origin;  ///< empty when aigc_meta lacks the key
  std::string seed_digest;
  std::string built_at;

  /// Reads aigc_meta (keys seed_origin, seed_digest, built_at) from `db`.
  static WarehouseInfo read(engine::Connection& db, const fs::path& path);
  static WarehouseInfo read(sqlite3* db, const fs::path& path);
};

struct ExportSummary {
  fs::path dir;
  fs::path manifest;
  std::vector<ExportedQuery> queries;
};

/// Exports every query of `catalog` to DIR/NAME.EXT (DIR is created if
/// missing) and writes DIR/manifest.json. All or nothing: every parameter is
/// checked and every file written under a temporary name first, and only
/// when all succeeded are they renamed into place, the manifest last. A
/// failure leaves DIR as it was. Throws UsageError for a --param no query
/// takes or a required parameter left out, or if a file would land on the
/// database `db` reads (checked for every file before any query runs).
ExportSummary export_all(engine::Connection& db, const WarehouseInfo& warehouse, const QueryCatalog& catalog,
                         const fs::path& dir, const ExportOptions& options);
ExportSummary export_all(sqlite3* db, const WarehouseInfo& warehouse, const QueryCatalog& catalog, const fs::path& dir,
                         const ExportOptions& options);

/// Writes the manifest: {generated_at, aigc_version, database, built_at,
/// seed_origin, seed_digest, queries_origin, format, queries: [{name, title,
/// file, rows, params}]}. `generated_at` is UTC ISO-8601.
void write_manifest(std::ostream& out, const WarehouseInfo& warehouse, const std::string& queries_origin, Format format,
                    const std::vector<ExportedQuery>& queries, const std::string& generated_at);

/// The time outputs record as theirs: now, or $SOURCE_DATE_EPOCH (seconds
/// since 1970) when set, so that the same data exports to the same bytes
/// (reproducible builds' convention; the server's downloads are compared
/// with `aigc export`'s files this way).
std::time_t export_time();

/// export_time() in UTC as ISO-8601: 2024-01-31T08:00:00Z.
std::string utc_timestamp();

/// The version of aigc, e.g. "0.1.0".
std::string_view aigc_version();

}  // namespace aigc
