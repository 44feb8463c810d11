#include "query/sql_guard.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <climits>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "base/text.h"
#include "load/loader.h"
#include "sqlite/quote.h"
#include "sqlite/sql_tokenizer.h"
#include "sqlite/statement_scanner.h"
#include "warehouse/warehouse.h"

namespace aigc {

namespace {

std::string_view text_or_empty(const char* p) { return p ? std::string_view(p) : std::string_view(); }

/// What kind of statement `sql` starts, in upper case, for messages:
/// "VACUUM", "CREATE TABLE", "CREATE UNIQUE INDEX", "DROP VIEW".
std::string statement_kind(std::string_view sql) {
  std::string kind;
  SqlTokenizer tokens(sql);
  for (int words = 0; words < 4; ++words) {
    const SqlToken t = tokens.next_significant();
    if (t.kind != SqlTokenKind::word) break;
    std::string word(t.text);
    for (auto& c : word) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    kind += (kind.empty() ? "" : " ") + word;
    if (kind != "CREATE" && kind != "DROP" && word != "TEMP" && word != "TEMPORARY" && word != "UNIQUE" &&
        word != "VIRTUAL")
      break;
  }
  return kind.empty() ? "this statement" : kind;
}

bool is_schema_table(std::string_view name) {
  return name == "sqlite_master" || name == "sqlite_temp_master" || name == "sqlite_schema" ||
         name == "sqlite_temp_schema";
}

/// What an authorizer action does, as the user wrote it: "INSERT into firm".
std::string describe_action(int action, std::string_view a) {
  struct Name {
    int action;
    const char* text;
    bool names_object;
  };
  static constexpr std::array<Name, 26> names{{
      {SQLITE_INSERT, "INSERT into", true},
      {SQLITE_UPDATE, "UPDATE of", true},
      {SQLITE_DELETE, "DELETE from", true},
      {SQLITE_CREATE_TABLE, "CREATE TABLE", false},
      {SQLITE_CREATE_TEMP_TABLE, "CREATE TEMP TABLE", false},
      {SQLITE_CREATE_INDEX, "CREATE INDEX", false},
      {SQLITE_CREATE_TEMP_INDEX, "CREATE TEMP INDEX", false},
      {SQLITE_CREATE_VIEW, "CREATE VIEW", false},
      {SQLITE_CREATE_TEMP_VIEW, "CREATE TEMP VIEW", false},
      {SQLITE_CREATE_TRIGGER, "CREATE TRIGGER", false},
      {SQLITE_CREATE_TEMP_TRIGGER, "CREATE TEMP TRIGGER", false},
      {SQLITE_CREATE_VTABLE, "CREATE VIRTUAL TABLE", false},
      {SQLITE_DROP_TABLE, "DROP TABLE", false},
      {SQLITE_DROP_TEMP_TABLE, "DROP TABLE", false},
      {SQLITE_DROP_INDEX, "DROP INDEX", false},
      {SQLITE_DROP_TEMP_INDEX, "DROP INDEX", false},
      {SQLITE_DROP_VIEW, "DROP VIEW", false},
      {SQLITE_DROP_TEMP_VIEW, "DROP VIEW", false},
      {SQLITE_DROP_TRIGGER, "DROP TRIGGER", false},
      {SQLITE_DROP_TEMP_TRIGGER, "DROP TRIGGER", false},
      {SQLITE_DROP_VTABLE, "DROP VIRTUAL TABLE", false},
      {SQLITE_ALTER_TABLE, "ALTER TABLE", false},
      {SQLITE_REINDEX, "REINDEX", false},
      {SQLITE_ANALYZE, "ANALYZE", false},
      {SQLITE_ATTACH, "ATTACH", false},
      {SQLITE_DETACH, "DETACH", false},
  }};
  for (const auto& n : names)
    if (n.action == action) return n.names_object && !a.empty() ? std::string(n.text) + " " + std::string(a) : n.text;
  return "this statement";
}

/// Why SQL may never call the function `name` (lower case), or null if it may.
const char* refused_function(std::string_view name) {
  struct Refusal {
    std::string_view name;
    const char* why;
  };
  static constexpr std::array<Refusal, 6> refused{{
      // With two arguments it installs a tokenizer from a BLOB taken as a
      // C pointer (SQL can crash aigc); with one it prints a code address.
      {"fts3_tokenizer", "it reads and writes C pointers"},
      // The sqlite3 shell's file functions: not in aigc's SQLite, refused in
      // case a future build adds them.
      {"readfile", "SQL never reads files"},
      {"writefile", "SQL never writes files"},
      {"edit", "SQL never starts programs"},
      // R-tree debugging functions that decode a node BLOB the caller supplies.
      {"rtreenode", "it decodes raw R-tree pages"},
      {"rtreedepth", "it decodes raw R-tree pages"},
  }};
  for (const auto& r : refused)
    if (r.name == name) return r.why;
  return nullptr;
}

/// Why no SQL may set the pragma `name` (lower case), or null if --write may.
const char* refused_pragma_setting(std::string_view name) {
  if (name == "trusted_schema")
    return "the schema stays untrusted, so a view or trigger in the file cannot call unsafe functions";
  if (name == "temp_store_directory" || name == "data_store_directory")
    return "SQL never chooses where files are written";
  // aigc build replaces only a file carrying aigc's mark; changed, it would
  // refuse the user's own warehouse as another program's database.
  if (name == "application_id") return "it marks the file as aigc's warehouse";
  return nullptr;
}

/// Whether `sql`, which prepared as a VACUUM, is VACUUM [schema] INTO file.
bool is_vacuum_into(std::string_view sql) {
  SqlTokenizer tokens(sql);
  if (!is_keyword(tokens.next_significant(), "vacuum")) return false;
  for (int token = 0; token < 2; ++token) {
    const SqlToken t = tokens.next_significant();
    if (is_keyword(t, "into")) return true;
    // Else a schema name, bare or quoted.
    if (t.kind != SqlTokenKind::word && t.kind != SqlTokenKind::quoted_identifier && t.kind != SqlTokenKind::string)
      return false;
  }
  return false;
}

}  // namespace

std::size_t skip_sql_blanks(std::string_view sql, std::size_t from) { return next_significant_token(sql, from).offset; }

bool pragma_allowed_read_only(std::string_view name, bool has_argument) {
  // Pragmas whose argument names an object to inspect: they only read.
  static constexpr std::array<std::string_view, 10> inspect = {
      "foreign_key_check", "foreign_key_list", "index_info", "index_list", "index_xinfo",
      "integrity_check",   "quick_check",      "table_info", "table_list", "table_xinfo"};
  // Pragmas that set something when given an argument and only report the
  // current value without one. journal_mode is not here: even reading it
  // compiles to a statement SQLite counts as writing.
  static constexpr std::array<std::string_view, 25> report = {
      "application_id",     "auto_vacuum",     "automatic_index", "busy_timeout",  "cache_size",
      "collation_list",     "compile_options", "data_version",    "database_list", "defer_foreign_keys",
      "encoding",           "foreign_keys",    "freelist_count",  "function_list", "legacy_alter_table",
      "module_list",        "page_count",      "page_size",       "pragma_list",   "query_only",
      "recursive_triggers", "schema_version",  "secure_delete",   "synchronous",   "user_version"};
  if (std::find(inspect.begin(), inspect.end(), name) != inspect.end()) return true;
  return !has_argument && std::find(report.begin(), report.end(), name) != report.end();
}

std::string timeout_message(std::chrono::milliseconds limit) {
  char seconds[32];
  if (limit.count() % 1000 == 0)
    std::snprintf(seconds, sizeof seconds, "%lld", static_cast<long long>(limit.count() / 1000));
  else
    std::snprintf(seconds, sizeof seconds, "%g", static_cast<double>(limit.count()) / 1000.0);
  return std::string("query stopped after ") + seconds + " s (--timeout)";
}

std::chrono::milliseconds timeout_from_seconds(double seconds) {
  if (!std::isfinite(seconds) || seconds <= 0)
    throw UsageError("--timeout must be a positive number of seconds, such as 5 or 0.5");
  // Clamped both ways: a deadline past ~292 years from now overflows the
  // clock's nanoseconds (it would stop the query at once), and under 1 ms
  // would round to 0, which means no limit.
  const double ms = std::min(seconds, static_cast<double>(kMaxTimeoutSeconds)) * 1000.0;
  return std::chrono::milliseconds(std::max(1LL, std::llround(ms)));
}

std::chrono::milliseconds timeout_from_text(std::string_view text) {
  const std::string s(text);
  const char* begin = s.c_str();
  char* end = nullptr;
  errno = 0;
  const double seconds = std::strtod(begin, &end);
  // strtod alone would take "nan", "inf", hexadecimal and leading blanks.
  const bool plain = !s.empty() && s.find_first_not_of("0123456789.eE+-") == std::string::npos;
  if (!plain || end == begin || *end != '\0')
    throw UsageError("--timeout " + quote_literal(s) + ": not a number of seconds (such as 5 or 0.5)");
  // ERANGE for a huge value is fine (clamped next); for a tiny one, strtod
  // returns a number near 0, which the next call rounds up to 1 ms.
  if (errno == ERANGE && s[0] != '-')
    return timeout_from_seconds(seconds > 1.0 ? static_cast<double>(kMaxTimeoutSeconds) : 0.001);
  return timeout_from_seconds(seconds);
}

GuardedConnection::GuardedConnection(const fs::path& path, Access access)
    : GuardedConnection(open_warehouse(path, access), access) {}

GuardedConnection::GuardedConnection(SQLite::Database db, Access access) : db_(std::move(db)), access_(access) {
  install_guards();
}

GuardedConnection::~GuardedConnection() {
  sqlite3_set_authorizer(handle(), nullptr, nullptr);
  sqlite3_progress_handler(handle(), 0, nullptr, nullptr);
}

void GuardedConnection::install_guards() {
  sqlite3* h = handle();
  int enabled = -1;
  if (sqlite3_db_config(h, SQLITE_DBCONFIG_DEFENSIVE, 1, &enabled) != SQLITE_OK || enabled != 1)
    throw DataError("cannot switch on SQLite's defensive mode");
  if (sqlite3_db_config(h, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0, &enabled) != SQLITE_OK || enabled != 0)
    throw DataError("cannot switch off extension loading");
  if (access_ == Access::read_only) {
    exec(h, "PRAGMA query_only = ON");
    sqlite3_limit(h, SQLITE_LIMIT_ATTACHED, 0);
  }
  guard_printf(h);  // also done by harden_connection; a test's own :memory: database may not have it
  sqlite3_set_authorizer(h, &GuardedConnection::authorize, this);
  // Every 1000 virtual-machine instructions: often enough that Ctrl-C and
  // --timeout act within milliseconds, rare enough to cost nothing visible.
  sqlite3_progress_handler(h, 1000, &GuardedConnection::progress, this);
}

GuardedConnection::StatementScope::StatementScope(GuardedConnection& conn) : conn_(conn) {
  conn_.refusal_.clear();
  conn_.stop_cause_ = StopCause::none;
  conn_.armed_ = conn_.timeout_.count() > 0;
  if (conn_.armed_) conn_.deadline_ = std::chrono::steady_clock::now() + conn_.timeout_;
}

void GuardedConnection::finish_session() {
  if (sqlite3_get_autocommit(handle())) return;
  exec(handle(), "ROLLBACK");
  throw DataError(
      "the SQL left a transaction open (BEGIN with no COMMIT): it was rolled back, so nothing it changed was "
      "kept; end it with COMMIT");
}

Statement GuardedConnection::prepare(std::string_view sql, std::size_t* consumed) {
  // SQLite refuses a buffer longer than SQLITE_LIMIT_SQL_LENGTH even when
  // its first statement is short: give it no more than one statement may
  // take, and what follows is prepared on the next call.
  const std::size_t given = std::min(sql.size(), kMaxStatementBytes);
  refuse_nul_in_sql(sql.substr(0, given));
  Statement stmt;
  preparing_ = sql;
  const int rc = Statement::try_prepare(handle(), sql.substr(0, given), stmt, consumed);
  preparing_ = {};
  if (rc != SQLITE_OK) {
    if (given < sql.size() && first_statement_length(sql) > kMaxStatementBytes)
      throw DataError("the statement is longer than " + std::to_string(kMaxStatementBytes) +
                      " bytes (1 MiB), the limit for one statement");
    throw DataError(explain_failure(sqlite3_errmsg(handle())));
  }
  if (given < sql.size() && *consumed == given && first_statement_length(sql) > given)
    throw DataError("the statement is longer than " + std::to_string(kMaxStatementBytes) +
                    " bytes (1 MiB), the limit for one statement");
  if (stmt && is_vacuum_into(sql.substr(0, *consumed))) {
    // VACUUM INTO writes a whole new database file wherever it is told, which
    // --write (changing the warehouse) does not cover.
    throw DataError(
        "refused: VACUUM INTO is not allowed, even with --write: SQL never writes files; to copy the "
        "warehouse, copy its file");
  }
  if (stmt && stmt.parameter_count() > 0) {
    // Nothing binds ad-hoc SQL's parameters, so SQLite would run with NULL
    // in their place: a WHERE firm_id = :firm copied from a saved query
    // would print no rows and exit 0, a wrong answer.
    const char* name = sqlite3_bind_parameter_name(stmt.get(), 1);
    throw DataError(std::string("the statement has a parameter (") + (name ? name : "?") +
                    ") and ad-hoc SQL binds none, so it would be NULL; write the value in the SQL, or save the "
                    "query in queries/ and give it with aigc run NAME --param");
  }
  if (stmt && access_ == Access::read_only && !stmt.read_only()) {
    // The authorizer let it through, yet it would write: VACUUM, or VACUUM
    // INTO, which creates a file even on a read-only connection.
    throw DataError("refused: " + statement_kind(sql.substr(0, *consumed)) + " is not allowed in read-only mode (" +
                    std::string(write_hint) + ")");
  }
  return stmt;
}

std::string GuardedConnection::explain_failure(const std::string& sqlite_message) const {
  switch (stop_cause_) {
    case StopCause::timed_out: return timeout_message(timeout_);
    case StopCause::interrupted: return "interrupted";
    case StopCause::none: break;
  }
  if (!refusal_.empty()) return "refused: " + refusal_;
  return sqlite_message;
}

int GuardedConnection::deny(std::string message) {
  if (refusal_.empty()) refusal_ = std::move(message);
  return SQLITE_DENY;
}

int GuardedConnection::authorize(void* self_ptr, int action, const char* a, const char* b, const char*, const char*) {
  auto* self = static_cast<GuardedConnection*>(self_ptr);
  const std::string_view arg1 = text_or_empty(a), arg2 = text_or_empty(b);
  if (action == SQLITE_FUNCTION) {
    const std::string name = ascii_lower(arg2);
    if (name == "load_extension")
      return self->deny("load_extension() is not allowed: aigc never loads SQLite extensions, even with --write");
    if (const char* why = refused_function(name))
      return self->deny(name + "() is not allowed, even with --write: " + why);
  }
  if (action == SQLITE_PRAGMA && b != nullptr) {
    const std::string name = ascii_lower(arg1);
    if (const char* why = refused_pragma_setting(name))
      return self->deny("PRAGMA " + name + " = " + std::string(arg2) + " is not allowed, even with --write: " + why);
  }
  if (self->access_ == Access::read_write) return SQLITE_OK;
  const std::string hint(write_hint);
  switch (action) {
    case SQLITE_SELECT:
    case SQLITE_READ:
    case SQLITE_FUNCTION:
    case SQLITE_RECURSIVE:
    case SQLITE_TRANSACTION:
    case SQLITE_SAVEPOINT: return SQLITE_OK;
    case SQLITE_PRAGMA: {
      const std::string name = ascii_lower(arg1);
      if (pragma_allowed_read_only(name, b != nullptr)) return SQLITE_OK;
      std::string what = "PRAGMA " + name;
      if (b) what += " = " + std::string(arg2);
      return self->deny(what + " is not allowed in read-only mode, only pragmas that read (" + hint + ")");
    }
    case SQLITE_UPDATE:
      // Connecting a table-valued function (pragma_table_info(...)) compiles,
      // but never runs, an UPDATE of the schema table's columns. A user's
      // UPDATE of the schema table cannot get this far: SQLite refuses it
      // while writable_schema is off, which defensive mode enforces.
      if (is_schema_table(arg1)) return SQLITE_OK;
      return self->deny(describe_action(action, arg1) + " is not allowed in read-only mode (" + hint + ")");
    default:
      // DDL first asks to write the schema table: name the statement instead.
      if ((action == SQLITE_INSERT || action == SQLITE_DELETE) && is_schema_table(arg1))
        return self->deny(statement_kind(self->preparing_) + " is not allowed in read-only mode (" + hint + ")");
      return self->deny(describe_action(action, arg1) + " is not allowed in read-only mode (" + hint + ")");
  }
}

int GuardedConnection::progress(void* self_ptr) {
  auto* self = static_cast<GuardedConnection*>(self_ptr);
  if (self->interrupt_requested_.load(std::memory_order_relaxed)) {
    self->stop_cause_ = StopCause::interrupted;
    return 1;
  }
  if (self->armed_ && std::chrono::steady_clock::now() >= self->deadline_) {
    self->stop_cause_ = StopCause::timed_out;
    return 1;
  }
  return 0;
}

}  // namespace aigc
