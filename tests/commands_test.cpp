// The command layer in-process: the CLI::App that make_app() builds (every
// subcommand's help has a worked example), a command's run_X called without
// parsing argv, and the version every front end prints.
#include <doctest/doctest.h>

#include <algorithm>
#include <sstream>
#include <string>
#include <vector>

#include "base/error.h"
#include "base/version.h"
#include "cmd/commands.h"
#include "export/export.h"
#include "support.h"
#include "warehouse/warehouse.h"

namespace {

/// The lines of `text` after "Examples:" that run `aigc ... NAME ...`: the
/// worked examples of subcommand NAME in its help.
std::vector<std::string> worked_examples(const std::string& help, const std::string& name) {
  std::vector<std::string> found;
  const auto at = help.find("\nExamples:\n");
  if (at == std::string::npos) return found;
  std::istringstream lines(help.substr(at + 11));
  std::string line;
  while (std::getline(lines, line)) {
    const auto start = line.find_first_not_of(' ');
    if (start == std::string::npos) continue;
    const std::string text = line.substr(start) + " ";
    if (text.rfind("aigc ", 0) == 0 && text.find(" " + name + " ") != std::string::npos) found.push_back(line);
  }
  return found;
}

std::size_t count_lines(const std::string& s) {
  std::size_t n = 0;
  for (char c : s) n += c == '\n';
  return n;
}

}  // namespace

TEST_CASE("commands: every subcommand, hidden ones included, has a worked example in its help") {
  aigc::cmd::GlobalOptions global;
  const auto app = aigc::cmd::make_app(global);
  std::vector<std::string> names;
  // All subcommands, not a list kept by hand: a new one without an example fails here.
  for (const CLI::App* sub : static_cast<const CLI::App&>(*app).get_subcommands({})) {
    const std::string name = sub->get_name();
    CAPTURE(name);
    names.push_back(name);
    const std::string help = sub->help("aigc", CLI::AppFormatMode::Normal);
    CHECK(help.find("\nExamples:\n") != std::string::npos);
    CHECK_FALSE(worked_examples(help, name).empty());
  }
  // The loop saw the commands the hand-written help test in cli_test.cpp
  // missed, and the hidden ones.
  for (const char* expected : {"build", "load", "import", "queries", "run", "export", "sql", "shell", "check", "report",
                               "completion", "manual"}) {
    CAPTURE(expected);
    CHECK(std::find(names.begin(), names.end(), expected) != names.end());
  }
}

TEST_CASE("commands: the example finder rejects a help without an example of its own command") {
  CHECK(worked_examples("Runs it.\n", "run").empty());
  CHECK(worked_examples("Examples:\n  aigc sql x\n", "run").empty());  // no newline before: not the footer
  CHECK(worked_examples("x\nExamples:\n  aigc sql \"SELECT 1\"\n", "run").empty());
  CHECK(worked_examples("x\nExamples:\n  aigc --db w.db run api_prices\n", "run").size() == 1);
}

TEST_CASE("commands: run_queries lists the saved queries into any stream, and describes one") {
  test::TempDir dir;
  aigc::build_warehouse(dir / "w.db", aigc::BuildSources::embedded());
  aigc::cmd::GlobalOptions global;
  global.db = (dir / "w.db").string();

  SUBCASE("the list, as CSV: a header, then one line per shipped query") {
    aigc::cmd::QueriesCommandOptions options;
    options.out.format = "csv";
    std::ostringstream out;
    aigc::cmd::run_queries(options, global, out);
    const std::string text = out.str();
    CHECK(text.rfind("name,title,scope,parameters,section\n", 0) == 0);
    CHECK(text.find("\napi_prices,") != std::string::npos);
    CHECK(count_lines(text) == test::shipped_query_count() + 1);
  }
  SUBCASE("the table format is not cut to a terminal's width when writing to a string") {
    aigc::cmd::QueriesCommandOptions options;
    std::ostringstream out;
    aigc::cmd::run_queries(options, global, out);
    CHECK(out.str().find("…") == std::string::npos);
    CHECK(out.str().find("api_prices_normalised") != std::string::npos);
  }
  SUBCASE("one query: its parameters as its header declares them") {
    aigc::cmd::QueriesCommandOptions options;
    options.name = "api_prices_normalised";
    std::ostringstream out;
    aigc::cmd::run_queries(options, global, out);
    CHECK(out.str().find("fx_usd_cny real > 0 = 7.1") != std::string::npos);
  }
  SUBCASE("an unknown query is a typed error, and nothing is written") {
    aigc::cmd::QueriesCommandOptions options;
    options.name = "no_such_query";
    std::ostringstream out;
    CHECK_THROWS_AS(aigc::cmd::run_queries(options, global, out), aigc::Error);
    CHECK(out.str().empty());
  }
  SUBCASE("an unknown format is a usage error") {
    aigc::cmd::QueriesCommandOptions options;
    options.out.format = "yaml";
    std::ostringstream out;
    CHECK_THROWS_AS(aigc::cmd::run_queries(options, global, out), aigc::UsageError);
  }
}

TEST_CASE("commands: run_check --list writes every check's name and what it verifies") {
  aigc::cmd::GlobalOptions global;
  aigc::cmd::CheckCommandOptions options;
  options.list = true;
  std::ostringstream out;
  aigc::cmd::run_check(options, global, out);  // opens no warehouse
  CHECK(out.str().find("integrity\t") != std::string::npos);
  CHECK(out.str().find("foreign_keys\t") != std::string::npos);
}

TEST_CASE("commands: the version printed is the one CMake generated") {
  const std::string expected = std::string("aigc ") + aigc::kVersion;
  REQUIRE(std::string(aigc::kVersion).find('.') != std::string::npos);
  SUBCASE("aigc --version") {
    auto r = test::run_aigc({"--version"});
    INFO(r.describe());
    CHECK(r.status == 0);
    CHECK(r.out == expected + "\n");
  }
  SUBCASE("what export manifests, workbooks and the HTML report record") {
    CHECK(aigc::aigc_version() == aigc::kVersion);
  }
  SUBCASE("the man page's title line") {
    aigc::cmd::GlobalOptions global;
    const auto app = aigc::cmd::make_app(global);
    std::ostringstream out;
    aigc::cmd::run_manual(*app, out);
    CHECK(out.str().find("\n.TH AIGC 1 \"\" \"" + expected + "\"") != std::string::npos);
  }
}

TEST_CASE("commands: run_completion writes the bash script from the command tree") {
  aigc::cmd::GlobalOptions global;
  const auto app = aigc::cmd::make_app(global);
  aigc::cmd::CompletionCommandOptions options;
  options.shell = "bash";
  std::ostringstream out;
  aigc::cmd::run_completion(options, *app, out);
  CHECK(out.str().find("complete -F _aigc aigc\n") != std::string::npos);
  CHECK(out.str().find("    check) opts='") != std::string::npos);
  options.shell = "fish";
  CHECK_THROWS_AS(aigc::cmd::run_completion(options, *app, out), aigc::UsageError);
}
