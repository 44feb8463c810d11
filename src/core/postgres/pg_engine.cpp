#include "postgres/pg_engine.h"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>

#include "base/error.h"
#include "postgres/conninfo.h"
#include "postgres/libpq_library.h"
#include "postgres/pg_sql.h"

namespace aigc {

namespace {

// Type OIDs, fixed since PostgreSQL's first catalog (pg_type.dat).
constexpr Oid kBool = 16, kBytea = 17, kInt8 = 20, kInt2 = 21, kInt4 = 23, kOid = 26, kFloat4 = 700, kFloat8 = 701,
              kNumeric = 1700;

std::string first_line(std::string_view text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.remove_suffix(1);
  const std::size_t nl = text.find('\n');
  return std::string(nl == std::string_view::npos ? text : text.substr(0, nl));
}

/// libpq keeps a reference to nothing we pass, so the strings may be temporaries.
PGresult* checked_exec(PGconn* conn, const std::string& sql) { return libpq().PQexec(conn, sql.c_str()); }

bool parse_int64(std::string_view text, std::int64_t& out) {
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, out);
  return ec == std::errc() && ptr == end;
}

/// numeric text -> the engine value: an integer when it has no decimal
/// point and fits; a real when its digits are exactly a double's shortest
/// ones (1.50 -> 1.5, 3.000 -> 3.0); else the text itself.
engine::Cell numeric_cell(std::string_view text) {
  engine::Cell c;
  if (text == "NaN") {
    c.type = engine::ColumnType::real;
    c.real = std::nan("");
    return c;
  }
  if (text.find('.') == std::string_view::npos) {
    if (parse_int64(text, c.integer)) {
      c.type = engine::ColumnType::integer;
      return c;
    }
  } else {
    std::string_view digits = text;
    while (digits.back() == '0') digits.remove_suffix(1);
    if (digits.back() == '.') digits.remove_suffix(1);
    const double value = std::strtod(std::string(text).c_str(), nullptr);
    char buffer[400];
    auto [ptr, ec] = std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::fixed);
    if (ec == std::errc() && std::string_view(buffer, static_cast<std::size_t>(ptr - buffer)) == digits) {
      c.type = engine::ColumnType::real;
      c.real = value;
      return c;
    }
  }
  c.type = engine::ColumnType::text;
  c.bytes = text;
  return c;
}

int hex_digit(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return 0;
}

/// bytea's text output ("\x0a1b..." with bytea_output = hex, the default).
void decode_bytea(std::string_view text, std::string& out) {
  out.clear();
  if (text.size() >= 2 && text[0] == '\\' && text[1] == 'x') {
    out.reserve((text.size() - 2) / 2);
    for (std::size_t i = 2; i + 1 < text.size(); i += 2)
      out.push_back(static_cast<char>(hex_digit(text[i]) * 16 + hex_digit(text[i + 1])));
    return;
  }
  // bytea_output = escape: \\ and \ooo octal.
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\\' && i + 1 < text.size() && text[i + 1] == '\\') {
      out.push_back('\\');
      ++i;
    } else if (text[i] == '\\' && i + 3 < text.size()) {
      out.push_back(static_cast<char>((text[i + 1] - '0') * 64 + (text[i + 2] - '0') * 8 + (text[i + 3] - '0')));
      i += 3;
    } else {
      out.push_back(text[i]);
    }
  }
}

}  // namespace

// ---------------------------------------------------------------------------
// PgConnection

std::unique_ptr<PgConnection> PgConnection::open(std::string_view conninfo, Access access,
                                                 const PgSessionOptions& session) {
  const LibPq& pq = libpq();
  const std::string target(conninfo);
  const std::string shown = target.empty() ? "the default server (PGHOST, PGDATABASE...)" : redact_conninfo(target);
  // dbname with expand_dbname = 1: a URL or keyword string is read as a
  // whole connection string, a plain word as a database name (libpq's rules).
  const char* const keys[] = {"dbname", "fallback_application_name", nullptr};
  const char* const values[] = {target.c_str(), "aigc", nullptr};
  PGconn* conn = pq.PQconnectdbParams(keys, values, 1);
  if (!conn) throw DataError("cannot connect to PostgreSQL at " + shown + ": out of memory");
  if (pq.PQstatus(conn) != CONNECTION_OK) {
    std::string message = first_line(pq.PQerrorMessage(conn));
    pq.PQfinish(conn);
    throw DataError("cannot connect to PostgreSQL at " + shown + ": " + redact_message(message, target));
  }
  std::unique_ptr<PgConnection> connection(new PgConnection(conn, access, shown));
  connection->passwords_ = conninfo_passwords(target);
  std::string setup = "SET client_encoding = 'UTF8'; SET bytea_output = 'hex'; SET extra_float_digits = 1;";
  if (access == Access::read_only) setup += " SET default_transaction_read_only = on;";
  if (session.timeout_ms) setup += " SET statement_timeout = " + std::to_string(*session.timeout_ms) + ";";
  connection->execute(setup);
  if (!session.schema.empty()) {
    PGresult* found = checked_exec(
        conn, "SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = " + connection->quote_literal(session.schema));
    const bool exists = pq.PQresultStatus(found) == PGRES_TUPLES_OK && pq.PQntuples(found) == 1;
    pq.PQclear(found);
    if (!exists)
      throw DataError("PostgreSQL at " + shown + " has no schema " + connection->quote_identifier(session.schema) +
                      ": publish the warehouse there first (aigc publish URL --schema " + session.schema +
                      "), or name another schema with --schema");
    connection->execute("SET search_path = " + connection->quote_identifier(session.schema));
  }
  return connection;
}

PgConnection::~PgConnection() { libpq().PQfinish(conn_); }

std::string PgConnection::error_text(const PGresult* result) const {
  const LibPq& pq = libpq();
  std::string text;
  const char* sqlstate = nullptr;
  if (result) {
    const char* primary = pq.PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY);
    text = primary ? primary : first_line(pq.PQresultErrorMessage(result));
    if (const char* hint = pq.PQresultErrorField(result, PG_DIAG_MESSAGE_HINT)) text += std::string(" (") + hint + ")";
    sqlstate = pq.PQresultErrorField(result, PG_DIAG_SQLSTATE);
  }
  if (text.empty()) text = first_line(pq.PQerrorMessage(conn_));
  if (text.empty()) text = "PostgreSQL failed without saying why";
  if (sqlstate && std::strcmp(sqlstate, "25006") == 0)
    text += " (aigc opens PostgreSQL read-only unless the command is given --write)";
  for (const std::string& password : passwords_) {
    for (std::size_t at = text.find(password); at != std::string::npos; at = text.find(password, at + 3))
      text.replace(at, password.size(), "***");
  }
  return redact_conninfo(text);
}

void PgConnection::execute(const std::string& sql) {
  take_turn(nullptr);
  const LibPq& pq = libpq();
  PGresult* result = checked_exec(conn_, sql);
  const ExecStatusType status = result ? pq.PQresultStatus(result) : PGRES_FATAL_ERROR;
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK && status != PGRES_EMPTY_QUERY) {
    std::string message = error_text(result);
    pq.PQclear(result);
    throw DataError(message);
  }
  pq.PQclear(result);
}

std::string PgConnection::quote_identifier(std::string_view name) const {
  const LibPq& pq = libpq();
  char* quoted = pq.PQescapeIdentifier(conn_, name.data(), name.size());
  if (!quoted) throw DataError("cannot quote " + std::string(name) + ": " + error_text(nullptr));
  std::string out(quoted);
  pq.PQfreemem(quoted);
  return out;
}

std::string PgConnection::quote_literal(std::string_view text) const {
  const LibPq& pq = libpq();
  char* quoted = pq.PQescapeLiteral(conn_, text.data(), text.size());
  if (!quoted) throw DataError("cannot quote a value: " + error_text(nullptr));
  std::string out(quoted);
  pq.PQfreemem(quoted);
  return out;
}

void PgConnection::take_turn(PgCursor* cursor) {
  if (active_ && active_ != cursor) active_->keep_remaining();
  active_ = cursor;
}

void PgConnection::release_turn(PgCursor* cursor) noexcept {
  if (active_ == cursor) active_ = nullptr;
}

std::unique_ptr<engine::Cursor> PgConnection::prepare_first(std::string_view sql, std::string_view& rest) {
  if (sql.find('\0') != std::string_view::npos) throw DataError("the SQL holds a NUL byte");
  for (;;) {
    pg::ScannedStatement statement = pg::scan_first_statement(sql);
    rest = sql.substr(statement.consumed);
    if (!statement.empty) {
      const std::string keyword = pg::first_keyword(statement.sql);
      const bool reads = keyword == "select" || keyword == "with" || keyword == "values" || keyword == "table" ||
                         keyword == "show" || keyword == "explain";
      return std::make_unique<PgCursor>(*this, std::move(statement.sql), std::move(statement.parameters), reads);
    }
    if (rest.empty()) return nullptr;
    sql = rest;
  }
}

// ---------------------------------------------------------------------------
// PgCursor

void PgCursor::ResultDeleter::operator()(PGresult* r) const noexcept { libpq().PQclear(r); }

PgCursor::PgCursor(PgConnection& connection, std::string sql, std::vector<std::string> parameters, bool reads_only)
    : connection_(connection),
      sql_(std::move(sql)),
      parameters_(std::move(parameters)),
      params_(parameters_.size()),
      reads_only_(reads_only) {
  describe();
}

PgCursor::~PgCursor() {
  finish_query();
  connection_.release_turn(this);
}

void PgCursor::describe() {
  // Prepared (unnamed) to find errors now, as SQLite does when it prepares,
  // and to know the columns before the first row. A statement whose
  // parameters' types only the values can settle (SELECT :a + :b) is
  // checked when it runs instead.
  const LibPq& pq = libpq();
  connection_.take_turn(nullptr);
  PGconn* conn = connection_.handle();
  Result prepared(pq.PQprepare(conn, "", sql_.c_str(), 0, nullptr));
  if (!prepared || pq.PQresultStatus(prepared.get()) != PGRES_COMMAND_OK) {
    const char* state = prepared ? pq.PQresultErrorField(prepared.get(), PG_DIAG_SQLSTATE) : nullptr;
    const std::string_view sqlstate = state ? state : "";
    const bool types_unsettled =
        !parameters_.empty() && (sqlstate == "42P18" || sqlstate == "42P08" || sqlstate == "42725" ||
                                 sqlstate == "42883" || sqlstate == "42804");
    if (!types_unsettled) throw DataError(connection_.error_text(prepared.get()));
    // (:term IS NULL OR term = :term) leaves PostgreSQL unable to infer a
    // type: the statement is described, and run, with its values' types
    // (text and NULL as text) once they are bound.
    describe_when_bound_ = true;
    return;
  }
  Result described(pq.PQdescribePrepared(conn, ""));
  if (described && pq.PQresultStatus(described.get()) == PGRES_COMMAND_OK) {
    set_columns(described.get());
    described_types_.resize(static_cast<std::size_t>(pq.PQnparams(described.get())));
    for (std::size_t i = 0; i < described_types_.size(); ++i)
      described_types_[i] = pq.PQparamtype(described.get(), static_cast<int>(i));
  }
}

void PgCursor::set_columns(const PGresult* result) const {
  const LibPq& pq = libpq();
  const int n = pq.PQnfields(result);
  columns_.resize(static_cast<std::size_t>(n));
  decoded_.resize(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) {
    columns_[static_cast<std::size_t>(i)].name = pq.PQfname(result, i);
    columns_[static_cast<std::size_t>(i)].type = pq.PQftype(result, i);
  }
}

/// The types a statement is sent with: int8 and float8 as bound; text and
/// NULL as the server inferred for their place, or text where it could not.
static std::vector<Oid> types_to_send(const std::vector<Oid>& bound, const std::vector<Oid>& described) {
  std::vector<Oid> types(bound.size());
  for (std::size_t i = 0; i < bound.size(); ++i)
    types[i] = bound[i] != 0 ? bound[i] : i < described.size() ? described[i] : 25;
  return types;
}

int PgCursor::column_count() const {
  if (describe_when_bound_ && state_ == State::ready) describe_with_bound_types();
  return static_cast<int>(columns_.size());
}

void PgCursor::describe_with_bound_types() const {
  const LibPq& pq = libpq();
  connection_.take_turn(nullptr);
  std::vector<Oid> bound;
  for (const Param& p : params_) bound.push_back(p.type);
  const std::vector<Oid> types = types_to_send(bound, {});
  PGconn* conn = connection_.handle();
  Result prepared(pq.PQprepare(conn, "", sql_.c_str(), static_cast<int>(types.size()), types.data()));
  if (!prepared || pq.PQresultStatus(prepared.get()) != PGRES_COMMAND_OK) return;  // running it will say why
  Result described(pq.PQdescribePrepared(conn, ""));
  if (described && pq.PQresultStatus(described.get()) == PGRES_COMMAND_OK) {
    set_columns(described.get());
    describe_when_bound_ = false;  // once: the names stay, and each row brings its types
  }
}

std::string_view PgCursor::parameter_name(int index) const {
  if (index < 1 || index > parameter_count()) return {};
  return parameters_[static_cast<std::size_t>(index - 1)];
}

namespace {
void check_index(int index, int count) {
  if (index < 1 || index > count)
    throw DataError("cannot bind parameter " + std::to_string(index) + ": the statement has " + std::to_string(count));
}
}  // namespace

void PgCursor::bind_null(int index) {
  check_index(index, parameter_count());
  params_[static_cast<std::size_t>(index - 1)] = Param{};
}

void PgCursor::bind_int64(int index, std::int64_t value) {
  check_index(index, parameter_count());
  params_[static_cast<std::size_t>(index - 1)] = Param{kInt8, false, std::to_string(value)};
}

void PgCursor::bind_double(int index, double value) {
  check_index(index, parameter_count());
  std::string text;
  if (std::isnan(value)) {
    text = "NaN";
  } else if (std::isinf(value)) {
    text = value > 0 ? "Infinity" : "-Infinity";
  } else {
    char buffer[64];
    auto [ptr, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
    text.assign(buffer, ptr);
  }
  params_[static_cast<std::size_t>(index - 1)] = Param{kFloat8, false, std::move(text)};
}

void PgCursor::bind_text(int index, std::string_view value) {
  check_index(index, parameter_count());
  if (value.find('\0') != std::string_view::npos)
    throw DataError("cannot bind parameter " + std::string(parameter_name(index)) +
                    ": the text holds a NUL byte, which PostgreSQL cannot store");
  // Untyped (0), as a 'quoted literal' in the SQL would be: the server
  // gives it the type its place asks for (a date, a number, text).
  params_[static_cast<std::size_t>(index - 1)] = Param{0, false, std::string(value)};
}

void PgCursor::send() {
  const LibPq& pq = libpq();
  connection_.take_turn(this);
  std::vector<Oid> bound;
  std::vector<const char*> values(params_.size());
  for (std::size_t i = 0; i < params_.size(); ++i) {
    bound.push_back(params_[i].type);
    values[i] = params_[i].null ? nullptr : params_[i].text.c_str();
  }
  const std::vector<Oid> types = types_to_send(bound, described_types_);
  PGconn* conn = connection_.handle();
  if (!pq.PQsendQueryParams(conn, sql_.c_str(), static_cast<int>(params_.size()), types.data(), values.data(), nullptr,
                            nullptr, 0))
    throw DataError(connection_.error_text(nullptr));
  sending_ = true;
  pq.PQsetSingleRowMode(conn);
}

PgCursor::Result PgCursor::next_result() {
  if (!kept_.empty()) {
    Result r = std::move(kept_.front());
    kept_.pop_front();
    return r;
  }
  if (!sending_) return nullptr;
  Result r(libpq().PQgetResult(connection_.handle()));
  if (!r) {
    sending_ = false;
    connection_.release_turn(this);
  }
  return r;
}

void PgCursor::keep_remaining() noexcept {
  while (sending_) {
    PGresult* r = libpq().PQgetResult(connection_.handle());
    if (!r) {
      sending_ = false;
      break;
    }
    kept_.emplace_back(r);
  }
}

void PgCursor::finish_query() noexcept {
  row_.reset();
  kept_.clear();
  while (sending_) {
    PGresult* r = libpq().PQgetResult(connection_.handle());
    if (!r) {
      sending_ = false;
      connection_.release_turn(this);
      break;
    }
    libpq().PQclear(r);
  }
  state_ = State::ready;
}

bool PgCursor::step() {
  const LibPq& pq = libpq();
  if (state_ == State::done) return false;
  if (state_ == State::ready) {
    send();
    state_ = State::running;
  }
  row_.reset();
  Result r = next_result();
  if (!r) {
    state_ = State::done;
    return false;
  }
  switch (pq.PQresultStatus(r.get())) {
    case PGRES_SINGLE_TUPLE:
      // The types can differ from the described ones (a parameter's type
      // is settled by its value), so they are read from the row.
      if (static_cast<int>(columns_.size()) != pq.PQnfields(r.get()))
        set_columns(r.get());
      else
        for (std::size_t i = 0; i < columns_.size(); ++i) columns_[i].type = pq.PQftype(r.get(), static_cast<int>(i));
      row_ = std::move(r);
      return true;
    case PGRES_TUPLES_OK:  // the end of the rows (or a result with none)
      set_columns(r.get());
      [[fallthrough]];
    case PGRES_COMMAND_OK:
    case PGRES_EMPTY_QUERY:
      while (next_result()) {
      }
      state_ = State::done;
      return false;
    default: {
      std::string message = connection_.error_text(r.get());
      while (next_result()) {
      }
      state_ = State::done;
      throw DataError(message);
    }
  }
}

void PgCursor::reset() { finish_query(); }

engine::Cell PgCursor::cell(int i) {
  engine::Cell c;
  if (!row_) return c;
  const LibPq& pq = libpq();
  PGresult* row = row_.get();
  if (pq.PQgetisnull(row, 0, i)) return c;
  const char* value = pq.PQgetvalue(row, 0, i);
  const std::string_view text(value, static_cast<std::size_t>(pq.PQgetlength(row, 0, i)));
  switch (columns_[static_cast<std::size_t>(i)].type) {
    case kInt2:
    case kInt4:
    case kInt8:
    case kOid:
      if (parse_int64(text, c.integer)) {
        c.type = engine::ColumnType::integer;
        return c;
      }
      break;
    case kFloat4:
    case kFloat8:
      c.type = engine::ColumnType::real;
      c.real = std::strtod(value, nullptr);  // "Infinity" and "NaN" too
      return c;
    case kNumeric: return numeric_cell(text);
    case kBool:
      c.type = engine::ColumnType::integer;
      c.integer = text == "t" ? 1 : 0;
      return c;
    case kBytea: {
      std::string& bytes = decoded_[static_cast<std::size_t>(i)];
      decode_bytea(text, bytes);
      c.type = engine::ColumnType::blob;
      c.bytes = bytes;
      return c;
    }
    default: break;
  }
  c.type = engine::ColumnType::text;
  c.bytes = text;
  return c;
}

void PgCursor::read_row(std::span<engine::Cell> cells) {
  for (std::size_t i = 0; i < cells.size(); ++i) cells[i] = cell(static_cast<int>(i));
}

std::int64_t PgCursor::column_int64(int i) {
  const engine::Cell c = cell(i);
  switch (c.type) {
    case engine::ColumnType::integer: return c.integer;
    case engine::ColumnType::real: return static_cast<std::int64_t>(c.real);
    case engine::ColumnType::text: return std::strtoll(std::string(c.bytes).c_str(), nullptr, 10);
    default: return 0;
  }
}

double PgCursor::column_double(int i) {
  const engine::Cell c = cell(i);
  switch (c.type) {
    case engine::ColumnType::integer: return static_cast<double>(c.integer);
    case engine::ColumnType::real: return c.real;
    case engine::ColumnType::text: return std::strtod(std::string(c.bytes).c_str(), nullptr);
    default: return 0;
  }
}

std::string_view PgCursor::column_text(int i) {
  if (!row_ || libpq().PQgetisnull(row_.get(), 0, i)) return {};
  const engine::Cell c = cell(i);
  if (c.type == engine::ColumnType::blob) return c.bytes;
  if (columns_[static_cast<std::size_t>(i)].type == kBool) return c.integer ? "1" : "0";
  return std::string_view(libpq().PQgetvalue(row_.get(), 0, i),
                          static_cast<std::size_t>(libpq().PQgetlength(row_.get(), 0, i)));
}

std::string_view PgCursor::column_blob(int i) {
  const engine::Cell c = cell(i);
  return c.type == engine::ColumnType::null ? std::string_view() : c.bytes;
}

}  // namespace aigc
