#include "export/export.h"

#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <ctime>
#include <memory>

#include "base/error.h"
#include "base/json.h"
#include "base/output_file.h"
#include "base/version.h"
#include "query/query_result.h"
#include "sqlite/sqlite_engine.h"

namespace aigc {

namespace {

RenderOptions file_options(const ExportOptions& options) {
  RenderOptions r = options.render;
  r.max_width = 0;
  return r;
}

/// Renders one bound query into `file`, naming the query in any error.
std::uint64_t render_into(PreparedQuery& q, OutputFile& file, const RenderOptions& options) {
  try {
    return render(q.cursor(), file.stream(), options);
  } catch (const DataError& e) {
    throw DataError("query " + q.query().name + ": " + e.what() + "; nothing was written to " + file.named().string());
  }
}

std::string json_or_null(const std::string& s) { return s.empty() ? "null" : json_string(s); }

}  // namespace

std::string_view format_extension(Format f) {
  switch (f) {
    case Format::csv: return ".csv";
    case Format::json: return ".json";
    case Format::jsonl: return ".jsonl";
    case Format::markdown: return ".md";
    case Format::table: return ".txt";
  }
  return ".txt";
}

std::string_view aigc_version() { return kVersion; }

std::time_t export_time() {
  // https://reproducible-builds.org/specs/source-date-epoch/: a whole number
  // of seconds since 1970; anything else is ignored.
  if (const char* epoch = std::getenv("SOURCE_DATE_EPOCH"); epoch && *epoch) {
    char* end = nullptr;
    errno = 0;
    const long long v = std::strtoll(epoch, &end, 10);
    if (errno == 0 && *end == '\0' && v >= 0 && std::isdigit(static_cast<unsigned char>(*epoch)))
      return static_cast<std::time_t>(v);
  }
  return std::time(nullptr);
}

std::string utc_timestamp() {
  std::time_t now = export_time();
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

WarehouseInfo WarehouseInfo::read(engine::Connection& db, const fs::path& path) {
  WarehouseInfo info;
  std::error_code ec;
  info.database = fs::absolute(path, ec);
  if (ec) info.database = path;
  std::unique_ptr<engine::Cursor> rows;
  try {
    rows = db.prepare("SELECT key, value FROM aigc_meta");
  } catch (const DataError&) {
    return info;  // a warehouse from elsewhere may lack aigc_meta: its fields stay empty
  }
  try {
    while (rows->step()) {
      if (rows->column_type(0) == engine::ColumnType::null || rows->column_type(1) == engine::ColumnType::null)
        continue;
      const std::string_view key = rows->column_text(0);
      const std::string value(rows->column_text(1));
      if (key == "seed_origin")
        info.seed_origin = value;
      else if (key == "seed_digest")
        info.seed_digest = value;
      else if (key == "built_at")
        info.built_at = value;
    }
  } catch (const DataError&) {
    // As before the engine seam: what was read is kept, and the export's
    // own queries report a failing database.
  }
  return info;
}

WarehouseInfo WarehouseInfo::read(sqlite3* db, const fs::path& path) {
  SqliteConnection connection(db);
  return read(connection, path);
}

ExportedQuery export_query(engine::Connection& db, const SavedQuery& query, const fs::path& file,
                           const ExportOptions& options) {
  PreparedQuery q(db, query);
  ExportedQuery e;
  e.name = query.name;
  e.title = query.title;
  e.file = file;
  e.params = q.bind(options.params);
  OutputFile out(file, db.database_file(), options.standard_output);
  e.rows = render_into(q, out, file_options(options));
  out.commit();
  return e;
}

ExportedQuery export_query(sqlite3* db, const SavedQuery& query, const fs::path& file, const ExportOptions& options) {
  SqliteConnection connection(db);
  return export_query(connection, query, file, options);
}

ExportSummary export_all(sqlite3* db, const WarehouseInfo& warehouse, const QueryCatalog& catalog, const fs::path& dir,
                         const ExportOptions& options) {
  SqliteConnection connection(db);
  return export_all(connection, warehouse, catalog, dir, options);
}

ExportSummary export_all(engine::Connection& db, const WarehouseInfo& warehouse, const QueryCatalog& catalog,
                         const fs::path& dir, const ExportOptions& options) {
  // Each --param goes to the queries that take it; a bad one throws before anything is written.
  auto bound = bind_queries(db, catalog.queries(), options.params);
  ExportSummary summary;
  summary.dir = dir;
  for (auto& b : bound) {
    ExportedQuery e;
    e.name = b.prepared.query().name;
    e.title = b.prepared.query().title;
    e.file = dir / (e.name + std::string(format_extension(options.render.format)));
    e.params = std::move(b.params);
    summary.queries.push_back(std::move(e));
  }

  summary.manifest = dir / "manifest.json";
  const fs::path database = db.database_file();
  std::error_code ec;
  if (fs::exists(dir, ec) && !fs::is_directory(dir, ec))
    throw UsageError("cannot write into " + dir.string() + ": it is not a directory (--dir names a directory)");
  if (fs::is_directory(dir, ec))  // a new directory holds nothing to refuse
    for (const auto& q : summary.queries) check_output_path(q.file, database);
  if (fs::is_directory(dir, ec)) check_output_path(summary.manifest, database);
  fs::create_directories(dir, ec);
  if (ec) throw DataError("cannot create directory " + dir.string() + ": " + ec.message());

  const RenderOptions render = file_options(options);
  std::vector<std::unique_ptr<OutputFile>> files;
  for (std::size_t i = 0; i < bound.size(); ++i) {
    files.push_back(std::make_unique<OutputFile>(summary.queries[i].file, database));
    summary.queries[i].rows = render_into(bound[i].prepared, *files.back(), render);
  }
  OutputFile manifest(summary.manifest, database);
  write_manifest(manifest.stream(), warehouse, catalog.origin(), options.render.format, summary.queries,
                 utc_timestamp());
  for (auto& f : files) f->commit();
  manifest.commit();
  return summary;
}

void write_manifest(std::ostream& out, const WarehouseInfo& warehouse, const std::string& queries_origin, Format format,
                    const std::vector<ExportedQuery>& queries, const std::string& generated_at) {
  std::string j = "{\n";
  j += "  \"generated_at\": " + json_string(generated_at) + ",\n";
  j += "  \"aigc_version\": " + json_string(aigc_version()) + ",\n";
  j += "  \"database\": " + json_string(warehouse.database.string()) + ",\n";
  j += "  \"built_at\": " + json_or_null(warehouse.built_at) + ",\n";
  j += "  \"seed_origin\": " + json_or_null(warehouse.seed_origin) + ",\n";
  j += "  \"seed_digest\": " + json_or_null(warehouse.seed_digest) + ",\n";
  j += "  \"queries_origin\": " + json_string(queries_origin) + ",\n";
  j += "  \"format\": " + json_string(format_name(format)) + ",\n";
  j += "  \"queries\": [";
  for (std::size_t i = 0; i < queries.size(); ++i) {
    const auto& q = queries[i];
    j += i == 0 ? "\n" : ",\n";
    j += "    {\"name\": " + json_string(q.name) + ", \"title\": " + json_string(q.title) +
         ", \"file\": " + json_string(q.file.filename().string()) + ", \"rows\": " + std::to_string(q.rows) +
         ", \"params\": {";
    for (std::size_t k = 0; k < q.params.size(); ++k) {
      if (k > 0) j += ", ";
      j += json_string(q.params[k].first) + ": " + q.params[k].second.json();
    }
    j += "}}";
  }
  j += queries.empty() ? "]\n}\n" : "\n  ]\n}\n";
  out << j;
  out.flush();
  if (!out) throw DataError("cannot write the manifest: the output stream failed");
}

}  // namespace aigc
