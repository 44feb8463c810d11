#include "base/environment.h"

#include <cstdlib>

namespace aigc {

fs::path default_warehouse_path() {
  if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg && *xdg) return fs::path(xdg) / "aigc" / "warehouse.db";
  if (const char* home = std::getenv("HOME"); home && *home)
    return fs::path(home) / ".local" / "share" / "aigc" / "warehouse.db";
  return fs::current_path() / "aigc-warehouse.db";
}

fs::path resolve_warehouse_path(const std::string& flag) {
  if (!flag.empty()) return flag;
  if (const char* env = std::getenv("AIGC_DB"); env && *env) return env;
  return default_warehouse_path();
}

int busy_timeout_ms() {
  if (const char* env = std::getenv("AIGC_BUSY_TIMEOUT"); env && *env) {
    char* end = nullptr;
    const long ms = std::strtol(env, &end, 10);
    if (*end == '\0' && ms >= 0 && ms <= 24L * 3600 * 1000) return static_cast<int>(ms);
  }
  return 5000;
}

}  // namespace aigc
