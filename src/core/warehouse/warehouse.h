#pragma once
/// Building the warehouse from schema/ and seeds/, atomically.
#include <SQLiteCpp/Database.h>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "base/environment.h"  // resolve_warehouse_path(), which open_warehouse() callers use
#include "load/loader.h"
#include "sqlite/connection.h"
#include "warehouse/user_data.h"

namespace aigc {

/// `PRAGMA application_id` of every warehouse aigc builds: 'AIGC' in ASCII.
/// `build` replaces only a file that carries it (or an empty or missing
/// one, or a warehouse of an older aigc, recognised by its aigc_meta table),
/// so a mistyped --db never replaces another program's database.
inline constexpr std::int32_t kApplicationId = 0x41494743;

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
  fs::path path;  ///< the file replaced: the warehouse path with its symbolic links followed
  std::vector<LoadSummary> tables;
  CarryResult user_data;  ///< what users had added: kept, or dropped on request
  /// The old warehouse was too damaged to read what users had added, and
  /// discard_user_data allowed replacing it anyway.
  bool old_unreadable = false;
};

struct BuildOptions {
  /// Drop the rows users added that no longer fit (else the build fails
  /// listing them), and replace a warehouse too damaged to read them from.
  bool discard_user_data = false;
};

/// Builds a complete warehouse in a temporary file beside `target`, carries
/// over what users added to the old one (see user_data.h), checks it
/// (foreign_key_check, integrity_check), then renames it over `target`: a
/// failed or killed build leaves the old warehouse (or none) untouched.
/// Refuses (UsageError) a target that is not an aigc warehouse, an empty
/// file or a missing path. A symbolic link stays and the file it names is
/// replaced, with its permission mode and owner.
BuildSummary build_warehouse(const fs::path& target, const BuildSources& sources,
                             const std::function<void(const std::string& table, const LoadProgress&)>& progress = {},
                             const BuildOptions& options = {});

/// Opens the warehouse at `path`, building it from the embedded sources
/// first if no file is there. `built` tells whether that happened.
SQLite::Database open_warehouse(const fs::path& path, Access access, bool* built = nullptr);

/// Seed tables in an order where every table comes after those it refers to.
std::vector<std::string> load_order(sqlite3* db, const std::vector<std::string>& tables);

}  // namespace aigc
