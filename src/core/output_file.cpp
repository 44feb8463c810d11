#include "core/output_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <string>

#include "core/error.h"

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

}  // namespace

void check_output_path(const fs::path& target) {
  std::error_code ec;
  if (target.empty()) throw UsageError("no output file given");
  if (fs::is_directory(target, ec))
    throw UsageError("cannot write " + target.string() + ": it is a directory; name a file inside it");
  const fs::path dir = directory_of(target);
  if (!fs::is_directory(dir, ec))
    throw UsageError("cannot write " + target.string() + ": directory " + dir.string() +
                     " does not exist (create it first)");
}

AtomicFile::AtomicFile(fs::path target) : target_(std::move(target)) {
  check_output_path(target_);
  temp_ = directory_of(target_) / ("." + target_.filename().string() + ".tmp-" + std::to_string(::getpid()));
  out_.open(temp_, std::ios::binary | std::ios::trunc);
  if (!out_) throw DataError("cannot create " + temp_.string() + " to write " + target_.string());
}

AtomicFile::~AtomicFile() {
  if (committed_) return;
  out_.close();
  std::error_code ec;
  fs::remove(temp_, ec);
}

void AtomicFile::commit() {
  out_.flush();
  const bool written = static_cast<bool>(out_);
  out_.close();
  if (!written || out_.fail())
    throw DataError("cannot write " + target_.string() + ": writing " + temp_.string() + " failed");
  if (!sync_path(temp_, false)) throw DataError("cannot write " + target_.string() + ": fsync failed");
  std::error_code ec;
  fs::rename(temp_, target_, ec);
  if (ec) throw DataError("cannot move " + temp_.string() + " to " + target_.string() + ": " + ec.message());
  committed_ = true;
  sync_path(directory_of(target_), true);  // best effort: the data is in place either way
}

}  // namespace aigc
