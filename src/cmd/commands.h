#pragma once
/// The command layer: one file per subcommand, each in the shape of CLI11's
/// subcom_in_files example. `setup_X` declares the command and binds its
/// options into a plain XOptions struct; `run_X(options, global, out)` does
/// the work, writing what the command prints to `out`, and reports failure
/// by throwing the project's typed errors (main() picks the exit code). So
/// a test can call run_X without parsing argv, and make_app() builds the
/// whole command line in-process. This is the only code that includes CLI11.
#include <CLI/CLI.hpp>
#include <cstddef>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cmd/csv_input.h"
#include "cmd/query_options.h"

namespace aigc::cmd {

struct ServeCommandOptions;
struct GlobalOptions;

/// What `aigc serve` runs: the web server, linked only into the aigc-serve
/// binary (src/cmd/serve_server.cpp), so that every other command starts
/// without loading an HTTP library and its TLS and compression libraries.
using ServeRunner = void (*)(const ServeCommandOptions&, const GlobalOptions&);

/// Options that every subcommand shares.
struct GlobalOptions {
  std::string db;  ///< --db; empty: $AIGC_DB, then the default path
  /// --ambiguous-wide / AIGC_AMBIGUOUS_WIDE: East Asian ambiguous characters take two cells.
  bool ambiguous_wide = false;
  /// The command line as given, for `aigc serve` to hand to aigc-serve.
  std::vector<std::string> argv;
  /// Set in aigc-serve; null in aigc, whose `serve` executes aigc-serve.
  ServeRunner serve = nullptr;
};

// The options of each command, as its flags set them. Named XCommandOptions
// because the core has LoadOptions, ExportOptions, CheckOptions... of its own.

/// `aigc build`
struct BuildCommandOptions {
  std::string from;  ///< a project directory holding schema/ and seeds/; empty: embedded copy
  bool quiet = false;
  bool discard_user_data = false;
};

/// `aigc load TABLE FILE`
struct LoadCommandOptions {
  std::string table;
  std::string file;
  bool upsert = false;
  bool dry_run = false;
  std::size_t max_errors = 100;
  DelimiterOptions delimiter;
};

/// `aigc import FILE --as NAME`
struct ImportCommandOptions {
  std::string file;
  std::string as;
  bool replace = false;
  bool dry_run = false;
  std::size_t max_errors = 100;
  DelimiterOptions delimiter;
};

/// `aigc queries [NAME]`
struct QueriesCommandOptions {
  std::string name;  ///< empty: list them all
  OutputFlags out{"table"};
  std::string queries;
  ServerFlags server;  ///< --on URL, --schema NAME
};

/// `aigc run NAME`
struct RunCommandOptions {
  std::string name;
  std::vector<std::string> params;
  OutputFlags out{"table"};
  std::optional<std::string> output;  ///< -o; none: standard output
  std::string queries;
  ServerFlags server;  ///< --on URL, --schema NAME
};

/// `aigc export NAME | --all`
struct ExportCommandOptions {
  std::string name;
  bool all = false;
  std::optional<std::string> output;  ///< -o; none: NAME.EXT in --dir or here
  std::string dir;
  std::string xlsx;
  std::vector<std::string> params;
  OutputFlags out{"csv"};
  bool format_given = false;  ///< -f was given (it is refused with --xlsx)
  std::string queries;
  ServerFlags server;  ///< --on URL, --schema NAME
};

/// `aigc sql [SQL]`
struct SqlCommandOptions {
  std::string sql = "-";  ///< "-": standard input
  OutputFlags out{"table"};
  std::optional<std::string> output;  ///< -o; none: standard output
  bool write = false;
  std::optional<std::string> timeout;  ///< none: no limit
  ServerFlags server;                  ///< --on URL, --schema NAME
};

/// `aigc shell`
struct ShellCommandOptions {
  bool write = false;
  std::optional<std::string> timeout;  ///< none: no limit
  OutputFlags out{"table"};
  std::string queries;
};

/// `aigc check`
struct CheckCommandOptions {
  std::vector<std::string> only;
  bool list = false;
  std::size_t max_rows = 100;
  /// -f: the failing rows in this format instead of the report; none: the report.
  std::optional<std::string> format;
  OutputFlags out;  ///< --bom, --excel-safe, --crlf for format csv
};

/// `aigc report -o FILE`
struct ReportCommandOptions {
  std::string html;
  std::vector<std::string> params;
  std::string queries;
  ServerFlags server;  ///< --on URL, --schema NAME
};

/// `aigc publish URL`
struct PublishCommandOptions {
  std::string conninfo;  ///< a postgresql:// URL or a libpq keyword string
  std::string schema = "aigc";
};
/// `aigc serve`
struct ServeCommandOptions {
  std::string host = "127.0.0.1";
  int port = 8765;
  bool open = false;
  bool cors = false;
  std::string timeout = "5";  ///< seconds per statement
  std::size_t max_rows = 10000;
  std::size_t threads = 0;  ///< 0: the default
  std::string queries;
};

/// `aigc completion SHELL`
struct CompletionCommandOptions {
  std::string shell;  ///< only "bash" is accepted
};

void setup_build(CLI::App& app, GlobalOptions& global);
void setup_load(CLI::App& app, GlobalOptions& global);
void setup_import(CLI::App& app, GlobalOptions& global);
void setup_queries(CLI::App& app, GlobalOptions& global);
void setup_run(CLI::App& app, GlobalOptions& global);
void setup_export(CLI::App& app, GlobalOptions& global);
void setup_sql(CLI::App& app, GlobalOptions& global);
void setup_shell(CLI::App& app, GlobalOptions& global);
void setup_check(CLI::App& app, GlobalOptions& global);
void setup_report(CLI::App& app, GlobalOptions& global);
void setup_publish(CLI::App& app, GlobalOptions& global);
/// `completion bash` and the hidden `manual`, generated from the commands above:
/// call it last.
void setup_manual(CLI::App& app, GlobalOptions& global);
void setup_serve(CLI::App& app, GlobalOptions& global);

// Each run_X writes the command's output to `out`; progress bars, and the
// summaries said on standard error when the data itself goes to standard
// output, still go to std::cerr. Errors are thrown.
void run_build(const BuildCommandOptions& options, const GlobalOptions& global, std::ostream& out);
void run_load(const LoadCommandOptions& options, const GlobalOptions& global, std::ostream& out);
void run_import(const ImportCommandOptions& options, const GlobalOptions& global, std::ostream& out);
void run_queries(const QueriesCommandOptions& options, const GlobalOptions& global, std::ostream& out);
void run_run(const RunCommandOptions& options, const GlobalOptions& global, std::ostream& out);
void run_export(const ExportCommandOptions& options, const GlobalOptions& global, std::ostream& out);
/// Reads the SQL from std::cin when options.sql is "-".
void run_sql(const SqlCommandOptions& options, const GlobalOptions& global, std::ostream& out);
/// Reads from std::cin: interactively when it is a terminal, else as a script.
void run_shell(const ShellCommandOptions& options, const GlobalOptions& global, std::ostream& out);
/// Throws DataError when a check fails (exit status 1), after the report.
void run_check(const CheckCommandOptions& options, const GlobalOptions& global, std::ostream& out);
void run_report(const ReportCommandOptions& options, const GlobalOptions& global, std::ostream& out);
void run_publish(const PublishCommandOptions& options, const GlobalOptions& global, std::ostream& out);
/// Runs global.serve, or executes aigc-serve with global.argv.
void run_serve(const ServeCommandOptions& options, const GlobalOptions& global);
/// The script is generated from the command tree `root`, so it takes that
/// instead of GlobalOptions (it needs no warehouse).
void run_completion(const CompletionCommandOptions& options, const CLI::App& root, std::ostream& out);
/// The man page, generated from every command's help in `root`.
void run_manual(CLI::App& root, std::ostream& out);

/// The whole command line: every subcommand set up, with `global` bound to
/// the global options, and the checks that run after parsing and before any
/// command (the warehouse path, SQLite's configuration). main() parses argv
/// with it; tests enumerate its subcommands.
std::unique_ptr<CLI::App> make_app(GlobalOptions& global);

/// Throws UsageError, with a suggestion, when the first word of argv that is
/// not a global option names no command (CLI11 alone would only say "A
/// subcommand is required").
void check_command_name(int argc, char** argv, const CLI::App& app);

}  // namespace aigc::cmd
