// Nothing a user types destroys data: every command that writes output
// refuses the warehouse and its companion files, writes devices and FIFOs in
// place instead of replacing them, follows symbolic links without breaking
// them, and reports a failing standard output. End to end on the real binary.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdio>
#include <string>
#include <vector>

#include "support.h"

namespace {

namespace fs = test::fs;

/// A warehouse in a fresh temp dir, with HOME and AIGC_DB pointing into it.
struct Warehouse {
  test::TempDir dir;
  fs::path db = dir / "warehouse.db";
  std::vector<std::string> env{"HOME=" + dir.path().string(), "AIGC_DB=" + db.string()};
  std::string original;

  Warehouse() {
    auto r = run({"build"});
    REQUIRE_MESSAGE(r.status == 0, r.describe());
    original = test::read_file(db);
  }
  test::RunResult run(const std::vector<std::string>& args, const std::string& input = "",
                      const test::RunLimits& limits = {}, const test::RunStdout& stdout_to = {}) const {
    return test::run_aigc(args, dir.path(), input, env, limits, stdout_to);
  }
  test::RunResult run_in(const fs::path& cwd, const std::vector<std::string>& args,
                         const std::string& input = "") const {
    return test::run_aigc(args, cwd, input, env);
  }
  /// The warehouse is byte for byte what the build wrote, and still a file.
  bool intact() const {
    std::error_code ec;
    return fs::is_regular_file(fs::symlink_status(db, ec)) && test::read_file(db) == original;
  }
};

/// Every way a command can be told to write output to `path`.
std::vector<std::pair<std::string, std::vector<std::string>>> writers(const std::string& path) {
  return {
      {"sql -o", {"sql", "SELECT 1", "-o", path}},
      {"sql --format csv --output", {"sql", "--format", "csv", "SELECT 1", "--output", path}},
      {"run -o", {"run", "vendor_table", "-o", path}},
      {"export -o", {"export", "vendor_table", "-o", path}},
      {"export --xlsx", {"export", "vendor_table", "--xlsx", path}},
      {"export --all --xlsx", {"export", "--all", "--xlsx", path}},
      {"report --html", {"report", "--html", path}},
  };
}

/// The shell's dot-commands that write to `path`, as scripts.
std::vector<std::pair<std::string, std::string>> shell_writers(const std::string& path) {
  const std::string q = "'" + path + "'";
  return {
      {".output", ".output " + q + "\nSELECT 1;\n"},
      {".export", ".export vendor_table " + q + "\n"},
  };
}

/// Runs every writer against `path` and checks each is refused as a usage
/// error naming the warehouse, with the warehouse untouched and nothing
/// created at `path` when nothing was there.
void check_all_refused(const Warehouse& w, const std::string& path) {
  std::error_code ec;
  const bool existed = fs::exists(fs::symlink_status(path, ec));
  for (const auto& [what, args] : writers(path)) {
    CAPTURE(what);
    auto r = w.run(args);
    INFO(r.describe());
    CHECK(r.status == 2);
    CHECK(r.err.find("warehouse") != std::string::npos);
    CHECK(w.intact());
    if (!existed) CHECK_FALSE(fs::exists(fs::symlink_status(path, ec)));
  }
  for (const auto& [what, script] : shell_writers(path)) {
    CAPTURE(what);
    auto r = w.run({"shell"}, script);
    INFO(r.describe());
    CHECK(r.status == 2);
    CHECK(r.err.find("warehouse") != std::string::npos);
    CHECK(w.intact());
    if (!existed) CHECK_FALSE(fs::exists(fs::symlink_status(path, ec)));
  }
}

bool is_char_device(const fs::path& p) {
  struct stat st {};
  return ::lstat(p.c_str(), &st) == 0 && S_ISCHR(st.st_mode);
}

}  // namespace

TEST_CASE("output paths: every command refuses to write over the warehouse") {
  Warehouse w;
  check_all_refused(w, w.db.string());
}

TEST_CASE("output paths: every command refuses the warehouse's -wal, -shm and -journal files") {
  Warehouse w;
  for (const std::string suffix : {"-wal", "-shm", "-journal"}) {
    CAPTURE(suffix);
    check_all_refused(w, w.db.string() + suffix);  // not there: refused by name
    test::write_file(w.db.string() + suffix, "");  // there (as while another process writes)
    check_all_refused(w, w.db.string() + suffix);
    CHECK(test::read_file(w.db.string() + suffix).empty());
    fs::remove(w.db.string() + suffix);
  }
}

TEST_CASE("output paths: the warehouse is recognised through a symlink, a hard link and a roundabout path") {
  Warehouse w;
  SUBCASE("symlink") {
    fs::create_symlink(w.db, w.dir / "link.db");
    check_all_refused(w, (w.dir / "link.db").string());
    CHECK(fs::is_symlink(w.dir / "link.db"));
  }
  SUBCASE("symlink to the -wal name") {
    fs::create_symlink(w.db.string() + "-wal", w.dir / "wal-link");
    check_all_refused(w, (w.dir / "wal-link").string());
  }
  SUBCASE("hard link") {
    fs::create_hard_link(w.db, w.dir / "hard.db");
    check_all_refused(w, (w.dir / "hard.db").string());
  }
  SUBCASE("relative path with . and ..") {
    fs::create_directory(w.dir / "sub");
    check_all_refused(w, "./sub/../warehouse.db");
  }
  SUBCASE("the warehouse named through a symlinked directory in AIGC_DB") {
    fs::create_directory_symlink(w.dir.path(), w.dir / "alias");
    w.env[1] = "AIGC_DB=" + (w.dir / "alias" / "warehouse.db").string();
    check_all_refused(w, w.db.string());
  }
}

TEST_CASE("output paths: export --all --dir refuses a directory where a file would land on the warehouse") {
  Warehouse w;
  const fs::path out = w.dir / "out";
  fs::create_directory(out);
  SUBCASE("a query's file") { fs::create_symlink(w.db, out / "vendor_table.csv"); }
  SUBCASE("the manifest") { fs::create_symlink(w.db, out / "manifest.json"); }
  auto r = w.run({"export", "--all", "--dir", out.string()});
  INFO(r.describe());
  CHECK(r.status == 2);
  CHECK(r.err.find("warehouse") != std::string::npos);
  CHECK(w.intact());
}

TEST_CASE("output paths: export --dir refuses to put a query's file on the warehouse") {
  Warehouse w;
  // The warehouse itself is named like the file export would write.
  Warehouse other;
  const fs::path db = other.dir / "vendor_table.csv";
  fs::rename(other.db, db);
  other.db = db;
  other.env[1] = "AIGC_DB=" + db.string();
  auto r = other.run({"export", "vendor_table", "--dir", other.dir.path().string()});
  INFO(r.describe());
  CHECK(r.status == 2);
  CHECK(other.intact());
}

TEST_CASE("output paths: a character device is written in place, never replaced (run as root)") {
  Warehouse w;
  const fs::path null = w.dir / "null";
  // A private copy of /dev/null: the test must not risk the real one.
  if (::mknod(null.c_str(), S_IFCHR | 0666, makedev(1, 3)) != 0) {
    MESSAGE("mknod failed (not root?): skipped");
    return;
  }
  for (const auto& [what, args] : writers(null.string())) {
    CAPTURE(what);
    auto r = w.run(args);
    INFO(r.describe());
    CHECK(r.status == 0);
    CHECK(is_char_device(null));
  }
  for (const auto& [what, script] : shell_writers(null.string())) {
    CAPTURE(what);
    auto r = w.run({"shell"}, script);
    INFO(r.describe());
    CHECK(r.status == 0);
    CHECK(is_char_device(null));
  }
  CHECK(test::entries(w.dir.path()) == std::vector<std::string>{"null", "warehouse.db"});
}

TEST_CASE("output paths: a FIFO is written in place") {
  Warehouse w;
  const fs::path fifo = w.dir / "fifo";
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  // Opened for reading first (non-blocking), so the writer's open does not wait.
  const int fd = ::open(fifo.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  REQUIRE(fd >= 0);
  auto r = w.run({"sql", "--format", "csv", "SELECT 'through the fifo' AS x", "-o", fifo.string()});
  INFO(r.describe());
  CHECK(r.status == 0);
  char buf[256];
  const ssize_t n = ::read(fd, buf, sizeof buf);
  ::close(fd);
  CHECK(std::string(buf, n > 0 ? static_cast<std::size_t>(n) : 0) == "x\nthrough the fifo\n");
  struct stat st {};
  CHECK(::lstat(fifo.c_str(), &st) == 0);
  CHECK(S_ISFIFO(st.st_mode));
  CHECK(test::entries(w.dir.path()) == std::vector<std::string>{"fifo", "warehouse.db"});
}

TEST_CASE("output paths: a symlink stays a link and the file it names is replaced, keeping its mode") {
  Warehouse w;
  const fs::path real_dir = w.dir / "real";
  fs::create_directory(real_dir);
  const fs::path target = real_dir / "out.csv";
  const fs::path link = w.dir / "link.csv";
  fs::create_symlink("real/out.csv", link);
  for (const auto& [what, args] : writers(link.string())) {
    CAPTURE(what);
    test::write_file(target, "old");
    fs::permissions(target, fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read);
    auto r = w.run(args);
    INFO(r.describe());
    CHECK(r.status == 0);
    CHECK(fs::is_symlink(link));
    CHECK(fs::read_symlink(link) == "real/out.csv");
    CHECK(test::read_file(target) != "old");
    CHECK(fs::status(target).permissions() == (fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read));
    CHECK(test::entries(real_dir) == std::vector<std::string>{"out.csv"});
  }
  for (const auto& [what, script] : shell_writers(link.string())) {
    CAPTURE(what);
    test::write_file(target, "old");
    auto r = w.run({"shell"}, script);
    INFO(r.describe());
    CHECK(r.status == 0);
    CHECK(fs::is_symlink(link));
    CHECK(test::read_file(target) != "old");
  }
  CHECK(test::entries(w.dir.path()) == std::vector<std::string>{"link.csv", "real", "warehouse.db"});
}

TEST_CASE("output paths: - means standard output wherever a file is asked for") {
  Warehouse w;
  const std::vector<std::vector<std::string>> commands = {
      {"sql", "--format", "csv", "SELECT 'stdout' AS x", "-o", "-"},
      {"run", "vendor_table", "-o", "-"},
      {"export", "vendor_table", "-o", "-"},
      {"report", "--html", "-"},
  };
  for (const auto& args : commands) {
    CAPTURE(args[0]);
    auto r = w.run(args);
    INFO(r.describe());
    CHECK(r.status == 0);
    CHECK(r.out.size() > 5);
  }
  auto r = w.run({"shell"}, ".export vendor_table -\n");
  INFO(r.describe());
  CHECK(r.status == 0);
  CHECK(r.out.find("vendor") != std::string::npos);
  CHECK(test::entries(w.dir.path()) == std::vector<std::string>{"warehouse.db"});
}

TEST_CASE("standard output: a full disk ends the command with exit 1 and says so") {
  Warehouse w;
  test::RunStdout full;
  full.path = "/dev/full";
  const std::vector<std::vector<std::string>> commands = {
      {"run", "vendor_table"}, {"sql", "SELECT 1"}, {"queries"}, {"export", "vendor_table", "-o", "-"}, {"check"},
      {"check", "--list"},     {"build"},
  };
  for (const auto& args : commands) {
    CAPTURE(args[0]);
    auto r = w.run(args, "", {}, full);
    INFO(r.describe());
    CHECK(r.status == 1);
    CHECK(r.err.find("aigc: cannot write to standard output: No space left on device") != std::string::npos);
  }
  auto r = w.run({"shell"}, "SELECT 1;\n", {}, full);
  INFO(r.describe());
  CHECK(r.status == 1);
  CHECK(r.err.find("cannot write to standard output: No space left on device") != std::string::npos);
}

TEST_CASE("standard output: a closed pipe ends the command quietly with status 141") {
  Warehouse w;
  const std::string many =
      "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c WHERE x < 2000000) SELECT x FROM c";
  for (const bool ignored : {false, true}) {
    CAPTURE(ignored);
    test::RunStdout pipe;
    pipe.close_after = 100;
    pipe.ignore_sigpipe = ignored;
    auto r = w.run({"sql", "--format", "csv", many}, "", {}, pipe);
    INFO(r.describe());
    CHECK(r.status == 141);  // killed by SIGPIPE, or (ignored) exits with the status it would have had
    CHECK(r.err.empty());
  }
}

TEST_CASE("output files: a write cut short (file size limit) exits 1 and keeps the previous file") {
  Warehouse w;
  const fs::path out = w.dir / "out.csv";
  test::RunLimits limits;
  limits.file_size_limit = 400 * 1024;  // the warehouse is read, never written
  const std::string many =
      "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c WHERE x < 200000) SELECT x FROM c";
  for (const auto& args :
       std::vector<std::vector<std::string>>{{"sql", "--format", "csv", many, "-o", out.string()}, {"shell"}}) {
    CAPTURE(args[0]);
    test::write_file(out, "previous");
    auto r = w.run(args, args[0] == "shell" ? ".output '" + out.string() + "'\n" + many + ";\n" : "", limits);
    INFO(r.describe());
    CHECK(r.status == 1);
    CHECK(r.err.find("File too large") != std::string::npos);
    CHECK(test::read_file(out) == "previous");
    CHECK(test::entries(w.dir.path()) == std::vector<std::string>{"out.csv", "warehouse.db"});
  }
}

// ---------------------------------------------------------------------------
// A hostile or careless user

TEST_CASE("odd output paths are refused with a usage error, creating nothing") {
  Warehouse w;
  fs::create_directory(w.dir / "adir");
  test::write_file(w.dir / "afile", "keep");
  fs::create_symlink("loop2", w.dir / "loop1");
  fs::create_symlink("loop1", w.dir / "loop2");
  struct Case {
    std::string path;
    std::string says;
  };
  const std::vector<Case> cases = {
      {"adir", "is a directory"},
      {".", "is a directory"},
      {"adir/", "is a directory"},
      {"new.csv/", "end in /"},
      {"afile/x.csv", "Not a directory"},
      {"loop1", "symbolic links"},
      {"no/such/dir/x.csv", "does not exist"},
      {std::string(300, 'n') + ".csv", "File name too long"},
      {"", "no output file"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.path);
    for (const auto& args : std::vector<std::vector<std::string>>{
             {"sql", "SELECT 1", "-o", c.path}, {"run", "vendor_table", "-o", c.path}, {"report", "--html", c.path}}) {
      CAPTURE(args[0]);
      auto r = w.run(args);
      INFO(r.describe());
      CHECK(r.status == 2);
      CHECK(r.err.find(c.says) != std::string::npos);
    }
    auto r = w.run({"shell"}, ".output '" + c.path + "'\nSELECT 1;\n");
    INFO(r.describe());
    CHECK(r.status == 2);
    CHECK(r.err.find(c.says) != std::string::npos);
  }
  CHECK(test::entries(w.dir.path()) == std::vector<std::string>{"adir", "afile", "loop1", "loop2", "warehouse.db"});
  CHECK(test::read_file(w.dir / "afile") == "keep");
  CHECK(test::entries(w.dir / "adir").empty());
}

TEST_CASE("a socket is refused as an output path") {
  Warehouse w;
  const fs::path sock = w.dir / "sock";
  // A socket node: bound, then left (the file outlives the descriptor).
  const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::snprintf(addr.sun_path, sizeof addr.sun_path, "%s", sock.c_str());
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  ::close(fd);
  auto r = w.run({"sql", "SELECT 1", "-o", sock.string()});
  INFO(r.describe());
  CHECK(r.status == 2);
  CHECK(r.err.find("socket") != std::string::npos);
  struct stat st {};
  CHECK(::lstat(sock.c_str(), &st) == 0);
  CHECK(S_ISSOCK(st.st_mode));
}

TEST_CASE("a dangling symlink is followed: the file it names is created and the link kept") {
  Warehouse w;
  fs::create_directory(w.dir / "real");
  fs::create_symlink("real/new.csv", w.dir / "dangling.csv");
  auto r = w.run({"run", "vendor_table", "--format", "csv", "-o", "dangling.csv"});
  INFO(r.describe());
  CHECK(r.status == 0);
  CHECK(fs::is_symlink(w.dir / "dangling.csv"));
  CHECK(test::read_file(w.dir / "real" / "new.csv").rfind("vendor", 0) == 0);
  CHECK(test::entries(w.dir / "real") == std::vector<std::string>{"new.csv"});
}

TEST_CASE("a file name as long as the file system allows is written (the temporary name is not longer)") {
  Warehouse w;
  const std::string name = std::string(251, 'l') + ".csv";  // 255 bytes, NAME_MAX
  auto r = w.run({"sql", "--format", "csv", "SELECT 1 AS one", "-o", name});
  INFO(r.describe());
  CHECK(r.status == 0);
  CHECK(test::read_file(w.dir / name) == "one\n1\n");
  CHECK(test::entries(w.dir.path()) == std::vector<std::string>{name, "warehouse.db"});
}

TEST_CASE("relative output paths: resolved from the working directory, the warehouse recognised from elsewhere") {
  Warehouse w;
  fs::create_directory(w.dir / "work");
  // A relative --db and a relative output path naming the same file from another directory.
  auto r = test::run_aigc({"--db", "../warehouse.db", "shell"}, w.dir / "work", ".output ../warehouse.db\nSELECT 1;\n",
                          {"HOME=" + w.dir.path().string()});
  INFO(r.describe());
  CHECK(r.status == 2);
  CHECK(w.intact());
  r = w.run_in(w.dir / "work", {"shell"},
               ".output rel.csv\nSELECT 'here' AS x;\n.output\n.export vendor_table v.csv\n");
  INFO(r.describe());
  CHECK(r.status == 0);
  CHECK(test::read_file(w.dir / "work" / "rel.csv").find("here") != std::string::npos);
  CHECK(fs::exists(w.dir / "work" / "v.csv"));
}

TEST_CASE("output paths: the warehouse is refused by name before it exists (and is not built)") {
  test::TempDir dir;
  const fs::path db = dir / "new.db";
  const std::vector<std::string> env{"HOME=" + dir.path().string(), "AIGC_DB=" + db.string()};
  for (const auto& [what, args] : writers(db.string())) {
    CAPTURE(what);
    auto r = test::run_aigc(args, dir.path(), "", env);
    INFO(r.describe());
    CHECK(r.status == 2);
    CHECK(r.err.find("warehouse") != std::string::npos);
    CHECK(test::entries(dir.path()).empty());
  }
}

TEST_CASE("output paths: a device that fails is reported with the system's reason") {
  Warehouse w;
  const fs::path full = w.dir / "full";
  // A private copy of /dev/full: the test must not risk the real one.
  if (::mknod(full.c_str(), S_IFCHR | 0666, makedev(1, 7)) != 0) {
    MESSAGE("mknod failed (not root?): skipped");
    return;
  }
  for (const auto& [what, args] : writers(full.string())) {
    CAPTURE(what);
    auto r = w.run(args);
    INFO(r.describe());
    CHECK(r.status == 1);
    CHECK(r.err.find("No space left on device") != std::string::npos);
    CHECK(is_char_device(full));
  }
}

TEST_CASE("export --dir naming a file (the warehouse, say) is a usage error") {
  Warehouse w;
  for (const auto& args : std::vector<std::vector<std::string>>{{"export", "--all", "--dir", w.db.string()},
                                                                {"export", "vendor_table", "--dir", w.db.string()}}) {
    CAPTURE(args[1]);
    auto r = w.run(args);
    INFO(r.describe());
    CHECK(r.status == 2);
    CHECK(r.err.find("not a directory") != std::string::npos);
    CHECK(w.intact());
  }
}

TEST_CASE("standard output closed at start: exit 1, and no file opened later takes its place") {
  Warehouse w;
  test::RunStdout closed;
  closed.closed = true;
  auto r = w.run({"run", "vendor_table"}, "", {}, closed);
  INFO(r.describe());
  CHECK(r.status == 1);
  CHECK(r.err.find("cannot write to standard output: Bad file descriptor") != std::string::npos);
  // export prints its summary on standard output: it must not end up in the file.
  r = w.run({"export", "vendor_table", "--format", "csv", "-o", "v.csv"}, "", {}, closed);
  INFO(r.describe());
  CHECK(r.status == 1);
  CHECK(test::read_file(w.dir / "v.csv").find("exported") == std::string::npos);
  CHECK(test::read_file(w.dir / "v.csv").rfind("vendor,", 0) == 0);
}
