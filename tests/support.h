#pragma once
// Shared helpers for tests: a temporary directory that cleans up after
// itself, a way to run the real `aigc` binary and capture what it did, and
// small file utilities.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace test {

namespace fs = std::filesystem;

/// A fresh directory under the system temp dir, removed on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const fs::path& path() const { return path_; }
  fs::path operator/(const std::string& name) const { return path_ / name; }

 private:
  fs::path path_;
};

/// What a finished process did.
struct RunResult {
  int status = -1;  ///< exit code, or 128+signal
  std::string out;
  std::string err;
  long max_rss_kb = 0;  ///< the process's peak resident memory (getrusage), in KiB
  /// Everything, for doctest's INFO() when an assertion fails.
  std::string describe() const;
};

/// Faults imposed on a run, for the crash-safety and resource-fault tests.
struct RunLimits {
  /// Non-zero: SIGKILL the process this long after it started, if still running.
  std::chrono::microseconds kill_after{0};
  /// Non-zero: RLIMIT_FSIZE in bytes, so a write past it fails with EFBIG as
  /// on a full disk (SIGXFSZ is ignored so the process sees the error).
  std::uint64_t file_size_limit = 0;
  /// Standard input is `input` this many times over (an input too large to
  /// hold twice in the test, or endless with kill_after).
  std::uint64_t input_repeat = 1;
};

/// Where a run's standard output goes, for the tests of a failing stdout.
/// The default is a pipe read to its end into RunResult::out.
struct RunStdout {
  /// Non-empty: the child's standard output is this file (opened for
  /// writing, e.g. /dev/full) instead of a pipe; RunResult::out stays empty.
  std::string path;
  /// Non-zero: close the reading end of the pipe once this many bytes have
  /// arrived, as `| head -c N` would.
  std::size_t close_after = 0;
  /// Start the child with SIGPIPE ignored, so a write to a closed pipe
  /// fails with EPIPE instead of killing it.
  bool ignore_sigpipe = false;
  /// Start the child with standard output closed (`>&-`).
  bool closed = false;
};

/// Runs the aigc binary with `args` in `cwd`, feeding `input` on stdin.
/// AIGC_DB is unset unless given in `env` ("NAME=value" entries).
RunResult run_aigc(const std::vector<std::string>& args, const fs::path& cwd = fs::current_path(),
                   const std::string& input = "", const std::vector<std::string>& env = {},
                   const RunLimits& limits = {}, const RunStdout& stdout_to = {});

std::string read_file(const fs::path& p);
void write_file(const fs::path& p, const std::string& content);

/// Paths of the project and of ../shared.
fs::path source_dir();
fs::path shared_dir();

/// The names in `dir`, sorted: to show that a command left nothing behind.
std::vector<std::string> entries(const fs::path& dir);

/// How many saved queries the project ships (queries/*.sql).
std::size_t shipped_query_count();

}  // namespace test
