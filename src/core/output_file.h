#pragma once
/// Writing a file so that readers see either the old file or the complete
/// new one, never a truncated one.
#include <filesystem>
#include <fstream>
#include <ostream>

namespace aigc {

namespace fs = std::filesystem;

/// Writes to a temporary file `.NAME.tmp-PID` beside `target` and renames it
/// over `target` on commit(); destroyed without commit() (an error, an
/// exception), it removes the temporary file and leaves `target` untouched.
class AtomicFile {
 public:
  /// Throws UsageError if `target` is a directory or its directory does not
  /// exist, DataError if the temporary file cannot be created.
  explicit AtomicFile(fs::path target);
  ~AtomicFile();  ///< removes the temporary file unless committed; never throws
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;
  AtomicFile(AtomicFile&&) = delete;
  AtomicFile& operator=(AtomicFile&&) = delete;

  /// Where to write the content.
  std::ostream& stream() { return out_; }
  /// Flushes, syncs to disk and renames the file into place. Throws
  /// DataError if writing failed (the temporary file is then removed).
  void commit();

  const fs::path& target() const noexcept { return target_; }
  const fs::path& temp_path() const noexcept { return temp_; }

 private:
  fs::path target_;
  fs::path temp_;
  std::ofstream out_;
  bool committed_ = false;
};

/// Throws UsageError unless a file can be written at `target`: its directory
/// exists and `target` is not itself a directory.
void check_output_path(const fs::path& target);

}  // namespace aigc
