// aigc serve: the warehouse in a browser. The command line is declared here
// like every other command's; the server itself lives in the aigc-serve
// binary (serve_server.cpp and src/web/), which this command executes, so
// that no other command pays for loading an HTTP library at start-up.
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <memory>

#include "base/error.h"
#include "cmd/commands.h"
#include "cmd/query_options.h"

namespace aigc::cmd {

namespace {

namespace fs = std::filesystem;

/// aigc-serve beside this binary (the build tree), or where the package
/// installs it (../lib/aigc/ relative to bin/).
fs::path find_serve_binary() {
  std::error_code ec;
  const fs::path self = fs::read_symlink("/proc/self/exe", ec);
  if (ec) throw DataError("aigc serve: cannot find this program's own path (/proc/self/exe): " + ec.message());
  const fs::path dir = self.parent_path();
  for (const fs::path& candidate : {dir / "aigc-serve", dir / ".." / "lib" / "aigc" / "aigc-serve",
                                    dir / ".." / "libexec" / "aigc" / "aigc-serve"}) {
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  throw DataError("aigc serve needs the program aigc-serve, installed with aigc; it is not at " +
                  (dir / "aigc-serve").string() + " nor in " +
                  (dir / ".." / "lib" / "aigc").lexically_normal().string());
}

}  // namespace

void setup_serve(CLI::App& app, GlobalOptions& global) {
  auto opts = std::make_shared<ServeCommandOptions>();
  auto* sub = app.add_subcommand("serve", "Serve the warehouse as a read-only website (and JSON API) on this computer");
  sub->add_option("--host", opts->host,
                  "Address to listen on (default 127.0.0.1: only this computer; any other address warns)")
      ->capture_default_str();
  sub->add_option("--port", opts->port, "Port to listen on (0: any free port, printed at start)")
      ->capture_default_str()
      ->check(CLI::Range(0, 65535));
  sub->add_flag("--open", opts->open, "Open the home page in the default browser once listening");
  sub->add_flag("--cors", opts->cors, "Let pages of other sites read /api/ (Access-Control-Allow-Origin: *)");
  sub->add_option("--timeout", opts->timeout, "Stop a request's query after SECONDS (such as 5 or 0.5)")
      ->capture_default_str();
  sub->add_option("--max-rows", opts->max_rows, "Rows the SQL page and /api/sql show at most")
      ->capture_default_str()
      ->check(CLI::Range(std::size_t{1}, std::size_t{1'000'000}));
  sub->add_option("--threads", opts->threads,
                  "HTTP worker threads, one per open connection (default: 64, or 8 per core where more)")
      ->check(CLI::Range(std::size_t{1}, std::size_t{1024}));
  add_queries_option(sub, opts->queries);
  sub->footer(R"(Pages: / (the report's pages and their saved queries, the tables),
/queries/NAME (parameters, result, chart, downloads), /text/LINE (the report's
text, for provenance), /tables/NAME (browse and filter), /sql (read-only SQL).
JSON: /api/queries, /api/queries/NAME?PARAM=VALUE, /api/tables/NAME, /api/sql?q=.
Read-only: every connection goes through the same guard as 'aigc sql', and
each request's query stops after --timeout. Results are cached until the
warehouse changes ('aigc load' or 'aigc build' in another terminal shows on
the next request). Ctrl-C (or SIGTERM) finishes the requests in flight, then
exits 0.

Examples:
  aigc serve                          # http://127.0.0.1:8765/
  aigc serve --port 0 --open          # any free port, opened in the browser
  aigc --db team.db serve --timeout 10
  curl 'http://127.0.0.1:8765/api/queries/api_prices_normalised?fx_usd_cny=7.2'
)");
  sub->callback([opts, &global] { run_serve(*opts, global); });
}

void run_serve(const ServeCommandOptions& options, const GlobalOptions& global) {
  if (global.serve) {
    global.serve(options, global);
    return;
  }
  const fs::path binary = find_serve_binary();
  std::vector<char*> argv;
  for (const auto& a : global.argv) argv.push_back(const_cast<char*>(a.c_str()));
  if (argv.empty()) throw DataError("aigc serve: the command line was not recorded");
  argv.push_back(nullptr);
  std::cout.flush();
  ::execv(binary.c_str(), argv.data());
  throw DataError("aigc serve: cannot run " + binary.string() + ": " + std::strerror(errno));
}

}  // namespace aigc::cmd
