#include "base/output_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "base/error.h"

namespace aigc {

namespace {

/// fsync on a path (a file, or a directory so a rename is durable).
bool sync_path(const fs::path& p, bool directory) {
  int fd = ::open(p.c_str(), (directory ? O_RDONLY | O_DIRECTORY : O_RDONLY) | O_CLOEXEC);
  if (fd < 0) return false;
  bool ok = ::fsync(fd) == 0;
  ::close(fd);
  return ok;
}

fs::path directory_of(const fs::path& target) {
  fs::path dir = target.parent_path();
  return dir.empty() ? fs::path(".") : dir;
}

std::string quoted(const fs::path& p) { return p.string(); }

[[noreturn]] void refuse(const fs::path& named, const std::string& why) {
  throw UsageError("cannot write " + quoted(named) + ": " + why);
}

/// The Linux limit on following links in one lookup.
constexpr int kMaxLinks = 40;

/// `p` with its directory made canonical (links and `..` resolved) and its
/// last component kept as it is; `p` itself when the directory cannot be.
fs::path with_real_directory(const fs::path& p) {
  std::error_code ec;
  fs::path dir = fs::canonical(directory_of(p), ec);
  if (ec) return fs::absolute(p, ec).lexically_normal();
  return dir / p.filename();
}

/// The warehouse's files, named both as given and through links, with the
/// device and inode of those that exist: output must land on none of them.
class WarehouseFiles {
 public:
  explicit WarehouseFiles(const fs::path& warehouse) {
    if (warehouse.empty()) return;
    std::error_code ec;
    const fs::path bases[] = {with_real_directory(warehouse), fs::weakly_canonical(warehouse, ec)};
    for (const auto& base : bases) {
      if (base.empty()) continue;
      for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
        File f{fs::path(base.string() + suffix), suffix, 0, 0, false};
        struct stat st {};
        if (::stat(f.path.c_str(), &st) == 0) f = File{f.path, suffix, st.st_dev, st.st_ino, true};
        files_.push_back(std::move(f));
      }
    }
  }

  /// Throws UsageError if `real` (a resolved path) or the file `st`
  /// describes is one of the warehouse's files.
  void check(const fs::path& named, const fs::path& real, const struct stat* st) const {
    for (const auto& f : files_) {
      const bool same =
          (st && f.exists && f.dev == st->st_dev && f.ino == st->st_ino) || (!real.empty() && real == f.path);
      if (!same) continue;
      const std::string what = f.suffix.empty()
                                   ? "it is the warehouse (" + f.path.string() + ")"
                                   : "it is the warehouse's " + describe(f.suffix) + " (" + f.path.string() + ")";
      refuse(named, what + "; name another file");
    }
  }

 private:
  static std::string describe(const std::string& suffix) {
    if (suffix == "-wal") return "write-ahead log";
    if (suffix == "-shm") return "shared-memory index";
    return "rollback journal";
  }
  struct File {
    fs::path path;
    std::string suffix;
    dev_t dev;
    ino_t ino;
    bool exists;
  };
  std::vector<File> files_;
};

/// Follows the chain of symbolic links from `named` to a name that does not
/// exist yet (a dangling link is followed to the file it would create).
fs::path follow_dangling(const fs::path& named) {
  fs::path p = named;
  for (int hops = 0;; ++hops) {
    struct stat st {};
    if (::lstat(p.c_str(), &st) != 0 || !S_ISLNK(st.st_mode)) return p;
    if (hops >= kMaxLinks) refuse(named, "too many levels of symbolic links (a link loop?)");
    std::error_code ec;
    const fs::path link = fs::read_symlink(p, ec);
    if (ec) refuse(named, "cannot read the symbolic link " + quoted(p) + ": " + ec.message());
    p = link.is_absolute() ? link : directory_of(p) / link;
  }
}

std::string name_max_cut(const std::string& name, std::size_t room) {
  if (name.size() <= room) return name;
  std::size_t cut = room;
  // Between characters: never half a UTF-8 sequence.
  while (cut > 0 && (static_cast<unsigned char>(name[cut]) & 0xC0) == 0x80) --cut;
  return name.substr(0, cut);
}

}  // namespace

OutputTarget resolve_output(const fs::path& named, const fs::path& warehouse) {
  OutputTarget t;
  t.named = named;
  if (named.empty()) throw UsageError("no output file given (use - for standard output)");
  if (named == "-") {
    t.kind = OutputKind::standard_output;
    return t;
  }
  const WarehouseFiles protected_files(warehouse);
  const std::string text = named.string();
  struct stat st {};
  if (::stat(named.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode)) refuse(named, "it is a directory; name a file inside it");
    if (text.back() == '/') refuse(named, "a file name cannot end in /");
    if (S_ISSOCK(st.st_mode))
      refuse(named, "it is a socket; output goes to a file, a character device or a pipe (or - for standard output)");
    if (S_ISBLK(st.st_mode))
      refuse(named, "it is a block device (a disk); output goes to a file, a character device or a pipe");
    if (S_ISCHR(st.st_mode) || S_ISFIFO(st.st_mode)) {
      protected_files.check(named, {}, &st);
      t.kind = OutputKind::in_place;
      t.file = named;
      return t;
    }
    if (!S_ISREG(st.st_mode)) refuse(named, "it is not a regular file");
    std::error_code ec;
    t.file = fs::canonical(named, ec);
    if (ec) refuse(named, ec.message());
    protected_files.check(named, t.file, &st);
    t.kind = OutputKind::replace;
    return t;
  }
  const int err = errno;
  if (err == ELOOP) refuse(named, "too many levels of symbolic links (a link loop?)");
  if (err != ENOENT) refuse(named, std::strerror(err));
  // Nothing there yet, or a dangling link: the file to create.
  const fs::path last = follow_dangling(named);
  if (last.filename().empty() || text.back() == '/') refuse(named, "a file name cannot end in /");
  const fs::path dir = directory_of(last);
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) refuse(named, "directory " + quoted(dir) + " does not exist (create it first)");
  const fs::path real_dir = fs::canonical(dir, ec);
  if (ec) refuse(named, ec.message());
  t.file = real_dir / last.filename();
  protected_files.check(named, t.file, nullptr);
  t.kind = OutputKind::replace;
  return t;
}

void check_output_path(const fs::path& named, const fs::path& warehouse) { resolve_output(named, warehouse); }

// ---------------------------------------------------------------------------
// AtomicFile

AtomicFile::AtomicFile(fs::path target) : target_(std::move(target)) {
  const OutputTarget t = resolve_output(target_, {});
  if (t.kind != OutputKind::replace) refuse(target_, "it is not a regular file, so it cannot be replaced");
  real_ = t.file;
  struct stat old {};
  const bool existed = ::stat(real_.c_str(), &old) == 0 && S_ISREG(old.st_mode);
  const std::string name = real_.filename().string();
  const std::string pid = std::to_string(::getpid());
  // The temporary name must fit NAME_MAX even when the target's name does only just.
  const std::size_t room = NAME_MAX - 1 - (std::string(".tmp-") + pid + "-99").size();
  const std::string stem = "." + name_max_cut(name, room) + ".tmp-" + pid;
  int err = 0;
  for (int n = 0; n < 100 && fd_ < 0; ++n) {
    temp_ = real_.parent_path() / (n == 0 ? stem : stem + "-" + std::to_string(n));
    // O_EXCL: never through a link or over a file someone else left there.
    fd_ = ::open(temp_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, existed ? (old.st_mode & 0777) : 0666);
    err = errno;
    if (fd_ < 0 && err != EEXIST) break;
  }
  if (fd_ < 0)
    throw DataError("cannot write " + quoted(target_) + ": cannot create a temporary file in " +
                    quoted(real_.parent_path()) + ": " + std::strerror(err));
  if (existed) {
    // Keep the replaced file's owner (where allowed) and mode; chown first, as it clears set-id bits.
    if (::fchown(fd_, old.st_uid, old.st_gid) != 0) {
      // Not permitted for another user's file: the new file is then ours.
    }
    ::fchmod(fd_, old.st_mode & 0777);
  }
  buffer_ = std::make_unique<FdOutputBuffer>(fd_, quoted(target_));
  out_ = std::make_unique<std::ostream>(buffer_.get());
  out_->exceptions(std::ios::badbit);  // a failed write throws its reason (FdOutputBuffer)
}

void AtomicFile::discard() noexcept {
  out_.reset();
  buffer_.reset();  // flushes into the temporary file, which goes anyway
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  std::error_code ec;
  fs::remove(temp_, ec);
}

AtomicFile::~AtomicFile() {
  if (!committed_) discard();
}

void AtomicFile::commit() {
  try {
    out_->flush();
  } catch (const std::exception&) {
    // The reason is in buffer_->error(), said below with what it means for the file.
  }
  const int err = buffer_->error();
  if (err != 0 || !*out_) {
    discard();
    throw DataError("cannot write " + quoted(target_) + ": " + (err ? std::strerror(err) : "the output stream failed") +
                    " (the previous file, if any, is unchanged)");
  }
  const bool synced = ::fsync(fd_) == 0;
  const int sync_err = errno;
  const bool closed = ::close(fd_) == 0;
  const int close_err = errno;
  fd_ = -1;
  if (!synced || !closed) {
    discard();
    throw DataError("cannot write " + quoted(target_) + ": " + std::strerror(!synced ? sync_err : close_err) +
                    " (the previous file, if any, is unchanged)");
  }
  std::error_code ec;
  fs::rename(temp_, real_, ec);
  if (ec) {
    discard();
    throw DataError("cannot move " + quoted(temp_) + " to " + quoted(real_) + ": " + ec.message());
  }
  committed_ = true;
  sync_path(real_.parent_path(), true);  // best effort: the data is in place either way
}

// ---------------------------------------------------------------------------
// OutputFile

OutputFile::OutputFile(const fs::path& named, const fs::path& warehouse, std::ostream* standard_output)
    : target_(resolve_output(named, warehouse)), standard_output_(standard_output) {
  switch (target_.kind) {
    case OutputKind::standard_output:
      if (!standard_output_) throw UsageError("- (standard output) cannot be used here; name a file");
      break;
    case OutputKind::in_place:
      // No O_TRUNC, no O_CREAT: a device or FIFO is written as it is.
      fd_ = ::open(target_.file.c_str(), O_WRONLY | O_NOCTTY | O_CLOEXEC);
      if (fd_ < 0) throw DataError("cannot write " + quoted(named) + ": " + std::strerror(errno));
      buffer_ = std::make_unique<FdOutputBuffer>(fd_, quoted(named));
      out_ = std::make_unique<std::ostream>(buffer_.get());
      out_->exceptions(std::ios::badbit);  // a failed write throws its reason (FdOutputBuffer)
      break;
    case OutputKind::replace: atomic_ = std::make_unique<AtomicFile>(target_.file); break;
  }
}

OutputFile::~OutputFile() {
  out_.reset();
  buffer_.reset();
  if (fd_ >= 0) ::close(fd_);
}

std::ostream& OutputFile::stream() {
  if (atomic_) return atomic_->stream();
  if (out_) return *out_;
  return *standard_output_;
}

void OutputFile::commit() {
  if (atomic_) {
    try {
      atomic_->commit();
    } catch (const DataError& e) {
      // Name the path as the user gave it, not the resolved one.
      if (target_.file == target_.named) throw;
      throw DataError(std::string(e.what()) + " (" + quoted(target_.named) + " names " + quoted(target_.file) + ")");
    }
    return;
  }
  std::ostream& out = stream();
  try {
    out.flush();
  } catch (const std::exception&) {
    // The reason is in buffer_->error(), said below.
  }
  const int err = buffer_ ? buffer_->error() : 0;
  if (err != 0 || !out)
    throw DataError(
        "cannot write " +
        (target_.kind == OutputKind::standard_output ? std::string("to standard output") : quoted(target_.named)) +
        ": " + (err ? std::strerror(err) : "the output stream failed"));
  if (fd_ >= 0) {
    const int fd = fd_;
    fd_ = -1;
    out_.reset();
    buffer_.reset();
    if (::close(fd) != 0) throw DataError("cannot write " + quoted(target_.named) + ": " + std::strerror(errno));
  }
}

}  // namespace aigc
