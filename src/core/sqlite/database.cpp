#include "sqlite/database.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include <SQLiteCpp/Exception.h>

#include "base/error.h"

namespace aigc {

namespace {

/// printf() and format() on every connection aigc opens. SQLite's own builds the result one
/// padding character at a time up to a width or precision of 2^31 before it
/// notices the string limit, ~10-40 s inside one call that the progress
/// handler (Ctrl-C, --timeout) never sees; and a result past the limit comes
/// back as NULL, a wrong answer with exit 0. This wrapper refuses such a
/// width or precision before any work and turns the NULL into SQLite's
/// "string or blob too big"; everything else is SQLite's own printf(), run on
/// a private in-memory connection (a connection's function of that name
/// hides the built-in one, which has no other public entry point).
struct PrintfWrapper {
  sqlite3* formatter = nullptr;
  std::vector<sqlite3_stmt*> by_arity;  ///< "SELECT printf(?1, ..., ?n)", made on first use

  ~PrintfWrapper() {
    for (auto* s : by_arity) sqlite3_finalize(s);
    sqlite3_close(formatter);
  }

  sqlite3_stmt* statement(int argc) {
    if (static_cast<std::size_t>(argc) >= by_arity.size()) by_arity.resize(static_cast<std::size_t>(argc) + 1, nullptr);
    auto& slot = by_arity[static_cast<std::size_t>(argc)];
    if (!slot) {
      std::string sql = "SELECT printf(";
      for (int i = 1; i <= argc; ++i) sql += (i > 1 ? ",?" : "?") + std::to_string(i);
      sql += ")";
      if (sqlite3_prepare_v2(formatter, sql.c_str(), -1, &slot, nullptr) != SQLITE_OK) slot = nullptr;
    }
    return slot;
  }

  static void destroy(void* self) { delete static_cast<PrintfWrapper*>(self); }

  /// Whether a conversion in `format` asks for a width or precision (written
  /// out, or taken from an argument with *) beyond `limit` characters.
  static bool asks_beyond(const char* format, int argc, sqlite3_value** argv, long long limit) {
    int next_arg = 1;  // argv[0] is the format
    auto beyond = [&](long long v) { return v > limit || v < -limit; };
    auto number_or_star = [&](const char*& p) {
      if (*p == '*') {
        ++p;
        return next_arg < argc && beyond(sqlite3_value_int64(argv[next_arg++]));
      }
      long long n = 0;
      for (; *p >= '0' && *p <= '9'; ++p) n = std::min(n * 10 + (*p - '0'), limit + 1);
      return beyond(n);
    };
    for (const char* p = format; *p; ++p) {
      if (*p != '%') continue;
      if (*++p == '%') continue;
      while (*p && std::strchr("-+ #!0,", *p)) ++p;
      if (number_or_star(p)) return true;
      if (*p == '.' && number_or_star(++p)) return true;
      while (*p == 'l') ++p;
      // SQLite stops formatting at a conversion it does not know.
      if (*p == '\0' || !std::strchr("dsgzqQwcouxXfeEGiprn", *p)) return false;
      if (*p != 'n') ++next_arg;
    }
    return false;
  }

  static void call(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
    auto* self = static_cast<PrintfWrapper*>(sqlite3_user_data(ctx));
    const char* format = argc >= 1 ? reinterpret_cast<const char*>(sqlite3_value_text(argv[0])) : nullptr;
    if (!format) return;  // NULL, as SQLite's printf() answers
    const int limit = sqlite3_limit(sqlite3_context_db_handle(ctx), SQLITE_LIMIT_LENGTH, -1);
    if (asks_beyond(format, argc, argv, limit)) return sqlite3_result_error_toobig(ctx);
    sqlite3_limit(self->formatter, SQLITE_LIMIT_LENGTH, limit);
    sqlite3_stmt* stmt = self->statement(argc);
    if (!stmt) return sqlite3_result_error_nomem(ctx);
    for (int i = 0; i < argc; ++i) sqlite3_bind_value(stmt, i + 1, argv[i]);
    const int rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW) {
      // Only an empty format yields NULL; any other NULL is a result that
      // passed the limit (or ran out of memory) and was dropped.
      if (sqlite3_column_type(stmt, 0) == SQLITE_NULL && *format != '\0')
        sqlite3_result_error_toobig(ctx);
      else
        sqlite3_result_value(ctx, sqlite3_column_value(stmt, 0));
    } else if (rc == SQLITE_TOOBIG) {
      sqlite3_result_error_toobig(ctx);
    } else if (rc == SQLITE_NOMEM) {
      sqlite3_result_error_nomem(ctx);
    } else {
      sqlite3_result_error(ctx, sqlite3_errmsg(self->formatter), -1);
    }
    sqlite3_reset(stmt);
    sqlite3_clear_bindings(stmt);
  }
};

}  // namespace

void guard_printf(sqlite3* h) {
  for (const char* name : {"printf", "format"}) {
    auto wrapper = std::make_unique<PrintfWrapper>();
    if (sqlite3_open_v2(":memory:", &wrapper->formatter, SQLITE_OPEN_READWRITE | SQLITE_OPEN_MEMORY, nullptr) !=
        SQLITE_OK)
      throw DataError("cannot open SQLite's in-memory formatter for printf()");
    // SQLite owns the wrapper from here and frees it with the connection (or
    // at once, should the registration fail). INNOCUOUS: a view in the
    // warehouse may call printf() while the schema is untrusted.
    if (sqlite3_create_function_v2(h, name, -1, SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS,
                                   wrapper.release(), &PrintfWrapper::call, nullptr, nullptr,
                                   &PrintfWrapper::destroy) != SQLITE_OK)
      throw DataError(std::string("cannot register the guarded ") + name + "()");
  }
}


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
  guard_printf(db);
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
