#pragma once
/// Where output named on the command line goes, and writing it so that
/// nothing a user types destroys data: the warehouse and its companion files
/// are refused, a device or FIFO is written in place (never replaced by a
/// regular file), a symbolic link is followed and kept, and a regular file
/// is replaced atomically (readers see the old file or the complete new
/// one, never a truncated one).
#include <sys/types.h>

#include <filesystem>
#include <memory>
#include <ostream>

#include "base/fd_output.h"

namespace aigc {

namespace fs = std::filesystem;

/// How output to a named path is written.
enum class OutputKind {
  standard_output,  ///< "-": the caller's standard output stream
  in_place,         ///< a character device or FIFO (/dev/null, a pipe): opened and written as it is
  replace,          ///< a regular file, or none yet: written beside it and renamed over it
};

/// What an output path names, decided before anything is written.
struct OutputTarget {
  OutputKind kind = OutputKind::replace;
  fs::path named;  ///< as given
  /// in_place: the path to open (as given, so /dev/stdout's magic link
  /// works); replace: the regular file to replace, symbolic links resolved
  /// (it need not exist yet), in its real directory.
  fs::path file;
};

/// Decides how output named `named` is written; writes nothing. `warehouse`
/// is the warehouse database (empty: none): output must never land on it or
/// on its -wal, -shm or -journal file, however named (through links, hard
/// links, `..`). Throws UsageError for: an empty name; the warehouse or a
/// companion; a directory (or a name ending in /); a socket or block
/// device; a directory that does not exist; a link loop; a name the system
/// rejects (too long, a file used as a directory).
OutputTarget resolve_output(const fs::path& named, const fs::path& warehouse);

/// As resolve_output, for commands that check their output path before
/// opening the warehouse (so a bad path is reported before any work).
void check_output_path(const fs::path& named, const fs::path& warehouse);

/// Writes to a temporary file beside `target` (in the real directory of the
/// file a symbolic link names) and renames it over that file on commit();
/// destroyed without commit() (an error, an exception), it removes the
/// temporary file and leaves the target untouched. The replaced file's
/// permission mode (and, where allowed, owner) is kept. Refuses a target
/// that is not a regular file; knows nothing of the warehouse: commands use
/// OutputFile, which checks that first.
class AtomicFile {
 public:
  /// Throws UsageError if `target` is a directory, not a regular file, or
  /// its directory does not exist; DataError if the temporary file cannot
  /// be created.
  explicit AtomicFile(fs::path target);
  ~AtomicFile();  ///< removes the temporary file unless committed; never throws
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;
  AtomicFile(AtomicFile&&) = delete;
  AtomicFile& operator=(AtomicFile&&) = delete;

  /// Where to write the content.
  std::ostream& stream() { return *out_; }
  /// Flushes, syncs to disk and renames the file into place. Throws
  /// DataError if writing failed (the temporary file is then removed).
  void commit();

  const fs::path& target() const noexcept { return target_; }
  const fs::path& temp_path() const noexcept { return temp_; }

 private:
  void discard() noexcept;

  fs::path target_;  ///< as given
  fs::path real_;    ///< the file replaced: links resolved
  fs::path temp_;
  int fd_ = -1;
  std::unique_ptr<FdOutputBuffer> buffer_;
  std::unique_ptr<std::ostream> out_;
  bool committed_ = false;
};

/// Output to a path named by the user, written as resolve_output decides:
/// to `standard_output` for "-", in place for a device or FIFO, else
/// through an AtomicFile. Every command that writes a file uses this.
class OutputFile {
 public:
  /// `standard_output`: where "-" writes; null where "-" makes no sense
  /// (then "-" is refused). Throws as resolve_output, or DataError if the
  /// device or FIFO cannot be opened.
  OutputFile(const fs::path& named, const fs::path& warehouse, std::ostream* standard_output = nullptr);
  ~OutputFile();
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;

  std::ostream& stream();
  /// Flushes and, for a regular file, renames it into place. Throws
  /// DataError naming the file and the system's reason if writing failed.
  void commit();

  const fs::path& named() const noexcept { return target_.named; }
  OutputKind kind() const noexcept { return target_.kind; }

 private:
  OutputTarget target_;
  std::ostream* standard_output_ = nullptr;
  std::unique_ptr<AtomicFile> atomic_;
  int fd_ = -1;  ///< in_place
  std::unique_ptr<FdOutputBuffer> buffer_;
  std::unique_ptr<std::ostream> out_;
};

}  // namespace aigc
