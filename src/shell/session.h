#pragma once
/// The shell's state and behaviour, apart from the terminal: assembling
/// typed lines into statements, running SQL and dot-commands, and what tab
/// completion may offer. `aigc shell` drives it from libedit or from a
/// script on standard input; tests drive it in-process.
#include <cstddef>
#include <fstream>
#include <istream>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "base/output_file.h"
#include "query/catalog.h"
#include "query/sql_guard.h"
#include "render/render.h"
#include "shell/completion.h"
#include "sqlite/statement_scanner.h"

namespace aigc::shell {

/// A complete unit of input: SQL (one or more statements) or a dot-command.
struct Input {
  enum class Kind { sql, dot_command } kind = Kind::sql;
  std::string text;
  std::size_t first_line = 1;  ///< line of its first line in the input
};

/// Collects lines until they form a complete SQL statement (per
/// sqlite3_complete) or a dot-command; lines that are blank or only
/// comments are dropped.
class InputAssembler {
 public:
  /// The line completes an Input, or nothing yet.
  std::optional<Input> add_line(std::string_view line, std::size_t line_number);
  /// An unfinished statement is waiting for more lines.
  bool pending() const noexcept { return !buffer_.empty(); }
  void clear() noexcept {
    buffer_.clear();
    scanner_.reset();
  }
  /// At the end of input: the unfinished statement, run as it is (SQLite
  /// does not need the final ';').
  std::optional<Input> finish();

 private:
  std::string buffer_;
  StatementScanner scanner_;  ///< has seen exactly buffer_
  std::size_t first_line_ = 0;
};

class Session;

/// One dot-command: the table that dispatches them also generates `.help`
/// and feeds completion.
struct DotCommand {
  std::string_view name;  ///< with the dot: ".tables"
  std::string_view args;  ///< "[TABLE]"
  std::string_view help;
  std::size_t min_args;
  std::size_t max_args;  ///< SIZE_MAX: any number
  void (Session::*run)(const std::vector<std::string>& args);
};

class Session {
 public:
  /// Results go to `out` (until .output names a file); messages such as
  /// .timer's go to `messages`.
  Session(GuardedConnection& conn, QueryCatalog catalog, std::ostream& out, std::ostream& messages,
          RenderOptions render = {});
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  /// Runs one unit of input. Throws StatementError for a failing statement,
  /// UsageError for a misused dot-command, DataError for other failures.
  void execute(const Input& input);

  /// Reads `in` line by line and runs everything, stopping at the first
  /// error (rethrown, prefixed with `source` unless it is standard input).
  void run_stream(std::istream& in, const std::string& source);

  /// .quit was given.
  bool quit_requested() const noexcept { return quit_; }

  /// Ends a .output file: renames it into place. Called when the session
  /// ends normally; a session destroyed without it (a script stopped by an
  /// error) leaves the file as it was. Throws DataError if writing failed.
  void close_output();

  /// What tab completion may offer; tables and columns are read from the
  /// database on first use and again after statements that may change them.
  const CompletionWords& completion_words();

  static const std::vector<DotCommand>& dot_commands();

  /// The dot-command help text, generated from the table.
  static std::string help_text();

 private:
  std::ostream& out() { return output_file_ ? output_file_->stream() : default_out_; }
  /// Throws DataError, naming the file and the system's reason, if writing
  /// the current output has failed.
  void check_output();
  /// The render options for the current output: cells are cut to the
  /// terminal's width on the terminal, never in a file.
  RenderOptions render_for_output() const;
  void run_sql(const Input& input);
  void run_dot_command(const Input& input);

  void cmd_help(const std::vector<std::string>& args);
  void cmd_tables(const std::vector<std::string>& args);
  void cmd_schema(const std::vector<std::string>& args);
  void cmd_queries(const std::vector<std::string>& args);
  void cmd_run(const std::vector<std::string>& args);
  void cmd_mode(const std::vector<std::string>& args);
  void cmd_output(const std::vector<std::string>& args);
  void cmd_export(const std::vector<std::string>& args);
  void cmd_timer(const std::vector<std::string>& args);
  void cmd_read(const std::vector<std::string>& args);
  void cmd_quit(const std::vector<std::string>& args);

  GuardedConnection& conn_;
  QueryCatalog catalog_;
  std::ostream& default_out_;
  std::ostream& messages_;
  RenderOptions render_;
  fs::path warehouse_;  ///< the database file: never an output file
  std::unique_ptr<OutputFile> output_file_;
  bool timer_ = false;
  bool quit_ = false;
  int read_depth_ = 0;
  std::size_t statements_run_ = 0;  ///< numbers statements within a stream
  std::optional<CompletionWords> words_;
};

/// Splits a dot-command line into words; '...' or "..." quote a word with
/// spaces (a doubled quote inside stands for one).
std::vector<std::string> split_dot_command(std::string_view line);

}  // namespace aigc::shell
