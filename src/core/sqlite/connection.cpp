#include "sqlite/connection.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include <SQLiteCpp/Exception.h>

#include "base/environment.h"
#include "base/error.h"
#include "sqlite/sqlite_error.h"
#include "sqlite/statement.h"

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
  std::vector<Statement> by_arity;  ///< "SELECT printf(?1, ..., ?n)", made on first use

  ~PrintfWrapper() {
    by_arity.clear();  // every statement finalized before its connection closes
    sqlite3_close(formatter);
  }

  /// Empty if it cannot be prepared (out of memory).
  Statement& statement(int argc) {
    if (static_cast<std::size_t>(argc) >= by_arity.size()) by_arity.resize(static_cast<std::size_t>(argc) + 1);
    auto& slot = by_arity[static_cast<std::size_t>(argc)];
    if (!slot) {
      std::string sql = "SELECT printf(";
      for (int i = 1; i <= argc; ++i) sql += (i > 1 ? ",?" : "?") + std::to_string(i);
      sql += ")";
      Statement::try_prepare(formatter, sql, slot, nullptr, Prepare::persistent);
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
    Statement& stmt = self->statement(argc);
    if (!stmt) return sqlite3_result_error_nomem(ctx);
    for (int i = 0; i < argc; ++i) sqlite3_bind_value(stmt.get(), i + 1, argv[i]);
    // Not step(): each failure becomes the function's own SQLite error.
    const int rc = stmt.try_step();
    if (rc == SQLITE_ROW) {
      // Only an empty format yields NULL; any other NULL is a result that
      // passed the limit (or ran out of memory) and was dropped.
      if (stmt.column_is_null(0) && *format != '\0')
        sqlite3_result_error_toobig(ctx);
      else
        sqlite3_result_value(ctx, sqlite3_column_value(stmt.get(), 0));
    } else if (rc == SQLITE_TOOBIG) {
      sqlite3_result_error_toobig(ctx);
    } else if (rc == SQLITE_NOMEM) {
      sqlite3_result_error_nomem(ctx);
    } else {
      sqlite3_result_error(ctx, sqlite3_errmsg(self->formatter), -1);
    }
    stmt.reset();
    stmt.clear_bindings();
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

fs::path database_file(sqlite3* db) {
  const char* name = db ? sqlite3_db_filename(db, "main") : nullptr;
  return name && *name ? fs::path(name) : fs::path();
}

SQLite::Database open_database(const fs::path& path, Access access) {
  std::error_code ec;
  if (!fs::exists(path, ec)) throw DataError("no warehouse at " + path.string());
  // NOMUTEX: a connection is used by one thread only (the loader's second
  // thread parses, it never touches SQLite), so SQLite's per-call mutex is
  // pure cost.
  const int flags =
      (access == Access::read_only ? SQLite::OPEN_READONLY : SQLite::OPEN_READWRITE) | SQLite::OPEN_NOMUTEX;
  // Reading the schema is the first thing that touches the file's content:
  // it turns "file is not a database" into an error here, with the path.
  auto open_and_read = [&](int open_flags) {
    SQLite::Database db(path, open_flags, busy_timeout_ms());
    harden_connection(db.getHandle());
    db.exec("SELECT count(*) FROM sqlite_schema");
    return db;
  };
  auto open_for_use = [&] {
    SQLite::Database db = open_and_read(flags);
    db.exec("PRAGMA foreign_keys = ON");
    return db;
  };
  try {
    try {
      return open_for_use();
    } catch (const SQLite::Exception& e) {
      if (e.getExtendedErrorCode() != SQLITE_READONLY_ROLLBACK) throw;
    }
    // A writer was killed (or hit a full disk) mid-transaction and left a
    // hot journal. A read-only connection cannot roll it back; the first
    // read of a read-write one does, restoring the file as it was.
    open_and_read(SQLite::OPEN_READWRITE);
    return open_for_use();
  } catch (const SQLite::Exception& e) {
    throw DataError("cannot open warehouse " + path.string() + ": " + explain_sqlite_error(e));
  }
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
      // A double-quoted word is a name, never a string: with SQLite's old
      // fallback, SELECT "name_zhh" FROM firm (a misspelled column) printed
      // the text name_zhh for every row with exit 0 instead of an error.
      {SQLITE_DBCONFIG_DQS_DML, 0, "make double-quoted words names only"},
      {SQLITE_DBCONFIG_DQS_DDL, 0, "make double-quoted words names only in the schema"},
  };
  for (const auto& s : settings) {
    int now = -1;
    if (sqlite3_db_config(db, s.option, s.value, &now) != SQLITE_OK || now != s.value)
      throw DataError(std::string("cannot ") + s.what + ": " + sqlite3_errmsg(db));
  }
  for (const auto& l : kSqlLimits) sqlite3_limit(db, l.id, l.value);
  guard_printf(db);
}

}  // namespace aigc
