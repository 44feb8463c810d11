#include "warehouse/warehouse.h"

#include <SQLiteCpp/Exception.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
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

#include "base/environment.h"
#include "base/error.h"
#include "base/resources.h"
#include "sqlite/quote.h"
#include "sqlite/sqlite_error.h"
#include "sqlite/statement.h"
#include "sqlite/table_info.h"

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

/// The file a build replaces: `target` with its symbolic links followed
/// (a dangling one too), so a link stays a link and the file it names is
/// the one replaced, as an editor saving through a link would do.
fs::path follow_links(const fs::path& target) {
  fs::path p = target;
  for (int hops = 0; hops < 40; ++hops) {
    std::error_code ec;
    if (!fs::is_symlink(p, ec)) return p;
    fs::path to = fs::read_symlink(p, ec);
    if (ec) return p;
    p = fs::absolute(to.is_absolute() ? to : p.parent_path() / to).lexically_normal();
  }
  throw UsageError(target.string() + ": too many levels of symbolic links");
}

/// What is at the path a build is about to replace.
enum class OldFile { none, empty, warehouse };

[[noreturn]] void refuse(const fs::path& target, const std::string& why) {
  throw UsageError(
      target.string() + " " + why +
      "; aigc build replaces only an aigc warehouse (remove it first if it may go, or name another file with --db)");
}

/// A build replaces its target, so only a file that is an aigc warehouse: a
/// mistyped --db could name someone's document or another program's
/// database. An empty file or a missing path may be replaced too.
OldFile classify_target(const fs::path& target) {
  struct stat st {};
  if (::stat(target.c_str(), &st) != 0) {
    if (errno == ENOENT) return OldFile::none;
    throw DataError("cannot read " + target.string() + ": " + std::strerror(errno));
  }
  if (S_ISDIR(st.st_mode)) refuse(target, "is a directory");
  if (!S_ISREG(st.st_mode)) refuse(target, "is not a regular file (a device, pipe or socket)");
  if (st.st_size == 0) return OldFile::empty;
  std::ifstream in(target, std::ios::binary);
  if (!in) throw DataError("cannot read " + target.string() + ": " + std::strerror(errno));
  unsigned char header[100] = {};
  in.read(reinterpret_cast<char*>(header), sizeof header);
  if (in.gcount() != sizeof header || std::memcmp(header, "SQLite format 3", 16) != 0)
    throw UsageError(
        target.string() +
        " exists and is not a SQLite database; aigc build will not replace it (remove it first if it may go)");
  // The header holds application_id big-endian at offset 68: read from the
  // file itself, so a damaged warehouse is still recognised (and rebuilt).
  const std::uint32_t app = std::uint32_t(header[68]) << 24 | std::uint32_t(header[69]) << 16 |
                            std::uint32_t(header[70]) << 8 | std::uint32_t(header[71]);
  if (app == static_cast<std::uint32_t>(kApplicationId)) return OldFile::warehouse;
  if (app != 0) {
    char id[16];
    std::snprintf(id, sizeof id, "0x%08x", app);
    refuse(target, std::string("is the SQLite database of another program (application_id ") + id + ")");
  }
  // application_id 0: a warehouse of an aigc that did not set it yet (they
  // are still in use and must stay rebuildable), or any other database. The
  // old builds all made aigc_meta with the seed_digest row; nothing else does.
  // `explained`: SQLite's message as explain_sqlite_error words it.
  auto unreadable = [&](int code, const std::string& explained) {
    if ((code & 0xff) == SQLITE_BUSY || (code & 0xff) == SQLITE_LOCKED)
      throw DataError("cannot replace the warehouse at " + target.string() + ": " + explained);
    refuse(target, "cannot be read to tell whether it is an aigc warehouse (" + explained + ")");
  };
  try {
    SQLite::Database db(target, SQLite::OPEN_READWRITE, busy_timeout_ms());
    auto is_one = [&](const char* sql) {
      Statement q(db.getHandle(), sql);
      return q.step() && q.column_int(0) == 1;
    };
    try {
      if (is_one("SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'aigc_meta' AND "
                 "EXISTS (SELECT 1 FROM pragma_table_info('aigc_meta') WHERE name = 'key')") &&
          is_one("SELECT count(*) FROM aigc_meta WHERE key = 'seed_digest'"))
        return OldFile::warehouse;
    } catch (const DataError& e) {
      unreadable(sqlite3_extended_errcode(db.getHandle()), e.what());
    }
  } catch (const SQLite::Exception& e) {
    unreadable(e.getExtendedErrorCode(), explain_sqlite_error(e));
  }
  refuse(target, "is a SQLite database, but not an aigc warehouse (it has no aigc_meta table)");
}

/// Holds the old warehouse's write lock from before what users added is
/// read until the new one is renamed over it, and makes sure no file beside
/// it (-journal, -wal, -shm) can be read as part of the new one: SQLite
/// finds those by name, and would play the old file's pages into the new.
/// - Opening rolls back a hot journal that a killed writer left.
/// - A warehouse in WAL mode is switched back to a rollback journal just
///   before the rename (seal()), which checkpoints the -wal into the old
///   file and deletes it. SQLite does that only when no other connection
///   has the file open; if one has, its -wal and -shm stay live, so the
///   build is refused. Switching only then leaves the old file as it was
///   when the build fails earlier (a row that no longer fits, say).
/// - Holding the write lock, no writer has a journal open: what is still
///   there is stale, and goes.
class ReplaceLock {
 public:
  explicit ReplaceLock(const fs::path& target) : target_(target) {
    // Another build may rename its file over the target while this one
    // opens it: lock the file that is at the path once locked.
    for (int attempt = 0; attempt < 10; ++attempt) {
      const auto before = inode(target);
      lock();
      if (!db_ || inode(target) == before) return;
      db_.reset();
    }
    throw DataError("cannot replace the warehouse at " + target.string() +
                    ": it keeps being replaced by another process");
  }
  /// The old file could not be read at all (not even its schema).
  bool damaged() const { return damaged_; }
  /// Call last before the rename: takes a warehouse in WAL mode out of it,
  /// or refuses while another connection keeps its -wal live.
  void seal() {
    if (!db_ || !wal_) return;
    try {
      // Nobody could write while the lock was held; the lock is let go for
      // the switch, so data_version tells whether someone wrote meanwhile.
      const auto version = db_->execAndGet("PRAGMA data_version").getInt64();
      db_->exec("COMMIT");
      std::string mode;
      try {
        mode = db_->execAndGet("PRAGMA journal_mode = DELETE").getString();
      } catch (const SQLite::Exception& e) {
        if ((e.getErrorCode() & 0xff) != SQLITE_BUSY && (e.getErrorCode() & 0xff) != SQLITE_LOCKED) throw;
      }
      if (mode != "delete")
        throw DataError("cannot replace the warehouse at " + target_.string() +
                        ": another process has it open in WAL mode, and its " + target_.filename().string() +
                        "-wal file would be read as part of the new warehouse; close that program (sqlite3, a "
                        "database browser, ...) and build again");
      db_->exec("BEGIN IMMEDIATE");
      if (db_->execAndGet("PRAGMA data_version").getInt64() != version)
        throw DataError("the warehouse at " + target_.string() +
                        " was written to while it was being rebuilt; build again to keep what was added");
    } catch (const SQLite::Exception& e) {
      throw DataError("cannot replace the warehouse at " + target_.string() + ": " + explain_sqlite_error(e));
    }
  }
  /// Removes what a stale writer left beside the old file.
  void remove_sidecars() const {
    std::error_code ec;
    for (const char* suffix : {"-journal", "-wal", "-shm"}) fs::remove(fs::path(target_.string() + suffix), ec);
  }
  // Closing ends the empty transaction on the old file without writing.
  ~ReplaceLock() = default;
  ReplaceLock(const ReplaceLock&) = delete;
  ReplaceLock& operator=(const ReplaceLock&) = delete;

 private:
  static ino_t inode(const fs::path& p) {
    struct stat st {};
    return ::stat(p.c_str(), &st) == 0 ? st.st_ino : 0;
  }

  void lock() {
    try {
      db_ = std::make_unique<SQLite::Database>(target_, SQLite::OPEN_READWRITE, busy_timeout_ms());
      wal_ = db_->execAndGet("PRAGMA journal_mode").getString() == "wal";
      db_->exec("BEGIN IMMEDIATE");
      db_->exec("SELECT count(*) FROM sqlite_schema");
    } catch (const SQLite::Exception& e) {
      db_.reset();
      const int code = e.getErrorCode() & 0xff;
      if (code == SQLITE_CORRUPT || code == SQLITE_NOTADB) {
        damaged_ = true;  // nothing of it can be kept; what lies beside it could never apply to the new file
        return;
      }
      throw DataError("cannot replace the warehouse at " + target_.string() + ": " + explain_sqlite_error(e));
    }
  }

  fs::path target_;
  std::unique_ptr<SQLite::Database> db_;
  bool damaged_ = false;
  bool wal_ = false;
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
    if (!fs::is_directory(root / dir, ec))
      throw UsageError("no " + std::string(dir) + "/ directory in " + root.string());
    for (const auto& e : fs::directory_iterator(root / dir))
      if (e.path().extension() == ext) {
        // A FIFO would block the build for ever and a link to a device such
        // as /dev/zero would be read without end: only files are sources.
        if (!fs::is_regular_file(e.path(), ec))
          throw UsageError((fs::path(dir) / e.path().filename()).string() + " in " + root.string() +
                           " is not a regular file (a directory, device, pipe or dangling link); build reads only "
                           "files from schema/ and seeds/");
        out->push_back({(fs::path(dir) / e.path().filename()).string(), read_whole(e.path())});
      }
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

namespace {

/// SQLite's primary code if `e` says the file is damaged or not a database.
bool is_damage(sqlite3* db) {
  const int code = sqlite3_errcode(db) & 0xff;
  return code == SQLITE_CORRUPT || code == SQLITE_NOTADB;
}

/// Loads the schema and seeds into the empty database `h`, committed.
void load_sources(SQLite::Database& db, const BuildSources& sources, BuildSummary& summary,
                  const std::function<void(const std::string&, const LoadProgress&)>& progress) {
  sqlite3* h = db.getHandle();
  exec(h, "PRAGMA application_id = " + std::to_string(kApplicationId));
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
  Statement fkc(h, "PRAGMA foreign_key_check");
  if (fkc.step())
    throw DataError("foreign key check failed after loading: table " + fkc.column_string(0) + " rowid " +
                    fkc.column_string(1) + " refers to a missing " + fkc.column_string(2) + " row");
  exec(h, "INSERT INTO aigc_meta (key, value) VALUES ('built_at', " + quote_literal(now_utc()) + "), ('seed_origin', " +
              quote_literal(sources.origin) + "), ('seed_digest', " + quote_literal(sources.seed_digest) + ")");
  // Every table of the schema, seeded or not: the next build knows them as
  // the report's, and every other table as one a user made.
  std::vector<std::string> schema_tables;
  for (const auto& t : table_names(h))
    if (t != "aigc_meta") schema_tables.push_back(t);
  record_seed_fingerprints(h, schema_tables);
  exec(h, "COMMIT");
}

/// Copies what users added to the old warehouse at `old` into `db`.
void carry_over(SQLite::Database& db, const fs::path& old, const BuildOptions& options, BuildSummary& summary) {
  sqlite3* h = db.getHandle();
  {
    Statement attach(h, "ATTACH ? AS old");
    const std::string path = old.string();
    attach.bind_text(1, path);
    attach.step();
  }
  exec(h, "BEGIN");
  exec(h, "SAVEPOINT aigc_user_data");
  try {
    summary.user_data = carry_user_data(h, options.discard_user_data);
  } catch (const DataError& e) {
    const bool damaged = is_damage(h);
    exec(h, "ROLLBACK TO aigc_user_data");
    if (!damaged) throw;
    if (!options.discard_user_data)
      throw DataError("cannot read the data you added from the old warehouse at " + old.string() + ": " + e.what() +
                      "; restore a copy of it, or run aigc build --discard-user-data to replace it without them");
    summary.user_data = {};
    summary.old_unreadable = true;
  }
  exec(h, "RELEASE aigc_user_data");
  exec(h, "COMMIT");
  exec(h, "DETACH old");
}

}  // namespace

BuildSummary build_warehouse(const fs::path& target_in, const BuildSources& sources,
                             const std::function<void(const std::string&, const LoadProgress&)>& progress,
                             const BuildOptions& options) {
  const fs::path target = follow_links(fs::absolute(target_in));
  std::error_code ec;
  fs::create_directories(target.parent_path(), ec);
  if (ec) throw DataError("cannot create directory " + target.parent_path().string() + ": " + ec.message());
  const OldFile old = classify_target(target);
  remove_stale_builds(target);
  const fs::path temp =
      target.parent_path() / ("." + target.filename().string() + ".build-" + std::to_string(::getpid()));
  fs::remove(temp, ec);
  // Created here rather than by SQLite, whose message would not say why not.
  // Private while it is built: it takes the old file's mode only at the
  // rename, and the rows copied from a warehouse kept 0600 must not be
  // readable by others meanwhile (or in the file a killed build leaves).
  if (int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, old == OldFile::none ? 0644 : 0600);
      fd >= 0)
    ::close(fd);
  else
    throw DataError("cannot create " + temp.string() + ": " + std::strerror(errno) +
                    " (a build writes a temporary file beside the warehouse, so its directory must be writable)");
  TempFileGuard guard(temp);

  BuildSummary summary;
  summary.path = target;
  std::unique_ptr<ReplaceLock> lock;
  // Whatever fails, the old warehouse (if any) is untouched until the rename.
  try {
    SQLite::Database db(temp, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    harden_connection(db.getHandle());
    // The file is private until renamed, so it needs no rollback journal: a
    // crash simply leaves a temporary file that the next build removes. Nor
    // is it ever in WAL mode: a new warehouse is one file, and a reader
    // opening it makes no -wal that could outlive it.
    exec(db.getHandle(), "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA foreign_keys = OFF");
    load_sources(db, sources, summary, progress);
    if (old != OldFile::none) {
      // Locked from before its user data is read until the rename, so no
      // row loaded meanwhile is lost.
      lock = std::make_unique<ReplaceLock>(target);
      if (old == OldFile::warehouse && !lock->damaged())
        carry_over(db, target, options, summary);
      else if (old == OldFile::warehouse && !options.discard_user_data)
        throw DataError("cannot read the data you added from the old warehouse at " + target.string() +
                        ": the file is damaged; restore a copy of it, or run aigc build --discard-user-data to "
                        "replace it without them");
      else
        summary.old_unreadable = old == OldFile::warehouse;
    }
    Statement ic(db.getHandle(), "PRAGMA integrity_check");
    ic.step();
    if (ic.column_text(0) != "ok") throw DataError("integrity check failed: " + ic.column_string(0));
  } catch (const SQLite::Exception& e) {
    throw DataError("cannot build the warehouse at " + target.string() + ": " + explain_sqlite_error(e));
  } catch (const LoadError&) {
    throw;  // lists the seed file's problems itself
  } catch (const UsageError&) {
    throw;
  } catch (const DataError& e) {
    const std::string what = e.what();
    if (what.rfind("cannot ", 0) == 0) throw;  // names the warehouse already
    throw DataError("cannot build the warehouse at " + target.string() + ": " + what);
  }
  // The new file takes the old one's permission mode and owner: a warehouse
  // kept private (0600) stays private.
  struct stat st {};
  if (old != OldFile::none && ::stat(target.c_str(), &st) == 0) {
    if (::chown(temp.c_str(), st.st_uid, st.st_gid) != 0) {
      // Only root may give a file away; the builder owning it is then right.
    }
    ::chmod(temp.c_str(), st.st_mode & 07777);
  }
  fsync_path(temp, false);
  if (lock) {
    lock->seal();
    lock->remove_sidecars();
  }
  fs::rename(temp, target, ec);
  if (ec) throw DataError("cannot move the new warehouse into place at " + target.string() + ": " + ec.message());
  guard.keep();
  fsync_path(target.parent_path(), true);
  return summary;
}

SQLite::Database open_warehouse(const fs::path& path, Access access, bool* built) {
  std::error_code ec;
  if (built) *built = false;
  // An empty file (`touch w.db`) holds nothing to lose, as build agrees: it
  // is built like a missing path, instead of opening as a database with no tables.
  const bool exists = fs::exists(path, ec);
  if (!exists || (fs::is_regular_file(path, ec) && fs::file_size(path, ec) == 0 && !ec)) {
    build_warehouse(path, BuildSources::embedded());
    if (built) *built = true;
  }
  auto db = open_database(path, access);
  // A mistyped --db can name another program's database: load and import
  // would write into it and check would report on it. The same test as
  // build's: aigc's application_id, or (older builds) the aigc_meta table.
  try {
    const bool ours =
        db.execAndGet("PRAGMA application_id").getInt() == kApplicationId ||
        db.execAndGet("SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'aigc_meta'").getInt() == 1;
    if (!ours)
      throw UsageError(path.string() +
                       " is a SQLite database, but not an aigc warehouse (it has no aigc_meta table); name the "
                       "warehouse with --db or AIGC_DB, or build one there with aigc build");
  } catch (const SQLite::Exception& e) {
    throw DataError("cannot open warehouse " + path.string() + ": " + explain_sqlite_error(e));
  }
  return db;
}

}  // namespace aigc
