#include "sqlite/sqlite_engine.h"

#include <string>

#include "base/error.h"
#include "sqlite/connection.h"
#include "sqlite/sqlite_error.h"

namespace aigc {

namespace {

std::string_view bytes(const void* data, int size) {
  return data ? std::string_view(static_cast<const char*>(data), static_cast<std::size_t>(size)) : std::string_view();
}

constexpr std::string_view kBindFailed = "cannot bind a parameter";

}  // namespace

// ---------------------------------------------------------------------------
// SqliteCursor

SqliteCursor::SqliteCursor(Statement statement) noexcept
    : owned_(std::move(statement)), stmt_(owned_.get()), db_(owned_.db()) {}

std::string_view SqliteCursor::parameter_name(int index) const {
  const char* name = sqlite3_bind_parameter_name(stmt_, index);
  return name ? std::string_view(name) : std::string_view();
}

void SqliteCursor::bind_null(int index) { check(sqlite3_bind_null(stmt_, index), db_, kBindFailed); }
void SqliteCursor::bind_int64(int index, std::int64_t value) {
  check(sqlite3_bind_int64(stmt_, index, value), db_, kBindFailed);
}
void SqliteCursor::bind_double(int index, double value) {
  check(sqlite3_bind_double(stmt_, index, value), db_, kBindFailed);
}
void SqliteCursor::bind_text(int index, std::string_view value) {
  // Copied (SQLITE_TRANSIENT), as the interface promises. A null data
  // pointer would bind NULL; an empty text must stay ''.
  const char* data = value.data() ? value.data() : "";
  // Statement::bind_text does not copy, so the C call is made here.
  check(sqlite3_bind_text64(stmt_, index, data, value.size(), SQLITE_TRANSIENT, SQLITE_UTF8), db_, kBindFailed);
}

bool SqliteCursor::step() { return check(sqlite3_step(stmt_), db_) == SQLITE_ROW; }

std::string_view SqliteCursor::column_name(int i) const {
  const char* name = sqlite3_column_name(stmt_, i);
  return name ? std::string_view(name) : std::string_view();
}

engine::ColumnType SqliteCursor::column_type(int i) {
  switch (sqlite3_column_type(stmt_, i)) {
    case SQLITE_INTEGER: return engine::ColumnType::integer;
    case SQLITE_FLOAT: return engine::ColumnType::real;
    case SQLITE_TEXT: return engine::ColumnType::text;
    case SQLITE_BLOB: return engine::ColumnType::blob;
    default: return engine::ColumnType::null;
  }
}

std::string_view SqliteCursor::column_text(int i) {
  // The pointer first, then the length: the order SQLite documents as safe.
  const unsigned char* text = sqlite3_column_text(stmt_, i);
  return bytes(text, sqlite3_column_bytes(stmt_, i));
}

std::string_view SqliteCursor::column_blob(int i) {
  const void* blob = sqlite3_column_blob(stmt_, i);
  return bytes(blob, sqlite3_column_bytes(stmt_, i));
}

engine::Cell SqliteCursor::read_cell(int i) const noexcept {
  // One switch on SQLite's own type, each value read as the type it is
  // stored as, so SQLite converts nothing.
  engine::Cell c;
  switch (sqlite3_column_type(stmt_, i)) {
    case SQLITE_INTEGER:
      c.type = engine::ColumnType::integer;
      c.integer = sqlite3_column_int64(stmt_, i);
      break;
    case SQLITE_FLOAT:
      c.type = engine::ColumnType::real;
      c.real = sqlite3_column_double(stmt_, i);
      break;
    case SQLITE_TEXT:
      c.type = engine::ColumnType::text;
      c.bytes = bytes(sqlite3_column_text(stmt_, i), sqlite3_column_bytes(stmt_, i));
      break;
    case SQLITE_BLOB:
      c.type = engine::ColumnType::blob;
      c.bytes = bytes(sqlite3_column_blob(stmt_, i), sqlite3_column_bytes(stmt_, i));
      break;
    default: break;
  }
  return c;
}

void SqliteCursor::read_row(std::span<engine::Cell> cells) {
  for (std::size_t i = 0; i < cells.size(); ++i) cells[i] = read_cell(static_cast<int>(i));
}

// ---------------------------------------------------------------------------
// SqliteConnection

std::unique_ptr<engine::Cursor> SqliteConnection::prepare_first(std::string_view sql, std::string_view& rest) {
  Statement statement;
  std::size_t consumed = 0;
  refuse_nul_in_sql(sql);
  check(Statement::try_prepare(db_, sql, statement, &consumed), db_);
  rest = sql.substr(consumed);
  if (!statement) return nullptr;
  return std::make_unique<SqliteCursor>(std::move(statement));
}

std::filesystem::path SqliteConnection::database_file() const { return aigc::database_file(db_); }

}  // namespace aigc
