// Crash safety: `aigc import`, `aigc load` and `aigc build` killed with
// SIGKILL at random moments of a large load. Afterwards the warehouse must
// pass PRAGMA integrity_check, its other tables must hold exactly the rows
// they held before, and the table being written must be all or nothing.
//
// Each test first runs its command to completion to learn how long it takes
// on this machine (and what the complete result looks like), then kills ten
// runs at uniformly random moments within that time. The random seed is
// printed when a check fails; AIGC_CRASH_SEED replays one, AIGC_CRASH_ROWS
// changes the input's size (default 100000 rows, about 20 MB).
#include <doctest/doctest.h>

#include <SQLiteCpp/Database.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <functional>
#include <random>
#include <sstream>

#include "db_digest.h"
#include "support.h"

namespace {

using Clock = std::chrono::steady_clock;
using Digests = std::map<std::string, test::TableDigest>;

constexpr int kTrials = 10;
constexpr int kKilledBySigkill = 128 + 9;

long rows_wanted() {
  const char* env = std::getenv("AIGC_CRASH_ROWS");
  return env && std::atol(env) > 0 ? std::atol(env) : 100000;
}

/// The generated pricing CSV, made once for every test in this file.
const test::fs::path& prices_csv() {
  static test::TempDir dir;
  static const test::fs::path path = [] {
    auto p = dir / "prices.csv";
    const std::string cmd = std::string(AIGC_GEN_PRICES) + " " + std::to_string(rows_wanted()) + " > " + p.string();
    if (std::system(cmd.c_str()) != 0) throw std::runtime_error("generator failed: " + cmd);
    return p;
  }();
  return path;
}

std::mt19937_64& rng() {
  static std::mt19937_64 r = [] {
    const char* env = std::getenv("AIGC_CRASH_SEED");
    return std::mt19937_64(env ? std::strtoull(env, nullptr, 10) : std::random_device{}());
  }();
  return r;
}

/// The seed of this run, for replaying a failure.
std::string seed_note() {
  static const std::string note = [] {
    const char* env = std::getenv("AIGC_CRASH_SEED");
    return std::string("AIGC_CRASH_SEED ") + (env ? env : "random (set it to replay)");
  }();
  return note;
}

struct Snapshot {
  std::string integrity;
  Digests digests;
};

/// Opens the warehouse as the next aigc command would (rolling back a hot
/// journal left by a killed writer) and fingerprints it.
Snapshot snapshot(const test::fs::path& db_path) {
  SQLite::Database db(db_path.string(), SQLite::OPEN_READWRITE);
  return {test::integrity_check(db.getHandle()), test::database_digest(db.getHandle())};
}

/// Runs `args` to completion twice, calling `reset` before each, and
/// returns the shorter time: a first run often pays for cold caches, and a
/// long estimate would let the kills land after the command finished.
Clock::duration timed_run(const std::vector<std::string>& args, const test::fs::path& cwd,
                          const std::function<void()>& reset) {
  Clock::duration best = Clock::duration::max();
  for (int i = 0; i < 2; ++i) {
    reset();
    const auto start = Clock::now();
    auto r = test::run_aigc(args, cwd);
    best = std::min(best, Clock::now() - start);
    INFO(r.describe());
    REQUIRE(r.status == 0);
  }
  return best;
}

/// A kill moment, uniform over most of the run's expected time (from 2% to
/// 85%, leaving room for the time to vary between runs).
std::chrono::microseconds random_moment(Clock::duration expected) {
  const auto us = std::chrono::duration_cast<std::chrono::microseconds>(expected).count();
  std::uniform_int_distribution<long long> pick(us / 50, us * 85 / 100);
  return std::chrono::microseconds(pick(rng()));
}

/// Digests without `skip`.
Digests without(Digests d, const std::string& skip) {
  d.erase(skip);
  return d;
}

/// `aigc check --only integrity` opens the warehouse read-only, as every
/// reading command does: it must roll back a killed writer's hot journal
/// first rather than fail with "attempt to write a readonly database".
void check_next_command(const test::fs::path& db, const test::fs::path& cwd) {
  auto r = test::run_aigc({"--db", db.string(), "check", "--only", "integrity"}, cwd);
  INFO(r.describe());
  CHECK(r.status == 0);
  CHECK(r.out.find("ok    integrity") != std::string::npos);
}

/// A copy of the project's schema/ and seeds/ in `root`, with `pricing`
/// (if not empty) as seeds/pricing.csv.
void copy_project(const test::fs::path& root, const test::fs::path& pricing) {
  test::fs::create_directories(root / "seeds");
  test::fs::copy(test::source_dir() / "schema", root / "schema");
  for (const auto& e : test::fs::directory_iterator(test::source_dir() / "seeds"))
    if (pricing.empty() || e.path().filename() != "pricing.csv")
      test::fs::copy_file(e.path(), root / "seeds" / e.path().filename());
  if (!pricing.empty()) test::fs::copy_file(pricing, root / "seeds" / "pricing.csv");
}

struct Tally {
  int killed = 0;       ///< the kill landed before the process exited (perhaps after its commit)
  int hot_journal = 0;  ///< ... while it was writing the database file
  int complete = 0;     ///< the result is the complete one
};

/// Runs `args` once and SIGKILLs it at a random moment of its `expected`
/// run; counts the kill, and the journal it left beside `db` if any.
void run_and_kill(const std::vector<std::string>& args, const test::fs::path& db, const test::fs::path& cwd,
                  Clock::duration expected, Tally& tally) {
  const auto moment = random_moment(expected);
  CAPTURE(moment.count());
  auto r = test::run_aigc(args, cwd, "", {}, {moment});
  INFO(r.describe());
  REQUIRE((r.status == 0 || r.status == kKilledBySigkill));
  tally.killed += r.status == kKilledBySigkill;
  const test::fs::path journal = db.string() + "-journal";
  tally.hot_journal += test::fs::exists(journal) && test::fs::file_size(journal) > 0;
}

std::string describe(const char* command, const Tally& tally, Clock::duration expected) {
  std::ostringstream s;
  s << command << ": " << tally.killed << " of " << kTrials << " runs killed (" << tally.hot_journal
    << " while writing the file), " << tally.complete << " complete; a full run takes "
    << std::chrono::duration_cast<std::chrono::milliseconds>(expected).count() << " ms";
  return s.str();
}

}  // namespace

TEST_CASE("crash: load killed at random moments leaves the loaded rows all or none") {
  INFO(seed_note());
  test::TempDir dir;
  const auto base = dir / "base.db", w = dir / "w.db";
  REQUIRE(test::run_aigc({"--db", base.string(), "build", "--quiet"}, dir.path()).status == 0);
  const Snapshot before = snapshot(base);
  REQUIRE(before.integrity == "ok");
  const std::vector<std::string> args = {"--db", w.string(), "load", "pricing", prices_csv().string()};

  const auto expected =
      timed_run(args, dir.path(), [&] { test::fs::copy_file(base, w, test::fs::copy_options::overwrite_existing); });
  const Snapshot full = snapshot(w);
  REQUIRE(full.digests.at("pricing").rows ==
          before.digests.at("pricing").rows + static_cast<std::uint64_t>(rows_wanted()));

  Tally tally;
  for (int trial = 0; trial < kTrials; ++trial) {
    test::fs::copy_file(base, w, test::fs::copy_options::overwrite_existing);
    CAPTURE(trial);
    run_and_kill(args, w, dir.path(), expected, tally);
    // The next command, even a read-only one, finds the warehouse sound.
    check_next_command(w, dir.path());
    const Snapshot after = snapshot(w);
    CHECK(after.integrity == "ok");
    INFO(test::describe(after.digests));
    // Every other table is exactly as it was.
    CHECK(without(after.digests, "pricing") == without(before.digests, "pricing"));
    // pricing holds either none of the file's rows or all of them.
    const auto& p = after.digests.at("pricing");
    const bool none = p == before.digests.at("pricing"), all = p == full.digests.at("pricing");
    CHECK((none || all));
    tally.complete += all;
  }
  MESSAGE(describe("load", tally, expected));
  // The kills must land mid-load, not after the command finished.
  CHECK(tally.killed >= kTrials / 2);
  CHECK(tally.hot_journal >= 1);
}

TEST_CASE("crash: import killed at random moments leaves the new table absent or complete") {
  INFO(seed_note());
  test::TempDir dir;
  const auto base = dir / "base.db", w = dir / "w.db";
  REQUIRE(test::run_aigc({"--db", base.string(), "build", "--quiet"}, dir.path()).status == 0);
  const Snapshot before = snapshot(base);
  const std::vector<std::string> args = {"--db", w.string(), "import", prices_csv().string(), "--as", "observations"};

  const auto expected =
      timed_run(args, dir.path(), [&] { test::fs::copy_file(base, w, test::fs::copy_options::overwrite_existing); });
  const Snapshot full = snapshot(w);
  REQUIRE(full.digests.at("observations").rows == static_cast<std::uint64_t>(rows_wanted()));

  Tally tally;
  for (int trial = 0; trial < kTrials; ++trial) {
    test::fs::copy_file(base, w, test::fs::copy_options::overwrite_existing);
    CAPTURE(trial);
    run_and_kill(args, w, dir.path(), expected, tally);
    check_next_command(w, dir.path());
    const Snapshot after = snapshot(w);
    CHECK(after.integrity == "ok");
    INFO(test::describe(after.digests));
    // The whole database is either as before (no table, no schema change) or
    // as after a complete import.
    const bool absent = after.digests == before.digests, complete = after.digests == full.digests;
    CHECK((absent || complete));
    tally.complete += complete;
  }
  MESSAGE(describe("import", tally, expected));
  CHECK(tally.killed >= kTrials / 2);
  CHECK(tally.hot_journal >= 1);
}

TEST_CASE("crash: build killed at random moments leaves the old warehouse byte-identical or the new one complete") {
  INFO(seed_note());
  test::TempDir dir;
  // A project directory like the source tree, with a large pricing seed.
  const auto project = dir / "project";
  copy_project(project, prices_csv());

  const auto w = dir / "w.db";
  REQUIRE(test::run_aigc({"--db", w.string(), "build", "--quiet"}, dir.path()).status == 0);
  const std::string old_bytes = test::read_file(w);
  const std::vector<std::string> args = {"--db", w.string(), "build", "--quiet", "--from", project.string()};

  const auto reference = dir / "reference.db";
  const auto expected = timed_run({"--db", reference.string(), "build", "--quiet", "--from", project.string()},
                                  dir.path(), [&] { test::fs::remove(reference); });
  const Snapshot full = snapshot(reference);
  REQUIRE(full.digests.at("pricing").rows == static_cast<std::uint64_t>(rows_wanted()));

  Tally tally;
  for (int trial = 0; trial < kTrials; ++trial) {
    test::write_file(w, old_bytes);
    CAPTURE(trial);
    run_and_kill(args, w, dir.path(), expected, tally);
    if (test::read_file(w) == old_bytes) continue;  // untouched, byte for byte
    // Otherwise it must be the complete new warehouse (built_at differs).
    const Snapshot after = snapshot(w);
    CHECK(after.integrity == "ok");
    CHECK(without(after.digests, "aigc_meta") == without(full.digests, "aigc_meta"));
    ++tally.complete;
  }
  // A killed build leaves its temporary file; the next build removes it.
  REQUIRE(test::run_aigc({"--db", w.string(), "build", "--quiet"}, dir.path()).status == 0);
  for (const auto& e : test::fs::directory_iterator(dir.path())) {
    CAPTURE(e.path().string());
    CHECK(e.path().filename().string().find(".build-") == std::string::npos);
  }
  MESSAGE("build: " << tally.killed << " of " << kTrials << " runs killed, " << tally.complete
                    << " replaced the warehouse; a full run takes "
                    << std::chrono::duration_cast<std::chrono::milliseconds>(expected).count() << " ms");
  CHECK(tally.killed >= kTrials / 2);
}

// The killed load's journal must not outlive the old file: ReplaceLock
// rolls a hot one back, or removes a stale one, while holding the write lock.
TEST_CASE("crash: a build after a killed load replaces the warehouse without replaying the old journal") {
  // The killed load leaves a hot journal of the old file. Renamed over, the
  // new file would inherit it, and the next open would write the old file's
  // pages into the new one. Different seeds make the pages differ.
  INFO(seed_note());
  test::TempDir dir;
  const auto project = dir / "project";
  copy_project(project, {});
  std::string firms = test::read_file(project / "seeds" / "firm.csv");
  for (int i = 0; i < 300; ++i)
    firms += "extra" + std::to_string(i) + ",,Extra " + std::to_string(i) + ",company,,,cover,1,,\n";
  test::write_file(project / "seeds" / "firm.csv", firms);

  const auto base = dir / "base.db", w = dir / "w.db";
  REQUIRE(test::run_aigc({"--db", base.string(), "build", "--quiet"}, dir.path()).status == 0);
  const std::vector<std::string> load = {"--db", w.string(), "load", "pricing", prices_csv().string()};
  const auto expected =
      timed_run(load, dir.path(), [&] { test::fs::copy_file(base, w, test::fs::copy_options::overwrite_existing); });
  int hot = 0;
  for (int trial = 0; trial < 3; ++trial) {
    CAPTURE(trial);
    test::fs::copy_file(base, w, test::fs::copy_options::overwrite_existing);
    test::run_aigc(load, dir.path(), "", {}, {random_moment(expected)});
    hot += test::fs::exists(dir / "w.db-journal");
    auto r = test::run_aigc({"--db", w.string(), "build", "--quiet", "--from", project.string()}, dir.path());
    INFO(r.describe());
    REQUIRE(r.status == 0);
    CHECK_FALSE(test::fs::exists(dir / "w.db-journal"));
    const Snapshot after = snapshot(w);
    CHECK(after.integrity == "ok");
    CHECK(after.digests.at("firm").rows == 348);
  }
  CHECK(hot >= 1);
}
