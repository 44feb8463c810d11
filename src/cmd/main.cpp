// aigc: the command-line shell around the warehouse core. The commands live
// in the aigc_cli library (make_app() builds them); main() is what belongs to
// the process: its standard descriptors and output, and the one place that
// prints errors and chooses the exit code: 0 success, 1 data or SQL error,
// 2 usage error.
#include <SQLiteCpp/Exception.h>
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <iostream>
#include <optional>

#include "base/error.h"
#include "base/fd_output.h"
#include "cmd/commands.h"

#ifdef AIGC_SERVE_BINARY
namespace aigc::cmd {
/// src/cmd/serve_server.cpp: the web server, in aigc-serve only.
void serve_warehouse(const ServeCommandOptions& options, const GlobalOptions& global);
}  // namespace aigc::cmd
#endif

namespace {

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
    std::cerr << "aigc: cannot write to standard output: " << (err ? std::strerror(err) : "the stream failed") << "\n";
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

  aigc::cmd::GlobalOptions global;
  global.argv.assign(argv, argv + argc);
#ifdef AIGC_SERVE_BINARY
  global.serve = &aigc::cmd::serve_warehouse;
#endif
  const auto app_owner = aigc::cmd::make_app(global);
  CLI::App& app = *app_owner;

  try {
    aigc::cmd::check_command_name(argc, argv, app);
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
              << (e.issues().size() == 1 ? " error" : " errors")
              << "; nothing was loaded, the warehouse is unchanged\n";
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
