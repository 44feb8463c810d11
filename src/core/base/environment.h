#pragma once
/// What the environment says: where the warehouse lives and how long to wait
/// for another process's lock. Plain functions of the environment, no SQLite.
#include <filesystem>
#include <string>

namespace aigc {

namespace fs = std::filesystem;

/// Where the warehouse lives when neither --db nor AIGC_DB names one:
/// $XDG_DATA_HOME/aigc/warehouse.db, else ~/.local/share/aigc/warehouse.db.
fs::path default_warehouse_path();

/// `flag` (from --db) if not empty, else $AIGC_DB if set, else the default.
fs::path resolve_warehouse_path(const std::string& flag);

/// How long to wait for another process's lock, in milliseconds:
/// $AIGC_BUSY_TIMEOUT if set to a number, else 5000.
int busy_timeout_ms();

}  // namespace aigc
