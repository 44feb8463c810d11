#include "sqlite/statement.h"

#include <algorithm>
#include <string>
#include <utility>

#include "base/error.h"
#include "sqlite/sqlite_error.h"

namespace aigc {

void refuse_nul_in_sql(std::string_view sql) {
  const std::size_t at = sql.find('\0');
  if (at == std::string_view::npos) return;
  const std::string_view before = sql.substr(0, at);
  const std::size_t line = 1 + static_cast<std::size_t>(std::count(before.begin(), before.end(), '\n'));
  const std::size_t line_start = before.rfind('\n') == std::string_view::npos ? 0 : before.rfind('\n') + 1;
  throw DataError("line " + std::to_string(line) + ", column " + std::to_string(at - line_start + 1) +
                  ": the SQL holds a NUL byte, where SQLite would stop reading; the statement was not run "
                  "(is the input text?)");
}

Statement::Statement(sqlite3* db, std::string_view sql, Prepare how) {
  refuse_nul_in_sql(sql);
  if (try_prepare(db, sql, *this, nullptr, how) != SQLITE_OK)
    throw DataError(explain_sqlite_error(db) + " in: " + std::string(sql));
}

int Statement::try_prepare(sqlite3* db, std::string_view sql, Statement& out, std::size_t* consumed,
                           Prepare how) noexcept {
  Statement prepared;
  prepared.db_ = db;
  const char* tail = nullptr;
  const unsigned flags = how == Prepare::persistent ? SQLITE_PREPARE_PERSISTENT : 0;
  // SQLite calls a null SQL pointer misuse; an empty view has nothing to prepare.
  const char* text = sql.data() ? sql.data() : "";
  const int rc = sqlite3_prepare_v3(db, text, static_cast<int>(sql.size()), flags, &prepared.stmt_, &tail);
  if (consumed) *consumed = tail ? static_cast<std::size_t>(tail - text) : sql.size();
  if (rc != SQLITE_OK) {
    // SQLite sets the handle to NULL on failure; finalizing is harmless anyway.
    sqlite3_finalize(prepared.stmt_);
    prepared.stmt_ = nullptr;
  }
  out = std::move(prepared);
  return rc;
}

Statement::~Statement() { sqlite3_finalize(stmt_); }

Statement::Statement(Statement&& other) noexcept : db_(other.db_), stmt_(std::exchange(other.stmt_, nullptr)) {}

Statement& Statement::operator=(Statement&& other) noexcept {
  if (this != &other) {
    sqlite3_finalize(stmt_);
    db_ = other.db_;
    stmt_ = std::exchange(other.stmt_, nullptr);
  }
  return *this;
}

void Statement::bind_text(int index, std::string_view value) {
  // A null data pointer would bind SQL NULL; an empty string must stay ''.
  const char* data = value.data() ? value.data() : "";
  check(sqlite3_bind_text64(stmt_, index, data, value.size(), SQLITE_STATIC, SQLITE_UTF8), db_, "bind failed");
}

void Statement::bind_int64(int index, std::int64_t value) {
  check(sqlite3_bind_int64(stmt_, index, value), db_, "bind failed");
}

void Statement::bind_double(int index, double value) {
  check(sqlite3_bind_double(stmt_, index, value), db_, "bind failed");
}

void Statement::bind_null(int index) { check(sqlite3_bind_null(stmt_, index), db_, "bind failed"); }

void Statement::bind_blob(int index, const void* data, std::size_t size) {
  // As for text: a null pointer would bind NULL, an empty blob must stay one.
  static const char empty = 0;
  check(sqlite3_bind_blob64(stmt_, index, data ? data : &empty, size, SQLITE_STATIC), db_, "bind failed");
}

int Statement::parameter_index(const char* name) const {
  const int index = sqlite3_bind_parameter_index(stmt_, name);
  if (index == 0) throw DataError(std::string("bind failed: the statement has no parameter ") + name);
  return index;
}

bool Statement::step() {
  if (!stmt_) return false;
  return check(sqlite3_step(stmt_), db_) == SQLITE_ROW;
}

std::string_view Statement::column_name(int i) const noexcept {
  const char* name = sqlite3_column_name(stmt_, i);
  return name ? std::string_view(name) : std::string_view();
}

std::string_view Statement::column_text(int i) const noexcept {
  // Text first, then its length: the order SQLite documents as safe.
  const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, i));
  if (!text) return {};
  return {text, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, i))};
}

void exec(sqlite3* db, const std::string& sql) {
  // sqlite3_exec's own error text is a copy of sqlite3_errmsg(db): check()
  // words it as every other failure.
  check(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr), db);
}

}  // namespace aigc
