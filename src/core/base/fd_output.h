#pragma once
/// An output stream buffer over a file descriptor that remembers why writing
/// failed, so a message can say "No space left on device" rather than
/// "the stream failed".
#include <streambuf>
#include <string>
#include <vector>

namespace aigc {

/// Buffers output and writes it to `fd` (which it does not own or close).
/// The first failing write(2) is kept as an errno value; after it, nothing
/// more is written and the stream that uses this buffer goes bad. Given a
/// `name`, a failure also throws DataError("cannot write NAME: reason"):
/// a stream whose exceptions() include badbit passes that on to the code
/// writing, so the reason reaches the user (otherwise the stream keeps it
/// quiet and only goes bad).
class FdOutputBuffer : public std::streambuf {
 public:
  explicit FdOutputBuffer(int fd, std::string name = {}, std::size_t size = 64 * 1024);
  ~FdOutputBuffer() override;  ///< flushes what is left; never throws
  FdOutputBuffer(const FdOutputBuffer&) = delete;
  FdOutputBuffer& operator=(const FdOutputBuffer&) = delete;

  /// errno of the first failed write, 0 if none failed.
  int error() const noexcept { return error_; }
  int fd() const noexcept { return fd_; }

 protected:
  int_type overflow(int_type c) override;
  std::streamsize xsputn(const char* s, std::streamsize n) override;
  int sync() override;

 private:
  /// Writes `n` bytes at `p` in full; false (and error_ set) on failure.
  bool write_all(const char* p, std::size_t n);
  bool drain();

  int fd_;
  std::string name_;
  std::vector<char> buffer_;
  int error_ = 0;
  bool throws_;
};

}  // namespace aigc
