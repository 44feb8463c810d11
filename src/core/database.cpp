#include "core/database.h"

#include <cstdlib>

#include <SQLiteCpp/Exception.h>

#include "core/error.h"

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

SQLite::Database open_database(const fs::path& path, Access access) {
  std::error_code ec;
  if (!fs::exists(path, ec)) throw DataError("no warehouse at " + path.string());
  const int flags = access == Access::read_only ? SQLite::OPEN_READONLY : SQLite::OPEN_READWRITE;
  try {
    SQLite::Database db(path, flags, 5000);
    // Reading the schema is the first thing that touches the file's content:
    // it turns "file is not a database" into an error here, with the path.
    db.exec("SELECT count(*) FROM sqlite_schema");
    db.exec("PRAGMA foreign_keys = ON");
    return db;
  } catch (const SQLite::Exception& e) {
    throw DataError("cannot open warehouse " + path.string() + ": " + e.what());
  }
}

void configure_sqlite() { sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); }

std::string quote_identifier(std::string_view name) {
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string quote_literal(std::string_view value) {
  std::string out = "'";
  for (char c : value) {
    if (c == '\'') out += '\'';
    out += c;
  }
  return out + "'";
}

RawStatement::RawStatement(sqlite3* db, std::string_view sql) : db_(db) {
  int rc = sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &stmt_, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = sqlite3_errmsg(db);
    sqlite3_finalize(stmt_);
    throw DataError(msg + " in: " + std::string(sql));
  }
}

RawStatement::~RawStatement() { sqlite3_finalize(stmt_); }

RawStatement::RawStatement(RawStatement&& other) noexcept : db_(other.db_), stmt_(other.stmt_) { other.stmt_ = nullptr; }

static void check_bind(sqlite3* db, int rc) {
  if (rc != SQLITE_OK) throw DataError(std::string("bind failed: ") + sqlite3_errmsg(db));
}

void RawStatement::bind_text(int index, std::string_view value) {
  // A null data pointer would bind SQL NULL; an empty string must stay ''.
  const char* data = value.data() ? value.data() : "";
  check_bind(db_, sqlite3_bind_text64(stmt_, index, data, value.size(), SQLITE_STATIC, SQLITE_UTF8));
}
void RawStatement::bind_int64(int index, std::int64_t value) { check_bind(db_, sqlite3_bind_int64(stmt_, index, value)); }
void RawStatement::bind_double(int index, double value) { check_bind(db_, sqlite3_bind_double(stmt_, index, value)); }
void RawStatement::bind_null(int index) { check_bind(db_, sqlite3_bind_null(stmt_, index)); }
int RawStatement::step() noexcept { return sqlite3_step(stmt_); }
void RawStatement::reset() noexcept { sqlite3_reset(stmt_); }

}  // namespace aigc
