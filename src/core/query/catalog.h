#pragma once
/// Saved queries: queries/NAME.sql files, their header metadata, and running
/// them with bound parameters.
///
/// A file opens with header comment lines, then exactly one SQL statement:
///
///     -- title: 大模型API调用价格
///     -- scope: report
///     -- description: One line (repeat the key to continue; lines join with a space)
///     -- section: outlook_app_layer, business_models
///     -- param: fx_usd_cny real > 0 = 7.1 -- CNY per USD (an assumption to override)
///     -- param: currency text in ('CNY', 'USD') = 'CNY' -- 'single-quoted' ('' for a quote)
///     -- param: topic text = NULL -- NULL is a default too: "not given"
///     -- param: year integer between 2000 and 2030 -- no default: required
///     SELECT ... WHERE x = :fx_usd_cny
///
/// A param line is NAME [TYPE [CONSTRAINT]] [= DEFAULT] [-- DESCRIPTION]:
/// - TYPE is integer (a 64-bit whole number), real (a double, even when
///   written whole), number (either, bound as written) or text. Without
///   one, a number default implies number and a quoted default text; a
///   parameter with neither takes any value (a plain number is bound as a
///   number, anything else as text: the behaviour before types).
/// - CONSTRAINT is bounds on a number (> N, >= N, < N, <= N, two of them
///   joined by "and", or between A and B, inclusive) and/or the accepted
///   values: in ('CNY', 'USD').
/// - A default must fit the type and constraint; NULL always does.
/// A --param value that does not fit is a UsageError naming the parameter,
/// what it takes and the value; a declaration that does not hold together
/// (an unknown type, a default or accepted value that does not fit, bounds
/// no value meets) is a DataError naming FILE:LINE when the catalog loads.
///
/// The header is the run of lines at the top that are blank or start with
/// "--". In it, a line "-- KEY: value" with a lowercase KEY must use one of
/// the keys above (a typo such as "-- titel:" is an error); other comment
/// lines ("-- Prices as of 2023") are free text. Comments after the header
/// are SQL and are not read.
///
/// Every query declares its scope (by convention the second line, after
/// the title): "report" reproduces the report and returns only the
/// report's own rows, the same however much users load; "analysis" takes
/// report and user rows alike and says where each row comes from. A
/// missing or unknown scope is an error naming the file and line.
///
/// The parameters are those of the prepared statement (:name, @name or
/// $name), one source of truth: a header param gives a default and a
/// description. A statement parameter without a default is required; a
/// header param the statement does not use, a positional parameter (?), a
/// second statement, or a statement that writes is an error.
///
/// Queries are prepared and run through the engine seam (engine/cursor.h):
/// the functions below take an engine::Connection, and keep an overload on a
/// sqlite3 handle for the SQLite callers.
#include <sqlite3.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/connection.h"
#include "engine/cursor.h"
#include "render/render.h"

namespace aigc {

namespace fs = std::filesystem;

/// A parameter value: a declared default or a --param value.
struct ParamValue {
  enum class Kind { null, integer, real, text } kind = Kind::null;
  std::int64_t i = 0;
  double d = 0;
  std::string s;

  /// A --param value: a plain decimal number ("42", "-7", "7.1", "1e3";
  /// not "007", ".5" or "5.") is bound as an integer or real, anything else
  /// as text. Never NULL: the text NULL is the four letters.
  static ParamValue from_text(std::string_view text);
  /// As an SQL literal for messages and listings: 7.1, 'CNY', NULL.
  std::string literal() const;
  /// As a JSON value: 7.1, "CNY", null.
  std::string json() const;
  /// Binds to parameter `index` of `cursor` (text is copied).
  void bind(engine::Cursor& cursor, int index) const;
  /// The same on a SQLite statement.
  void bind(sqlite3_stmt* stmt, int index) const;
};

/// What a parameter takes, as its "-- param:" line declares it.
struct ParamType {
  enum class Base { any, integer, real, number, text };
  Base base = Base::any;
  std::optional<ParamValue> lower, upper;  ///< numbers only, as written
  bool lower_inclusive = false, upper_inclusive = false;
  std::vector<ParamValue> accepted;  ///< empty: every value of the type and bounds

  bool declared() const noexcept { return base != Base::any; }
  /// As a header writes it: "real > 0", "text in ('CNY', 'USD')"; "" for any.
  std::string spec() const;
  /// In words, for messages: "a number greater than 0", "'CNY' or 'USD'".
  std::string phrase() const;
  /// Whether `v` fits. NULL always does: it is what a query gets for "not given".
  bool fits(const ParamValue& v) const;
  /// A --param value read as this type, or nullopt if it does not fit, with
  /// `why` set to a reason the phrase does not make obvious ("(beyond a
  /// 64-bit integer)", "(did you mean 'USD'?)") or left empty.
  std::optional<ParamValue> read(std::string_view text, std::string& why) const;
};

/// A "-- param:" header line.
struct ParamDecl {
  std::string name;                         ///< without the : prefix
  ParamType type;                           ///< declared, or implied by the default
  std::optional<ParamValue> default_value;  ///< none: declared but required; fits `type`
  std::string description;
  std::uint64_t line = 0;
};

/// What a saved query reads: the report's rows only, or everything.
enum class QueryScope { report, analysis };

/// "report" or "analysis".
std::string_view scope_name(QueryScope scope) noexcept;

/// A saved query as read from its file, before it meets a database.
struct SavedQuery {
  std::string name;  ///< the file stem
  std::string file;  ///< "queries/NAME.sql" (embedded) or the file's path, for messages
  std::string title;
  std::string description;
  QueryScope scope = QueryScope::report;
  std::vector<std::string> sections;  ///< report_section.section_id values
  std::vector<ParamDecl> params;
  std::string sql;  ///< the whole file: SQLite skips the header comments
  /// postgresql/NAME.sql beside the query's file: the SQL PostgreSQL runs
  /// instead of `sql`, for a query whose SQL cannot serve both engines
  /// with the same result. Empty: `sql` runs on both.
  std::string postgres_sql;
  std::string postgres_file;  ///< that file, for messages

  /// Parses a file's text. Throws DataError "FILE:LINE: what is wrong".
  static SavedQuery parse(std::string name, std::string file, std::string text);
  /// The declaration of parameter `name`, or nullptr.
  const ParamDecl* param(std::string_view name) const;
};

/// The saved queries available to a command, sorted by name.
class QueryCatalog {
 public:
  /// The queries/*.sql files compiled into the binary.
  static QueryCatalog embedded();
  /// DIR/*.sql (other files and subdirectories are ignored). Throws
  /// UsageError if DIR is not a directory, DataError for a malformed file.
  static QueryCatalog from_directory(const fs::path& dir);
  /// `flag` (from --queries) if not empty, else $AIGC_QUERIES if set, else
  /// the embedded queries.
  static QueryCatalog resolve(const std::string& flag);

  const std::vector<SavedQuery>& queries() const noexcept { return queries_; }
  std::vector<std::string> names() const;
  /// "embedded" or the directory.
  const std::string& origin() const noexcept { return origin_; }
  /// The query called `name`; throws UsageError suggesting the closest names.
  const SavedQuery& find(std::string_view name) const;

 private:
  std::vector<SavedQuery> queries_;
  std::string origin_;
};

/// `v`, something a person typed, for an error message: control characters
/// escaped (\n, \x01), cut after 40 characters with "…".
std::string shown_for_message(std::string_view v);

/// "NAME=VALUE" assignments from --param, in the order given.
using ParamArgs = std::vector<std::pair<std::string, std::string>>;

/// Splits each "NAME=VALUE" at its first '='; a leading : @ or $ on NAME is
/// dropped. Throws UsageError for an assignment without '=', an empty name
/// or a name given twice.
ParamArgs parse_param_args(const std::vector<std::string>& assignments);

/// A parameter of a prepared saved query.
struct QueryParameter {
  std::string name;  ///< without the prefix
  int index = 0;     ///< for engine::Cursor::bind_*
  ParamType type;    ///< any when the header does not declare it
  std::optional<ParamValue> default_value;
  std::string description;
  bool required() const noexcept { return !default_value.has_value(); }
  /// As the header declares it: "fx_usd_cny real > 0 = 7.1", "year integer
  /// (required)", "term = NULL", "v (required)".
  std::string summary() const;
};

/// A saved query prepared on a database, checked against its header.
class PreparedQuery {
 public:
  /// Prepares `query` on `db`. Throws DataError naming the file if the SQL
  /// does not prepare, holds no statement or more than one, writes to the
  /// database, uses a positional parameter, or the header declares a
  /// parameter the SQL does not use. `db` must outlive the query.
  PreparedQuery(engine::Connection& db, SavedQuery query);
  /// The same on a SQLite handle.
  PreparedQuery(sqlite3* db, SavedQuery query);
  ~PreparedQuery();
  PreparedQuery(const PreparedQuery&) = delete;
  PreparedQuery& operator=(const PreparedQuery&) = delete;
  PreparedQuery(PreparedQuery&& other) noexcept;
  PreparedQuery& operator=(PreparedQuery&&) = delete;

  const SavedQuery& query() const noexcept { return query_; }
  /// Those declared in the header in its order, then the others in the SQL's order.
  const std::vector<QueryParameter>& parameters() const noexcept { return parameters_; }
  /// Binds every parameter: the value in `args` read as its type, else the
  /// default. Throws UsageError, before binding anything, for a name the
  /// query does not take, a value its type does not take, or a required
  /// parameter missing, saying what the query takes. Returns the values
  /// bound, by parameter name, in parameter order.
  std::vector<std::pair<std::string, ParamValue>> bind(const ParamArgs& args);
  /// The statement's rows, once bound: step it, or render() it.
  engine::Cursor& cursor() const noexcept { return *cursor_; }
  /// The SQLite statement when prepared on SQLite, else null: for SQLite-only
  /// callers (tests that reach for the C API).
  sqlite3_stmt* get() const noexcept;

 private:
  void prepare(engine::Connection& db);

  SavedQuery query_;
  std::unique_ptr<engine::Cursor> cursor_;
  std::vector<QueryParameter> parameters_;
};

/// Runs saved query `name` with `args` and renders its rows to `out`.
/// Returns the number of rows.
std::uint64_t run_saved_query(engine::Connection& db, const QueryCatalog& catalog, std::string_view name,
                              const ParamArgs& args, std::ostream& out, const RenderOptions& options);
std::uint64_t run_saved_query(sqlite3* db, const QueryCatalog& catalog, std::string_view name, const ParamArgs& args,
                              std::ostream& out, const RenderOptions& options);

/// Lists every query (name, title, parameters, section) in the chosen
/// format; parameters come from preparing each query on `db`.
std::uint64_t list_queries(engine::Connection& db, const QueryCatalog& catalog, std::ostream& out,
                           const RenderOptions& options);
std::uint64_t list_queries(sqlite3* db, const QueryCatalog& catalog, std::ostream& out, const RenderOptions& options);

/// Writes everything known about one query as text: title, description,
/// sections, each parameter with its default and description, a command
/// line that runs it, and the SQL.
void describe_query(engine::Connection& db, const SavedQuery& query, std::ostream& out);
void describe_query(sqlite3* db, const SavedQuery& query, std::ostream& out);

}  // namespace aigc
