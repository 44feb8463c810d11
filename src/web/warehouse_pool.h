#pragma once
/// The server's connections to the warehouse: a fixed pool of guarded,
/// read-only connections (one per core), each keeping its saved queries
/// prepared, and a watcher that tells when the data changed, so cached
/// responses are dropped exactly then.
///
/// A change is either a commit by another process (`aigc load`, `aigc sql
/// --write`), seen through PRAGMA data_version, or a new file renamed over
/// the warehouse (`aigc build`), seen as a new inode; after the latter every
/// connection reopens on the new file before it serves again. A reader never
/// sees a half-loaded table: each statement reads one committed snapshot.
#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "query/catalog.h"
#include "query/sql_guard.h"
#include "sqlite/statement.h"

namespace aigc::web {

namespace fs = std::filesystem;

/// Which file a path names: device and inode.
struct FileId {
  dev_t device = 0;
  ino_t inode = 0;
  bool operator==(const FileId&) const = default;
};

/// One pooled connection and what it keeps between requests.
class Session {
 public:
  Session(const fs::path& path, FileId file, std::chrono::milliseconds timeout);

  GuardedConnection& connection() noexcept { return *conn_; }
  sqlite3* handle() const noexcept { return conn_->handle(); }
  /// `query` prepared on this connection (once; later calls reset it).
  PreparedQuery& prepared(const SavedQuery& query);
  FileId file() const noexcept { return file_; }

 private:
  std::unique_ptr<GuardedConnection> conn_;
  std::map<std::string, PreparedQuery, std::less<>> prepared_;
  FileId file_;
};

class WarehousePool {
 public:
  /// Opens `size` connections to the warehouse at `path` (which must exist).
  /// Every statement a session runs stops after `timeout`.
  WarehousePool(fs::path path, std::size_t size, std::chrono::milliseconds timeout);
  ~WarehousePool();
  WarehousePool(const WarehousePool&) = delete;
  WarehousePool& operator=(const WarehousePool&) = delete;

  /// A session borrowed for one request; returned to the pool when destroyed.
  class Lease {
   public:
    Lease(WarehousePool& pool, std::unique_ptr<Session> session) : pool_(&pool), session_(std::move(session)) {}
    ~Lease();
    Lease(Lease&& other) noexcept = default;
    Lease& operator=(Lease&&) = delete;
    Session& operator*() const noexcept { return *session_; }
    Session* operator->() const noexcept { return session_.get(); }

   private:
    WarehousePool* pool_;
    std::unique_ptr<Session> session_;
  };

  /// Waits up to `wait` for a free session (throws HttpError 503 after),
  /// reopened on the current file if the warehouse was replaced.
  Lease acquire(std::chrono::milliseconds wait = std::chrono::seconds(10));

  /// A number that changes whenever the warehouse's data may have: a commit
  /// by any process, or a new file in its place. Cheap (a stat and a pragma).
  std::uint64_t generation();

  const fs::path& path() const noexcept { return path_; }
  std::size_t size() const noexcept { return size_; }
  std::chrono::milliseconds timeout() const noexcept { return timeout_; }

 private:
  void give_back(std::unique_ptr<Session> session) noexcept;

  fs::path path_;
  std::size_t size_;
  std::chrono::milliseconds timeout_;

  std::mutex free_mutex_;
  std::condition_variable free_changed_;
  std::vector<std::unique_ptr<Session>> free_;

  std::mutex watch_mutex_;
  std::unique_ptr<SQLite::Database> watcher_;
  Statement data_version_;
  FileId file_;
  std::int64_t last_data_version_ = -1;
  std::uint64_t generation_ = 1;
};

/// The file `path` names now; nullopt if it cannot be read.
std::optional<FileId> file_id(const fs::path& path);

}  // namespace aigc::web
