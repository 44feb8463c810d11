#pragma once
/// Responses kept until the data changes. A saved query's result or a page
/// of a table depends only on the request and the warehouse's data, so the
/// same request in the same generation (WarehousePool::generation) gets the
/// same bytes without touching SQLite. Bounded in entries and bytes: when
/// full it starts over, which keeps memory flat under any traffic.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "web/http.h"

namespace aigc::web {

class ResponseCache {
 public:
  explicit ResponseCache(std::size_t max_bytes = 64u << 20, std::size_t max_entries = 4096)
      : max_bytes_(max_bytes), max_entries_(max_entries) {}

  /// The response stored for `key` in `generation`, or null.
  std::shared_ptr<const Response> find(const std::string& key, std::uint64_t generation);
  /// Stores `response` for `key`, computed from data of `generation` or later.
  void store(const std::string& key, std::uint64_t generation, std::shared_ptr<const Response> response);

  std::size_t entries() const;

 private:
  void start_generation(std::uint64_t generation);  // with mutex_ held

  mutable std::mutex mutex_;
  std::unordered_map<std::string, std::shared_ptr<const Response>> entries_;
  std::uint64_t generation_ = 0;
  std::size_t bytes_ = 0;
  std::size_t max_bytes_;
  std::size_t max_entries_;
};

}  // namespace aigc::web
