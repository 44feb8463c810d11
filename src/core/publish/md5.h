#pragma once
/// MD5 (RFC 1321), for the digest that `aigc publish` compares with
/// PostgreSQL's built-in md5(): the one hash both sides have without an
/// extension. It checks a copy, not a secret, so its weakness does not matter.
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace aigc {

using Md5Digest = std::array<std::uint8_t, 16>;

class Md5 {
 public:
  Md5() noexcept;
  void update(std::string_view data) noexcept;
  /// The digest of everything given; the object is spent afterwards.
  Md5Digest finish() noexcept;

 private:
  void block(const unsigned char* p) noexcept;
  std::array<std::uint32_t, 4> state_;
  std::array<unsigned char, 64> buffer_{};
  std::size_t buffered_ = 0;
  std::uint64_t length_ = 0;  ///< bytes given so far
};

Md5Digest md5(std::string_view data) noexcept;
/// The digest as 32 lowercase hex digits, as PostgreSQL's md5() returns it.
std::string md5_hex(const Md5Digest& digest);

}  // namespace aigc
