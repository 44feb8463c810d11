#include "publish/publish.h"

#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include "base/error.h"
#include "base/real_text.h"
#include "postgres/conninfo.h"
#include "postgres/libpq_library.h"
#include "postgres/pg_engine.h"
#include "publish/md5.h"
#include "publish/pg_schema.h"
#include "sqlite/quote.h"
#include "sqlite/statement.h"

namespace aigc {
namespace {

/// COPY data is sent in pieces of about this size: few enough calls that
/// libpq's per-call cost vanishes, small enough to stay in the cache.
constexpr std::size_t kCopyChunk = 1 << 20;
/// Rows between two progress reports.
constexpr std::uint64_t kProgressEvery = 4096;

std::string first_line(std::string_view s) {
  const auto nl = s.find('\n');
  std::string line(nl == std::string_view::npos ? s : s.substr(0, nl));
  while (!line.empty() && (line.back() == ' ' || line.back() == '\r')) line.pop_back();
  return line;
}

/// One libpq connection, closed when it goes out of scope. Closing it
/// without COMMIT ends the transaction: the server rolls it back.
class PgSession {
 public:
  /// Connects as every PostgreSQL command does (PgConnection::open: the
  /// same "cannot connect" message, the password hidden), then works on
  /// the raw handle: COPY is libpq's, not the engine seam's.
  explicit PgSession(const std::string& conninfo)
      : pq_(libpq()), conninfo_(conninfo), connection_(PgConnection::open(conninfo, Access::read_write)) {
    conn_ = connection_->handle();
  }
  PgSession(const PgSession&) = delete;
  PgSession& operator=(const PgSession&) = delete;

  /// Runs `sql`; returns the result's rows as text (NULL as empty).
  std::vector<std::vector<std::string>> exec(const std::string& sql) {
    PGresult* r = pq_.PQexec(conn_, sql.c_str());
    const ExecStatusType status = r ? pq_.PQresultStatus(r) : PGRES_FATAL_ERROR;
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
      const std::string why = r ? pq_.PQresultErrorMessage(r) : pq_.PQerrorMessage(conn_);
      if (r) pq_.PQclear(r);
      fail(sql, why);
    }
    std::vector<std::vector<std::string>> rows;
    for (int i = 0; i < pq_.PQntuples(r); ++i) {
      auto& row = rows.emplace_back();
      for (int j = 0; j < pq_.PQnfields(r); ++j) row.emplace_back(pq_.PQgetvalue(r, i, j));
    }
    pq_.PQclear(r);
    return rows;
  }

  void begin_copy(const std::string& sql) {
    PGresult* r = pq_.PQexec(conn_, sql.c_str());
    const ExecStatusType status = r ? pq_.PQresultStatus(r) : PGRES_FATAL_ERROR;
    const std::string why = r ? pq_.PQresultErrorMessage(r) : pq_.PQerrorMessage(conn_);
    if (r) pq_.PQclear(r);
    if (status != PGRES_COPY_IN) fail(sql, why);
  }
  /// Sends one piece of COPY data; false (and libpq's reason) on failure.
  /// Called from CopyPipe's thread, the only one using the connection then.
  bool try_put_copy(const std::string& data, std::string& why) {
    if (data.empty() || pq_.PQputCopyData(conn_, data.data(), static_cast<int>(data.size())) == 1) return true;
    why = pq_.PQerrorMessage(conn_);
    return false;
  }
  void end_copy(const std::string& sql, const std::string& send_error) {
    if (!send_error.empty()) fail(sql, send_error);
    if (pq_.PQputCopyEnd(conn_, nullptr) != 1) fail(sql, pq_.PQerrorMessage(conn_));
    std::string why;
    while (PGresult* r = pq_.PQgetResult(conn_)) {
      if (pq_.PQresultStatus(r) != PGRES_COMMAND_OK && why.empty()) why = pq_.PQresultErrorMessage(r);
      pq_.PQclear(r);
    }
    if (!why.empty()) fail(sql, why);
  }

 private:
  [[noreturn]] void fail(const std::string& sql, const std::string& why) {
    std::string message = redact_message(why, conninfo_);
    while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
    throw DataError("PostgreSQL refused " + first_line(sql).substr(0, 200) + ": " + message);
  }
  const LibPq& pq_;
  std::string conninfo_;  ///< for hiding its password in messages
  std::unique_ptr<PgConnection> connection_;
  PGconn* conn_ = nullptr;
};

/// Sends COPY data from a thread of its own, so that reading and encoding
/// the next chunk overlaps sending the last one and the server's parsing it:
/// the copy takes about as long as the slower side instead of both added.
class CopyPipe {
 public:
  explicit CopyPipe(PgSession& session) : session_(session), thread_([this] { run(); }) {}
  ~CopyPipe() { finish(); }
  CopyPipe(const CopyPipe&) = delete;
  CopyPipe& operator=(const CopyPipe&) = delete;

  /// Queues `buffer` for sending (waiting while two chunks are queued) and
  /// leaves an empty one in its place.
  void push(std::string& buffer) {
    std::unique_lock lock(mutex_);
    space_.wait(lock, [this] { return queue_.size() < 2 || failed_; });
    if (failed_) {
      buffer.clear();  // the error is reported by finish()
      return;
    }
    queue_.push_back(std::move(buffer));
    if (spare_.empty()) {
      buffer = std::string();
      buffer.reserve(kCopyChunk + 64 * 1024);
    } else {
      buffer = std::move(spare_.back());
      spare_.pop_back();
    }
    ready_.notify_one();
  }

  /// Waits until everything queued is sent; returns libpq's error, or "".
  std::string finish() {
    {
      std::lock_guard lock(mutex_);
      done_ = true;
    }
    ready_.notify_one();
    if (thread_.joinable()) thread_.join();
    return error_;
  }

 private:
  void run() {
    for (;;) {
      std::string chunk;
      {
        std::unique_lock lock(mutex_);
        ready_.wait(lock, [this] { return !queue_.empty() || done_; });
        if (queue_.empty()) return;
        chunk = std::move(queue_.front());
        queue_.pop_front();
      }
      std::string why;
      const bool sent = session_.try_put_copy(chunk, why);
      std::lock_guard lock(mutex_);
      if (!sent) {
        failed_ = true;
        error_ = why;
        queue_.clear();
        space_.notify_one();
        return;
      }
      chunk.clear();
      spare_.push_back(std::move(chunk));
      space_.notify_one();
    }
  }

  PgSession& session_;
  std::mutex mutex_;
  std::condition_variable ready_;  ///< a chunk is queued, or the copy is done
  std::condition_variable space_;  ///< the queue has room, or sending failed
  std::deque<std::string> queue_;
  std::vector<std::string> spare_;  ///< sent buffers, reused without reallocating
  bool done_ = false;
  bool failed_ = false;
  std::string error_;
  std::thread thread_;  ///< last: started once everything it uses exists
};

/// A million 64-bit hashes add up past 64 bits; PostgreSQL sums them as numeric.
__extension__ using Int128 = __int128;

/// Adds a row's hash to the table's digest: the first 8 bytes of its md5
/// as a signed big-endian integer, summed (PostgreSQL: ('x' || left(md5,
/// 16))::bit(64)::bigint, summed as numeric). A sum does not depend on row
/// order, so a table needs no key and neither side sorts a million rows.
void add_row_hash(Int128& sum, std::string_view row) {
  const Md5Digest h = md5(row);
  std::uint64_t prefix = 0;
  for (int k = 0; k < 8; ++k) prefix = prefix << 8 | h[static_cast<std::size_t>(k)];
  sum += static_cast<std::int64_t>(prefix);
}

std::string int128_text(Int128 v) {
  if (v == 0) return "0";
  const bool negative = v < 0;
  std::string out;
  for (; v != 0; v /= 10) {
    const int digit = static_cast<int>(v % 10);
    out += static_cast<char>('0' + (digit < 0 ? -digit : digit));
  }
  if (negative) out += '-';
  return {out.rbegin(), out.rend()};
}

/// `text` in COPY's text format: backslash, tab, newline and carriage return escaped.
void append_copy_text(std::string& out, std::string_view text) {
  std::size_t from = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c != '\\' && c != '\t' && c != '\n' && c != '\r') continue;
    out.append(text.data() + from, i - from);
    out += '\\';
    out += c == '\t' ? 't' : c == '\n' ? 'n' : c == '\r' ? 'r' : '\\';
    from = i + 1;
  }
  out.append(text.data() + from, text.size() - from);
}

/// One field of a row, rendered once for both uses: in COPY's text format
/// into `copy` (when sending), and as the digest renders it (publish.h:
/// what PostgreSQL's quote_nullable() or encode(..., 'hex') gives) into
/// `digest`.
void encode_field(std::string* copy, std::string& digest, PgType type, sqlite3_stmt* s, int i) {
  static constexpr char kHex[] = "0123456789abcdef";
  const int kind = sqlite3_column_type(s, i);
  if (kind == SQLITE_NULL) {
    if (copy) *copy += "\\N";
    digest += "NULL";
    return;
  }
  char num[32];
  switch (type) {
    case PgType::bigint: {
      const std::string_view text(num, std::to_chars(num, num + sizeof num, sqlite3_column_int64(s, i)).ptr);
      if (copy) *copy += text;
      digest += '\'';
      digest += text;
      digest += '\'';
      return;
    }
    case PgType::double_precision: {
      const double v = sqlite3_column_double(s, i);
      if (copy) {
        RealTextBuffer buffer;
        *copy += real_text(v, buffer);
      }
      // float8send's bytes: the IEEE-754 bits, most significant first.
      std::uint64_t bits;
      std::memcpy(&bits, &v, sizeof bits);
      char hex[16];
      for (int k = 0; k < 16; ++k) hex[k] = kHex[(bits >> (60 - 4 * k)) & 15];
      digest.append(hex, sizeof hex);
      return;
    }
    case PgType::bytea: {
      const auto* p = static_cast<const unsigned char*>(sqlite3_column_blob(s, i));
      const auto n = static_cast<std::size_t>(sqlite3_column_bytes(s, i));
      const std::size_t from = digest.size();
      digest.resize(from + 2 * n);
      for (std::size_t k = 0; k < n; ++k) {
        digest[from + 2 * k] = kHex[p[k] >> 4];
        digest[from + 2 * k + 1] = kHex[p[k] & 15];
      }
      if (copy) {
        *copy += "\\\\x";  // bytea's hex input, its backslash escaped for COPY
        copy->append(digest, from, 2 * n);
      }
      return;
    }
    case PgType::text: break;
  }
  // Text: an integer or a REAL in an ANY column goes as its text
  // (real_text: the shortest digits that read back).
  std::string_view text;
  RealTextBuffer buffer;
  if (kind == SQLITE_INTEGER) {
    text = std::string_view(num, std::to_chars(num, num + sizeof num, sqlite3_column_int64(s, i)).ptr);
  } else if (kind == SQLITE_FLOAT) {
    text = real_text(sqlite3_column_double(s, i), buffer);
  } else {
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_blob(s, i));
    text = std::string_view(p ? p : "", static_cast<std::size_t>(sqlite3_column_bytes(s, i)));
  }
  bool plain = true;  // nothing to escape on either side: the common case
  bool backslash = false;
  for (const char c : text) {
    if (c == '\\' || c == '\t' || c == '\n' || c == '\r' || c == '\'') {
      plain = false;
      backslash |= c == '\\';
    }
  }
  if (plain) {
    if (copy) *copy += text;
    digest += '\'';
    digest += text;
    digest += '\'';
    return;
  }
  if (copy) append_copy_text(*copy, text);
  // quote_literal(): quotes and backslashes doubled, E'' when there is a backslash.
  if (backslash) digest += 'E';
  digest += '\'';
  for (const char c : text) {
    if (c == '\'' || c == '\\') digest += c;
    digest += c;
  }
  digest += '\'';
}

/// Reads every row of `table` from SQLite; with a session, sends them with
/// COPY. Returns the digest; counts the rows into *rows.
std::string read_table(sqlite3* db, const PgTable& table, PgSession* session, std::uint64_t& rows,
                       const std::function<void()>& tick) {
  std::string select = "SELECT ";
  std::string copy = "COPY " + pg_identifier(table.name) + " (";
  for (std::size_t i = 0; i < table.columns.size(); ++i) {
    select += (i ? ", " : "") + quote_identifier(table.columns[i].name);
    copy += (i ? ", " : "") + pg_identifier(table.columns[i].name);
  }
  select += " FROM " + quote_identifier(table.name);
  // FREEZE: the table was created in this transaction, so its rows can be
  // written already frozen, sparing the server a later pass to mark them.
  copy += ") FROM STDIN WITH (FREEZE)";
  Statement statement(db, select);
  sqlite3_stmt* s = statement.get();
  const int n = static_cast<int>(table.columns.size());
  std::optional<CopyPipe> pipe;
  if (session) {
    session->begin_copy(copy);
    pipe.emplace(*session);
  }
  std::string buffer;
  buffer.reserve(kCopyChunk + 64 * 1024);
  std::string row;
  Int128 sum = 0;
  rows = 0;
  while (statement.step()) {
    row.clear();
    for (int i = 0; i < n; ++i) {
      const PgType type = table.columns[static_cast<std::size_t>(i)].type;
      if (i) {
        row += ',';
        if (session) buffer += '\t';
      }
      encode_field(session ? &buffer : nullptr, row, type, s, i);
    }
    add_row_hash(sum, row);
    if (session) {
      buffer += '\n';
      if (buffer.size() >= kCopyChunk) pipe->push(buffer);
    }
    if (++rows % kProgressEvery == 0 && tick) tick();
  }
  if (session) {
    pipe->push(buffer);
    const std::string send_error = pipe->finish();
    session->end_copy(copy, send_error);
  }
  return int128_text(sum);
}

/// A read transaction on the SQLite file, so every table is read as of one
/// moment even if someone loads rows meanwhile.
class ReadTransaction {
 public:
  explicit ReadTransaction(sqlite3* db) : db_(sqlite3_get_autocommit(db) ? db : nullptr) {
    if (db_) exec(db_, "BEGIN");
  }
  ~ReadTransaction() {
    if (db_) sqlite3_exec(db_, "COMMIT", nullptr, nullptr, nullptr);
  }
  ReadTransaction(const ReadTransaction&) = delete;
  ReadTransaction& operator=(const ReadTransaction&) = delete;

 private:
  sqlite3* db_;
};

void check_schema_name(const std::string& schema) {
  if (schema.empty()) throw UsageError("--schema: the schema name is empty");
  // The temporary name adds "__new_" and a pid; PostgreSQL cuts names at 63 bytes.
  if (schema.size() > 40) throw UsageError("--schema " + schema + ": at most 40 bytes, please");
  if (schema.find('\0') != std::string::npos) throw UsageError("--schema: the name holds a NUL byte");
  if (schema.rfind("pg_", 0) == 0) throw UsageError("--schema " + schema + ": names starting pg_ are PostgreSQL's");
}

}  // namespace

std::string sqlite_table_digest(sqlite3* db, const std::string& table, std::uint64_t* rows) {
  ReadTransaction read(db);
  std::uint64_t n = 0;
  const std::string digest = read_table(db, translate_table(db, table), nullptr, n, {});
  if (rows) *rows = n;
  return digest;
}

std::string pg_table_digest_sql(const PgTable& table) {
  // concat_ws takes at most 100 arguments: wider rows are joined in groups,
  // which gives the same text since no field is ever NULL.
  constexpr std::size_t kGroup = 64;
  std::string row;
  for (std::size_t i = 0; i < table.columns.size(); ++i) {
    if (i % kGroup == 0)
      row += i ? "), concat_ws(',', " : "concat_ws(',', concat_ws(',', ";
    else
      row += ", ";
    const std::string c = pg_identifier(table.columns[i].name);
    switch (table.columns[i].type) {
      case PgType::bigint:
      case PgType::text: row += "quote_nullable(" + c + ")"; break;
      case PgType::double_precision: row += "coalesce(encode(float8send(" + c + "), 'hex'), 'NULL')"; break;
      case PgType::bytea: row += "coalesce(encode(" + c + ", 'hex'), 'NULL')"; break;
    }
  }
  row += "))";
  return "SELECT count(*), coalesce(sum(('x' || left(md5(" + row + "), 16))::bit(64)::bigint), 0) FROM " +
         pg_identifier(table.name);
}

PublishSummary publish_warehouse(sqlite3* db, const PublishOptions& options) {
  check_schema_name(options.schema);
  ReadTransaction read(db);
  // Translated before connecting: a table that cannot be published changes nothing anywhere.
  std::vector<PgTable> tables;
  for (const std::string& name : table_names(db)) tables.push_back(translate_table(db, name));
  const std::vector<std::string> indexes = translate_indexes(db);
  std::uint64_t total = 0;
  for (const PgTable& t : tables) {
    Statement count(db, "SELECT count(*) FROM " + quote_identifier(t.name));
    count.step();
    total += static_cast<std::uint64_t>(sqlite3_column_int64(count.get(), 0));
  }

  PgSession pg(options.conninfo);
  const std::string name = pg_identifier(options.schema);
  const std::string temporary = pg_identifier(options.schema + "__new_" + std::to_string(::getpid()));
  pg.exec("SET client_min_messages = warning");  // no NOTICE per object the DROP ... CASCADE drops
  pg.exec("SET client_encoding = 'UTF8'");
  pg.exec("SET application_name = 'aigc publish'");
  pg.exec("BEGIN");
  pg.exec("CREATE SCHEMA " + temporary);
  pg.exec("SET LOCAL search_path = " + temporary + ", pg_catalog");
  for (const PgTable& t : tables) pg.exec(t.create);

  PublishSummary summary;
  summary.schema = options.schema;
  std::uint64_t done = 0;
  for (const PgTable& t : tables) {
    std::uint64_t rows = 0;
    const std::uint64_t before = done;
    auto tick = [&] {
      if (options.progress) options.progress(before + rows, total);
    };
    summary.tables.push_back({t.name, 0, read_table(db, t, &pg, rows, tick)});
    summary.tables.back().rows = rows;
    done += rows;
    if (options.progress) options.progress(done, total);
  }
  summary.rows = done;
  for (const PgTable& t : tables)
    if (!t.constraints.empty()) pg.exec(t.constraints);
  for (const PgTable& t : tables)
    for (const std::string& fk : t.foreign_keys) pg.exec(fk);
  for (const std::string& index : indexes) pg.exec(index);

  // The check, before the swap: a copy that differs never replaces anything.
  for (std::size_t i = 0; i < tables.size(); ++i) {
    const auto got = pg.exec(pg_table_digest_sql(tables[i]));
    const PublishedTable& want = summary.tables[i];
    if (got.empty() || got[0][0] != std::to_string(want.rows))
      throw DataError("publish check failed for table " + want.name + ": " + std::to_string(want.rows) +
                      " rows in the warehouse, " + (got.empty() ? "?" : got[0][0]) + " on PostgreSQL");
    if (got[0][1] != want.digest)
      throw DataError("publish check failed for table " + want.name +
                      ": its rows on PostgreSQL differ from the warehouse's (digest " + got[0][1] + ", expected " +
                      want.digest + ")");
  }
  pg.exec("DROP SCHEMA IF EXISTS " + name + " CASCADE");
  pg.exec("ALTER SCHEMA " + temporary + " RENAME TO " + name);
  pg.exec("COMMIT");
  return summary;
}

}  // namespace aigc
