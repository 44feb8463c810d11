#pragma once
/// PostgreSQL behind the engine seam (engine/cursor.h): a PgConnection owns
/// one libpq connection; a PgCursor is one statement on it. Saved queries,
/// the renderers, the exports and the report run on it unchanged.
///
/// How PostgreSQL is made to look like the seam:
/// - parameters: :name, @name and $name are rewritten to $1, $2 ... when a
///   statement is prepared (postgres/pg_sql.h), and reported as ":name";
///   values go as text with a type: int8, float8 (shortest round-trip
///   digits), NULL, and text as an untyped literal, so the server reads it
///   as it would read 'quoted' text in the SQL (a date, a number...);
/// - rows are fetched one at a time (libpq's single-row mode): a million-row
///   export never holds the whole result; a second cursor that runs while
///   another is part-way through first has the other's remaining rows kept;
/// - values are typed by their PostgreSQL type: int2/4/8 and oid -> integer,
///   float4/8 -> real, numeric -> integer when it has no decimal point and
///   fits, real when its digits are exactly those of a double, else text;
///   bool -> 0/1; bytea -> blob; everything else -> text.
/// - read-only: Access::read_only sets default_transaction_read_only for the
///   session, so every statement runs in a read-only transaction.
#include <libpq-fe.h>

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "engine/access.h"
#include "engine/connection.h"
#include "engine/cursor.h"

namespace aigc {

class PgCursor;

/// What to set up on a new connection besides the access.
struct PgSessionOptions {
  std::string schema;             ///< search_path (must exist); empty: the server's default
  std::optional<int> timeout_ms;  ///< statement_timeout; none: the server's default
};

class PgConnection final : public engine::Connection {
 public:
  /// Connects with `conninfo` (a postgresql:// URL or a libpq keyword
  /// string, passed to libpq unchanged, so PGHOST, PGUSER, ~/.pgpass and
  /// sslmode work as libpq does). Throws DataError "cannot connect to
  /// PostgreSQL at <conninfo without its password>: <libpq's first line>".
  static std::unique_ptr<PgConnection> open(std::string_view conninfo, Access access,
                                            const PgSessionOptions& session = {});
  ~PgConnection() override;

  PGconn* handle() const noexcept { return conn_; }
  Access access() const noexcept { return access_; }
  /// The connection string with its password hidden, for messages.
  const std::string& shown_target() const noexcept { return shown_; }

  std::string_view engine_name() const noexcept override { return "PostgreSQL"; }
  std::unique_ptr<engine::Cursor> prepare_first(std::string_view sql, std::string_view& rest) override;
  using engine::Connection::prepare;
  std::filesystem::path database_file() const override { return {}; }

  /// Runs `sql` (one or more statements, no parameters, no rows wanted);
  /// throws DataError with the server's message.
  void execute(const std::string& sql);
  /// `name` quoted as an identifier ("my schema").
  std::string quote_identifier(std::string_view name) const;
  /// `text` quoted as a string literal.
  std::string quote_literal(std::string_view text) const;

  /// The server's message for a failed `result` (or the connection's),
  /// with any password hidden: "ERROR:  ..." cut to its primary text.
  std::string error_text(const PGresult* result) const;

 private:
  friend class PgCursor;
  PgConnection(PGconn* conn, Access access, std::string shown) noexcept
      : conn_(conn), access_(access), shown_(std::move(shown)) {}

  /// Called by a cursor before it sends a query: the cursor still reading
  /// rows first keeps the rest of its rows, so the connection is free.
  void take_turn(PgCursor* cursor);
  void release_turn(PgCursor* cursor) noexcept;

  PGconn* conn_;
  Access access_;
  std::string shown_;
  std::vector<std::string> passwords_;  ///< those written in the connection string, hidden in messages
  PgCursor* active_ = nullptr;          ///< the cursor whose rows are being sent
};

class PgCursor final : public engine::Cursor {
 public:
  PgCursor(PgConnection& connection, std::string sql, std::vector<std::string> parameters, bool reads_only);
  ~PgCursor() override;

  /// The SQL sent to the server ($n parameters).
  const std::string& sql() const noexcept { return sql_; }

  int parameter_count() const override { return static_cast<int>(parameters_.size()); }
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
  void reset() override;
  bool read_only() const override { return reads_only_; }

  int column_count() const override;
  std::string_view column_name(int i) const override { return columns_[static_cast<std::size_t>(i)].name; }
  engine::ColumnType column_type(int i) override { return cell(i).type; }
  std::int64_t column_int64(int i) override;
  double column_double(int i) override;
  std::string_view column_text(int i) override;
  std::string_view column_blob(int i) override;
  engine::Cell cell(int i) override;
  void read_row(std::span<engine::Cell> cells) override;

 private:
  friend class PgConnection;
  struct Column {
    std::string name;
    Oid type = 0;
  };
  struct Param {
    Oid type = 0;  ///< 0: NULL or untyped text
    bool null = true;
    std::string text;
  };
  struct ResultDeleter {
    void operator()(PGresult* r) const noexcept;
  };
  using Result = std::unique_ptr<PGresult, ResultDeleter>;

  void describe();
  void send();
  /// The next result from the server (or from the kept ones), null at the end.
  Result next_result();
  /// Reads every remaining result of the running query into kept_.
  void keep_remaining() noexcept;
  /// Reads and drops what is left of the running query.
  void finish_query() noexcept;
  void set_columns(const PGresult* result) const;
  void describe_with_bound_types() const;

  PgConnection& connection_;
  std::string sql_;
  std::vector<std::string> parameters_;  ///< ":name" for $1...
  std::vector<Param> params_;
  bool reads_only_;
  mutable std::vector<Column> columns_;
  /// The statement could not be described without its values' types: it
  /// is described with them when its columns are first asked for.
  mutable bool describe_when_bound_ = false;
  std::vector<Oid> described_types_;  ///< the parameters' types as the server inferred them; empty if it could not
  enum class State { ready, running, done } state_ = State::ready;
  bool sending_ = false;                      ///< the server is still sending this cursor's results
  std::deque<Result> kept_;                   ///< results read while another cursor needed the connection
  Result row_;                                ///< the current row (a single-row result)
  mutable std::vector<std::string> decoded_;  ///< per column: a bytea's bytes for the current row
};

}  // namespace aigc
