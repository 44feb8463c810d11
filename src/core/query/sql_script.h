#pragma once
/// Running a script of SQL statements one by one on a guarded connection,
/// rendering each result: the engine of `aigc sql` and of the shell.
#include <chrono>
#include <cstdint>
#include <functional>
#include <istream>
#include <ostream>
#include <string>
#include <string_view>

#include "base/error.h"
#include "query/sql_guard.h"
#include "render/render.h"

namespace aigc {

/// Where a statement sits in its script, for messages.
struct StatementInfo {
  std::size_t ordinal = 0;  ///< 1-based position among the script's statements
  std::size_t line = 0;     ///< 1-based line of its first word
  std::string text;         ///< the statement, without surrounding blanks and comments

  /// The first line of the text, cut to about 60 characters.
  std::string excerpt() const;
};

/// A statement failed: an SQL error, a refusal, a timeout or an interrupt.
/// what() gives the reason, then "in statement N at line L: excerpt".
class StatementError : public DataError {
 public:
  StatementError(StatementInfo statement, std::string reason, StopCause cause);
  const StatementInfo& statement() const noexcept { return statement_; }
  /// The reason alone ("no such table: nope"), without the statement.
  const std::string& reason() const noexcept { return reason_; }
  StopCause cause() const noexcept { return cause_; }

 private:
  StatementInfo statement_;
  std::string reason_;
  StopCause cause_;
};

/// What one statement did, reported after it finished.
struct StatementOutcome {
  const StatementInfo& statement;
  bool has_columns = false;  ///< it returned a result (rendered), even if empty
  std::uint64_t rows = 0;    ///< rows rendered
  std::int64_t changes = 0;  ///< rows inserted, updated or deleted
  std::chrono::duration<double> elapsed{};
};

struct ScriptOptions {
  RenderOptions render;
  std::size_t first_line = 1;     ///< line number of the script's first line in its source
  std::size_t first_ordinal = 1;  ///< ordinal of the script's first statement
  std::size_t prior_results = 0;  ///< results already rendered to `out` (a blank line goes before the next one)
  /// Called after each statement that ran (the shell's .timer).
  std::function<void(const StatementOutcome&)> on_statement;
};

struct ScriptSummary {
  std::size_t statements = 0;  ///< statements run (blank ones and comments do not count)
  std::size_t results = 0;     ///< results rendered
};

/// Runs every statement of `sql` in order. A statement that returns columns
/// is rendered to `out` (a blank line separates table or Markdown results);
/// others run silently. The first failure stops the script and throws
/// StatementError; earlier statements' effects stay.
ScriptSummary run_script(GuardedConnection& conn, std::string_view sql, std::ostream& out,
                         const ScriptOptions& options = {});

/// run_script() on SQL read from `in` (named `source` in messages, e.g.
/// "standard input") one statement at a time, each run as soon as its ';'
/// arrives: an endless input runs in constant memory. A statement longer
/// than kMaxStatementBytes throws DataError naming the limit.
ScriptSummary run_script_stream(GuardedConnection& conn, std::istream& in, std::string_view source, std::ostream& out,
                                const ScriptOptions& options = {});

/// Whether `sql` holds nothing but whitespace and comments.
bool is_blank_sql(std::string_view sql);

}  // namespace aigc
