// `aigc build` never destroys data it did not create: it replaces only an
// aigc warehouse, carries over what users added, never lets the old file's
// -wal/-shm/-journal be read as part of the new one, and keeps the path's
// symbolic link and the file's mode. Then the same, attacked.
#include <doctest/doctest.h>

#include <SQLiteCpp/Database.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <random>
#include <thread>

#include "support.h"
#include "warehouse/warehouse.h"

namespace {

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

const std::string kPricingHeader =
    "pricing_id,product_id,billing_basis,direction,unit,unit_stated,price_min,price_max,currency,open_ended,free_tier,"
    "revenue_model,as_of,price_text,source_note\n";

/// A pricing row a user loads: their own id, their own source.
std::string user_price(const std::string& id, const std::string& product = "gpt4") {
  return id + "," + product + ",tokens,input,千tokens,0,0.02,0.02,USD,0,,,2024-05,0.02美元,my notes\n";
}

/// A warehouse in a temp dir, and ways to run aigc on it.
struct Fixture {
  test::TempDir dir;
  test::fs::path db = dir / "w.db";
  std::vector<std::string> env = {"HOME=" + dir.path().string(), "AIGC_BUSY_TIMEOUT=300"};

  test::RunResult aigc(std::vector<std::string> args, const std::string& input = "") const {
    args.insert(args.begin(), {"--db", db.string()});
    return test::run_aigc(args, dir.path(), input, env);
  }
  void build() const {
    auto r = aigc({"build", "--quiet"});
    INFO(r.describe());
    REQUIRE(r.status == 0);
  }
  void load_user_rows(const std::string& rows) const {
    auto r = aigc({"load", "pricing", "-"}, kPricingHeader + rows);
    INFO(r.describe());
    REQUIRE(r.status == 0);
  }
  void import_deals() const {
    auto r = aigc({"import", "-", "--as", "deals"}, "deal,amount\nacme,12\nglobex,0870\n");
    INFO(r.describe());
    REQUIRE(r.status == 0);
  }
  /// A copy of the project's schema/ and seeds/, for "new seeds" of an upgrade.
  test::fs::path project() const {
    auto root = dir / "project";
    if (!test::fs::exists(root)) {
      test::fs::create_directories(root);
      test::fs::copy(test::source_dir() / "schema", root / "schema", test::fs::copy_options::recursive);
      test::fs::copy(test::source_dir() / "seeds", root / "seeds", test::fs::copy_options::recursive);
    }
    return root;
  }
  long long count(const std::string& sql) const {
    SQLite::Database d(db.string());
    return d.execAndGet(sql).getInt64();
  }
};

/// Adds a line to a seed file: new report data, as an upgrade brings.
void add_seed_line(const test::fs::path& file, const std::string& line) {
  test::write_file(file, test::read_file(file) + line);
}

/// Removes the seed line starting with `prefix`.
void remove_seed_line(const test::fs::path& file, const std::string& prefix) {
  std::string text = test::read_file(file), out;
  std::size_t pos = 0;
  bool removed = false;
  while (pos < text.size()) {
    auto end = text.find('\n', pos);
    end = end == std::string::npos ? text.size() : end + 1;
    std::string line = text.substr(pos, end - pos);
    if (line.rfind(prefix, 0) == 0)
      removed = true;
    else
      out += line;
    pos = end;
  }
  REQUIRE(removed);
  test::write_file(file, out);
}

const std::string kNewPrice =
    "new_seed_price,gpt4,tokens,output,千tokens,0,0.06,0.06,USD,0,,,2023-12,0.06美元（输出）,outlook_app_layer,303,,,"
    "pricing_as_of_publication\n";

}  // namespace

TEST_CASE("build keeps user data: rows loaded into a report table survive a rebuild with new seeds") {
  Fixture f;
  f.build();
  f.load_user_rows(user_price("my_gpt4") + user_price("my_gpt4_b"));
  const auto seeds = f.count("SELECT count(*) FROM pricing");
  add_seed_line(f.project() / "seeds" / "pricing.csv", kNewPrice);
  auto r = f.aigc({"build", "--from", f.project().string()});
  INFO(r.describe());
  REQUIRE(r.status == 0);
  CHECK(contains(r.out, "kept what you added: pricing 2 rows"));
  CHECK(f.count("SELECT count(*) FROM pricing WHERE pricing_id IN ('my_gpt4', 'my_gpt4_b')") == 2);
  CHECK(f.count("SELECT count(*) FROM pricing WHERE pricing_id = 'new_seed_price'") == 1);
  CHECK(f.count("SELECT count(*) FROM pricing") == seeds + 1);
  // Rebuilt again: kept once, not twice (idempotent).
  REQUIRE(f.aigc({"build", "--quiet", "--from", f.project().string()}).status == 0);
  CHECK(f.count("SELECT count(*) FROM pricing") == seeds + 1);
  CHECK(f.count("SELECT count(*) FROM pragma_foreign_key_check") == 0);
}

TEST_CASE("build keeps user data: a table made by aigc import survives a rebuild, values as stored") {
  Fixture f;
  f.build();
  f.import_deals();
  auto r = f.aigc({"build"});
  INFO(r.describe());
  REQUIRE(r.status == 0);
  CHECK(contains(r.out, "deals (imported) 2 rows"));
  CHECK(f.count("SELECT count(*) FROM deals") == 2);
  SQLite::Database d(f.db.string());
  CHECK(d.execAndGet("SELECT amount FROM deals WHERE deal = 'globex'").getString() == "0870");
  CHECK(d.execAndGet("SELECT typeof(amount) FROM deals WHERE deal = 'acme'").getString() == "integer");
}

TEST_CASE("build keeps user data: a user row whose key a new seed row takes is listed, and nothing changes") {
  Fixture f;
  f.build();
  f.load_user_rows(user_price("new_seed_price") + user_price("my_fine"));
  const std::string before = test::read_file(f.db);
  add_seed_line(f.project() / "seeds" / "pricing.csv", kNewPrice);
  auto r = f.aigc({"build", "--from", f.project().string()});
  INFO(r.describe());
  CHECK(r.status == 1);
  CHECK(contains(r.err, "1 row you added no longer fits the new warehouse, so nothing was changed"));
  CHECK(contains(r.err, "pricing pricing_id='new_seed_price': UNIQUE constraint failed: pricing.pricing_id"));
  CHECK(contains(r.err, "--discard-user-data"));
  CHECK(test::read_file(f.db) == before);
  CHECK(test::entries(f.dir.path()) == std::vector<std::string>{"project", "w.db"});

  SUBCASE("--discard-user-data drops that row, says so per table, keeps the rest") {
    auto d = f.aigc({"build", "--discard-user-data", "--from", f.project().string()});
    INFO(d.describe());
    REQUIRE(d.status == 0);
    CHECK(contains(d.err, "discarded, as --discard-user-data asked: pricing 1 row"));
    CHECK(contains(d.out, "kept what you added: pricing 1 row"));
    CHECK(f.count("SELECT count(*) FROM pricing WHERE pricing_id = 'my_fine'") == 1);
    // The seed row won, and the user's version is gone only because asked.
    CHECK(f.count("SELECT count(*) FROM pricing WHERE pricing_id = 'new_seed_price' AND section_id IS NOT NULL") == 1);
  }
}

TEST_CASE("build keeps user data: a user row referring to a report row the new seeds removed is listed") {
  Fixture f;
  f.build();
  f.load_user_rows(user_price("my_neox", "gpt_neox"));
  const std::string before = test::read_file(f.db);
  remove_seed_line(f.project() / "seeds" / "product.csv", "gpt_neox,");
  auto r = f.aigc({"build", "--from", f.project().string()});
  INFO(r.describe());
  CHECK(r.status == 1);
  CHECK(contains(r.err, "pricing pricing_id='my_neox': FOREIGN KEY constraint failed: refers to a product row"));
  CHECK(test::read_file(f.db) == before);
  auto d = f.aigc({"build", "--discard-user-data", "--from", f.project().string()});
  INFO(d.describe());
  REQUIRE(d.status == 0);
  CHECK(contains(d.err, "pricing 1 row"));
  CHECK(f.count("SELECT count(*) FROM pricing WHERE pricing_id = 'my_neox'") == 0);
  CHECK(f.count("SELECT count(*) FROM pragma_foreign_key_check") == 0);
}

TEST_CASE("build keeps user data: an imported table whose name the new schema takes is a conflict") {
  Fixture f;
  f.build();
  f.import_deals();
  test::write_file(f.project() / "schema" / "099_deals.sql", "CREATE TABLE deals (deal_id TEXT PRIMARY KEY) STRICT;\n");
  const std::string before = test::read_file(f.db);
  auto r = f.aigc({"build", "--from", f.project().string()});
  INFO(r.describe());
  CHECK(r.status == 1);
  CHECK(contains(r.err, "deals (whole table, 2 rows): a table you imported has the name of a report table"));
  CHECK(test::read_file(f.db) == before);
  auto d = f.aigc({"build", "--discard-user-data", "--from", f.project().string()});
  INFO(d.describe());
  REQUIRE(d.status == 0);
  CHECK(contains(d.err, "deals 2 rows"));
  CHECK(f.count("SELECT count(*) FROM deals") == 0);
  // The new, empty report table is the report's: the next build keeps nothing of it.
  auto again = f.aigc({"build", "--from", f.project().string()});
  CHECK(again.status == 0);
  CHECK_FALSE(contains(again.out, "kept"));
}

TEST_CASE(
    "build keeps user data: a warehouse of the old aigc (application_id 0) keeps its user rows through an upgrade") {
  Fixture f;
  f.build();
  f.load_user_rows(user_price("my_gpt4"));
  f.import_deals();
  {
    // As the old code built it: no application_id, no fingerprints.
    SQLite::Database d(f.db.string(), SQLite::OPEN_READWRITE);
    d.exec("PRAGMA application_id = 0");
    d.exec("DELETE FROM aigc_meta WHERE key LIKE 'seed_rows:%'");
    // A report row the new seeds change: the report's, not carried.
    d.exec("UPDATE pricing SET price_text = 'old text' WHERE pricing_id = 'gpt4_input'");
  }
  add_seed_line(f.project() / "seeds" / "pricing.csv", kNewPrice);
  auto r = f.aigc({"build", "--from", f.project().string()});
  INFO(r.describe());
  REQUIRE(r.status == 0);
  CHECK(contains(r.out, "kept what you added: deals (imported) 2 rows, pricing 1 row"));
  CHECK(f.count("SELECT count(*) FROM pricing WHERE pricing_id = 'my_gpt4'") == 1);
  CHECK(f.count("SELECT count(*) FROM pricing WHERE price_text = 'old text'") == 0);
  CHECK(f.count("PRAGMA application_id") == 0x41494743);
}

TEST_CASE("build replaces only an aigc warehouse: anything else is refused with exit 2 and left as it was") {
  Fixture f;
  SUBCASE("another program's SQLite database") {
    {
      SQLite::Database other(f.db.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
      other.exec("CREATE TABLE contacts (name TEXT); INSERT INTO contacts VALUES ('Ada')");
    }
    const std::string before = test::read_file(f.db);
    auto r = f.aigc({"build"});
    INFO(r.describe());
    CHECK(r.status == 2);
    CHECK(contains(r.err, f.db.string() + " is a SQLite database, but not an aigc warehouse"));
    CHECK(test::read_file(f.db) == before);
  }
  SUBCASE("a SQLite database with another program's application_id") {
    {
      SQLite::Database other(f.db.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
      other.exec("PRAGMA application_id = 1598903374; CREATE TABLE aigc_meta (key TEXT, value TEXT)");
    }
    const std::string before = test::read_file(f.db);
    auto r = f.aigc({"build"});
    INFO(r.describe());
    CHECK(r.status == 2);
    CHECK(contains(r.err, "is the SQLite database of another program (application_id 0x5f4d544e)"));
    CHECK(test::read_file(f.db) == before);
  }
  SUBCASE("a directory") {
    test::fs::create_directories(f.db);
    test::write_file(f.db / "keep.txt", "mine");
    auto r = f.aigc({"build"});
    INFO(r.describe());
    CHECK(r.status == 2);
    // Every command names a directory given as the warehouse before build looks at it.
    CHECK(contains(r.err, f.db.string() + ": is a directory, not a warehouse file"));
    CHECK(test::read_file(f.db / "keep.txt") == "mine");
  }
  SUBCASE("a named pipe") {
    REQUIRE(::mkfifo(f.db.c_str(), 0600) == 0);
    test::RunLimits limits;
    limits.kill_after = std::chrono::seconds(20);
    auto r = test::run_aigc({"--db", f.db.string(), "build"}, f.dir.path(), "", f.env, limits);
    INFO(r.describe());
    CHECK(r.status == 2);
    CHECK(contains(r.err, "is not a regular file"));
    struct stat st {};
    REQUIRE(::lstat(f.db.c_str(), &st) == 0);
    CHECK(S_ISFIFO(st.st_mode));
  }
  SUBCASE("an empty file and a missing path are built") {
    test::write_file(f.db, "");
    CHECK(f.aigc({"build", "--quiet"}).status == 0);
    CHECK(f.count("PRAGMA application_id") == 0x41494743);
  }
}

TEST_CASE("build: the old warehouse's -wal is never read as part of the new one") {
  Fixture f;
  f.build();
  f.load_user_rows(user_price("my_before_wal"));

  SUBCASE("another connection holds it open in WAL mode with frames not checkpointed: refused, then rebuilt") {
    auto other = std::make_unique<SQLite::Database>(f.db.string(), SQLite::OPEN_READWRITE);
    other->exec("PRAGMA journal_mode = WAL");
    other->exec("PRAGMA wal_autocheckpoint = 0");
    // Frames that overwrite many pages of the old file: read into the new
    // file, they would be garbage there.
    other->exec("UPDATE pricing SET price_text = price_text || ' (checked)'");
    other->exec(
        "INSERT INTO pricing (pricing_id, product_id, billing_basis, direction, unit, unit_stated, currency, "
        "open_ended, as_of, price_text, source_note) SELECT 'my_in_wal', product_id, billing_basis, direction, "
        "unit, unit_stated, currency, open_ended, as_of, price_text, 'mine' FROM pricing LIMIT 1");
    REQUIRE(test::fs::file_size(test::fs::path(f.db.string() + "-wal")) > 0);
    auto r = f.aigc({"build", "--discard-user-data"});
    INFO(r.describe());
    CHECK(r.status == 1);
    CHECK(contains(r.err, "another process has it open in WAL mode"));
    // The old warehouse, as the other connection sees it, is whole.
    CHECK(other->execAndGet("PRAGMA integrity_check").getString() == "ok");
    CHECK(other->execAndGet("SELECT count(*) FROM pricing WHERE pricing_id = 'my_in_wal'").getInt() == 1);
    other.reset();  // closing checkpoints
    // The report rows changed in the WAL count as the user's changes to
    // report rows: conflicts, dropped here on request.
    auto again = f.aigc({"build", "--discard-user-data"});
    INFO(again.describe());
    CHECK(again.status == 0);
    CHECK(contains(again.err, "discarded, as --discard-user-data asked: pricing 11 rows"));
    CHECK(contains(again.out, "kept what you added: pricing 2 rows"));
  }
  SUBCASE("a process killed in WAL mode left its -wal and -shm: its rows are kept, nothing stale remains") {
    const pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) {
      sqlite3* db = nullptr;
      sqlite3_open(f.db.c_str(), &db);
      sqlite3_exec(db,
                   "PRAGMA journal_mode = WAL; PRAGMA wal_autocheckpoint = 0; "
                   "UPDATE pricing SET price_text = price_text || ' (checked)' WHERE source_note IS NULL; "
                   "UPDATE pricing SET source_note = 'mine, in the wal' WHERE pricing_id = 'my_before_wal'",
                   nullptr, nullptr, nullptr);
      ::_exit(0);  // as if killed: the -wal is never checkpointed or removed
    }
    int status = 0;
    ::waitpid(child, &status, 0);
    REQUIRE(test::fs::exists(f.db.string() + "-wal"));
    auto r = f.aigc({"build", "--discard-user-data"});
    INFO(r.describe());
    REQUIRE(r.status == 0);
    CHECK(contains(r.out, "kept what you added: pricing 1 row"));
    CHECK(contains(r.err, "discarded, as --discard-user-data asked: pricing 11 rows"));
    CHECK(f.count("SELECT count(*) FROM pricing WHERE source_note = 'mine, in the wal'") == 1);
    // What the killed process committed was kept; nothing of the old file remains beside the new.
    CHECK_FALSE(test::fs::exists(f.db.string() + "-wal"));
    CHECK_FALSE(test::fs::exists(f.db.string() + "-shm"));
  }
  SQLite::Database d(f.db.string());
  CHECK(d.execAndGet("PRAGMA integrity_check").getString() == "ok");
  CHECK(d.execAndGet("PRAGMA journal_mode").getString() == "delete");
  CHECK(d.execAndGet("SELECT count(*) FROM pricing WHERE price_text LIKE '%(checked)' AND source_note IS NULL")
            .getInt() == 0);
  CHECK(d.execAndGet("SELECT count(*) FROM pricing WHERE pricing_id = 'my_before_wal'").getInt() == 1);
}

/// A warehouse path that is a symbolic link to data/real.db.
struct LinkFixture : Fixture {
  test::fs::path real_dir = dir / "data";
  test::fs::path real = real_dir / "real.db";
  LinkFixture() { test::fs::create_directories(real_dir); }
};

TEST_CASE("build keeps the warehouse path's symbolic link: the file it names is replaced, the link stays") {
  LinkFixture f;
  test::fs::create_symlink("data/real.db", f.db);
  f.build();
  f.load_user_rows(user_price("my_gpt4"));
  f.build();
  CHECK(test::fs::is_symlink(f.db));
  CHECK(test::fs::read_symlink(f.db) == "data/real.db");
  CHECK(test::fs::is_regular_file(f.real));
  CHECK(f.count("SELECT count(*) FROM pricing WHERE pricing_id = 'my_gpt4'") == 1);
  CHECK(test::entries(f.real_dir) == std::vector<std::string>{"real.db"});
}

TEST_CASE("build keeps the warehouse file's permission mode") {
  Fixture f;
  f.build();
  for (mode_t mode : {0600, 0440, 0664}) {
    CAPTURE(mode);
    ::chmod(f.db.c_str(), mode);
    f.build();
    struct stat st {};
    REQUIRE(::stat(f.db.c_str(), &st) == 0);
    CHECK((st.st_mode & 07777) == mode);
  }
}

TEST_CASE("build attacked: a dangling symbolic link gets the warehouse where it points, by build or first use") {
  LinkFixture f;
  test::fs::create_symlink(f.real, f.db);
  f.build();
  CHECK(test::fs::is_symlink(f.db));
  CHECK(test::fs::is_regular_file(f.real));
  // And the automatic first-use build follows it too.
  test::fs::remove(f.real);
  auto r = f.aigc({"load", "pricing", "-"}, kPricingHeader + user_price("my_first"));
  INFO(r.describe());
  CHECK(r.status == 0);
  CHECK(test::fs::is_symlink(f.db));
  CHECK(test::fs::is_regular_file(f.real));
  // A link to itself is refused, naming it.
  test::fs::remove(f.db);
  test::fs::create_symlink(f.db.filename(), f.db);
  auto loop = f.aigc({"build"});
  INFO(loop.describe());
  CHECK(loop.status == 2);
  CHECK(contains(loop.err, "too many levels of symbolic links"));
  CHECK(test::fs::is_symlink(f.db));
}

TEST_CASE("build attacked: concurrent builds keep user rows exactly once and leave one whole warehouse") {
  Fixture f;
  f.build();
  f.load_user_rows(user_price("my_gpt4"));
  f.import_deals();
  std::vector<test::RunResult> results(4);
  std::vector<std::thread> threads;
  for (auto& r : results)
    threads.emplace_back([&] {
      r = test::run_aigc({"--db", f.db.string(), "build", "--quiet"}, f.dir.path(), "", {"AIGC_BUSY_TIMEOUT=20000"});
    });
  for (auto& t : threads) t.join();
  for (const auto& r : results) {
    INFO(r.describe());
    CHECK(r.status == 0);
  }
  CHECK(f.count("SELECT count(*) FROM pricing WHERE pricing_id = 'my_gpt4'") == 1);
  CHECK(f.count("SELECT count(*) FROM deals") == 2);
  SQLite::Database d(f.db.string());
  CHECK(d.execAndGet("PRAGMA integrity_check").getString() == "ok");
  CHECK(test::entries(f.dir.path()) == std::vector<std::string>{"w.db"});
}

TEST_CASE("build attacked: killed at random moments, the user's rows are in the warehouse either way") {
  Fixture f;
  f.build();
  f.load_user_rows(user_price("my_gpt4"));
  f.import_deals();
  ::chmod(f.db.c_str(), 0600);  // private: so must be what a killed build leaves
  const auto start = std::chrono::steady_clock::now();
  f.build();
  const auto took = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - start);
  std::mt19937_64 rng(std::random_device{}());
  int killed = 0;
  for (int trial = 0; trial < 8; ++trial) {
    test::RunLimits limits;
    limits.kill_after =
        std::chrono::microseconds(std::uniform_int_distribution<long long>(took.count() / 20, took.count())(rng));
    auto r = test::run_aigc({"--db", f.db.string(), "build", "--quiet"}, f.dir.path(), "", {}, limits);
    killed += r.status == 128 + 9;
    CHECK((r.status == 0 || r.status == 128 + 9));
    SQLite::Database d(f.db.string(), SQLite::OPEN_READWRITE);
    CHECK(d.execAndGet("PRAGMA integrity_check").getString() == "ok");
    CHECK(d.execAndGet("SELECT count(*) FROM pricing WHERE pricing_id = 'my_gpt4'").getInt() == 1);
    CHECK(d.execAndGet("SELECT count(*) FROM deals").getInt() == 2);
    for (const auto& name : test::entries(f.dir.path())) {
      struct stat st {};
      REQUIRE(::stat((f.dir / name).c_str(), &st) == 0);
      CAPTURE(name);
      CHECK((st.st_mode & 077) == 0);
    }
  }
  MESSAGE(killed << " of 8 builds killed");
  f.build();  // and the next build clears what the killed ones left
  CHECK(test::entries(f.dir.path()) == std::vector<std::string>{"w.db"});
}

TEST_CASE("build keeps user data: a user row that breaks a rule of the new schema is listed with the rule") {
  Fixture f;
  f.build();
  f.load_user_rows(user_price("my_gpt4"));
  {
    // Views and indexes a user made with aigc sql --write are theirs too.
    SQLite::Database d(f.db.string(), SQLite::OPEN_READWRITE);
    d.exec("CREATE VIEW my_prices AS SELECT pricing_id FROM pricing WHERE source_note IS NOT NULL");
    d.exec("CREATE INDEX my_price_index ON pricing (price_min)");
  }
  const auto schema = f.project() / "schema" / "003_money.sql";
  std::string text = test::read_file(schema);
  const std::string rule = "price_min     REAL CHECK (price_min >= 0)";
  REQUIRE(text.find(rule) != std::string::npos);
  text.replace(text.find(rule), rule.size(), "price_min     REAL CHECK (price_min >= 0 AND price_min <> 0.02)");
  test::write_file(schema, text);
  const std::string before = test::read_file(f.db);
  auto r = f.aigc({"build", "--from", f.project().string()});
  INFO(r.describe());
  CHECK(r.status == 1);
  CHECK(contains(r.err, "pricing pricing_id='my_gpt4': CHECK constraint failed: price_min >= 0 AND price_min <> 0.02"));
  CHECK(test::read_file(f.db) == before);
  // Under the current schema the row fits: kept, with the view and index.
  REQUIRE(f.aigc({"build", "--quiet"}).status == 0);
  CHECK(f.count("SELECT count(*) FROM my_prices") == 1);
  CHECK(f.count("SELECT count(*) FROM sqlite_schema WHERE name = 'my_price_index'") == 1);
}

TEST_CASE(
    "build: a warehouse left in WAL mode is rebuilt, and a failed rebuild leaves it byte-identical, still in WAL "
    "mode") {
  Fixture f;
  f.build();
  f.load_user_rows(user_price("new_seed_price") + user_price("my_fine"));
  {
    SQLite::Database d(f.db.string(), SQLite::OPEN_READWRITE);
    d.exec("PRAGMA journal_mode = WAL");
  }
  const std::string before = test::read_file(f.db);
  add_seed_line(f.project() / "seeds" / "pricing.csv", kNewPrice);
  auto r = f.aigc({"build", "--from", f.project().string()});
  INFO(r.describe());
  CHECK(r.status == 1);
  CHECK(contains(r.err, "pricing pricing_id='new_seed_price': UNIQUE constraint failed"));
  CHECK(test::read_file(f.db) == before);
  CHECK(f.count("SELECT count(*) FROM pragma_journal_mode WHERE journal_mode = 'wal'") == 1);
  auto d = f.aigc({"build", "--discard-user-data", "--from", f.project().string()});
  INFO(d.describe());
  CHECK(d.status == 0);
  CHECK(f.count("SELECT count(*) FROM pricing WHERE pricing_id = 'my_fine'") == 1);
  CHECK(f.count("SELECT count(*) FROM pragma_journal_mode WHERE journal_mode = 'delete'") == 1);
  CHECK(test::entries(f.dir.path()) == std::vector<std::string>{"project", "w.db"});
}

TEST_CASE("build attacked: rows loaded while builds run are never lost without a word") {
  Fixture f;
  f.build();
  const std::vector<std::string> env = {"AIGC_BUSY_TIMEOUT=20000"};
  std::vector<test::RunResult> loads(20), builds(3);
  std::thread builder([&] {
    for (auto& b : builds) b = test::run_aigc({"--db", f.db.string(), "build", "--quiet"}, f.dir.path(), "", env);
  });
  for (std::size_t i = 0; i < loads.size(); ++i)
    loads[i] = test::run_aigc({"--db", f.db.string(), "load", "pricing", "-"}, f.dir.path(),
                              kPricingHeader + user_price("my_" + std::to_string(i)), env);
  builder.join();
  for (const auto& b : builds) {
    INFO(b.describe());
    CHECK(b.status == 0);
  }
  for (std::size_t i = 0; i < loads.size(); ++i) {
    CAPTURE(i);
    INFO(loads[i].describe());
    CHECK((loads[i].status == 0 || loads[i].status == 1));
    // One that opened the old file before a build replaced it is refused by
    // SQLite (the file moved), and says so.
    if (loads[i].status == 1)
      CHECK(contains(loads[i].err, "the warehouse was replaced (by aigc build) while this command waited"));
    // A load that said it loaded its row: the row is there, whatever the builds did.
    if (loads[i].status == 0)
      CHECK(f.count("SELECT count(*) FROM pricing WHERE pricing_id = 'my_" + std::to_string(i) + "'") == 1);
  }
  MESSAGE(std::count_if(loads.begin(), loads.end(), [](const test::RunResult& r) { return r.status == 0; })
          << " of " << loads.size() << " loads succeeded beside 3 builds");
}
