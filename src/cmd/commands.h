#pragma once
/// The command layer: one file per subcommand, each with a setup_X that
/// declares its options on CLI11 and a callback that calls the core. This is
/// the only code that includes CLI11 or prints.
#include <CLI/CLI.hpp>
#include <string>

namespace aigc::cmd {

/// Options that every subcommand shares.
struct GlobalOptions {
  std::string db;  ///< --db; empty: $AIGC_DB, then the default path
  /// --ambiguous-wide / AIGC_AMBIGUOUS_WIDE: East Asian ambiguous characters take two cells.
  bool ambiguous_wide = false;
};

void setup_build(CLI::App& app, GlobalOptions& global);
void setup_load(CLI::App& app, GlobalOptions& global);
void setup_import(CLI::App& app, GlobalOptions& global);
void setup_queries(CLI::App& app, GlobalOptions& global);
void setup_run(CLI::App& app, GlobalOptions& global);
void setup_export(CLI::App& app, GlobalOptions& global);
void setup_sql(CLI::App& app, GlobalOptions& global);
void setup_shell(CLI::App& app, GlobalOptions& global);
void setup_check(CLI::App& app, GlobalOptions& global);
void setup_report(CLI::App& app, GlobalOptions& global);
/// `completion bash` and the hidden `manual`, generated from the commands above:
/// call it last.
void setup_manual(CLI::App& app, GlobalOptions& global);

}  // namespace aigc::cmd
