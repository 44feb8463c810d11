#pragma once
/// SQLite behind the engine seam (engine/cursor.h): a Connection over an
/// open sqlite3 handle, and a Cursor over one of its prepared statements.
/// Code that needs SQLite itself (the loader, the guard, the shell's dot
/// commands) keeps using the C API and Statement; code that only runs
/// statements and reads rows takes an engine::Connection or engine::Cursor.
#include <sqlite3.h>

#include <memory>
#include <span>
#include <string_view>

#include "engine/connection.h"
#include "engine/cursor.h"
#include "sqlite/statement.h"

namespace aigc {

/// A cursor over a SQLite statement, either owned (a Statement, finalized
/// with the cursor) or borrowed from a caller that finalizes it later.
/// Failures go through check() (sqlite/sqlite_error.h), as every SQLite
/// call's do.
class SqliteCursor final : public engine::Cursor {
 public:
  /// Owns `statement`, which must not be empty.
  explicit SqliteCursor(Statement statement) noexcept;
  /// Reads `stmt`, which the caller keeps and finalizes; it must outlive
  /// the cursor.
  explicit SqliteCursor(sqlite3_stmt* stmt) noexcept : stmt_(stmt), db_(sqlite3_db_handle(stmt)) {}

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
  engine::Cell cell(int i) override { return read_cell(i); }
  void read_row(std::span<engine::Cell> cells) override;

 private:
  engine::Cell read_cell(int i) const noexcept;

  Statement owned_;  ///< empty when the statement is borrowed
  sqlite3_stmt* stmt_;
  sqlite3* db_;
};

/// An engine::Connection over an open SQLite database. Borrows the handle:
/// whoever opened it (SQLite::Database) closes it, after every cursor is gone.
class SqliteConnection final : public engine::Connection {
 public:
  explicit SqliteConnection(sqlite3* db) noexcept : db_(db) {}

  sqlite3* handle() const noexcept { return db_; }

  std::string_view engine_name() const noexcept override { return "SQLite"; }
  /// Throws DataError with check()'s message.
  std::unique_ptr<engine::Cursor> prepare_first(std::string_view sql, std::string_view& rest) override;
  using engine::Connection::prepare;
  std::filesystem::path database_file() const override;

 private:
  sqlite3* db_;
};

}  // namespace aigc
