#pragma once
// Shared helpers for tests: a temporary directory that cleans up after
// itself, a way to run the real `aigc` binary and capture what it did, and
// small file utilities.
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
  /// Everything, for doctest's INFO() when an assertion fails.
  std::string describe() const;
};

/// Runs the aigc binary with `args` in `cwd`, feeding `input` on stdin.
/// AIGC_DB is unset unless given in `env` ("NAME=value" entries).
RunResult run_aigc(const std::vector<std::string>& args, const fs::path& cwd = fs::current_path(),
                   const std::string& input = "", const std::vector<std::string>& env = {});

std::string read_file(const fs::path& p);
void write_file(const fs::path& p, const std::string& content);

/// Paths of the project and of ../shared.
fs::path source_dir();
fs::path shared_dir();

}  // namespace test
