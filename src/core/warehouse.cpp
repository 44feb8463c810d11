#include "core/warehouse.h"

#include <SQLiteCpp/Exception.h>
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <sstream>

#include "core/error.h"
#include "core/resources.h"
#include "core/table_info.h"

namespace aigc {

namespace {

std::string stem_of(const std::string& name) {
  auto slash = name.find_last_of('/');
  std::string base = slash == std::string::npos ? name : name.substr(slash + 1);
  auto dot = base.rfind('.');
  return dot == std::string::npos ? base : base.substr(0, dot);
}

std::string read_whole(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) throw DataError("cannot read " + p.string());
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void fsync_path(const fs::path& p, bool directory) {
  int fd = ::open(p.c_str(), directory ? O_RDONLY | O_DIRECTORY : O_RDONLY);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

/// Removes temporary files of builds whose process is gone (killed builds).
void remove_stale_builds(const fs::path& target) {
  std::error_code ec;
  const std::string prefix = "." + target.filename().string() + ".build-";
  for (const auto& entry : fs::directory_iterator(target.parent_path(), ec)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind(prefix, 0) != 0) continue;
    std::string rest = name.substr(prefix.size());
    pid_t pid = static_cast<pid_t>(std::atol(rest.c_str()));
    if (pid > 0 && (::kill(pid, 0) == 0 || errno == EPERM)) continue;  // still running
    fs::remove(entry.path(), ec);
  }
}

/// A build replaces its target, so never a file that is not a SQLite
/// database: a mistyped --db could name someone's document. An empty file
/// or a damaged warehouse (whose header survives) may be replaced.
void refuse_foreign_file(const fs::path& target) {
  std::error_code ec;
  if (!fs::is_regular_file(target, ec) || fs::file_size(target, ec) == 0) return;
  std::ifstream in(target, std::ios::binary);
  char header[16] = {};
  in.read(header, sizeof header);
  if (in.gcount() == sizeof header && std::memcmp(header, "SQLite format 3", sizeof header) == 0) return;
  throw UsageError(target.string() +
                   " exists and is not a SQLite database; aigc build will not replace it (remove it first if it may go)");
}

/// Holds the old warehouse's write lock while the new one is renamed over
/// it. Opening it first rolls back a hot journal that a killed writer left
/// (that journal would otherwise sit beside the new file, and the next open
/// would play the old file's pages into it); the lock makes sure no other
/// process is halfway through writing to the old file.
class ReplaceLock {
 public:
  explicit ReplaceLock(const fs::path& target) {
    std::error_code ec;
    if (!fs::exists(target, ec)) return;
    try {
      db_ = std::make_unique<SQLite::Database>(target, SQLite::OPEN_READWRITE, busy_timeout_ms());
      db_->exec("BEGIN IMMEDIATE");
      db_->exec("SELECT count(*) FROM sqlite_schema");
      // Holding the write lock, no writer has a journal open: one still
      // there is a stale one SQLite ignores (a writer killed before its
      // header was written). It goes too, rather than sit beside the new file.
      fs::remove(fs::path(target.string() + "-journal"), ec);
    } catch (const SQLite::Exception& e) {
      db_.reset();
      if ((e.getErrorCode() & 0xff) == SQLITE_BUSY || (e.getErrorCode() & 0xff) == SQLITE_LOCKED)
        throw DataError("cannot replace the warehouse at " + target.string() + ": " +
                        explain_sqlite_error(e.getExtendedErrorCode(), e.what()));
      // A damaged old file: nothing of it is kept, and a journal beside it
      // could never be applied to the new file correctly.
      fs::remove(fs::path(target.string() + "-journal"), ec);
    }
  }
  // Closing ends the empty transaction on the old file without writing.
  ~ReplaceLock() = default;
  ReplaceLock(const ReplaceLock&) = delete;
  ReplaceLock& operator=(const ReplaceLock&) = delete;

 private:
  std::unique_ptr<SQLite::Database> db_;
};

/// Deletes the temporary file unless committed.
class TempFileGuard {
 public:
  explicit TempFileGuard(fs::path p) : path_(std::move(p)) {}
  ~TempFileGuard() {
    if (path_.empty()) return;
    std::error_code ec;
    fs::remove(path_, ec);
    fs::remove(fs::path(path_.string() + "-journal"), ec);
  }
  void keep() { path_.clear(); }

 private:
  fs::path path_;
};

std::string now_utc() {
  auto t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
  return buf;
}

}  // namespace

BuildSources BuildSources::embedded() {
  BuildSources s;
  for (const auto& r : embedded_files("schema/")) s.schema.push_back({std::string(r.path), std::string(r.data)});
  for (const auto& r : embedded_files("seeds/")) s.seeds.push_back({std::string(r.path), std::string(r.data)});
  s.origin = "embedded";
  s.seed_digest = std::string(embedded_seed_digest());
  return s;
}

BuildSources BuildSources::from_directory(const fs::path& root) {
  BuildSources s;
  for (auto [dir, ext, out] : {std::tuple{"schema", ".sql", &s.schema}, std::tuple{"seeds", ".csv", &s.seeds}}) {
    std::error_code ec;
    if (!fs::is_directory(root / dir, ec)) throw UsageError("no " + std::string(dir) + "/ directory in " + root.string());
    for (const auto& e : fs::directory_iterator(root / dir))
      if (e.path().extension() == ext)
        out->push_back({(fs::path(dir) / e.path().filename()).string(), read_whole(e.path())});
    std::sort(out->begin(), out->end(), [](const SourceFile& a, const SourceFile& b) { return a.name < b.name; });
  }
  s.origin = fs::absolute(root).string();
  // Not the embedded digest: a short fingerprint of these files' sizes and
  // names is enough to tell builds apart in a manifest.
  std::size_t h = 0;
  for (const auto& f : s.seeds) h = h * 1000003u ^ std::hash<std::string>{}(f.name + f.data);
  std::ostringstream ss;
  ss << std::hex << h;
  s.seed_digest = "dir:" + ss.str();
  return s;
}

std::vector<std::string> load_order(sqlite3* db, const std::vector<std::string>& tables) {
  std::map<std::string, std::set<std::string>> deps;
  std::set<std::string> wanted(tables.begin(), tables.end());
  for (const auto& t : tables) {
    auto info = TableInfo::read(db, t);
    for (const auto& fk : info.foreign_keys)
      if (fk.parent_table != info.name && wanted.count(fk.parent_table)) deps[t].insert(fk.parent_table);
  }
  std::vector<std::string> order;
  std::set<std::string> done, visiting;
  std::function<void(const std::string&)> visit = [&](const std::string& t) {
    if (done.count(t)) return;
    if (visiting.count(t)) throw DataError("foreign keys form a cycle through table " + t);
    visiting.insert(t);
    for (const auto& d : deps[t]) visit(d);
    visiting.erase(t);
    done.insert(t);
    order.push_back(t);
  };
  for (const auto& t : tables) visit(t);
  return order;
}

BuildSummary build_warehouse(const fs::path& target_in, const BuildSources& sources,
                             const std::function<void(const std::string&, const LoadProgress&)>& progress) {
  const fs::path target = fs::absolute(target_in);
  std::error_code ec;
  fs::create_directories(target.parent_path(), ec);
  if (ec) throw DataError("cannot create directory " + target.parent_path().string() + ": " + ec.message());
  refuse_foreign_file(target);
  remove_stale_builds(target);
  const fs::path temp = target.parent_path() / ("." + target.filename().string() + ".build-" + std::to_string(::getpid()));
  fs::remove(temp, ec);
  // Created here rather than by SQLite, whose message would not say why not.
  if (int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644); fd >= 0)
    ::close(fd);
  else
    throw DataError("cannot create " + temp.string() + ": " + std::strerror(errno) +
                    " (a build writes a temporary file beside the warehouse, so its directory must be writable)");
  TempFileGuard guard(temp);

  BuildSummary summary;
  summary.path = target;
  // Whatever fails, the old warehouse (if any) is untouched until the rename.
  try {
    SQLite::Database db(temp, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    sqlite3* h = db.getHandle();
    harden_connection(h);
    // The file is private until renamed, so it needs no rollback journal: a
    // crash simply leaves a temporary file that the next build removes.
    exec(h, "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA foreign_keys = OFF");
    // The loader checks each reference as it reads; foreign_key_check below
    // proves the result, so SQLite need not check every row a second time.
    exec(h, "BEGIN");
    for (const auto& f : sources.schema) {
      try {
        exec(h, f.data);
      } catch (const DataError& e) {
        throw DataError(f.name + ": " + e.what());
      }
    }
    std::map<std::string, const SourceFile*> by_table;
    auto known = table_names(h);
    for (const auto& f : sources.seeds) {
      std::string table = stem_of(f.name);
      auto info = TableInfo::read(h, table);  // throws, suggesting names, for an unknown table
      by_table[info.name] = &f;
    }
    std::vector<std::string> names;
    for (const auto& [t, f] : by_table) names.push_back(t);
    for (const auto& table : load_order(h, names)) {
      const SourceFile& f = *by_table[table];
      CsvReader csv(f.data, f.name);
      LoadOptions opts;
      if (progress) opts.progress = [&](const LoadProgress& p) { progress(table, p); };
      summary.tables.push_back(load_table(h, csv, table, opts));
    }
    // The loader checked every reference as it went; this is the proof.
    SQLite::Statement fkc(db, "PRAGMA foreign_key_check");
    if (fkc.executeStep())
      throw DataError("foreign key check failed after loading: table " + fkc.getColumn(0).getString() + " rowid " +
                      fkc.getColumn(1).getString() + " refers to a missing " + fkc.getColumn(2).getString() + " row");
    exec(h, "INSERT INTO aigc_meta (key, value) VALUES ('built_at', " + quote_literal(now_utc()) + "), ('seed_origin', " +
                quote_literal(sources.origin) + "), ('seed_digest', " + quote_literal(sources.seed_digest) + ")");
    exec(h, "COMMIT");
    SQLite::Statement ic(db, "PRAGMA integrity_check");
    ic.executeStep();
    if (ic.getColumn(0).getString() != "ok") throw DataError("integrity check failed: " + ic.getColumn(0).getString());
  } catch (const SQLite::Exception& e) {
    throw DataError("cannot build the warehouse at " + target.string() + ": " +
                    explain_sqlite_error(e.getExtendedErrorCode(), e.what()));
  } catch (const LoadError&) {
    throw;  // lists the seed file's problems itself
  } catch (const DataError& e) {
    throw DataError("cannot build the warehouse at " + target.string() + ": " + e.what());
  }
  fsync_path(temp, false);
  ReplaceLock lock(target);
  fs::rename(temp, target, ec);
  if (ec) throw DataError("cannot move the new warehouse into place at " + target.string() + ": " + ec.message());
  guard.keep();
  fsync_path(target.parent_path(), true);
  return summary;
}

SQLite::Database open_warehouse(const fs::path& path, Access access, bool* built) {
  std::error_code ec;
  if (built) *built = false;
  if (!fs::exists(path, ec)) {
    build_warehouse(path, BuildSources::embedded());
    if (built) *built = true;
  }
  return open_database(path, access);
}

}  // namespace aigc
