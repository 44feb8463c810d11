#include "web/response_cache.h"

namespace aigc::web {

void ResponseCache::start_generation(std::uint64_t generation) {
  entries_.clear();
  bytes_ = 0;
  generation_ = generation;
}

std::shared_ptr<const Response> ResponseCache::find(const std::string& key, std::uint64_t generation) {
  std::lock_guard lock(mutex_);
  if (generation != generation_) {
    if (generation > generation_) start_generation(generation);
    return nullptr;
  }
  const auto it = entries_.find(key);
  return it == entries_.end() ? nullptr : it->second;
}

void ResponseCache::store(const std::string& key, std::uint64_t generation, std::shared_ptr<const Response> response) {
  const std::size_t size = key.size() + response->body.size();
  if (size > max_bytes_ / 4) return;  // one huge result must not evict everything else
  std::lock_guard lock(mutex_);
  // A response computed while the data changed is tagged with the older
  // generation: it may hold newer data, never older, so dropping it is safe.
  if (generation != generation_) {
    if (generation < generation_) return;
    start_generation(generation);
  }
  if (bytes_ + size > max_bytes_ || entries_.size() >= max_entries_) start_generation(generation_);
  auto [it, inserted] = entries_.try_emplace(key, std::move(response));
  if (inserted) bytes_ += size;
}

std::size_t ResponseCache::entries() const {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

}  // namespace aigc::web
