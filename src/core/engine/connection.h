#pragma once
/// A connection to a database engine, for code that only prepares and runs
/// statements (engine/cursor.h says why the seam exists).
#include <filesystem>
#include <memory>
#include <string_view>

#include "engine/cursor.h"

namespace aigc::engine {

class Connection {
 public:
  Connection() = default;
  virtual ~Connection() = default;
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  /// The engine's name for messages: "SQLite".
  virtual std::string_view engine_name() const noexcept = 0;

  /// Prepares the first statement of `sql`; `rest` receives the SQL after
  /// it (where the next statement starts). Returns null when `sql` holds
  /// only whitespace and comments. Throws DataError with the engine's
  /// message when the statement does not prepare.
  virtual std::unique_ptr<Cursor> prepare_first(std::string_view sql, std::string_view& rest) = 0;

  /// Prepares `sql`, which must hold exactly one statement: throws
  /// DataError if it holds none or more than one.
  std::unique_ptr<Cursor> prepare(std::string_view sql);

  /// The file the database lives in, which output written while reading it
  /// must never replace (base/output_file.h); empty when there is none (an
  /// in-memory database, a server).
  virtual std::filesystem::path database_file() const = 0;
};

}  // namespace aigc::engine
