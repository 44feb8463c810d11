#include "query/sql_script.h"

#include <algorithm>
#include <istream>

#include "sqlite/sql_tokenizer.h"
#include "sqlite/sqlite_engine.h"
#include "sqlite/statement_scanner.h"

namespace aigc {

namespace {

constexpr std::size_t excerpt_chars = 60;

bool is_continuation_byte(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

/// What a statement's text is trimmed of at its end, for messages.
constexpr std::string_view kLineBlanks = " \t\r\n";

/// Table and Markdown results are separated by a blank line; CSV and JSON
/// results follow each other directly, one document after the other.
bool separates_results(Format f) { return f == Format::table || f == Format::markdown; }

/// Where the statement starting at `start` ends (after its ';'): used when
/// it failed to prepare, so SQLite's tail pointer is unreliable.
std::size_t statement_end(std::string_view rest, std::size_t start) {
  return start + first_statement_length(rest.substr(start));
}

}  // namespace

std::string StatementInfo::excerpt() const {
  std::string_view first = text;
  bool cut = false;
  if (auto nl = first.find('\n'); nl != std::string_view::npos) {
    first = trim_right(first.substr(0, nl), kLineBlanks);
    cut = true;
  }
  // Count code points, not bytes, so Chinese text is not cut mid-character.
  std::size_t chars = 0, i = 0;
  for (; i < first.size(); ++i) {
    if (is_continuation_byte(first[i])) continue;
    if (chars++ == excerpt_chars) {
      cut = true;
      break;
    }
  }
  std::string out(first.substr(0, i));
  if (cut) out += " ...";
  return out;
}

StatementError::StatementError(StatementInfo statement, std::string reason, StopCause cause)
    : DataError(reason + "\n  in statement " + std::to_string(statement.ordinal) + " at line " +
                std::to_string(statement.line) + ": " + statement.excerpt()),
      statement_(std::move(statement)),
      reason_(std::move(reason)),
      cause_(cause) {}

bool is_blank_sql(std::string_view sql) { return !next_significant_token(sql); }

ScriptSummary run_script(GuardedConnection& conn, std::string_view sql, std::ostream& out,
                         const ScriptOptions& options) {
  ScriptSummary summary;
  std::size_t line = options.first_line;  // line of sql[pos]
  std::size_t ordinal = options.first_ordinal;
  std::size_t pos = 0;
  sqlite3* db = conn.handle();
  while (pos < sql.size()) {
    const std::string_view rest = sql.substr(pos);
    // SQLite skips empty statements (lone ';') before the next real one.
    SqlToken first = next_significant_token(rest);
    while (first.kind == SqlTokenKind::semicolon) first = next_significant_token(rest, first.end());
    if (!first) break;
    const std::size_t start = first.offset;

    GuardedConnection::StatementScope scope(conn);
    StatementInfo info;
    info.ordinal = ordinal;
    info.line =
        line + static_cast<std::size_t>(std::count(rest.begin(), rest.begin() + static_cast<long>(start), '\n'));
    std::size_t consumed = 0;
    Statement stmt;
    try {
      stmt = conn.prepare(rest, &consumed);
    } catch (const DataError& e) {
      info.text = std::string(trim_right(rest.substr(start, statement_end(rest, start) - start), kLineBlanks));
      throw StatementError(std::move(info), e.what(), conn.stop_cause());
    }
    if (consumed == 0) break;  // cannot happen with SQLite, but never loop forever
    info.text = std::string(trim_right(rest.substr(start, consumed - start), kLineBlanks));
    line += static_cast<std::size_t>(std::count(rest.begin(), rest.begin() + static_cast<long>(consumed), '\n'));
    pos += consumed;
    if (!stmt) continue;  // nothing but empty statements
    ++ordinal;

    const auto started = std::chrono::steady_clock::now();
    const sqlite3_int64 changes_before = sqlite3_total_changes64(db);
    StatementOutcome outcome{info};
    try {
      SqliteCursor cursor(stmt.get());
      if (cursor.column_count() > 0) {
        if (summary.results + options.prior_results > 0 && separates_results(options.render.format)) out << "\n";
        outcome.rows = render(cursor, out, options.render);
        outcome.has_columns = true;
        ++summary.results;
      } else {
        while (cursor.step()) {
        }
      }
    } catch (const DataError& e) {
      throw StatementError(std::move(info), conn.explain_failure(e.what()), conn.stop_cause());
    }
    outcome.changes = sqlite3_total_changes64(db) - changes_before;
    outcome.elapsed = std::chrono::steady_clock::now() - started;
    ++summary.statements;
    if (options.on_statement) options.on_statement(outcome);
  }
  return summary;
}

ScriptSummary run_script_stream(GuardedConnection& conn, std::istream& in, std::string_view source, std::ostream& out,
                                const ScriptOptions& options) {
  ScriptSummary summary;
  ScriptOptions next = options;
  StatementScanner scanner;
  std::string text;  // the statement being read: at most kMaxStatementBytes
  auto run = [&] {
    const ScriptSummary done = run_script(conn, text, out, next);
    summary.statements += done.statements;
    summary.results += done.results;
    next.first_ordinal += done.statements;
    next.prior_results += done.results;
    next.first_line += static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
    text.clear();
  };
  std::streambuf* buf = in.rdbuf();
  for (int c = buf->sbumpc(); c != std::char_traits<char>::eof(); c = buf->sbumpc()) {
    text += static_cast<char>(c);
    if (scanner.feed(static_cast<char>(c))) {
      run();
    } else if (text.size() > kMaxStatementBytes) {
      const std::size_t start = skip_sql_blanks(text);
      const std::size_t line = next.first_line + static_cast<std::size_t>(std::count(
                                                     text.begin(), text.begin() + static_cast<long>(start), '\n'));
      throw DataError(std::string(source) + ", line " + std::to_string(line) + ": statement " +
                      std::to_string(next.first_ordinal) + " is longer than " + std::to_string(kMaxStatementBytes) +
                      " bytes (1 MiB), the limit for one statement; does a ';' end each statement?");
    }
  }
  if (in.bad()) throw DataError("cannot read SQL from " + std::string(source));
  if (!is_blank_sql(text)) run();
  return summary;
}

}  // namespace aigc
