// aigc: the command-line shell around the warehouse core. main() maps a
// subcommand to its setup function and is the one place that prints errors
// and chooses the exit code: 0 success, 1 data or SQL error, 2 usage error.
#include <SQLiteCpp/Exception.h>

#include <iostream>

#include "cmd/commands.h"
#include "core/database.h"
#include "core/error.h"

int main(int argc, char** argv) {
  CLI::App app{
      "aigc: iResearch's 2023 report on AIGC applications in China, as a SQLite warehouse you can query.\n"
      "The warehouse is built from the report's facts on first use; see 'aigc COMMAND --help'."};
  app.require_subcommand(1);
  app.set_version_flag("--version", "aigc 0.1.0");
  aigc::cmd::GlobalOptions global;
  app.add_option("--db", global.db,
                 "Warehouse file (default: $AIGC_DB, else ~/.local/share/aigc/warehouse.db; built on first use)");
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
  // Runs after parsing and before the subcommand's callback, while SQLite is
  // still unconfigured: only the bulk writers, which run the project's own
  // SQL, go without the heap limit (and its cost on every allocation).
  app.parse_complete_callback([&app] {
    const bool bulk = app.got_subcommand("build") || app.got_subcommand("load") || app.got_subcommand("import");
    aigc::configure_sqlite(bulk ? aigc::HeapLimit::none : aigc::HeapLimit::bounded);
  });

  try {
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
