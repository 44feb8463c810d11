#include "base/fd_output.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "base/error.h"

namespace aigc {

FdOutputBuffer::FdOutputBuffer(int fd, std::string name, std::size_t size)
    : fd_(fd), name_(std::move(name)), buffer_(size > 0 ? size : 1), throws_(!name_.empty()) {
  setp(buffer_.data(), buffer_.data() + buffer_.size());
}

FdOutputBuffer::~FdOutputBuffer() {
  throws_ = false;  // a destructor never throws
  drain();
}

bool FdOutputBuffer::write_all(const char* p, std::size_t n) {
  if (error_) return false;
  while (n > 0) {
    const ssize_t w = ::write(fd_, p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) {
      error_ = w < 0 ? errno : EIO;
      if (throws_) throw DataError("cannot write " + name_ + ": " + std::strerror(error_));
      return false;
    }
    p += w;
    n -= static_cast<std::size_t>(w);
  }
  return true;
}

bool FdOutputBuffer::drain() {
  const auto pending = static_cast<std::size_t>(pptr() - pbase());
  // Whatever happens the buffer is emptied: after a failure nothing more is written.
  setp(buffer_.data(), buffer_.data() + buffer_.size());
  return write_all(buffer_.data(), pending);
}

FdOutputBuffer::int_type FdOutputBuffer::overflow(int_type c) {
  if (!drain()) return traits_type::eof();
  if (traits_type::eq_int_type(c, traits_type::eof())) return traits_type::not_eof(c);
  *pptr() = traits_type::to_char_type(c);
  pbump(1);
  return c;
}

std::streamsize FdOutputBuffer::xsputn(const char* s, std::streamsize n) {
  if (error_) return 0;
  const auto room = epptr() - pptr();
  if (n <= room) {
    std::memcpy(pptr(), s, static_cast<std::size_t>(n));
    pbump(static_cast<int>(n));
    return n;
  }
  // Larger than what is left: empty the buffer, then write the block directly.
  if (!drain() || !write_all(s, static_cast<std::size_t>(n))) return 0;
  return n;
}

int FdOutputBuffer::sync() { return drain() ? 0 : -1; }

}  // namespace aigc
