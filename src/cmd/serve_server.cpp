// The server behind `aigc serve`, linked only into aigc-serve: opens the
// warehouse, listens, and stops cleanly on SIGINT or SIGTERM.
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <thread>

#include "base/error.h"
#include "cmd/commands.h"
#include "query/sql_guard.h"
#include "warehouse/warehouse.h"
#include "web/http_server.h"
#include "web/site.h"

extern char** environ;

namespace aigc::cmd {

namespace {

bool is_loopback(const std::string& host) {
  return host == "127.0.0.1" || host == "localhost" || host == "::1" || host.rfind("127.", 0) == 0;
}

/// Starts the desktop's browser on `url` without waiting for it.
void open_in_browser(const std::string& url) {
  for (const char* opener : {"xdg-open", "sensible-browser", "x-www-browser"}) {
    pid_t pid = 0;
    char* argv[] = {const_cast<char*>(opener), const_cast<char*>(url.c_str()), nullptr};
    if (::posix_spawnp(&pid, opener, nullptr, nullptr, argv, environ) == 0) return;
  }
  std::cerr << "aigc serve: no browser to open (xdg-open not found); open " << url << " yourself\n";
}

}  // namespace

void serve_warehouse(const ServeCommandOptions& options, const GlobalOptions& global) {
  if (options.host.empty() || options.host.find_first_of(" \t\r\n") != std::string::npos)
    throw UsageError("--host takes an address such as 127.0.0.1, ::1 or 0.0.0.0, not '" + options.host + "'");
  const auto timeout = timeout_from_text(options.timeout);
  const auto path = resolve_warehouse_path(global.db);
  { auto db = open_warehouse(path, Access::read_only); }  // built on first use, as for every command
  auto catalog = QueryCatalog::resolve(options.queries);

  // SIGINT and SIGTERM are taken by one thread with sigwait: blocked here,
  // before any other thread starts, so every thread inherits the mask.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  ::pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  ::signal(SIGPIPE, SIG_IGN);

  web::SiteOptions so;
  so.timeout = timeout;
  so.max_rows = options.max_rows;
  so.cors = options.cors;
  web::Site site(path, std::move(catalog), so);
  web::ServerOptions server_options;
  server_options.host = options.host;
  server_options.port = options.port;
  server_options.cors = options.cors;
  server_options.threads = options.threads;
  for (const auto& broken : site.broken_queries())
    std::cerr << "aigc serve: warning: saved query " << broken << " (its page will say so)\n";
  web::HttpServer server(site, server_options);
  const int port = server.bind();

  const std::string shown_host = options.host.find(':') != std::string::npos ? "[" + options.host + "]" : options.host;
  // 0.0.0.0 and :: listen everywhere; this computer reaches them at 127.0.0.1.
  const std::string browse_host = options.host == "0.0.0.0" || options.host == "::" ? "127.0.0.1" : shown_host;
  const std::string url = "http://" + browse_host + ":" + std::to_string(port) + "/";
  if (!is_loopback(options.host))
    std::cerr << "aigc serve: warning: listening on " << options.host
              << ", so other computers that reach this one can read the warehouse (there is no login)\n";
  std::cerr << "aigc serve: " << url << " (" << path.string() << "; Ctrl-C to stop)" << std::endl;

  std::atomic<bool> done{false};
  std::thread signal_waiter([&] {
    const timespec tick{0, 200'000'000};
    while (!done.load()) {
      siginfo_t info;
      if (::sigtimedwait(&stop_signals, &info, &tick) > 0) {
        std::cerr << "aigc serve: stopping (" << (info.si_signo == SIGINT ? "SIGINT" : "SIGTERM")
                  << "); finishing requests in flight" << std::endl;
        server.stop();
        // A request takes at most --timeout to answer; a client still sending
        // its request (one byte at a time) could hold the stop for hours.
        const auto give_up = std::chrono::steady_clock::now() + timeout + std::chrono::seconds(10);
        while (!done.load() && std::chrono::steady_clock::now() < give_up)
          std::this_thread::sleep_for(std::chrono::milliseconds(50));
        if (!done.load()) {
          std::cerr << "aigc serve: stopped; connections still sending a request were closed" << std::endl;
          std::_Exit(0);
        }
        return;
      }
    }
  });
  if (options.open) open_in_browser(url);
  server.run();
  done.store(true);
  signal_waiter.join();
  std::cerr << "aigc serve: stopped" << std::endl;
}

}  // namespace aigc::cmd
