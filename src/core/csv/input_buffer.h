#pragma once
/// The bytes a CSV reader parses: a file read in pieces into one growing
/// buffer, or a buffer already in memory.
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace aigc {

/// An open file descriptor, closed on destruction unless it was borrowed
/// (standard input stays open for whoever else reads it).
class FileDescriptor {
 public:
  FileDescriptor() = default;
  FileDescriptor(int fd, bool owned) noexcept : fd_(fd), owned_(owned) {}
  ~FileDescriptor();  ///< closes an owned descriptor; never throws
  FileDescriptor(FileDescriptor&& other) noexcept;
  FileDescriptor& operator=(FileDescriptor&& other) noexcept;
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;

  int get() const noexcept { return fd_; }

 private:
  int fd_ = -1;
  bool owned_ = false;
};

/// Holds [begin(), end()): the input from offset() on. A parser consumes a
/// prefix, then calls refill() with where its unconsumed bytes start; they
/// move to the front, and more is read behind them. Memory is thus in
/// proportion to the longest stretch kept (a record), not to the input.
class InputBuffer {
 public:
  /// Bytes read at once from a file; the buffer doubles when what is kept
  /// fills most of it.
  static constexpr std::size_t kChunk = std::size_t{1} << 20;  // 1 MiB

  /// Reads the file at `path`; "-" reads standard input (named "<stdin>",
  /// and not closed). Throws DataError when it cannot be opened or is a
  /// directory. `capacity`: the first buffer's size (tests read in small pieces).
  explicit InputBuffer(const std::string& path, std::size_t capacity = kChunk);
  /// All of `data` at once, already at its end; the data must outlive this.
  InputBuffer(std::string_view data, std::string name);

  const char* begin() const noexcept { return begin_; }
  const char* end() const noexcept { return end_; }
  /// Whether end() is the end of the input: nothing more to read.
  bool eof() const noexcept { return eof_; }
  /// Input offset of begin().
  std::uint64_t offset() const noexcept { return offset_; }
  /// The input's size when known (a regular file, memory), else 0.
  std::uint64_t total() const noexcept { return total_; }
  /// "<stdin>" or the path (for messages).
  const std::string& name() const noexcept { return name_; }

  /// Keeps the bytes from `keep` (inside [begin(), end()]) on, moved to
  /// the front, and reads until the buffer is full or the input ends.
  /// `keep` is set to where the kept bytes now start (the new begin())
  /// before reading, so it stays valid when reading fails with DataError.
  /// Call only while !eof().
  void refill(const char*& keep);

 private:
  std::string name_;
  FileDescriptor fd_;
  std::unique_ptr<char[]> storage_;
  std::size_t capacity_ = 0;
  const char* begin_ = nullptr;
  const char* end_ = nullptr;
  bool eof_ = false;
  std::uint64_t offset_ = 0;
  std::uint64_t total_ = 0;
};

}  // namespace aigc
