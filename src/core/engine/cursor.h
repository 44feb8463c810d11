#pragma once
/// The engine seam: what the query runner, the renderers and the exports
/// need from a database engine, and nothing more. A Connection prepares SQL
/// into a Cursor; a Cursor binds parameters, steps through rows and reads
/// the values of the current row. SQLite is one implementation
/// (sqlite/sqlite_engine.h); another engine adds its own pair of classes,
/// and everything above this layer works with it unchanged.
///
/// Reading is allocation-free: a text or BLOB value is a view into the
/// engine's own memory, valid until the next step() or reset(), so a
/// renderer can stream millions of rows through one reused buffer.
#include <cstdint>
#include <span>
#include <string_view>

namespace aigc::engine {

/// The type of one value, as the engine stores it.
enum class ColumnType { null, integer, real, text, blob };

/// One value of the current row, read with one call (Cursor::cell).
struct Cell {
  ColumnType type = ColumnType::null;
  std::int64_t integer = 0;  ///< for ColumnType::integer
  double real = 0;           ///< for ColumnType::real
  std::string_view bytes;    ///< for text (UTF-8) and blob: valid until the next step() or reset()
};

/// A prepared statement: bind, step, read. Parameters count from 1, columns
/// from 0. Failures throw DataError with the engine's message. Not copyable;
/// the connection that prepared it must outlive it.
class Cursor {
 public:
  Cursor() = default;
  virtual ~Cursor() = default;
  Cursor(const Cursor&) = delete;
  Cursor& operator=(const Cursor&) = delete;

  // -- parameters -----------------------------------------------------------

  virtual int parameter_count() const = 0;
  /// The name of parameter `index` as the SQL writes it, prefix included
  /// (":fx_usd_cny", "?2"); empty for an anonymous ?.
  virtual std::string_view parameter_name(int index) const = 0;
  /// The index of the parameter called `name`, 0 if there is none. `name`
  /// is as the SQL writes it (":fx"), or bare ("fx"), which matches the
  /// first parameter written :fx, @fx or $fx.
  int parameter_index(std::string_view name) const;

  virtual void bind_null(int index) = 0;
  virtual void bind_int64(int index, std::int64_t value) = 0;
  virtual void bind_double(int index, double value) = 0;
  /// The cursor keeps its own copy of `value`.
  virtual void bind_text(int index, std::string_view value) = 0;

  /// The same by name (see parameter_index); throws DataError naming a
  /// parameter the statement does not have.
  void bind_null(std::string_view name) { bind_null(require_parameter(name)); }
  void bind_int64(std::string_view name, std::int64_t value) { bind_int64(require_parameter(name), value); }
  void bind_double(std::string_view name, double value) { bind_double(require_parameter(name), value); }
  void bind_text(std::string_view name, std::string_view value) { bind_text(require_parameter(name), value); }

  // -- running --------------------------------------------------------------

  /// Runs to the next row: true when there is one, false when the statement
  /// is done. Throws DataError with the engine's message if it fails.
  virtual bool step() = 0;
  /// Ready to run again from the start; the bindings stay.
  virtual void reset() = 0;
  /// Whether running the statement leaves the database unchanged, as far as
  /// the engine can tell before it runs.
  virtual bool read_only() const = 0;

  // -- the current row ------------------------------------------------------

  /// Columns of the result; 0 for a statement that returns no rows.
  virtual int column_count() const = 0;
  /// Valid as long as the cursor.
  virtual std::string_view column_name(int i) const = 0;
  /// Ask for the type before any value accessor: an engine may convert a
  /// value in place when it is read as another type (SQLite does).
  virtual ColumnType column_type(int i) = 0;
  virtual std::int64_t column_int64(int i) = 0;
  virtual double column_double(int i) = 0;
  /// The value as text as the engine writes it (a number in decimal, NULL
  /// as ""); valid until the next step() or reset().
  virtual std::string_view column_text(int i) = 0;
  /// A BLOB's bytes; valid until the next step() or reset().
  virtual std::string_view column_blob(int i) = 0;

  /// Column `i` of the current row in one call: its type and its value as
  /// that type. The default asks column_type() and one accessor.
  virtual Cell cell(int i);
  /// Every column of the current row, into `cells` (column_count() of
  /// them): one call per row, which is how the renderers and exports read,
  /// so that a million-row export makes a million calls through the seam
  /// rather than one per value. The default calls cell() for each column;
  /// an engine overrides it to read its row in one loop.
  virtual void read_row(std::span<Cell> cells);

 private:
  int require_parameter(std::string_view name) const;
};

}  // namespace aigc::engine
