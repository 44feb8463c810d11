#pragma once
/// Building the warehouse from schema/ and seeds/, atomically.
#include <SQLiteCpp/Database.h>
#include <filesystem>
#include <string>
#include <vector>

#include "core/database.h"
#include "core/loader.h"

namespace aigc {

/// One input file: a name for messages ("seeds/firm.csv") and its bytes.
struct SourceFile {
  std::string name;
  std::string data;
};

/// The schema and seed files a build uses.
struct BuildSources {
  std::vector<SourceFile> schema;  ///< applied in name order
  std::vector<SourceFile> seeds;   ///< TABLE.csv each
  std::string origin;              ///< "embedded" or the directory
  std::string seed_digest;         ///< identifies the seed data

  /// The files compiled into the binary.
  static BuildSources embedded();
  /// ROOT/schema/*.sql and ROOT/seeds/*.csv.
  static BuildSources from_directory(const fs::path& root);
};

struct BuildSummary {
  fs::path path;
  std::vector<LoadSummary> tables;
};

/// Builds a complete warehouse in a temporary file beside `target`, checks
/// it (foreign_key_check, integrity_check), then renames it over `target`:
/// a failed or killed build leaves the old warehouse (or none) untouched.
BuildSummary build_warehouse(const fs::path& target, const BuildSources& sources,
                             const std::function<void(const std::string& table, const LoadProgress&)>& progress = {});

/// Opens the warehouse at `path`, building it from the embedded sources
/// first if no file is there. `built` tells whether that happened.
SQLite::Database open_warehouse(const fs::path& path, Access access, bool* built = nullptr);

/// Seed tables in an order where every table comes after those it refers to.
std::vector<std::string> load_order(sqlite3* db, const std::vector<std::string>& tables);

}  // namespace aigc
