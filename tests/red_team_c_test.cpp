// Findings of the red team run after the core's layer work (issue 16), each
// a test that failed before its fix: a NUL byte that cut SQL short with exit
// 0, a history file written over the warehouse, a file-header comment the
// shell could not read, and double-quoted names that silently became strings.
#include <doctest/doctest.h>

#include <chrono>
#include <cstdlib>
#include <string>

#include "pty.h"
#include "support.h"

using namespace std::chrono_literals;

namespace {

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

struct Warehouse {
  test::TempDir dir;
  std::string db = (dir / "w.db").string();
  Warehouse() { REQUIRE(test::run_aigc({"--db", db, "build", "--quiet"}).status == 0); }
  test::RunResult sql(const std::string& input, bool write = false) {
    std::vector<std::string> args = {"--db", db, "sql"};
    if (write) args.push_back("--write");
    return test::run_aigc(args, test::fs::current_path(), input);
  }
};

}  // namespace

TEST_CASE("red team C: a NUL byte in SQL is refused with its line, and nothing after it runs as if cut") {
  Warehouse w;
  REQUIRE(w.sql("CREATE TABLE t(id, x); INSERT INTO t VALUES (1,'a'),(2,'b'),(3,'c');", true).status == 0);
  // SQLite stops reading at a NUL: this ran as DELETE FROM t, every row gone, exit 0.
  const auto del = w.sql(std::string("DELETE FROM t\0 WHERE id = 2;\n", 30), true);
  CHECK(del.status == 1);
  CHECK(contains(del.err, "line 1, column 14"));
  CHECK(contains(del.err, "NUL byte"));
  const auto count = w.sql("SELECT count(*) AS n FROM t;");
  CHECK(contains(count.out, "| 3 |"));

  // A read-only script: the second statement no longer vanishes with exit 0.
  const auto two = w.sql(std::string("SELECT 1 AS a;\nSELECT 2\0 AS b;\n", 32));
  CHECK(two.status == 1);
  CHECK(contains(two.err, "NUL byte"));

  // A saved query with a NUL lost its WHERE and returned every firm.
  test::TempDir queries;
  test::write_file(
      queries / "one_firm.sql",
      std::string("-- One firm.\n-- scope: report\nSELECT firm_id FROM firm\0 WHERE firm_id = 'baidu'\n", 74));
  const auto run = test::run_aigc({"--db", w.db, "run", "one_firm", "--queries", queries.path().string()});
  CHECK(run.status != 0);
  CHECK(contains(run.err, "NUL byte"));
}

TEST_CASE("red team C: the shell reads a statement after a block comment spanning lines") {
  Warehouse w;
  const std::string script = "/*\n * exploration.sql: firms\n */\nSELECT count(*) AS n FROM firm;\n";
  const auto piped = test::run_aigc({"--db", w.db, "shell"}, test::fs::current_path(), script);
  INFO(piped.err);
  CHECK(piped.status == 0);
  CHECK(contains(piped.out, "| 48 |"));
  // The same from .read, and a comment between two statements.
  test::write_file(w.dir / "hdr.sql", script + "/*\n later\n */\nSELECT 2 AS two;\n");
  const auto read = test::run_aigc({"--db", w.db, "shell"}, w.dir.path(), ".read hdr.sql\n");
  INFO(read.err);
  CHECK(read.status == 0);
  CHECK(contains(read.out, "| 48 |"));
  CHECK(contains(read.out, "|   2 |"));
}

TEST_CASE("red team C: AIGC_HISTORY naming the warehouse or a user's file leaves it whole and keeps no history") {
  Warehouse w;
  test::write_file(w.dir / "mine.csv", "a,b\n1,2\n");
  for (const std::string& target : {w.db, (w.dir / "mine.csv").string()}) {
    CAPTURE(target);
    const std::string before = test::read_file(target);
    {
      test::Pty sh({"--db", w.db, "shell"}, {"AIGC_HISTORY=" + target, "HOME=" + w.dir.path().string()});
      INFO(sh.output());
      REQUIRE(sh.expect_prompt());
      CHECK(contains(sh.output(), "history is not kept"));
      sh.type_line("SELECT 'still here' AS s;");
      CHECK(sh.expect("still here"));
      CHECK(sh.expect_prompt());
      sh.send("\x04");
      CHECK(sh.wait_exit() == 0);
    }
    CHECK(test::read_file(target) == before);
  }
  const auto check = test::run_aigc({"--db", w.db, "sql", "SELECT count(*) AS n FROM firm"});
  CHECK(check.status == 0);
}

TEST_CASE("red team C: a misspelled column in double quotes is an error, not the string of its name") {
  Warehouse w;
  const auto r = w.sql("SELECT \"name_zhh\" FROM firm LIMIT 1;");
  CHECK(r.status == 1);
  CHECK(contains(r.err, "no such column: name_zhh"));
  CHECK_FALSE(contains(r.out, "name_zhh"));
}

TEST_CASE("red team C: load --upsert never replaces a row of the report, and a refused file changes nothing") {
  Warehouse w;
  test::write_file(w.dir / "mine.csv",
                   "firm_id,name_zh,kind,source_note\nmyco,我的公司,company,mine\nbaidu,我的百度,company,mine\n");
  const std::string before = test::read_file(w.db);
  const auto r = test::run_aigc({"--db", w.db, "load", "firm", (w.dir / "mine.csv").string(), "--upsert"});
  CHECK(r.status == 1);
  CHECK(contains(r.err, "mine.csv:3:1: column firm_id: this key is a row of the report"));
  CHECK(test::read_file(w.db) == before);
  // The user's own rows are still replaced by --upsert.
  test::write_file(w.dir / "mine.csv", "firm_id,name_zh,kind,source_note\nmyco,我的公司,company,mine\n");
  REQUIRE(test::run_aigc({"--db", w.db, "load", "firm", (w.dir / "mine.csv").string(), "--upsert"}).status == 0);
  test::write_file(w.dir / "mine.csv", "firm_id,name_zh,kind,source_note\nmyco,我的公司二,company,mine v2\n");
  const auto again = test::run_aigc({"--db", w.db, "load", "firm", (w.dir / "mine.csv").string(), "--upsert"});
  CHECK(again.status == 0);
  CHECK(contains(again.out, "1 replaced"));
  const auto names = w.sql("SELECT firm_id, name_zh FROM firm WHERE firm_id IN ('baidu', 'myco') ORDER BY 1;");
  CHECK(contains(names.out, "百度"));
  CHECK_FALSE(contains(names.out, "我的百度"));
  CHECK(contains(names.out, "我的公司二"));
}

TEST_CASE("red team C: a transaction left open is rolled back with an error, not silently with exit 0") {
  Warehouse w;
  REQUIRE(w.sql("CREATE TABLE t(x);", true).status == 0);
  const auto open = w.sql("BEGIN; INSERT INTO t VALUES (1);", true);
  CHECK(open.status == 1);
  CHECK(contains(open.err, "BEGIN with no COMMIT"));
  const auto shell = test::run_aigc({"--db", w.db, "shell", "--write"}, test::fs::current_path(),
                                    "BEGIN;\nINSERT INTO t VALUES (2);\n");
  CHECK(shell.status == 1);
  CHECK(contains(shell.err, "BEGIN with no COMMIT"));
  CHECK(contains(w.sql("SELECT count(*) AS n FROM t;").out, "| 0 |"));
  // Committed work is kept and says nothing.
  const auto committed = w.sql("BEGIN; INSERT INTO t VALUES (3); COMMIT;", true);
  CHECK(committed.status == 0);
  CHECK(committed.err.empty());
  CHECK(contains(w.sql("SELECT count(*) AS n FROM t;").out, "| 1 |"));
}

TEST_CASE("red team C: bash completion reads names from --db's warehouse, and TAB never builds one") {
  if (!test::fs::exists("/usr/share/bash-completion/bash_completion")) {
    MESSAGE("bash-completion is not installed (.ci/setup installs it): skipped");
    return;
  }
  Warehouse w;
  const auto script = test::run_aigc({"completion", "bash"});
  REQUIRE(script.status == 0);
  test::write_file(w.dir / "aigc.bash", script.out);
  const test::fs::path home = w.dir / "home";  // no default warehouse in it
  const std::string bin_dir = test::fs::path(AIGC_BINARY).parent_path().string();
  test::write_file(w.dir / "try.sh",
                   "source /usr/share/bash-completion/bash_completion\nsource '" + (w.dir / "aigc.bash").string() +
                       "'\nPATH='" + bin_dir + "':$PATH\nHOME='" + home.string() +
                       "'\nunset AIGC_DB XDG_DATA_HOME\n"
                       "try() { COMP_LINE=\"$*\"; COMP_POINT=${#COMP_LINE}; read -ra COMP_WORDS <<< \"$*\";\n"
                       "  COMP_CWORD=$((${#COMP_WORDS[@]}-1)); COMPREPLY=(); _aigc; echo \"[${COMPREPLY[*]}]\"; }\n"
                       "try aigc --db '" +
                       w.db +
                       "' load firm_\n"
                       "try aigc --db='" +
                       w.db +
                       "' run vendor_t\n"
                       "try aigc load firm_\n");
  const std::string out_file = (w.dir / "out.txt").string();
  REQUIRE(std::system(("bash '" + (w.dir / "try.sh").string() + "' > '" + out_file + "' 2>&1").c_str()) == 0);
  const std::string out = test::read_file(out_file);
  INFO(out);
  CHECK(contains(out, "[firm_industry]\n[vendor_table]\n[]\n"));
  CHECK_FALSE(test::fs::exists(home / ".local" / "share" / "aigc" / "warehouse.db"));
}
