#pragma once
/// The HTTP transport of `aigc serve`: cpp-httplib (Debian's
/// libcpp-httplib-dev) listening on a host and port, every request handed
/// to Site::handle() on a worker thread. The only file that includes
/// httplib.h; it adds the headers every response carries (a strict
/// content-security policy, nosniff, no referrer; CORS only if asked).
#include <cstddef>
#include <memory>
#include <string>

#include "web/site.h"

namespace aigc::web {

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 8765;  ///< 0: any free port
  bool cors = false;
  std::size_t threads = 0;  ///< HTTP workers; 0: a default that keeps 64 keep-alive clients served
};

/// Decodes a request target ("/queries/x?fx=7.1&c=%E4%BA%BA") into a Request.
Request parse_target(std::string method, std::string target);

class HttpServer {
 public:
  HttpServer(Site& site, ServerOptions options);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  /// Binds the listening socket; returns the port (the one chosen when
  /// options.port is 0). Throws UsageError if the address cannot be bound.
  int bind();
  /// Serves until stop(); returns when every in-flight request has been answered.
  void run();
  /// Stops accepting; run() returns once the requests being served are done. Thread-safe.
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace aigc::web
