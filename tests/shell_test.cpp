// The shell: completion and dot-commands in-process, scripts on standard
// input, and a person typing at a pseudo-terminal.
#include <doctest/doctest.h>

#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <sstream>
#include <thread>

#include "base/error.h"
#include "pty.h"
#include "query/catalog.h"
#include "query/sql_guard.h"
#include "query/sql_script.h"
#include "shell/completion.h"
#include "shell/session.h"
#include "support.h"
#include "warehouse/warehouse.h"

namespace {

using test::Pty;

using namespace std::chrono_literals;

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

/// A warehouse and a history file in a temporary directory, and a shell on
/// a terminal started on them.
struct ShellFixture {
  test::TempDir dir;
  std::string db = (dir / "w.db").string();
  test::fs::path history = dir / "state" / "history";

  ShellFixture() { REQUIRE(test::run_aigc({"--db", db, "build", "--quiet"}).status == 0); }

  std::unique_ptr<Pty> start(const std::vector<std::string>& extra = {}) {
    std::vector<std::string> args = {"--db", db, "shell"};
    args.insert(args.end(), extra.begin(), extra.end());
    auto pty = std::make_unique<Pty>(
        args, std::vector<std::string>{"AIGC_HISTORY=" + history.string(), "HOME=" + dir.path().string()});
    REQUIRE(pty->expect_prompt());
    return pty;
  }
};

// ---------------------------------------------------------------------------
// In-process helpers

aigc::shell::CompletionWords sample_words() {
  aigc::shell::CompletionWords w;
  w.keywords = {"SELECT", "SET", "FROM", "WHERE", "FILTER"};
  w.tables = {"firm", "firm_industry", "industry", "pricing"};
  w.columns = {{"firm", {"firm_id", "name_zh"}}, {"firm_industry", {"firm_id", "industry_id", "role"}}};
  w.queries = {"api_prices", "api_prices_normalised", "vendor_table"};
  w.dot_commands = {".help", ".tables", ".schema", ".run", ".read", ".mode", ".timer"};
  w.formats = {"table", "csv", "json", "markdown"};
  return w;
}

std::vector<std::string> candidates(std::string_view before, bool in_statement = false) {
  return aigc::shell::complete_input(before, in_statement, sample_words()).candidates;
}

using Words = std::vector<std::string>;

/// A session on a temporary warehouse, capturing its output.
struct SessionFixture {
  test::TempDir dir;
  test::fs::path path = dir / "w.db";
  std::unique_ptr<aigc::GuardedConnection> conn;
  std::ostringstream out, messages;
  std::unique_ptr<aigc::shell::Session> session;

  explicit SessionFixture(aigc::Access access = aigc::Access::read_only) {
    aigc::build_warehouse(path, aigc::BuildSources::embedded());
    conn = std::make_unique<aigc::GuardedConnection>(path, access);
    aigc::RenderOptions r;
    r.format = aigc::Format::csv;
    session = std::make_unique<aigc::shell::Session>(*conn, aigc::QueryCatalog::embedded(), out, messages, r);
  }

  /// Feeds `script` as a stream; returns the output and clears it.
  std::string run(const std::string& script) {
    std::istringstream in(script);
    session->run_stream(in, "");
    std::string s = out.str();
    out.str("");
    return s;
  }
};

}  // namespace

// ---------------------------------------------------------------------------
// Completion

TEST_CASE("shell completion: table names after FROM and JOIN, even before a letter is typed") {
  CHECK(candidates("SELECT * FROM firm_ind") == Words{"firm_industry"});
  CHECK(candidates("select * from fi") == Words{"firm", "firm_industry"});
  CHECK(candidates("SELECT * FROM firm JOIN ") == Words{"firm", "firm_industry", "industry", "pricing"});
}

TEST_CASE("shell completion: keywords in the case being typed, with tables and columns") {
  CHECK(candidates("SEL") == Words{"SELECT"});
  CHECK(candidates("sel") == Words{"select"});
  CHECK(candidates("SELECT ind") == Words{"industry", "industry_id"});
  CHECK(candidates("SELECT rol") == Words{"role"});
  CHECK(candidates("SELECT ").empty());  // no wall of every word
}

TEST_CASE("shell completion: table.column offers that table's columns") {
  CHECK(candidates("SELECT firm.") == Words{"firm.firm_id", "firm.name_zh"});
  CHECK(candidates("SELECT firm_industry.r") == Words{"firm_industry.role"});
  CHECK(candidates("SELECT f.ind") == Words{"f.industry_id"});  // an alias: every column
}

TEST_CASE("shell completion: dot-commands and their arguments") {
  CHECK(candidates(".r") == Words{".read", ".run"});
  CHECK(candidates(".run api") == Words{"api_prices", "api_prices_normalised"});
  CHECK(candidates(".schema firm_") == Words{"firm_industry"});
  CHECK(candidates(".mode j") == Words{"json"});
  CHECK(candidates(".timer o") == Words{"off", "on"});
  CHECK(candidates(".help ti") == Words{"timer"});
  // Inside an unfinished statement a leading '.' is SQL, not a command.
  CHECK(candidates(".5 + fi", true) == Words{"filter", "firm", "firm_id", "firm_industry"});
}

TEST_CASE("shell completion: the session offers the warehouse's own names") {
  SessionFixture f;
  const auto& words = f.session->completion_words();
  CHECK(std::find(words.tables.begin(), words.tables.end(), "firm_industry") != words.tables.end());
  CHECK(std::find(words.keywords.begin(), words.keywords.end(), "SELECT") != words.keywords.end());
  CHECK(words.columns.at("firm_industry").front() == "firm_id");
  CHECK(std::find(words.queries.begin(), words.queries.end(), "api_prices") != words.queries.end());
  CHECK(std::find(words.dot_commands.begin(), words.dot_commands.end(), ".export") != words.dot_commands.end());
}

// ---------------------------------------------------------------------------
// Input assembly and dot-commands

TEST_CASE("shell input: lines gather until a statement is complete; dot-commands are one line") {
  aigc::shell::InputAssembler a;
  CHECK_FALSE(a.add_line("SELECT 'a;b'", 1));
  CHECK(a.pending());
  CHECK_FALSE(a.add_line("  -- not the end;", 2));
  auto input = a.add_line("  AS x;", 3);
  REQUIRE(input);
  CHECK(input->kind == aigc::shell::Input::Kind::sql);
  CHECK(input->first_line == 1);
  CHECK(input->text == "SELECT 'a;b'\n  -- not the end;\n  AS x;\n");
  CHECK_FALSE(a.pending());
  CHECK_FALSE(a.add_line("", 4));
  CHECK_FALSE(a.add_line("-- only a comment", 5));
  CHECK_FALSE(a.pending());
  input = a.add_line("  .tables", 6);
  REQUIRE(input);
  CHECK(input->kind == aigc::shell::Input::Kind::dot_command);
  CHECK_FALSE(a.add_line("SELECT 1", 7));
  input = a.finish();
  REQUIRE(input);
  CHECK(input->text == "SELECT 1\n");
}

TEST_CASE("shell input: dot-command words, quoted when they hold spaces") {
  CHECK(aigc::shell::split_dot_command(".run  api_prices_normalised fx_usd_cny=7.2") ==
        Words{".run", "api_prices_normalised", "fx_usd_cny=7.2"});
  CHECK(aigc::shell::split_dot_command(".output 'my file.csv'") == Words{".output", "my file.csv"});
  CHECK(aigc::shell::split_dot_command(".output \"a \"\"b\"\"\"") == Words{".output", "a \"b\""});
  CHECK_THROWS_AS(aigc::shell::split_dot_command(".output 'open"), aigc::UsageError);
}

TEST_CASE("shell dot-commands: .help is generated from the table and lists every command") {
  const std::string help = aigc::shell::Session::help_text();
  for (const auto& c : aigc::shell::Session::dot_commands()) {
    CAPTURE(c.name);
    CHECK(contains(help, std::string(c.name)));
    CHECK_FALSE(c.help.empty());
  }
  for (const char* required :
       {".help", ".tables", ".schema", ".queries", ".run", ".mode", ".output", ".export", ".timer", ".read", ".quit"})
    CHECK(contains(help, required));
}

TEST_CASE("shell dot-commands: tables, schema, mode, run, timer, output, export, read, quit") {
  SessionFixture f;
  SUBCASE(".tables and .schema") {
    CHECK(contains(f.run(".tables\n"), "firm_industry"));
    const std::string schema = f.run(".schema firm_industry\n");
    CHECK(contains(schema, "CREATE TABLE firm_industry"));
    CHECK_FALSE(contains(schema, "CREATE TABLE firm ("));
    CHECK_THROWS_WITH_AS(f.run(".schema firm_indus\n"), doctest::Contains("did you mean firm_industry?"),
                         aigc::UsageError);
  }
  SUBCASE(".mode changes how results render, as aigc run renders them") {
    CHECK(f.run("SELECT 1 AS a;\n") == "a\n1\n");
    CHECK(f.run(".mode\n") == "csv\n");
    CHECK(contains(f.run(".mode table\nSELECT 1 AS a;\n"), "| a |"));
    CHECK(contains(f.run(".mode json\nSELECT 1 AS a;\n"), "\"a\":1"));
    CHECK_THROWS_AS(f.run(".mode xml\n"), aigc::UsageError);
  }
  SUBCASE(".run a saved query with parameters; .queries lists them") {
    CHECK(contains(f.run(".queries\n"), "api_prices_normalised"));
    const std::string out = f.run(".run key_figures topic=funding\n");
    CHECK_FALSE(out.empty());
    CHECK_THROWS_WITH_AS(f.run(".run api_price\n"), doctest::Contains("api_prices"), aigc::UsageError);
    CHECK_THROWS_AS(f.run(".run api_prices nope=1\n"), aigc::UsageError);
  }
  SUBCASE(".timer reports each statement's time on the message stream") {
    f.run(".timer on\nSELECT 1;\n");
    CHECK(contains(f.messages.str(), "time: "));
  }
  SUBCASE(".output sends results to a file until .output stdout") {
    const auto file = f.dir / "out.csv";
    CHECK(f.run(".output " + file.string() + "\nSELECT 'in file' AS a;\n.output stdout\nSELECT 'on screen' AS b;\n") ==
          "b\non screen\n");
    CHECK(test::read_file(file) == "a\nin file\n");
  }
  SUBCASE(".export writes a saved query to a file, format from its extension") {
    const auto file = f.dir / "prices.json";
    f.run(".export api_prices " + file.string() + "\n");
    CHECK(contains(test::read_file(file), "\"product\":"));
    CHECK(contains(f.messages.str(), "exported api_prices"));
    CHECK_THROWS_AS(f.run(".export nope " + (f.dir / "x.csv").string() + "\n"), aigc::UsageError);
    CHECK_FALSE(test::fs::exists(f.dir / "x.csv"));
  }
  SUBCASE(".read runs a file and names it when it fails") {
    test::write_file(f.dir / "ok.sql", ".mode csv\nSELECT 'from file' AS a;\n");
    CHECK(f.run(".read " + (f.dir / "ok.sql").string() + "\n") == "a\nfrom file\n");
    test::write_file(f.dir / "bad.sql", "SELECT 1;\nSELECT * FROM nope;\n");
    CHECK_THROWS_WITH_AS(f.run(".read " + (f.dir / "bad.sql").string() + "\n"),
                         doctest::Contains("bad.sql: no such table: nope\n  in statement 2 at line 2"),
                         aigc::DataError);
    test::write_file(f.dir / "loop.sql", ".read " + (f.dir / "loop.sql").string() + "\n");
    CHECK_THROWS_WITH_AS(f.run(".read " + (f.dir / "loop.sql").string() + "\n"), doctest::Contains("nested too deeply"),
                         aigc::UsageError);
  }
  SUBCASE(".quit stops reading") {
    CHECK(f.run("SELECT 1 AS a;\n.quit\nSELECT 2 AS b;\n") == "a\n1\n");
    CHECK(f.session->quit_requested());
  }
  SUBCASE("unknown commands and wrong arguments are usage errors") {
    CHECK_THROWS_WITH_AS(f.run(".tabels\n"), doctest::Contains("unknown command .tabels; did you mean .tables?"),
                         aigc::UsageError);
    CHECK_THROWS_WITH_AS(f.run(".timer\n"), doctest::Contains("usage: .timer on|off"), aigc::UsageError);
  }
}

TEST_CASE("shell session: refusals apply to the shell as to aigc sql") {
  SessionFixture f;
  CHECK_THROWS_WITH_AS(f.run("INSERT INTO industry (industry_id, name_zh, source_note) VALUES ('x', 'x', 'x');\n"),
                       doctest::Contains("refused: INSERT into industry"), aigc::StatementError);
  CHECK_THROWS_WITH_AS(f.run(".run api_prices\nVACUUM INTO '" + (f.dir / "v.db").string() + "';\n"),
                       doctest::Contains("refused: VACUUM"), aigc::StatementError);
  CHECK_FALSE(test::fs::exists(f.dir / "v.db"));
}

// ---------------------------------------------------------------------------
// Standard input that is not a terminal

TEST_CASE("aigc shell: a script on standard input runs without prompts and stops at the first error") {
  test::TempDir dir;
  const std::string db = (dir / "w.db").string();
  auto r =
      test::run_aigc({"--db", db, "shell", "-f", "csv"}, dir.path(),
                     ".mode csv\nSELECT 'one' AS a;\nSELECT\n  'two' AS b;\nSELECT * FROM nope;\nSELECT 'never';\n");
  INFO(r.describe());
  CHECK(r.status == 1);
  CHECK(r.out == "a\none\nb\ntwo\n");
  CHECK_FALSE(contains(r.out, "aigc>"));
  CHECK(contains(r.err, "aigc: no such table: nope\n  in statement 3 at line 5"));
  r = test::run_aigc({"--db", db, "shell"}, dir.path(), "SELECT 1;\n.nope\n");
  CHECK(r.status == 2);
  CHECK(contains(r.err, "line 2: unknown command .nope"));
  r = test::run_aigc({"--db", db, "shell", "-f", "csv"}, dir.path(), "SELECT 'no semicolon' AS a");
  CHECK(r.status == 0);
  CHECK(r.out == "a\nno semicolon\n");
}

// ---------------------------------------------------------------------------
// A person at a terminal

TEST_CASE("aigc shell on a terminal: a statement typed over several lines") {
  ShellFixture f;
  auto sh = f.start();
  INFO(sh->output());
  sh->type_line("SELECT");
  CHECK(sh->expect("...> "));
  sh->type_line("  'multi' || 'line' AS m");
  CHECK(sh->expect("...> "));
  sh->type_line(";");
  CHECK(sh->expect("multiline"));
  CHECK(sh->expect_prompt());
  sh->send("\x04");
  CHECK(sh->wait_exit() == 0);
}

TEST_CASE("aigc shell on a terminal: tab completes a table name") {
  ShellFixture f;
  auto sh = f.start();
  INFO(sh->output());
  REQUIRE(sh->wait_for_editing(true));
  sh->send("SELECT count(*) AS n FROM firm_ind");
  REQUIRE(sh->expect("firm_ind"));
  sh->send("\t");
  CHECK(sh->expect("ustry"));
  sh->send(";\r");
  CHECK(sh->expect("| n |"));
  CHECK(sh->expect_prompt());
  CHECK_FALSE(contains(sh->output(), "Error"));
  sh->send("\x04");
  CHECK(sh->wait_exit() == 0);
  CHECK(contains(test::read_file(f.history), "firm_industry"));
}

TEST_CASE("aigc shell on a terminal: refusals and errors print a message and the session goes on") {
  ShellFixture f;
  const std::string before = test::read_file(f.db);
  const auto copy = f.dir / "copy.db";
  auto sh = f.start();
  INFO(sh->output());
  sh->type_line("INSERT INTO industry (industry_id, name_zh, source_note) VALUES ('x', 'x', 'x');");
  CHECK(sh->expect("Error: refused: INSERT into industry is not allowed in read-only mode (use --write"));
  CHECK(sh->expect_prompt());
  sh->type_line("ATTACH '" + copy.string() + "' AS c;");
  CHECK(sh->expect("Error: refused: ATTACH is not allowed in read-only mode (use --write to allow changes)"));
  CHECK(sh->expect_prompt());
  sh->type_line("VACUUM INTO '" + copy.string() + "';");
  CHECK(sh->expect("Error: refused: VACUUM INTO is not allowed, even with --write"));
  CHECK(sh->expect_prompt());
  sh->type_line("SELECT * FROM nope;");
  CHECK(sh->expect("Error: no such table: nope"));
  CHECK(sh->expect_prompt());
  sh->type_line("SELECT 'still here' AS s;");
  CHECK(sh->expect("still here"));
  CHECK(sh->expect_prompt());
  sh->send("\x04");
  CHECK(sh->wait_exit() == 0);
  CHECK_FALSE(test::fs::exists(copy));
  CHECK(test::read_file(f.db) == before);
}

TEST_CASE("aigc shell on a terminal: Ctrl-C stops a never-ending query and the session goes on") {
  ShellFixture f;
  auto sh = f.start();
  INFO(sh->output());
  sh->type_line("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c) SELECT count(*) FROM c;");
  // Ctrl-C sends SIGINT once libedit has handed the terminal back; should
  // a ^C still reach the editor, it is pressed again, as a person would.
  bool stopped = false;
  for (int attempt = 0; attempt < 5 && !stopped; ++attempt) {
    REQUIRE(sh->wait_for_editing(false));
    std::this_thread::sleep_for(100ms);  // let the query get going
    sh->send("\x03");
    stopped = sh->expect("Error: interrupted", 3s);
  }
  REQUIRE(stopped);
  CHECK(sh->expect_prompt());
  sh->type_line("SELECT 'alive' AS a;");
  CHECK(sh->expect("alive"));
  CHECK(sh->expect_prompt());
  SUBCASE("Ctrl-C at the prompt clears the line") {
    REQUIRE(sh->wait_for_editing(true));
    sh->send("SELECT 'discarded'");
    CHECK(sh->expect("discarded"));
    sh->send("\x03");
    CHECK(sh->expect("^C"));
    CHECK(sh->expect_prompt());
    sh->type_line("SELECT 'kept' AS k;");
    CHECK(sh->expect("| kept |"));
    CHECK(sh->expect_prompt());
    CHECK_FALSE(contains(sh->output(), "Error: no such"));
  }
  sh->send("\x04");
  CHECK(sh->wait_exit() == 0);
}

TEST_CASE("aigc shell on a terminal: Ctrl-D exits 0, and history is kept across sessions") {
  ShellFixture f;
  {
    auto sh = f.start();
    INFO(sh->output());
    sh->type_line("SELECT 'remembered' || ' statement' AS h;");
    CHECK(sh->expect("remembered statement"));
    CHECK(sh->expect_prompt());
    sh->send("\x04");
    CHECK(sh->wait_exit() == 0);
  }
  REQUIRE(test::fs::exists(f.history));
  CHECK(contains(test::read_file(f.history), "remembered"));
  {
    auto sh = f.start();
    INFO(sh->output());
    sh->send("\x1b[A");  // the up arrow recalls the last statement
    CHECK(sh->expect("SELECT 'remembered' || ' statement' AS h;"));
    sh->send("\r");
    CHECK(sh->expect("| remembered statement |"));
    CHECK(sh->expect_prompt());
    sh->send("\x04");
    CHECK(sh->wait_exit() == 0);
  }
}
