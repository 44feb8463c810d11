// aigc shell: an interactive SQL shell on the warehouse, read-only unless
// --write. From a terminal it edits lines with libedit; from a pipe or file
// it runs the input as a script and stops at the first error.
#include <unistd.h>

#include <cctype>
#include <clocale>
#include <cstdlib>
#include <exception>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>

#include "base/environment.h"
#include "base/error.h"
#include "base/output_file.h"
#include "base/text.h"
#include "cmd/commands.h"
#include "cmd/query_options.h"
#include "query/catalog.h"
#include "query/sql_guard.h"
#include "query/sql_script.h"
#include "shell/completion.h"
#include "shell/line_reader.h"
#include "shell/session.h"
#include "shell/sigint.h"
#include "sqlite/connection.h"

namespace aigc::cmd {

namespace {

/// $AIGC_HISTORY, else $XDG_DATA_HOME/aigc/history, else ~/.local/share/aigc/history.
fs::path history_path() {
  if (const char* env = std::getenv("AIGC_HISTORY"); env && *env) return env;
  if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg && *xdg) return fs::path(xdg) / "aigc" / "history";
  if (const char* home = std::getenv("HOME"); home && *home)
    return fs::path(home) / ".local" / "share" / "aigc" / "history";
  return ".aigc_history";
}

/// The history file to keep, or an empty path for none. History is written
/// over its file on every line, so only a file that is missing, empty or
/// already an editline history is used: AIGC_HISTORY naming the warehouse
/// (through a link too), a user's CSV or a device would otherwise be
/// replaced, or read without end. What is refused is said once on stderr,
/// and the shell runs without history.
fs::path usable_history_path(const fs::path& named, const fs::path& warehouse) {
  constexpr std::uintmax_t kMaxHistoryBytes = 16u << 20;
  auto refuse = [&](const std::string& why) {
    std::cerr << "aigc: history is not kept: " << named.string() << " " << why << "\n";
    return fs::path();
  };
  std::error_code made;
  if (named.has_parent_path()) fs::create_directories(named.parent_path(), made);  // as saving would
  try {
    check_output_path(named, warehouse);
  } catch (const Error& e) {
    return refuse(std::string("cannot be written (") + e.what() + ")");
  }
  std::error_code ec;
  const auto status = fs::status(named, ec);
  if (ec || status.type() == fs::file_type::not_found) return named;
  if (status.type() != fs::file_type::regular) return refuse("is not a regular file");
  const auto size = fs::file_size(named, ec);
  if (ec || size == 0) return named;
  if (size > kMaxHistoryBytes) return refuse("is larger than a history file (16 MiB)");
  std::ifstream in(named, std::ios::binary);
  std::string first;
  std::getline(in, first);
  if (first != "_HiStOrY_V2_") return refuse("is not an editline history file, and would be replaced");
  return named;
}

/// libedit decodes keys by the C library's character type: make it UTF-8
/// (the report's names are Chinese) even when the environment sets none.
void use_utf8_ctype() {
  if (!std::setlocale(LC_CTYPE, "") || MB_CUR_MAX == 1) std::setlocale(LC_CTYPE, "C.UTF-8");
}

void print_error(const std::string& message) { std::cerr << "Error: " << message << "\n" << std::flush; }

void run_interactive(shell::Session& session, GuardedConnection& conn, std::ostream& out) {
  use_utf8_ctype();
  shell::InputAssembler assembler;
  shell::SigintInterrupts sigint(conn);
  const fs::path warehouse = database_file(conn.handle());
  shell::LineReader reader(usable_history_path(history_path(), warehouse), [&](std::string_view before) {
    // Called from inside libedit (C): nothing may propagate out of here.
    try {
      return shell::complete_input(before, assembler.pending(), session.completion_words());
    } catch (...) {
      return shell::CompletionReply{};
    }
  });
  out << "aigc shell on " << sqlite3_db_filename(conn.handle(), "main") << ", "
      << (conn.access() == Access::read_only ? "read-only (start with --write to allow changes)" : "writable")
      << ".\nEnter SQL ending with ';', or .help. Ctrl-D leaves.\n";
  std::size_t line_number = 0;
  while (!session.quit_requested()) {
    auto read = reader.read(assembler.pending() ? "   ...> " : "aigc> ");
    if (read.kind == shell::ReadResult::Kind::end_of_input) {
      out << "\n";
      break;
    }
    if (read.kind == shell::ReadResult::Kind::cancelled) {
      assembler.clear();
      continue;
    }
    std::optional<shell::Input> input;
    try {
      input = assembler.add_line(read.text, ++line_number);
    } catch (const Error& e) {  // a statement over the length limit: it is dropped, the session goes on
      print_error(e.what());
      continue;
    }
    if (!input) continue;
    std::string entry = input->text;
    while (!entry.empty() && entry.back() == '\n') entry.pop_back();
    reader.remember(entry);
    conn.clear_interrupt();
    try {
      session.execute(*input);
    } catch (const StatementError& e) {
      out.flush();
      if (e.cause() == StopCause::interrupted) {
        std::cerr << "\n";  // the terminal echoed ^C where the cursor was
        print_error("interrupted");
      } else {
        print_error(e.reason());
        // Name the statement when the input held more than the failing one.
        if (e.statement().text != trim(input->text)) std::cerr << "  in: " << e.statement().excerpt() << "\n";
      }
    } catch (const Error& e) {
      out.flush();
      print_error(e.what());
    } catch (const std::exception& e) {  // SQLite::Exception, a full disk, ...: the session goes on
      out.flush();
      print_error(e.what());
    }
  }
}

}  // namespace

void setup_shell(CLI::App& app, GlobalOptions& global) {
  auto opts = std::make_shared<ShellCommandOptions>();
  auto* sub =
      app.add_subcommand("shell", "Explore the warehouse with SQL and saved queries (read-only unless --write)");
  sub->add_flag("--write", opts->write, "Allow statements that change the warehouse (INSERT, CREATE, ATTACH, ...)");
  sub->add_option(
      "--timeout", opts->timeout,
      "Stop a statement that runs longer than SECONDS, a positive number such as 5 or 0.5 (default: no limit)");
  add_format_option(sub, opts->out, "table");
  add_csv_options(sub, opts->out);
  add_queries_option(sub, opts->queries);
  sub->footer(R"(From a terminal: line editing, history (kept in $AIGC_HISTORY, default
~/.local/share/aigc/history), tab completion of keywords, tables, columns,
saved queries and dot-commands. Statements end with ';' and may span lines.
Ctrl-C stops a running statement (or clears the line), Ctrl-D leaves.
Type .help for the dot-commands.

From a pipe or file: statements and dot-commands run in order without
prompts; the first error stops the shell with exit status 1.

Examples:
  aigc shell
  aigc shell --write
  aigc shell < exploration.sql
)");
  sub->callback([opts, &global] { run_shell(*opts, global, std::cout); });
}

void run_shell(const ShellCommandOptions& options, const GlobalOptions& global, std::ostream& out) {
  RenderOptions render = render_options(options.out);
  if (render.format == Format::table) render.max_width = terminal_width_for(out);
  const auto timeout = options.timeout ? timeout_from_text(*options.timeout) : std::chrono::milliseconds(0);
  GuardedConnection conn(resolve_warehouse_path(global.db), options.write ? Access::read_write : Access::read_only);
  conn.set_timeout(timeout);
  shell::Session session(conn, QueryCatalog::resolve(options.queries), out, std::cerr, render);
  if (::isatty(STDIN_FILENO))
    run_interactive(session, conn, out);
  else
    session.run_stream(std::cin, "");
  session.close_output();
  out.flush();
  conn.finish_session();
}

}  // namespace aigc::cmd
