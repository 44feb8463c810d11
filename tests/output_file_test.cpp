// Output files (base/output_file.h): a regular file is replaced atomically,
// keeping its mode and any symbolic link to it; a FIFO or device is written
// in place; the warehouse is never written over. In-process, on a TempDir.
#include <doctest/doctest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>

#include "base/error.h"
#include "base/output_file.h"
#include "support.h"

namespace {

namespace fs = std::filesystem;

/// The permission bits of `p` (following links).
unsigned mode_of(const fs::path& p) {
  struct stat st {};
  REQUIRE(::stat(p.c_str(), &st) == 0);
  return st.st_mode & 07777;
}

using Names = std::vector<std::string>;

}  // namespace

TEST_CASE("output file: a committed write replaces the file atomically and leaves no temporary file") {
  test::TempDir dir;
  const fs::path target = dir / "out.csv";
  test::write_file(target, "old content\n");
  // A reader that opened the old file before the commit keeps reading the
  // old file whole: the new one was renamed over it, not written into it.
  std::ifstream reader(target);
  REQUIRE(reader);
  {
    aigc::AtomicFile file(target);
    file.stream() << "new content\n";
    CHECK(file.temp_path().parent_path() == fs::canonical(dir.path()));
    CHECK(fs::exists(file.temp_path()));
    CHECK(test::read_file(target) == "old content\n");  // nothing shows before commit()
    file.commit();
    CHECK_FALSE(fs::exists(file.temp_path()));
  }
  CHECK(test::read_file(target) == "new content\n");
  CHECK(test::entries(dir.path()) == Names{"out.csv"});
  std::stringstream seen;
  seen << reader.rdbuf();
  CHECK(seen.str() == "old content\n");
}

TEST_CASE("output file: a file that did not exist is created on commit, not before") {
  test::TempDir dir;
  aigc::OutputFile file(dir / "new.json", dir / "w.db");
  CHECK(file.kind() == aigc::OutputKind::replace);
  file.stream() << "[]\n";
  CHECK_FALSE(fs::exists(dir / "new.json"));
  file.commit();
  CHECK(test::read_file(dir / "new.json") == "[]\n");
  CHECK(test::entries(dir.path()) == Names{"new.json"});
}

TEST_CASE("output file: an exception before commit leaves the old file byte-identical and no temporary file") {
  test::TempDir dir;
  const fs::path target = dir / "out.csv";
  const std::string old =
      std::string("a,b\r\n1,\xE7\x8E\x89\r\n") + std::string(100000, 'x');  // larger than the buffer
  test::write_file(target, old);
  const auto old_permissions = fs::status(target).permissions();
  SUBCASE("AtomicFile") {
    try {
      aigc::AtomicFile file(target);
      file.stream() << std::string(200000, 'y');  // some of it already flushed to the temporary file
      throw std::runtime_error("the query failed half way");
    } catch (const std::runtime_error& e) {
      CHECK(std::string(e.what()) == "the query failed half way");
    }
  }
  SUBCASE("OutputFile") {
    try {
      aigc::OutputFile file(target, dir / "w.db");
      file.stream() << std::string(200000, 'y');
      throw std::runtime_error("the query failed half way");
    } catch (const std::runtime_error&) {
    }
  }
  CHECK(test::read_file(target) == old);
  CHECK(fs::status(target).permissions() == old_permissions);
  CHECK(test::entries(dir.path()) == Names{"out.csv"});
}

TEST_CASE("output file: through a symbolic link the file it names gets the content and the link stays") {
  test::TempDir dir;
  fs::create_directory(dir / "real");
  test::write_file(dir / "real" / "data.csv", "old\n");
  fs::create_symlink("real/data.csv", dir / "link.csv");
  {
    aigc::OutputFile file(dir / "link.csv", dir / "w.db");
    file.stream() << "new\n";
    file.commit();
  }
  CHECK(fs::is_symlink(dir / "link.csv"));
  CHECK(fs::read_symlink(dir / "link.csv") == "real/data.csv");
  CHECK(test::read_file(dir / "real" / "data.csv") == "new\n");
  // The temporary file was made in the real file's directory (a rename
  // works only within one file system) and is gone.
  CHECK(test::entries(dir / "real") == Names{"data.csv"});
  CHECK(test::entries(dir.path()) == Names{"link.csv", "real"});

  SUBCASE("a dangling link: the file it names is created") {
    fs::create_symlink("real/later.csv", dir / "later-link.csv");
    aigc::OutputFile file(dir / "later-link.csv", dir / "w.db");
    file.stream() << "later\n";
    file.commit();
    CHECK(fs::is_symlink(dir / "later-link.csv"));
    CHECK(test::read_file(dir / "real" / "later.csv") == "later\n");
  }
}

TEST_CASE("output file: the replaced file keeps its permission mode") {
  test::TempDir dir;
  const fs::path target = dir / "out.txt";
  for (unsigned mode : {0600u, 0640u, 0705u}) {
    CAPTURE(mode);
    test::write_file(target, "old\n");
    REQUIRE(::chmod(target.c_str(), mode) == 0);
    aigc::AtomicFile file(target);
    file.stream() << "new\n";
    file.commit();
    CHECK(test::read_file(target) == "new\n");
    CHECK(mode_of(target) == mode);
  }
}

TEST_CASE("output file: a FIFO is written in place, and stays a FIFO") {
  test::TempDir dir;
  const fs::path fifo = dir / "pipe";
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  std::string received;
  // Opening a FIFO for writing waits for a reader: the reader is a thread.
  std::thread reader([&] {
    std::ifstream in(fifo);
    std::stringstream all;
    all << in.rdbuf();
    received = all.str();
  });
  {
    aigc::OutputFile file(fifo, dir / "w.db");
    CHECK(file.kind() == aigc::OutputKind::in_place);
    file.stream() << "through the pipe\n";
    file.commit();
  }
  reader.join();
  CHECK(received == "through the pipe\n");
  CHECK(fs::is_fifo(fifo));
  CHECK(test::entries(dir.path()) == Names{"pipe"});
}

TEST_CASE("output file: a device is written in place, never replaced by a regular file") {
  SUBCASE("/dev/null takes the output") {
    aigc::OutputFile file("/dev/null", {});
    CHECK(file.kind() == aigc::OutputKind::in_place);
    file.stream() << "discarded\n";
    CHECK_NOTHROW(file.commit());
    CHECK(fs::is_character_file("/dev/null"));
  }
  SUBCASE("/dev/full: the write fails with the system's reason, named") {
    if (!fs::exists("/dev/full")) return;
    aigc::OutputFile file("/dev/full", {});
    std::string message;
    try {
      file.stream() << "no room\n";
      file.commit();
    } catch (const aigc::DataError& e) {
      message = e.what();
    }
    CHECK(message.find("/dev/full") != std::string::npos);
    CHECK(message.find("No space left on device") != std::string::npos);
  }
  SUBCASE("an AtomicFile refuses what it cannot replace") {
    CHECK_THROWS_AS(aigc::AtomicFile("/dev/null"), aigc::UsageError);
  }
}

TEST_CASE("output file: \"-\" is the caller's standard output, refused where there is none") {
  test::TempDir dir;
  std::ostringstream standard_output;
  {
    aigc::OutputFile file("-", dir / "w.db", &standard_output);
    CHECK(file.kind() == aigc::OutputKind::standard_output);
    file.stream() << "to stdout\n";
    file.commit();
  }
  CHECK(standard_output.str() == "to stdout\n");
  CHECK_THROWS_AS(aigc::OutputFile("-", dir / "w.db"), aigc::UsageError);
  CHECK(test::entries(dir.path()).empty());
}

TEST_CASE("output file: the warehouse and its companion files are refused, however named") {
  test::TempDir dir;
  const fs::path warehouse = dir / "w.db";
  test::write_file(warehouse, "SQLite format 3");
  fs::create_directory(dir / "sub");
  fs::create_symlink("w.db", dir / "alias.db");
  fs::create_hard_link(warehouse, dir / "hard.db");
  for (const fs::path& named : {warehouse, dir / "sub" / ".." / "w.db", dir / "alias.db", dir / "hard.db",
                                dir / "w.db-wal", dir / "w.db-journal", dir / "w.db-shm"}) {
    CAPTURE(named);
    CHECK_THROWS_AS(aigc::check_output_path(named, warehouse), aigc::UsageError);
    CHECK_THROWS_AS(aigc::OutputFile(named, warehouse), aigc::UsageError);
  }
  CHECK(test::read_file(warehouse) == "SQLite format 3");
  CHECK(test::entries(dir.path()) == Names{"alias.db", "hard.db", "sub", "w.db"});
  // Beside the warehouse is fine.
  CHECK_NOTHROW(aigc::check_output_path(dir / "w.csv", warehouse));
}
