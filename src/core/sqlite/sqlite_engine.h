#pragma once
/// SQLite behind the engine seam (engine/cursor.h): a Connection over an
/// open sqlite3 handle, and a Cursor over one of its prepared statements.
/// Code that needs SQLite itself (the loader, the guard, the shell's dot
/// commands) keeps using the C API and Statement; code that only runs
/// statements and reads rows takes an engine::Connection or engine::Cursor.
#include <sqlite3.h>

#include <memory>
#include <string_view>

#include "engine/connection.h"
#include "engine/cursor.h"

namespace aigc {

/// A cursor over a SQLite statement, either owned (finalized with the
/// cursor) or borrowed from a caller that finalizes it later.
class SqliteCursor final : public engine::Cursor {
 public:
  /// Owns `stmt`: finalizes it when the cursor goes.
  static std::unique_ptr<SqliteCursor> adopt(sqlite3_stmt* stmt);
  /// Reads `stmt`, which the caller keeps and finalizes; it must outlive
  /// the cursor.
  explicit SqliteCursor(sqlite3_stmt* stmt) noexcept : stmt_(stmt) {}
  ~SqliteCursor() override;

  /// The statement, for SQLite-only code (the shell, tests).
  sqlite3_stmt* get() const noexcept { return stmt_; }

  int parameter_count() const override { return sqlite3_bind_parameter_count(stmt_); }
  std::string_view parameter_name(int index) const override;
  void bind_null(int index) override;
  void bind_int64(int index, std::int64_t value) override;
  void bind_double(int index, double value) override;
  void bind_text(int index, std::string_view value) override;
  using engine::Cursor::bind_double;
  using engine::Cursor::bind_int64;
  using engine::Cursor::bind_null;
  using engine::Cursor::bind_text;

  bool step() override;
  void reset() override { sqlite3_reset(stmt_); }
  bool read_only() const override { return sqlite3_stmt_readonly(stmt_) != 0; }

  int column_count() const override { return sqlite3_column_count(stmt_); }
  std::string_view column_name(int i) const override;
  engine::ColumnType column_type(int i) override;
  std::int64_t column_int64(int i) override { return sqlite3_column_int64(stmt_, i); }
  double column_double(int i) override { return sqlite3_column_double(stmt_, i); }
  std::string_view column_text(int i) override;
  std::string_view column_blob(int i) override;
  engine::Cell cell(int i) override;

 private:
  sqlite3_stmt* stmt_;
  bool owned_ = false;
};

/// An engine::Connection over an open SQLite database. Borrows the handle:
/// whoever opened it (SQLite::Database) closes it, after every cursor is gone.
class SqliteConnection final : public engine::Connection {
 public:
  explicit SqliteConnection(sqlite3* db) noexcept : db_(db) {}

  sqlite3* handle() const noexcept { return db_; }

  std::string_view engine_name() const noexcept override { return "SQLite"; }
  /// Throws DataError with SQLite's message (sqlite3_errmsg) alone.
  std::unique_ptr<engine::Cursor> prepare_first(std::string_view sql, std::string_view& rest) override;
  using engine::Connection::prepare;
  std::filesystem::path database_file() const override;

 private:
  sqlite3* db_;
};

}  // namespace aigc
