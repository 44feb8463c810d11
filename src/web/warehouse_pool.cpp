#include "web/warehouse_pool.h"

#include <sys/stat.h>

#include "base/error.h"
#include "sqlite/connection.h"
#include "web/http.h"

namespace aigc::web {

std::optional<FileId> file_id(const fs::path& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return std::nullopt;
  return FileId{st.st_dev, st.st_ino};
}

Session::Session(const fs::path& path, FileId file, std::chrono::milliseconds timeout)
    : conn_(std::make_unique<GuardedConnection>(open_database(path, Access::read_only), Access::read_only)),
      file_(file) {
  conn_->set_timeout(timeout);
}

PreparedQuery& Session::prepared(const SavedQuery& query) {
  auto it = prepared_.find(query.name);
  if (it == prepared_.end()) it = prepared_.emplace(query.name, PreparedQuery(handle(), query)).first;
  it->second.cursor().reset();
  return it->second;
}

WarehousePool::WarehousePool(fs::path path, std::size_t size, std::chrono::milliseconds timeout)
    : path_(std::move(path)), size_(size == 0 ? 1 : size), timeout_(timeout) {
  const auto id = file_id(path_);
  if (!id) throw DataError(path_.string() + ": cannot read the warehouse");
  file_ = *id;
  watcher_ = std::make_unique<SQLite::Database>(open_database(path_, Access::read_only));
  data_version_ = Statement(watcher_->getHandle(), "PRAGMA data_version", Prepare::persistent);
  for (std::size_t i = 0; i < size_; ++i) free_.push_back(std::make_unique<Session>(path_, file_, timeout_));
}

WarehousePool::~WarehousePool() = default;

WarehousePool::Lease::~Lease() {
  if (session_) pool_->give_back(std::move(session_));
}

void WarehousePool::give_back(std::unique_ptr<Session> session) noexcept {
  // No transaction outlives its request: an open one would hold a lock that
  // blocks every writer (aigc load) until the server stops.
  if (!sqlite3_get_autocommit(session->handle()))
    sqlite3_exec(session->handle(), "ROLLBACK", nullptr, nullptr, nullptr);
  {
    std::lock_guard lock(free_mutex_);
    free_.push_back(std::move(session));
  }
  free_changed_.notify_one();
}

WarehousePool::Lease WarehousePool::acquire(std::chrono::milliseconds wait) {
  std::unique_ptr<Session> session;
  {
    std::unique_lock lock(free_mutex_);
    if (!free_changed_.wait_for(lock, wait, [&] { return !free_.empty(); }))
      throw HttpError(503, "the server is busy: every connection to the warehouse is in use; try again");
    session = std::move(free_.back());
    free_.pop_back();
  }
  FileId current;
  {
    std::lock_guard lock(watch_mutex_);
    current = file_;
  }
  if (session->file() != current) {
    // The warehouse was replaced (aigc build renames a new file over it):
    // read the new file from now on. On failure the old session goes back.
    try {
      auto fresh = std::make_unique<Session>(path_, current, timeout_);
      session = std::move(fresh);
    } catch (...) {
      give_back(std::move(session));
      throw;
    }
  }
  return Lease(*this, std::move(session));
}

std::uint64_t WarehousePool::generation() {
  std::lock_guard lock(watch_mutex_);
  const auto id = file_id(path_);
  if (id && *id != file_) {
    try {
      auto fresh = std::make_unique<SQLite::Database>(open_database(path_, Access::read_only));
      // Only another aigc warehouse takes the old one's place (as at start-up).
      Statement probe;
      if (Statement::try_prepare(fresh->getHandle(), "SELECT 1 FROM aigc_meta", probe) != SQLITE_OK)
        throw DataError(path_.string() + ": not an aigc warehouse");
      probe = Statement();
      data_version_ = Statement();
      watcher_ = std::move(fresh);
      data_version_ = Statement(watcher_->getHandle(), "PRAGMA data_version", Prepare::persistent);
      file_ = *id;
      last_data_version_ = -1;
      return ++generation_;
    } catch (const Error&) {
      // Not a readable warehouse (yet): keep serving the file already open.
    }
  }
  std::int64_t version = last_data_version_;
  try {
    data_version_.reset();
    if (data_version_.step()) version = data_version_.column_int64(0);
    data_version_.reset();
  } catch (const Error&) {
    // A writer holds an exclusive lock past the busy timeout: treat as changed.
    return ++generation_;
  }
  if (version != last_data_version_) {
    last_data_version_ = version;
    ++generation_;
  }
  return generation_;
}

}  // namespace aigc::web
