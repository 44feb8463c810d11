#include "csv/input_buffer.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "base/error.h"

namespace aigc {

FileDescriptor::~FileDescriptor() {
  if (owned_ && fd_ >= 0) ::close(fd_);
}

FileDescriptor::FileDescriptor(FileDescriptor&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), owned_(std::exchange(other.owned_, false)) {}

FileDescriptor& FileDescriptor::operator=(FileDescriptor&& other) noexcept {
  if (this != &other) {
    FileDescriptor old(std::move(*this));
    fd_ = std::exchange(other.fd_, -1);
    owned_ = std::exchange(other.owned_, false);
  }
  return *this;
}

InputBuffer::InputBuffer(const std::string& path, std::size_t capacity) {
  if (path == "-") {
    name_ = "<stdin>";
    fd_ = FileDescriptor(0, false);
  } else {
    name_ = path;
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw DataError("cannot open " + path + ": " + std::strerror(errno));
    fd_ = FileDescriptor(fd, true);
  }
  struct stat st {};
  if (::fstat(fd_.get(), &st) == 0) {
    if (S_ISDIR(st.st_mode)) throw DataError("cannot open " + path + ": " + std::strerror(EISDIR));
    if (S_ISREG(st.st_mode)) {
      total_ = static_cast<std::uint64_t>(st.st_size);
#ifdef POSIX_FADV_SEQUENTIAL
      ::posix_fadvise(fd_.get(), 0, 0, POSIX_FADV_SEQUENTIAL);
#endif
    }
  }
  capacity_ = capacity < 4 ? 4 : capacity;
  storage_.reset(new char[capacity_]);
  begin_ = end_ = storage_.get();
}

InputBuffer::InputBuffer(std::string_view data, std::string name)
    : name_(std::move(name)), begin_(data.data()), end_(data.data() + data.size()), eof_(true), total_(data.size()) {}

void InputBuffer::refill(const char*& keep) {
  char* s = storage_.get();
  std::size_t used = static_cast<std::size_t>(end_ - keep);
  if (keep != s) {
    if (used > 0) std::memmove(s, keep, used);
    offset_ += static_cast<std::uint64_t>(keep - s);
  }
  if (capacity_ - used < capacity_ / 4) {  // what is kept fills most of the buffer
    std::size_t bigger_capacity = capacity_ * 2;
    std::unique_ptr<char[]> bigger(new char[bigger_capacity]);
    std::memcpy(bigger.get(), s, used);
    storage_ = std::move(bigger);
    capacity_ = bigger_capacity;
    s = storage_.get();
  }
  begin_ = keep = s;
  char* w = s + used;
  char* const limit = s + capacity_;
  while (w < limit) {
    ssize_t n = ::read(fd_.get(), w, static_cast<std::size_t>(limit - w));
    if (n < 0) {
      if (errno == EINTR) continue;
      int err = errno;
      end_ = w;
      throw DataError("cannot read " + name_ + ": " + std::strerror(err));
    }
    if (n == 0) {
      eof_ = true;
      break;
    }
    w += n;
  }
  end_ = w;
}

}  // namespace aigc
