// aigc: the command-line shell around the warehouse core. main() maps a
// subcommand to its setup function and is the one place that prints errors
// and chooses the exit code: 0 success, 1 data or SQL error, 2 usage error.
#include <SQLiteCpp/Exception.h>
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <optional>
#include <string_view>

#include "base/version.h"
#include "cmd/commands.h"
#include "base/environment.h"
#include "sqlite/connection.h"
#include "base/error.h"
#include "base/fd_output.h"
#include "base/suggest.h"

namespace {

/// Refuses a warehouse path that cannot be one, saying why, before any
/// command runs: `what` says where it came from ("--db PATH", "AIGC_DB=PATH").
void check_warehouse_path(const std::string& path, const std::string& what) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    throw aigc::UsageError(what + ": is a directory, not a warehouse file (give a file path, e.g. " +
                           (std::filesystem::path(path) / "warehouse.db").string() + ")");
  // A FIFO would block SQLite's open until some writer came, for ever; a
  // device such as /dev/null opens as an empty database, so every query
  // said "no such table" and writes vanished. Only a regular file can be one.
  const auto st = std::filesystem::status(path, ec);
  if (!ec && std::filesystem::exists(st) && !std::filesystem::is_regular_file(st))
    throw aigc::UsageError(what + ": is not a regular file (a device, pipe or socket), so it cannot be a warehouse");
}

/// The first word that is not a global option, when it names no command:
/// CLI11 would only say "A subcommand is required". Throws UsageError.
void check_command_name(int argc, char** argv, CLI::App& app) {
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--db") {
      ++i;
      continue;
    }
    if (arg.rfind("--db=", 0) == 0) continue;
    if (arg.empty() || arg[0] == '-') return;  // other options: CLI11 says what is wrong
    std::vector<std::string> names;
    for (const auto* sub : app.get_subcommands([](CLI::App*) { return true; })) {
      if (sub->get_name() == arg) return;
      names.push_back(sub->get_name());
    }
    std::string msg = "unknown command '" + std::string(arg) + "'";
    if (auto hint = aigc::did_you_mean(arg, names); !hint.empty()) msg += "; " + hint;
    throw aigc::UsageError(msg + " (aigc --help lists the commands)");
  }
}

/// The status for a reader that went away: what a death by SIGPIPE gives
/// (128 + 13), so `aigc ... | head` ends the same whether or not SIGPIPE is
/// ignored.
constexpr int kClosedPipeStatus = 141;

/// Opens /dev/null on each of descriptors 0-2 that is closed (`aigc ... >&-`),
/// so that no file the command opens later takes its number and receives
/// what was meant for standard output. Returns whether descriptor 1 was closed.
bool occupy_standard_descriptors() {
  const bool stdout_closed = ::fcntl(STDOUT_FILENO, F_GETFD) == -1;
  for (int fd = 0; fd <= 2; ++fd)
    if (::fcntl(fd, F_GETFD) == -1) ::open("/dev/null", O_RDWR);  // the lowest free number: fd itself
  return stdout_closed;
}

/// std::cout writes through this buffer, which remembers why standard
/// output failed; checked once before main returns.
class CheckedStdout {
 public:
  /// `closed`: standard output was closed at start; writing to it then
  /// fails with EBADF, as it would have.
  explicit CheckedStdout(bool closed) : buffer_(closed ? -1 : STDOUT_FILENO), old_(std::cout.rdbuf(&buffer_)) {}
  ~CheckedStdout() {
    std::cout.flush();
    std::cout.rdbuf(old_);
  }
  CheckedStdout(const CheckedStdout&) = delete;
  CheckedStdout& operator=(const CheckedStdout&) = delete;

  /// After flushing: nothing if every write succeeded, else the exit status,
  /// having said why. A closed pipe (EPIPE, SIGPIPE ignored) is quiet, as
  /// when SIGPIPE ends the process, which is what the sqlite3 shell does.
  std::optional<int> verdict() {
    std::cout.flush();
    const int err = buffer_.error();
    if (err == 0 && std::cout) return std::nullopt;
    if (err == EPIPE) return kClosedPipeStatus;
    std::cerr << "aigc: cannot write to standard output: " << (err ? std::strerror(err) : "the stream failed")
              << "\n";
    return 1;
  }

 private:
  aigc::FdOutputBuffer buffer_;
  std::streambuf* old_;
};

}  // namespace

int main(int argc, char** argv) {
  CheckedStdout checked_stdout(occupy_standard_descriptors());
  // A failing standard output decides the status, and its message replaces
  // the command's own (which would only be its consequence).
  auto finish = [&](int status) { return checked_stdout.verdict().value_or(status); };

  CLI::App app{
      "aigc: iResearch's 2023 report on AIGC applications in China, as a SQLite warehouse you can query.\n"
      "The warehouse is built from the report's facts on first use; see 'aigc COMMAND --help'."};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("aigc ") + aigc::kVersion);
  aigc::cmd::GlobalOptions global;
  auto* db_option =
      app.add_option("--db", global.db,
                     "Warehouse file (default: $AIGC_DB, else ~/.local/share/aigc/warehouse.db; built on first use)");
  // Runs after parsing, before any command's callback. An empty --db is a
  // mistake (an unset shell variable), not a request for the default; an
  // empty AIGC_DB counts as unset, as XDG_DATA_HOME does.
  app.parse_complete_callback([&app, &global, db_option] {
    // SQLite is configured here, after parsing and before any command runs:
    // only the bulk writers, which run the project's own SQL, go without the
    // heap limit (and its cost on every allocation).
    const bool bulk = app.got_subcommand("build") || app.got_subcommand("load") || app.got_subcommand("import");
    aigc::configure_sqlite(bulk ? aigc::HeapLimit::none : aigc::HeapLimit::bounded);
    if (db_option->count() > 0) {
      if (global.db.empty()) throw aigc::UsageError("--db: the warehouse path is empty");
      check_warehouse_path(global.db, "--db " + global.db);
    } else if (const char* env = std::getenv("AIGC_DB"); env != nullptr && *env != '\0') {
      check_warehouse_path(env, std::string("AIGC_DB=") + env);
    } else {
      const std::string path = aigc::default_warehouse_path().string();
      check_warehouse_path(path, "the default warehouse " + path);
    }
  });
  aigc::cmd::setup_build(app, global);
  aigc::cmd::setup_load(app, global);
  aigc::cmd::setup_import(app, global);
  aigc::cmd::setup_queries(app, global);
  aigc::cmd::setup_run(app, global);
  aigc::cmd::setup_export(app, global);
  aigc::cmd::setup_sql(app, global);
  aigc::cmd::setup_shell(app, global);
  aigc::cmd::setup_check(app, global);
  aigc::cmd::setup_report(app, global);
  aigc::cmd::setup_manual(app, global);

  try {
    check_command_name(argc, argv, app);
    app.parse(argc, argv);
    return finish(0);
  } catch (const CLI::CallForHelp& e) {
    return finish(app.exit(e));
  } catch (const CLI::CallForAllHelp& e) {
    return finish(app.exit(e));
  } catch (const CLI::CallForVersion& e) {
    return finish(app.exit(e));
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return finish(2);
  } catch (const aigc::UsageError& e) {
    if (auto status = checked_stdout.verdict()) return *status;
    std::cerr << "aigc: " << e.what() << "\n";
    return 2;
  } catch (const aigc::LoadError& e) {
    if (auto status = checked_stdout.verdict()) return *status;
    std::cerr << e.what() << "\n";
    std::cerr << "aigc: " << e.issues().size() << (e.stopped_early() ? "+" : "")
              << (e.issues().size() == 1 ? " error" : " errors") << "; nothing was loaded, the warehouse is unchanged\n";
    return 1;
  } catch (const aigc::Error& e) {
    if (auto status = checked_stdout.verdict()) return *status;
    std::cerr << "aigc: " << e.what() << "\n";
    return 1;
  } catch (const SQLite::Exception& e) {
    if (auto status = checked_stdout.verdict()) return *status;
    std::cerr << "aigc: " << e.what() << "\n";
    return 1;
  } catch (const std::exception& e) {
    if (auto status = checked_stdout.verdict()) return *status;
    std::cerr << "aigc: " << e.what() << "\n";
    return 1;
  }
}
