#include "core/database.h"

#include <cstdlib>
#include <cstring>

#include <SQLiteCpp/Exception.h>

#include "core/error.h"

namespace aigc {

fs::path default_warehouse_path() {
  if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg && *xdg) return fs::path(xdg) / "aigc" / "warehouse.db";
  if (const char* home = std::getenv("HOME"); home && *home)
    return fs::path(home) / ".local" / "share" / "aigc" / "warehouse.db";
  return fs::current_path() / "aigc-warehouse.db";
}

fs::path database_file(sqlite3* db) {
  const char* name = db ? sqlite3_db_filename(db, "main") : nullptr;
  return name && *name ? fs::path(name) : fs::path();
}

fs::path resolve_warehouse_path(const std::string& flag) {
  if (!flag.empty()) return flag;
  if (const char* env = std::getenv("AIGC_DB"); env && *env) return env;
  return default_warehouse_path();
}

SQLite::Database open_database(const fs::path& path, Access access) {
  std::error_code ec;
  if (!fs::exists(path, ec)) throw DataError("no warehouse at " + path.string());
  // NOMUTEX: a connection is used by one thread only (the loader's second
  // thread parses, it never touches SQLite), so SQLite's per-call mutex is
  // pure cost.
  const int flags = (access == Access::read_only ? SQLite::OPEN_READONLY : SQLite::OPEN_READWRITE) | SQLite::OPEN_NOMUTEX;
  try {
    try {
      SQLite::Database db(path, flags, busy_timeout_ms());
      harden_connection(db.getHandle());
      // Reading the schema is the first thing that touches the file's content:
      // it turns "file is not a database" into an error here, with the path.
      db.exec("SELECT count(*) FROM sqlite_schema");
      db.exec("PRAGMA foreign_keys = ON");
      return db;
    } catch (const SQLite::Exception& e) {
      if (e.getExtendedErrorCode() != SQLITE_READONLY_ROLLBACK) throw;
    }
    // A writer was killed (or hit a full disk) mid-transaction and left a
    // hot journal. A read-only connection cannot roll it back; the first
    // read of a read-write one does, restoring the file as it was.
    {
      SQLite::Database recover(path, SQLite::OPEN_READWRITE, busy_timeout_ms());
      harden_connection(recover.getHandle());
      recover.exec("SELECT count(*) FROM sqlite_schema");
    }
    SQLite::Database db(path, flags, busy_timeout_ms());
    harden_connection(db.getHandle());
    db.exec("SELECT count(*) FROM sqlite_schema");
    db.exec("PRAGMA foreign_keys = ON");
    return db;
  } catch (const SQLite::Exception& e) {
    throw DataError("cannot open warehouse " + path.string() + ": " +
                    explain_sqlite_error(e.getExtendedErrorCode(), e.what()));
  }
}

int busy_timeout_ms() {
  if (const char* env = std::getenv("AIGC_BUSY_TIMEOUT"); env && *env) {
    char* end = nullptr;
    const long ms = std::strtol(env, &end, 10);
    if (*end == '\0' && ms >= 0 && ms <= 24L * 3600 * 1000) return static_cast<int>(ms);
  }
  return 5000;
}

std::string explain_sqlite_error(int extended_code, std::string_view message, int system_errno) {
  std::string out(message);
  if (system_errno != 0 && (extended_code & 0xff) == SQLITE_IOERR) out += std::string(" (") + std::strerror(system_errno) + ")";
  switch (extended_code & 0xff) {
    case SQLITE_FULL:
      return out + ": the disk is full; free some space and try again";
    case SQLITE_IOERR:
      return out + ": reading or writing the file failed; check that the disk has room (and no file size limit applies) "
                   "and works";
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return out + ": another process is writing to it (waited " + std::to_string(busy_timeout_ms()) +
             " ms); try again when it has finished, or wait longer with AIGC_BUSY_TIMEOUT=MILLISECONDS";
    case SQLITE_READONLY:
      if (extended_code == SQLITE_READONLY_ROLLBACK)
        return out + ": an interrupted write left a journal that must be rolled back, which needs write access to the "
                     "file and its directory";
      // SQLite refuses to write to a file renamed away while it was open:
      // here, a warehouse that `aigc build` replaced while this command
      // waited for its lock. Nothing was written; the new file has the lock free.
      if (extended_code == SQLITE_READONLY_DBMOVED)
        return out + ": the warehouse was replaced (by aigc build) while this command waited for it; nothing was "
                     "written, run the command again";
      return out + ": the file or its directory is not writable";
    case SQLITE_CANTOPEN:
      return out + ": check that the path and its directory exist and are accessible";
    case SQLITE_CORRUPT:
      return out + ": the file is damaged; restore a copy, or rebuild it with 'aigc build --discard-user-data' (rows "
                   "you added are lost)";
    case SQLITE_NOTADB:
      return out + ": the file is not a SQLite database (is --db or AIGC_DB the right path?)";
    default:
      return out;
  }
}

std::string explain_sqlite_error(sqlite3* db) {
  return explain_sqlite_error(sqlite3_extended_errcode(db), sqlite3_errmsg(db), sqlite3_system_errno(db));
}

void configure_sqlite(HeapLimit heap) {
  // SQLite enforces a heap limit only while it counts its memory, and
  // counting takes a global mutex on every allocation: the bulk writers,
  // which run only the project's own SQL, do without both.
  sqlite3_config(SQLITE_CONFIG_MEMSTATUS, heap == HeapLimit::bounded ? 1 : 0);
  if (heap == HeapLimit::bounded) sqlite3_hard_heap_limit64(kSqliteHeapLimit);
}

void harden_connection(sqlite3* db) {
  struct Setting {
    int option;
    int value;
    const char* what;
  };
  static constexpr Setting settings[] = {
      {SQLITE_DBCONFIG_DEFENSIVE, 1, "switch on SQLite's defensive mode"},
      {SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, "stop trusting the schema"},
      {SQLITE_DBCONFIG_ENABLE_FTS3_TOKENIZER, 0, "switch off fts3_tokenizer()"},
      {SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0, "switch off extension loading"},
  };
  for (const auto& s : settings) {
    int now = -1;
    if (sqlite3_db_config(db, s.option, s.value, &now) != SQLITE_OK || now != s.value)
      throw DataError(std::string("cannot ") + s.what + ": " + sqlite3_errmsg(db));
  }
  for (const auto& l : kSqlLimits) sqlite3_limit(db, l.id, l.value);
}

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
