// Red team (issue 11): build, load, import, check and the automatic
// first-use build attacked with odd paths, odd warehouses and odd input.
// Each case failed on the code it was written against.
#include <doctest/doctest.h>

#include <SQLiteCpp/Database.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <chrono>

#include "support.h"

namespace {

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

/// Kills a run that hangs, so a hang fails the test instead of the suite.
test::RunLimits bounded() {
  test::RunLimits l;
  l.kill_after = std::chrono::seconds(5);
  return l;
}

}  // namespace

TEST_CASE("red team: a FIFO, a device or a socket as the warehouse is refused at once, never opened") {
  test::TempDir dir;
  const auto fifo = dir / "w.fifo";
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  test::write_file(dir / "s.csv", "a,b\n1,2\n");
  const std::vector<std::string> home = {"HOME=" + dir.path().string()};
  // A FIFO blocked the open for ever (sqlite's open waits for a writer);
  // /dev/null opened as an empty database and every query said "no such table".
  for (const std::string& db : {fifo.string(), std::string("/dev/null"), std::string("/dev/zero")}) {
    for (const std::vector<std::string>& cmd : {std::vector<std::string>{"run", "api_prices"},
                                                {"check"},
                                                {"import", "s.csv", "--as", "t"},
                                                {"load", "pricing", "s.csv"},
                                                {"sql", "SELECT 1"}}) {
      for (const bool via_env : {false, true}) {
        std::vector<std::string> args = cmd;
        std::vector<std::string> env = home;
        if (via_env)
          env.push_back("AIGC_DB=" + db);
        else
          args.insert(args.begin(), {"--db", db});
        const auto r = test::run_aigc(args, dir.path(), "", env, bounded());
        INFO(db, " ", cmd[0], via_env ? " (AIGC_DB)" : " (--db)", "\n", r.describe());
        CHECK(r.status == 2);
        CHECK(contains(r.err, "not a regular file"));
        CHECK(contains(r.err, db));
      }
    }
  }
  struct stat st {};
  REQUIRE(::stat(fifo.c_str(), &st) == 0);
  CHECK(S_ISFIFO(st.st_mode));
  REQUIRE(::stat("/dev/null", &st) == 0);
  CHECK(S_ISCHR(st.st_mode));
}

TEST_CASE("red team: another program's SQLite database is never written to or reported on as a warehouse") {
  test::TempDir dir;
  const auto other = dir / "other.db";
  {
    SQLite::Database db(other.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    db.exec("CREATE TABLE pricing(x); INSERT INTO pricing VALUES (1); CREATE TABLE notes(t TEXT)");
    SUBCASE("application_id 0") {}
    SUBCASE("another program's application_id") { db.exec("PRAGMA application_id = 1234"); }
  }
  const std::string before = test::read_file(other);
  test::write_file(dir / "x.csv", "x\n5\n");
  test::write_file(dir / "s.csv", "a,b\n1,2\n");
  const std::vector<std::string> env = {"HOME=" + dir.path().string(), "AIGC_DB=" + other.string()};
  // import created its table in the other program's file and load appended
  // to its same-named table, both with exit 0; check reported "7 passed".
  for (const std::vector<std::string>& cmd : {std::vector<std::string>{"import", "s.csv", "--as", "t1"},
                                              {"load", "pricing", "x.csv"},
                                              {"load", "pricing", "x.csv", "--upsert"},
                                              {"check"},
                                              {"run", "api_prices"}}) {
    const auto r = test::run_aigc(cmd, dir.path(), "", env, bounded());
    INFO(cmd[0], "\n", r.describe());
    CHECK(r.status == 2);
    CHECK(contains(r.err, "not an aigc warehouse"));
    CHECK(contains(r.err, other.string()));
  }
  CHECK(test::read_file(other) == before);
}

TEST_CASE("red team: an empty file as the warehouse is built on first use like a missing one") {
  test::TempDir dir;
  const auto db = dir / "w.db";
  test::write_file(db, "");  // `touch w.db` before the first command
  const std::vector<std::string> env = {"HOME=" + dir.path().string(), "AIGC_DB=" + db.string()};
  // It opened as an empty database: "no such table: pricing".
  const auto r = test::run_aigc({"run", "api_prices", "--format", "csv"}, dir.path(), "", env, bounded());
  INFO(r.describe());
  CHECK(r.status == 0);
  CHECK(contains(r.out, "GPT-4.0"));
}

TEST_CASE("red team: aigc load cannot write aigc_meta, the build's record of which rows are the report's") {
  test::TempDir dir;
  const auto db = dir / "w.db";
  const std::vector<std::string> env = {"HOME=" + dir.path().string(), "AIGC_DB=" + db.string()};
  test::write_file(dir / "mine.csv", "k,v\n1,a\n2,b\n");
  REQUIRE(test::run_aigc({"import", "mine.csv", "--as", "mydata"}, dir.path(), "", env).status == 0);
  const std::string before = test::read_file(db);
  // A row claiming mydata as a report table made the next build refuse all
  // of it as "no longer in the report's schema", and build
  // --discard-user-data, which that message suggests, then dropped it.
  test::write_file(dir / "meta.csv", "key,value\nseed_rows:mydata,zz\n");
  test::write_file(dir / "digest.csv", "key,value\nseed_digest,x\n");
  for (const std::vector<std::string>& cmd : {std::vector<std::string>{"load", "aigc_meta", "meta.csv"},
                                              {"load", "AIGC_META", "meta.csv"},
                                              {"load", "aigc_meta", "digest.csv", "--upsert"},
                                              {"load", "aigc_meta", "meta.csv", "--dry-run"}}) {
    const auto r = test::run_aigc(cmd, dir.path(), "", env, bounded());
    INFO(cmd[1], " ", cmd[2], "\n", r.describe());
    CHECK(r.status == 2);
    CHECK(contains(r.err, "aigc_meta"));
  }
  CHECK(test::read_file(db) == before);
  const auto b = test::run_aigc({"build", "--quiet"}, dir.path(), "", env, bounded());
  INFO(b.describe());
  CHECK(b.status == 0);
  const auto n = test::run_aigc({"sql", "SELECT count(*) FROM mydata", "--format", "csv"}, dir.path(), "", env);
  CHECK(n.out == "count(*)\n2\n");
}

TEST_CASE("red team: import --as aigc_meta does not suggest loading into aigc_meta, which load refuses") {
  test::TempDir dir;
  const std::vector<std::string> env = {"HOME=" + dir.path().string(), "AIGC_DB=" + (dir / "w.db").string()};
  test::write_file(dir / "s.csv", "key,value\na,b\n");
  const auto r = test::run_aigc({"import", "s.csv", "--as", "aigc_meta", "--replace"}, dir.path(), "", env, bounded());
  INFO(r.describe());
  CHECK(r.status == 2);
  CHECK(contains(r.err, "aigc_meta is a warehouse table"));
  CHECK_FALSE(contains(r.err, "aigc load"));
}

TEST_CASE("red team: build --from refuses a seed or schema file that is a FIFO, a device or a directory") {
  test::TempDir dir;
  const auto proj = dir / "proj";
  test::fs::create_directories(proj);
  test::fs::copy(test::source_dir() / "schema", proj / "schema", test::fs::copy_options::recursive);
  test::fs::copy(test::source_dir() / "seeds", proj / "seeds", test::fs::copy_options::recursive);
  const auto db = dir / "w.db";
  const std::vector<std::string> env = {"HOME=" + dir.path().string(), "AIGC_DB=" + db.string()};
  REQUIRE(test::run_aigc({"build", "--quiet"}, dir.path(), "", env).status == 0);
  const std::string before = test::read_file(db);
  // A FIFO blocked the build for ever, a link to /dev/zero read without end
  // (memory growing until the kernel killed aigc), and a directory named
  // dir.csv was reported as "no table named dir".
  std::string culprit;
  SUBCASE("a FIFO among the seeds") {
    culprit = "seeds/zz_fifo.csv";
    REQUIRE(::mkfifo((proj / culprit).c_str(), 0600) == 0);
  }
  SUBCASE("a FIFO among the schema files") {
    culprit = "schema/zz_fifo.sql";
    REQUIRE(::mkfifo((proj / culprit).c_str(), 0600) == 0);
  }
  SUBCASE("a seed linked to /dev/zero") {
    culprit = "seeds/zz_zero.csv";
    test::fs::create_symlink("/dev/zero", proj / culprit);
  }
  SUBCASE("a directory named like a seed") {
    culprit = "seeds/zz_dir.csv";
    test::fs::create_directories(proj / culprit);
  }
  const auto r = test::run_aigc({"build", "--from", proj.string()}, dir.path(), "", env, bounded());
  INFO(r.describe());
  CHECK(r.status == 2);
  CHECK(contains(r.err, culprit));
  CHECK(contains(r.err, "not a regular file"));
  CHECK(test::read_file(db) == before);
}

TEST_CASE("red team: a FIFO at the default warehouse path is refused, not waited on") {
  test::TempDir dir;
  const auto data = dir / "xdg" / "aigc";
  test::fs::create_directories(data);
  REQUIRE(::mkfifo((data / "warehouse.db").c_str(), 0600) == 0);
  // Without --db or AIGC_DB the path was not checked: every command hung.
  const auto r =
      test::run_aigc({"run", "api_prices"}, dir.path(), "", {"XDG_DATA_HOME=" + (dir / "xdg").string()}, bounded());
  INFO(r.describe());
  CHECK(r.status == 2);
  CHECK(contains(r.err, (data / "warehouse.db").string()));
  CHECK(contains(r.err, "not a regular file"));
}

TEST_CASE("red team: a test's HOME reaches aigc, so tests never use the real default warehouse") {
  test::TempDir dir;
  // run_aigc appended HOME=... after the inherited HOME, and getenv returns
  // the first: a test isolated by HOME alone read and wrote the real
  // ~/.local/share/aigc/warehouse.db.
  const auto r = test::run_aigc({"build", "--quiet"}, dir.path(), "", {"HOME=" + dir.path().string()}, bounded());
  INFO(r.describe());
  REQUIRE(r.status == 0);
  CHECK(test::fs::exists(dir / ".local" / "share" / "aigc" / "warehouse.db"));
}
