// aigc: the command-line shell around the warehouse core. main() maps a
// subcommand to its setup function and is the one place that prints errors
// and chooses the exit code: 0 success, 1 data or SQL error, 2 usage error.
#include <SQLiteCpp/Exception.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <string_view>

#include "cmd/commands.h"
#include "core/database.h"
#include "core/error.h"
#include "core/suggest.h"

namespace {

/// Refuses a warehouse path that cannot be one, saying why, before any
/// command runs: `what` says where it came from ("--db PATH", "AIGC_DB=PATH").
void check_warehouse_path(const std::string& path, const std::string& what) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    throw aigc::UsageError(what + ": is a directory, not a warehouse file (give a file path, e.g. " +
                           (std::filesystem::path(path) / "warehouse.db").string() + ")");
}

/// The first word that is not a global option, when it names no command:
/// CLI11 would only say "A subcommand is required". Throws UsageError.
void check_command_name(int argc, char** argv, CLI::App& app) {
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--db") {
      ++i;
      continue;
    }
    if (arg.rfind("--db=", 0) == 0) continue;
    if (arg.empty() || arg[0] == '-') return;  // other options: CLI11 says what is wrong
    std::vector<std::string> names;
    for (const auto* sub : app.get_subcommands([](CLI::App*) { return true; })) {
      if (sub->get_name() == arg) return;
      names.push_back(sub->get_name());
    }
    std::string msg = "unknown command '" + std::string(arg) + "'";
    if (auto hint = aigc::did_you_mean(arg, names); !hint.empty()) msg += "; " + hint;
    throw aigc::UsageError(msg + " (aigc --help lists the commands)");
  }
}

}  // namespace

int main(int argc, char** argv) {
  aigc::configure_sqlite();
  CLI::App app{
      "aigc: iResearch's 2023 report on AIGC applications in China, as a SQLite warehouse you can query.\n"
      "The warehouse is built from the report's facts on first use; see 'aigc COMMAND --help'."};
  app.require_subcommand(1);
  app.set_version_flag("--version", "aigc " AIGC_VERSION);
  aigc::cmd::GlobalOptions global;
  auto* db_option =
      app.add_option("--db", global.db,
                     "Warehouse file (default: $AIGC_DB, else ~/.local/share/aigc/warehouse.db; built on first use)");
  // Runs after parsing, before any command's callback. An empty --db is a
  // mistake (an unset shell variable), not a request for the default; an
  // empty AIGC_DB counts as unset, as XDG_DATA_HOME does.
  app.parse_complete_callback([&global, db_option] {
    if (db_option->count() > 0) {
      if (global.db.empty()) throw aigc::UsageError("--db: the warehouse path is empty");
      check_warehouse_path(global.db, "--db " + global.db);
    } else if (const char* env = std::getenv("AIGC_DB"); env != nullptr && *env != '\0') {
      check_warehouse_path(env, std::string("AIGC_DB=") + env);
    }
  });
  aigc::cmd::setup_build(app, global);
  aigc::cmd::setup_load(app, global);
  aigc::cmd::setup_import(app, global);
  aigc::cmd::setup_queries(app, global);
  aigc::cmd::setup_run(app, global);
  aigc::cmd::setup_export(app, global);
  aigc::cmd::setup_sql(app, global);
  aigc::cmd::setup_shell(app, global);
  aigc::cmd::setup_check(app, global);
  aigc::cmd::setup_report(app, global);
  aigc::cmd::setup_manual(app, global);

  try {
    check_command_name(argc, argv, app);
    app.parse(argc, argv);
    return 0;
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return 2;
  } catch (const aigc::UsageError& e) {
    std::cerr << "aigc: " << e.what() << "\n";
    return 2;
  } catch (const aigc::LoadError& e) {
    std::cerr << e.what() << "\n";
    std::cerr << "aigc: " << e.issues().size() << (e.stopped_early() ? "+" : "")
              << (e.issues().size() == 1 ? " error" : " errors") << "; nothing was loaded, the warehouse is unchanged\n";
    return 1;
  } catch (const aigc::Error& e) {
    std::cerr << "aigc: " << e.what() << "\n";
    return 1;
  } catch (const SQLite::Exception& e) {
    std::cerr << "aigc: " << e.what() << "\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "aigc: " << e.what() << "\n";
    return 1;
  }
}
