// Resource faults, through the real binary: a full disk, an unwritable
// directory, a database another process is writing to, a file that is not
// a SQLite database and a damaged warehouse. Each must end with a clear
// message and exit status 1 or 2, never a crash, and lose nothing.
#include <doctest/doctest.h>

#include <SQLiteCpp/Database.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <random>
#include <thread>

#include "db_digest.h"
#include "support.h"

namespace {

using Digests = std::map<std::string, test::TableDigest>;

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

/// Exited on its own (no signal, no sanitizer report) with one of `codes`.
void check_clean_exit(const test::RunResult& r, std::initializer_list<int> codes) {
  INFO(r.describe());
  CHECK(std::find(codes.begin(), codes.end(), r.status) != codes.end());
  CHECK_FALSE(contains(r.err, "Sanitizer"));
  CHECK_FALSE(contains(r.err, "runtime error"));
}

/// A built warehouse and a CSV of `rows` valid pricing rows beside it.
struct Setup {
  test::TempDir dir;
  test::fs::path db = dir / "w.db";
  test::fs::path csv = dir / "prices.csv";
  explicit Setup(long rows = 20000) {
    auto r = test::run_aigc({"--db", db.string(), "build", "--quiet"}, dir.path());
    REQUIRE(r.status == 0);
    const std::string cmd = std::string(AIGC_GEN_PRICES) + " " + std::to_string(rows) + " > " + csv.string();
    REQUIRE(std::system(cmd.c_str()) == 0);
  }
  std::vector<std::string> args(std::initializer_list<std::string> rest) const {
    std::vector<std::string> a = {"--db", db.string()};
    a.insert(a.end(), rest);
    return a;
  }
  /// Opens the warehouse as the next command would and fingerprints it.
  Digests digest() const {
    SQLite::Database d(db.string(), SQLite::OPEN_READWRITE);
    REQUIRE(test::integrity_check(d.getHandle()) == "ok");
    return test::database_digest(d.getHandle());
  }
};

const std::string kOneRow =
    "pricing_id,product_id,billing_basis,unit,price_min,price_max,currency,as_of,source_note\n"
    "mine,gpt4,tokens,千tokens,0.01,0.03,USD,2024-04,my own observation\n";

}  // namespace

TEST_CASE("faults: a full disk stops load, import and build with a clear message and loses nothing") {
  Setup s;
  const Digests before = s.digest();
  // Room for the journal and a little growth, not for 20000 rows (~4 MB).
  test::RunLimits full;
  full.file_size_limit = test::fs::file_size(s.db) + 256 * 1024;

  SUBCASE("load") {
    auto r = test::run_aigc(s.args({"load", "pricing", s.csv.string()}), s.dir.path(), "", {}, full);
    check_clean_exit(r, {1});
    CHECK(contains(r.err, "prices.csv:"));
    CHECK(contains(r.err, "cannot write to the warehouse"));
    CHECK(contains(r.err, "File too large"));
    CHECK(contains(r.err, "check that the disk has room"));
  }
  SUBCASE("import") {
    auto r = test::run_aigc(s.args({"import", s.csv.string(), "--as", "observations"}), s.dir.path(), "", {}, full);
    check_clean_exit(r, {1});
    CHECK(contains(r.err, "File too large"));
  }
  SUBCASE("build over the warehouse") {
    const std::string old_bytes = test::read_file(s.db);
    test::RunLimits tiny;
    tiny.file_size_limit = 64 * 1024;  // the new warehouse needs about 300 KB
    auto r = test::run_aigc(s.args({"build"}), s.dir.path(), "", {}, tiny);
    check_clean_exit(r, {1});
    CHECK(contains(r.err, "cannot build the warehouse at"));
    CHECK(contains(r.err, "check that the disk has room"));
    CHECK(test::read_file(s.db) == old_bytes);
    CHECK(test::entries(s.dir.path()) == std::vector<std::string>{"prices.csv", "w.db"});
  }
  // A read-only command right after the failure works: it first rolls back
  // what the failed writer left in its journal.
  auto r = test::run_aigc(s.args({"check", "--only", "integrity"}), s.dir.path());
  check_clean_exit(r, {0});
  CHECK(s.digest() == before);
}

TEST_CASE("faults: a warehouse in a directory that cannot be written is refused with the reason") {
  test::TempDir dir;
  SUBCASE("a directory under /proc, where not even root may create files") {
    auto r = test::run_aigc({"--db", "/proc/w.db", "build"}, dir.path());
    check_clean_exit(r, {1});
    CHECK(contains(r.err, "cannot create /proc/.w.db.build-"));
    CHECK(contains(r.err, "its directory must be writable"));
  }
  SUBCASE("the first use of a default warehouse there") {
    auto r = test::run_aigc({"load", "pricing", "-"}, dir.path(), kOneRow, {"AIGC_DB=/proc/aigc/w.db"});
    check_clean_exit(r, {1});
    CHECK(contains(r.err, "cannot create directory /proc/aigc"));
  }
  SUBCASE("a path through a regular file") {
    test::write_file(dir / "notes.txt", "mine\n");
    auto r = test::run_aigc({"--db", (dir / "notes.txt" / "w.db").string(), "build"}, dir.path());
    check_clean_exit(r, {1});
    CHECK(contains(r.err, "Not a directory"));
    CHECK(test::read_file(dir / "notes.txt") == "mine\n");
  }
  SUBCASE("a read-only warehouse file (not for root, whom permissions do not stop)") {
    if (::geteuid() == 0) return;
    const auto db = dir / "w.db";
    REQUIRE(test::run_aigc({"--db", db.string(), "build", "--quiet"}, dir.path()).status == 0);
    test::fs::permissions(db, test::fs::perms::owner_read);
    auto r = test::run_aigc({"--db", db.string(), "load", "pricing", "-"}, dir.path(), kOneRow);
    check_clean_exit(r, {1});
    CHECK(contains(r.err, "not writable"));
  }
}

TEST_CASE("faults: a warehouse another process is writing to") {
  Setup s(10);
  const Digests before = s.digest();
  const std::vector<std::string> quick = {"AIGC_BUSY_TIMEOUT=300"};
  SQLite::Database other(s.db.string(), SQLite::OPEN_READWRITE);

  SUBCASE("holding its write lock: aigc waits out the busy timeout, then says so") {
    // BEGIN IMMEDIATE lets readers in, so `aigc load` gets as far as writing.
    for (const char* begin : {"BEGIN IMMEDIATE", "BEGIN EXCLUSIVE"}) {
      CAPTURE(begin);
      other.exec(begin);
      other.exec("INSERT INTO aigc_meta VALUES ('other', 'writer')");
      for (const auto& args :
           {s.args({"load", "pricing", "-"}), s.args({"import", "-", "--as", "mine"}), s.args({"build"})}) {
        CAPTURE(args[2]);
        const auto start = std::chrono::steady_clock::now();
        auto r = test::run_aigc(args, s.dir.path(), kOneRow, quick);
        const auto waited = std::chrono::steady_clock::now() - start;
        check_clean_exit(r, {1});
        CHECK(contains(r.err, "database is locked: another process is writing to it (waited 300 ms)"));
        CHECK(waited >= std::chrono::milliseconds(250));
      }
      other.exec("ROLLBACK");
    }
    CHECK(s.digest() == before);
  }
  SUBCASE("finishing within the busy timeout: the load waits for it and succeeds") {
    other.exec("BEGIN IMMEDIATE");
    other.exec("INSERT INTO aigc_meta VALUES ('other', 'writer')");
    std::thread finisher([&] {
      std::this_thread::sleep_for(std::chrono::milliseconds(300));
      other.exec("COMMIT");
    });
    auto r = test::run_aigc(s.args({"load", "pricing", "-"}), s.dir.path(), kOneRow, {"AIGC_BUSY_TIMEOUT=10000"});
    finisher.join();
    check_clean_exit(r, {0});
    const Digests after = s.digest();
    CHECK(after.at("pricing").rows == before.at("pricing").rows + 1);
    CHECK(after.at("aigc_meta").rows == before.at("aigc_meta").rows + 1);
  }
}

TEST_CASE("faults: a file that is not a SQLite database is refused and left as it was") {
  test::TempDir dir;
  const auto path = dir / "notes.db";
  const std::string content = "These are my notes, not a database.\n" + std::string(5000, 'x');
  test::write_file(path, content);
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"load", "pricing", "-"}, {"import", "-", "--as", "mine"}, {"check"}, {"run", "api_prices"}}) {
    CAPTURE(args[0]);
    std::vector<std::string> full = {"--db", path.string()};
    full.insert(full.end(), args.begin(), args.end());
    auto r = test::run_aigc(full, dir.path(), kOneRow);
    check_clean_exit(r, {1});
    CHECK(contains(r.err, "notes.db: file is not a database: the file is not a SQLite database"));
  }
  // build replaces its target: never a file that is not a database.
  auto r = test::run_aigc({"--db", path.string(), "build"}, dir.path());
  check_clean_exit(r, {2});
  CHECK(contains(r.err, "exists and is not a SQLite database; aigc build will not replace it"));
  CHECK(test::read_file(path) == content);
  CHECK(test::entries(dir.path()) == std::vector<std::string>{"notes.db"});
}

TEST_CASE("faults: a damaged warehouse is reported, never crashes a command") {
  Setup s(10);
  const std::string good = test::read_file(s.db);
  const std::vector<std::vector<std::string>> commands = {
      {"check"}, {"load", "pricing", "-"}, {"import", "-", "--as", "mine"}, {"run", "api_prices"}};

  SUBCASE("truncated: every command says the file is damaged, and changes nothing") {
    const std::string cut = good.substr(0, good.size() / 3);
    test::write_file(s.db, cut);
    for (const auto& cmd : commands) {
      CAPTURE(cmd[0]);
      std::vector<std::string> args = {"--db", s.db.string()};
      args.insert(args.end(), cmd.begin(), cmd.end());
      auto r = test::run_aigc(args, s.dir.path(), kOneRow);
      check_clean_exit(r, {1});
      CHECK(contains(r.err, "database disk image is malformed: the file is damaged; restore a copy, or rebuild it"));
    }
    CHECK(test::read_file(s.db) == cut);
    // The way out the message names: build replaces the damaged file, once
    // told that what users had added to it cannot be read and will go.
    auto refused = test::run_aigc({"--db", s.db.string(), "build", "--quiet"}, s.dir.path());
    check_clean_exit(refused, {1});
    CHECK(contains(refused.err, "the file is damaged; restore a copy of it, or run aigc build --discard-user-data"));
    CHECK(test::read_file(s.db) == cut);
    auto r = test::run_aigc({"--db", s.db.string(), "build", "--quiet", "--discard-user-data"}, s.dir.path());
    check_clean_exit(r, {0});
    CHECK(contains(r.err, "too damaged to read what you had added"));
    CHECK(s.digest().at("pricing").rows > 0);
  }
  SUBCASE("pages overwritten: aigc check fails its integrity check and names the damage") {
    std::string bad = good;
    for (std::size_t i = 4096 * 10; i < 4096 * 14 && i < bad.size(); ++i) bad[i] = '\xff';
    test::write_file(s.db, bad);
    auto r = test::run_aigc({"--db", s.db.string(), "check"}, s.dir.path());
    check_clean_exit(r, {1});
    CHECK(contains(r.out, "FAIL  integrity"));
  }
  SUBCASE("random damage: whatever is hit, each command finishes or fails with a message") {
    const char* env = std::getenv("AIGC_FAULT_SEED");
    const auto seed = env ? std::strtoull(env, nullptr, 10) : std::random_device{}();
    INFO("AIGC_FAULT_SEED=" << seed);
    std::mt19937_64 rng(seed);
    for (int round = 0; round < 8; ++round) {
      CAPTURE(round);
      std::string bad = good;
      // A few bursts of random bytes anywhere past the 100-byte header.
      for (int burst = 0; burst < 4; ++burst) {
        std::size_t at = 100 + rng() % (bad.size() - 164);
        for (std::size_t i = 0; i < 64; ++i) bad[at + i] = static_cast<char>(rng());
      }
      test::write_file(s.db, bad);
      for (const auto& cmd : commands) {
        CAPTURE(cmd[0]);
        std::vector<std::string> args = {"--db", s.db.string()};
        args.insert(args.end(), cmd.begin(), cmd.end());
        // A hang would be a failure too: killed after 30 s, it shows as status 137.
        auto r = test::run_aigc(args, s.dir.path(), kOneRow, {}, {std::chrono::seconds(30)});
        check_clean_exit(r, {0, 1});
        if (r.status == 1) CHECK_FALSE(r.err.empty());
      }
    }
  }
}
