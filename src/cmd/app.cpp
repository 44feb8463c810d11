// The whole `aigc` command line as one CLI::App: the global options, the
// checks that run after parsing and before any command, and every
// subcommand. main() parses argv with it; tests build it in-process.
#include <cstdlib>
#include <filesystem>
#include <string_view>

#include "base/display_width.h"
#include "base/environment.h"
#include "base/error.h"
#include "base/suggest.h"
#include "base/version.h"
#include "cmd/commands.h"
#include "sqlite/connection.h"

namespace aigc::cmd {

namespace {

/// Refuses a warehouse path that cannot be one, saying why, before any
/// command runs: `what` says where it came from ("--db PATH", "AIGC_DB=PATH").
void check_warehouse_path(const std::string& path, const std::string& what) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    throw UsageError(what + ": is a directory, not a warehouse file (give a file path, e.g. " +
                     (std::filesystem::path(path) / "warehouse.db").string() + ")");
  // A FIFO would block SQLite's open until some writer came, for ever; a
  // device such as /dev/null opens as an empty database, so every query
  // said "no such table" and writes vanished. Only a regular file can be one.
  const auto st = std::filesystem::status(path, ec);
  if (!ec && std::filesystem::exists(st) && !std::filesystem::is_regular_file(st))
    throw UsageError(what + ": is not a regular file (a device, pipe or socket), so it cannot be a warehouse");
}

}  // namespace

std::unique_ptr<CLI::App> make_app(GlobalOptions& global) {
  auto app = std::make_unique<CLI::App>(
      "aigc: iResearch's 2023 report on AIGC applications in China, as a SQLite warehouse you can query.\n"
      "The warehouse is built from the report's facts on first use; see 'aigc COMMAND --help'.");
  app->require_subcommand(1);
  app->set_version_flag("--version", std::string("aigc ") + kVersion);
  auto* db_option =
      app->add_option("--db", global.db,
                      "Warehouse file (default: $AIGC_DB, else ~/.local/share/aigc/warehouse.db; built on first use)");
  app->add_flag("--ambiguous-wide", global.ambiguous_wide,
                "Count East Asian ambiguous-width characters (· — ① α ...) as two cells, as a CJK terminal shows "
                "them, so tables stay aligned (default: $AIGC_AMBIGUOUS_WIDE, else one cell)")
      ->envname("AIGC_AMBIGUOUS_WIDE");
  // Runs after parsing, before any command's callback. An empty --db is a
  // mistake (an unset shell variable), not a request for the default; an
  // empty AIGC_DB counts as unset, as XDG_DATA_HOME does.
  CLI::App* root = app.get();
  app->parse_complete_callback([root, &global, db_option] {
    // SQLite is configured here, after parsing and before any command runs:
    // only the bulk writers, which run the project's own SQL, go without the
    // heap limit (and its cost on every allocation).
    const bool bulk = root->got_subcommand("build") || root->got_subcommand("load") || root->got_subcommand("import");
    configure_sqlite(bulk ? HeapLimit::none : HeapLimit::bounded);
    set_ambiguous_wide(global.ambiguous_wide);
    if (db_option->count() > 0) {
      if (global.db.empty()) throw UsageError("--db: the warehouse path is empty");
      check_warehouse_path(global.db, "--db " + global.db);
    } else if (const char* env = std::getenv("AIGC_DB"); env != nullptr && *env != '\0') {
      check_warehouse_path(env, std::string("AIGC_DB=") + env);
    } else {
      const std::string path = default_warehouse_path().string();
      check_warehouse_path(path, "the default warehouse " + path);
    }
  });
  setup_build(*app, global);
  setup_load(*app, global);
  setup_import(*app, global);
  setup_queries(*app, global);
  setup_run(*app, global);
  setup_export(*app, global);
  setup_sql(*app, global);
  setup_shell(*app, global);
  setup_check(*app, global);
  setup_report(*app, global);
  setup_publish(*app, global);
  setup_serve(*app, global);
  setup_manual(*app, global);
  return app;
}

void check_command_name(int argc, char** argv, const CLI::App& app) {
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--db") {
      ++i;
      continue;
    }
    if (arg.rfind("--db=", 0) == 0) continue;
    if (arg.empty() || arg[0] == '-') return;  // other options: CLI11 says what is wrong
    std::vector<std::string> names;
    for (const auto* sub : app.get_subcommands({})) {
      if (sub->get_name() == arg) return;
      names.push_back(sub->get_name());
    }
    std::string msg = "unknown command '" + std::string(arg) + "'";
    if (auto hint = did_you_mean(arg, names); !hint.empty()) msg += "; " + hint;
    throw UsageError(msg + " (aigc --help lists the commands)");
  }
}

}  // namespace aigc::cmd
