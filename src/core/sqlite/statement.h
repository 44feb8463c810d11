#pragma once
/// The one way aigc owns a prepared statement: Statement prepares, binds,
/// steps and finalizes, and every failure reads as check() makes it.
///
/// Its own thin type rather than SQLiteCpp's Statement, for the hot loops:
/// it binds string_views without copying (SQLiteCpp binds only
/// NUL-terminated text, copied) and prepares persistent statements, which a
/// loader reusing one INSERT for millions of rows wants.
#include <sqlite3.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace aigc {

/// How long a statement will live, which SQLite uses to choose its memory.
enum class Prepare {
  normal,      ///< run once or a few times
  persistent,  ///< kept and reused many times (SQLITE_PREPARE_PERSISTENT)
};

/// A prepared statement that finalizes itself. Move-only; a moved-from or
/// default-constructed one is empty (get() == nullptr). Empty too when the
/// SQL held only whitespace or comments.
class Statement {
 public:
  Statement() noexcept = default;
  /// Prepares the first statement in `sql`; throws DataError with SQLite's
  /// explanation and the SQL text if it does not compile.
  Statement(sqlite3* db, std::string_view sql, Prepare how = Prepare::normal);
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&& other) noexcept;

  /// Prepares the first statement in `sql` without throwing, for callers that
  /// word a failure themselves: returns SQLite's code and sets `out` (empty
  /// on failure) and `*consumed` (the bytes of `sql` that statement took,
  /// where the next one starts).
  static int try_prepare(sqlite3* db, std::string_view sql, Statement& out, std::size_t* consumed = nullptr,
                         Prepare how = Prepare::normal) noexcept;

  /// The raw handle, for the C API where this class has no wrapper.
  sqlite3_stmt* get() const noexcept { return stmt_; }
  sqlite3* db() const noexcept { return db_; }
  explicit operator bool() const noexcept { return stmt_ != nullptr; }

  // Binding: parameters count from 1. A failure (an index out of range, a
  // value too big) throws DataError "bind failed: ...".

  /// Binds the bytes of `value` without copying them (SQLITE_STATIC): they
  /// must stay alive and unchanged until the statement is stepped for the
  /// last time with this binding, i.e. until the next bind of this parameter,
  /// clear_bindings(), or destruction. `value` need not be NUL-terminated;
  /// an empty view binds '' (never NULL).
  void bind_text(int index, std::string_view value);
  void bind_int64(int index, std::int64_t value);
  void bind_double(int index, double value);
  void bind_null(int index);
  /// Binds `size` bytes at `data` without copying, with bind_text's lifetime.
  void bind_blob(int index, const void* data, std::size_t size);

  /// The same by parameter name, written as in the SQL (":firm", "?1").
  /// Throws DataError when the statement has no such parameter.
  void bind_text(const char* name, std::string_view value) { bind_text(parameter_index(name), value); }
  void bind_int64(const char* name, std::int64_t value) { bind_int64(parameter_index(name), value); }
  void bind_double(const char* name, double value) { bind_double(parameter_index(name), value); }
  void bind_null(const char* name) { bind_null(parameter_index(name)); }
  int parameter_index(const char* name) const;
  int parameter_count() const noexcept { return sqlite3_bind_parameter_count(stmt_); }

  /// Runs to the next row: true when there is one, false when done. Any
  /// other outcome throws DataError through check(). An empty statement is
  /// done at once.
  bool step();
  /// SQLITE_ROW, SQLITE_DONE or the error code, for callers that handle a
  /// failure themselves (the loader turns a constraint failure into a row's
  /// problem). After an error, reset() before stepping again.
  int try_step() noexcept { return sqlite3_step(stmt_); }
  /// Ready to run again; bindings stay.
  void reset() noexcept { sqlite3_reset(stmt_); }
  /// Every parameter back to NULL.
  void clear_bindings() noexcept { sqlite3_clear_bindings(stmt_); }

  // The current row (after step() returned true). Columns count from 0.
  int column_count() const noexcept { return sqlite3_column_count(stmt_); }
  /// The column's name as the result shows it ("" if SQLite is out of memory).
  std::string_view column_name(int i) const noexcept;
  /// SQLITE_INTEGER, SQLITE_FLOAT, SQLITE_TEXT, SQLITE_BLOB or SQLITE_NULL.
  int column_type(int i) const noexcept { return sqlite3_column_type(stmt_, i); }
  bool column_is_null(int i) const noexcept { return column_type(i) == SQLITE_NULL; }
  std::int64_t column_int64(int i) const noexcept { return sqlite3_column_int64(stmt_, i); }
  int column_int(int i) const noexcept { return sqlite3_column_int(stmt_, i); }
  double column_double(int i) const noexcept { return sqlite3_column_double(stmt_, i); }
  /// The value as text ("" for NULL), valid until the next step(), reset()
  /// or another accessor on the same column.
  std::string_view column_text(int i) const noexcept;
  /// column_text() copied.
  std::string column_string(int i) const { return std::string(column_text(i)); }

  /// Whether the statement leaves the database unchanged (sqlite3_stmt_readonly).
  bool read_only() const noexcept { return sqlite3_stmt_readonly(stmt_) != 0; }

 private:
  sqlite3* db_ = nullptr;
  sqlite3_stmt* stmt_ = nullptr;
};

/// Throws DataError if `sql` holds a NUL byte, naming its line and column:
/// SQLite stops reading at one, so "DELETE FROM t\0 WHERE ..." would run as
/// "DELETE FROM t", and every statement after it would silently vanish.
/// Every statement built from text aigc did not write (ad-hoc SQL, saved
/// query files) goes through it before it is prepared.
void refuse_nul_in_sql(std::string_view sql);

/// Runs SQL with no result rows (one or more statements); throws DataError
/// through check().
void exec(sqlite3* db, const std::string& sql);

}  // namespace aigc
