#include "sqlite/sqlite_engine.h"

#include <string>

#include "base/error.h"
#include "sqlite/database.h"

namespace aigc {

namespace {

std::string_view bytes(const void* data, int size) {
  return data ? std::string_view(static_cast<const char*>(data), static_cast<std::size_t>(size)) : std::string_view();
}

void check_bind(int rc) {
  if (rc != SQLITE_OK) throw DataError(std::string("cannot bind a parameter: ") + sqlite3_errstr(rc));
}

}  // namespace

// ---------------------------------------------------------------------------
// SqliteCursor

std::unique_ptr<SqliteCursor> SqliteCursor::adopt(sqlite3_stmt* stmt) {
  auto cursor = std::make_unique<SqliteCursor>(stmt);
  cursor->owned_ = true;
  return cursor;
}

SqliteCursor::~SqliteCursor() {
  if (owned_) sqlite3_finalize(stmt_);
}

std::string_view SqliteCursor::parameter_name(int index) const {
  const char* name = sqlite3_bind_parameter_name(stmt_, index);
  return name ? std::string_view(name) : std::string_view();
}

void SqliteCursor::bind_null(int index) { check_bind(sqlite3_bind_null(stmt_, index)); }
void SqliteCursor::bind_int64(int index, std::int64_t value) {
  check_bind(sqlite3_bind_int64(stmt_, index, value));
}
void SqliteCursor::bind_double(int index, double value) {
  check_bind(sqlite3_bind_double(stmt_, index, value));
}
void SqliteCursor::bind_text(int index, std::string_view value) {
  // Copied (SQLITE_TRANSIENT), as the interface promises. A null data
  // pointer would bind NULL; an empty text must stay ''.
  const char* data = value.data() ? value.data() : "";
  check_bind(sqlite3_bind_text64(stmt_, index, data, value.size(), SQLITE_TRANSIENT, SQLITE_UTF8));
}

bool SqliteCursor::step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  throw DataError(sqlite3_errmsg(sqlite3_db_handle(stmt_)));
}

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

engine::Cell SqliteCursor::cell(int i) {
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
      c.bytes = column_text(i);
      break;
    case SQLITE_BLOB:
      c.type = engine::ColumnType::blob;
      c.bytes = column_blob(i);
      break;
    default:
      break;
  }
  return c;
}

// ---------------------------------------------------------------------------
// SqliteConnection

std::unique_ptr<engine::Cursor> SqliteConnection::prepare_first(std::string_view sql, std::string_view& rest) {
  sqlite3_stmt* stmt = nullptr;
  const char* tail = nullptr;
  const char* text = sql.data() ? sql.data() : "";
  const int rc = sqlite3_prepare_v3(db_, text, static_cast<int>(sql.size()), 0, &stmt, &tail);
  if (rc != SQLITE_OK) {
    sqlite3_finalize(stmt);
    throw DataError(sqlite3_errmsg(db_));
  }
  rest = tail ? sql.substr(static_cast<std::size_t>(tail - text)) : std::string_view();
  if (!stmt) return nullptr;
  return SqliteCursor::adopt(stmt);
}

std::filesystem::path SqliteConnection::database_file() const { return aigc::database_file(db_); }

}  // namespace aigc
