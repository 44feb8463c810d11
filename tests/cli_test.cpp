// End-to-end: the real binary, its exit codes, streams and defaults.
#include <doctest/doctest.h>

#include "support.h"

namespace {
bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }
}  // namespace

TEST_CASE("cli: the default warehouse is built on first use, from any directory") {
  test::TempDir home;
  test::fs::create_directories(home / "elsewhere");
  auto r = test::run_aigc({"load", "pricing", "-"}, home / "elsewhere",
                          "pricing_id,product_id,billing_basis,unit,price_min,price_max,currency,as_of,source_note\n"
                          "mine,gpt4,tokens,千tokens,0.01,0.03,USD,2024-04,my own observation\n",
                          {"XDG_DATA_HOME=" + (home / "data").string()});
  INFO(r.describe());
  CHECK(r.status == 0);
  CHECK(contains(r.out, "loaded 1 row into pricing"));
  CHECK(test::fs::exists(home / "data" / "aigc" / "warehouse.db"));
}

TEST_CASE("cli: AIGC_DB and --db pick the warehouse, --db first") {
  test::TempDir dir;
  auto r = test::run_aigc({"--db", (dir / "flag.db").string(), "build", "--quiet"}, dir.path(), "",
                          {"AIGC_DB=" + (dir / "env.db").string()});
  CHECK(r.status == 0);
  CHECK(r.out.empty());
  CHECK(test::fs::exists(dir / "flag.db"));
  CHECK_FALSE(test::fs::exists(dir / "env.db"));
  r = test::run_aigc({"build"}, dir.path(), "", {"AIGC_DB=" + (dir / "env.db").string()});
  CHECK(r.status == 0);
  CHECK(contains(r.out, "env.db"));
}

TEST_CASE("cli: exit codes say what went wrong, errors go to stderr") {
  test::TempDir dir;
  const std::string db = (dir / "w.db").string();
  SUBCASE("usage error: unknown subcommand") {
    auto r = test::run_aigc({"--db", db, "frobnicate"}, dir.path());
    CHECK(r.status == 2);
    CHECK(r.out.empty());
  }
  SUBCASE("usage error: unknown table, with a suggestion") {
    test::write_file(dir / "x.csv", "a\n1\n");
    auto r = test::run_aigc({"--db", db, "load", "firms", (dir / "x.csv").string()}, dir.path());
    CHECK(r.status == 2);
    CHECK(contains(r.err, "did you mean firm?"));
  }
  SUBCASE("data error: a refused file, listing every problem") {
    test::write_file(dir / "bad.csv", "firm_id,kind,name_en,section_id\nx,company,X,cover\ny,bank,Y,nowhere\n");
    auto r = test::run_aigc({"--db", db, "load", "firm", (dir / "bad.csv").string()}, dir.path());
    INFO(r.describe());
    CHECK(r.status == 1);
    CHECK(r.out.empty());
    CHECK(contains(r.err, "bad.csv:3:10: column section_id: no report_section row has section_id = 'nowhere'"));
    CHECK(contains(r.err, "bad.csv:3:3: column kind: value 'bank' breaks the rule CHECK"));
    CHECK(contains(r.err, "nothing was loaded"));
  }
  SUBCASE("data error: missing input file") {
    auto r = test::run_aigc({"--db", db, "import", (dir / "nope.csv").string(), "--as", "t"}, dir.path());
    CHECK(r.status == 1);
    CHECK(contains(r.err, "cannot open"));
  }
  SUBCASE("data error: a file that is not a database") {
    test::write_file(dir / "junk.db", std::string(4096, 'x'));
    auto r = test::run_aigc({"--db", (dir / "junk.db").string(), "load", "firm", "-"}, dir.path(), "firm_id\n");
    CHECK(r.status == 1);
    CHECK(contains(r.err, "junk.db"));
    CHECK(test::read_file(dir / "junk.db") == std::string(4096, 'x'));
  }
}

TEST_CASE("cli: every subcommand's help shows a worked example") {
  for (const char* cmd : {"build", "load", "import"}) {
    CAPTURE(cmd);
    auto r = test::run_aigc({cmd, "--help"});
    CHECK(r.status == 0);
    CHECK(contains(r.out, "Example"));
    CHECK(contains(r.out, std::string("aigc ")));
  }
}

TEST_CASE("cli: import keeps exact text and reports what it created") {
  test::TempDir dir;
  auto r = test::run_aigc({"--db", (dir / "w.db").string(), "import", "-", "--as", "codes"}, dir.path(),
                          "code,n\n0870,1\n12345678901234567890,2\n");
  INFO(r.describe());
  CHECK(r.status == 0);
  CHECK(contains(r.out, "imported 2 rows into new table codes"));
  r = test::run_aigc({"--db", (dir / "w.db").string(), "import", "-", "--as", "codes"}, dir.path(), "code\n1\n");
  CHECK(r.status == 2);
  CHECK(contains(r.err, "already exists"));
}

TEST_CASE("cli: --dry-run checks a file as a load or import would and writes nothing") {
  test::TempDir dir;
  const std::string db = (dir / "w.db").string();
  REQUIRE(test::run_aigc({"--db", db, "build", "--quiet"}, dir.path()).status == 0);
  const std::string before = test::read_file(db);
  const std::string header =
      "pricing_id,product_id,billing_basis,unit,price_min,price_max,currency,as_of,source_note\n";
  test::write_file(dir / "good.csv", header +
                                         "mine1,gpt4,tokens,千tokens,0.01,0.03,USD,2024-04,mine\n"
                                         "mine2,gpt4,tokens,千tokens,0.02,0.04,USD,2024-05,mine\n");
  test::write_file(dir / "bad.csv", header + "mine3,gpt4,tokens,千tokens,0.05,0.01,usd,2024-04,mine\n");

  auto r = test::run_aigc({"--db", db, "load", "pricing", (dir / "good.csv").string(), "--dry-run"}, dir.path());
  INFO(r.describe());
  CHECK(r.status == 0);
  CHECK(contains(r.out, "checked 2 rows for pricing: all would load (dry run: nothing was written)"));
  CHECK(test::read_file(db) == before);

  r = test::run_aigc({"--db", db, "load", "pricing", (dir / "good.csv").string(), "--dry-run", "--upsert"}, dir.path());
  CHECK(r.status == 0);
  CHECK(contains(r.out, "2 added, 0 replaced (dry run"));
  CHECK(test::read_file(db) == before);

  r = test::run_aigc({"--db", db, "load", "pricing", (dir / "bad.csv").string(), "--dry-run"}, dir.path());
  CHECK(r.status == 1);
  CHECK(contains(r.err, "bad.csv:2:"));
  CHECK(contains(r.err, "CHECK (price_min <= price_max)"));
  CHECK(test::read_file(db) == before);

  r = test::run_aigc({"--db", db, "import", (dir / "good.csv").string(), "--as", "mine", "--dry-run"}, dir.path());
  CHECK(r.status == 0);
  CHECK(contains(r.out, "checked 2 rows: table mine would be created (dry run: nothing was written)"));
  CHECK(test::read_file(db) == before);

  // The real load afterwards still works and counts the same rows.
  r = test::run_aigc({"--db", db, "load", "pricing", (dir / "good.csv").string()}, dir.path());
  CHECK(r.status == 0);
  CHECK(contains(r.out, "loaded 2 rows into pricing"));
}
