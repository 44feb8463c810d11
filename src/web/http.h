#pragma once
/// What the web front end's handlers see of HTTP: a decoded request and the
/// response they build. The handlers never touch the HTTP library (only
/// http_server.cpp does), so they run in-process in tests, and the core
/// below them knows nothing of HTTP at all.
#include <functional>
#include <iosfwd>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace aigc::web {

struct Request {
  std::string method = "GET";  ///< GET or HEAD (others are refused before a handler runs)
  std::string path;            ///< percent-decoded, without the query string
  std::string target;          ///< as sent: path and query string, the cache key
  /// The query string's NAME=VALUE pairs, percent-decoded, in order.
  std::vector<std::pair<std::string, std::string>> params;

  /// The first value of `name`, or nullptr.
  const std::string* param(std::string_view name) const {
    for (const auto& [k, v] : params)
      if (k == name) return &v;
    return nullptr;
  }
};

struct Response {
  int status = 200;
  std::string content_type = "text/html; charset=utf-8";
  std::string body;
  /// Extra headers (Content-Disposition, ...); the security headers are added for every response.
  std::vector<std::pair<std::string, std::string>> headers;
  /// Whether the same request gives the same response until the data changes.
  bool cacheable = false;
  /// Set for a body too large to hold (a table's rows as a file): writes the
  /// body as it is produced, sent chunked; `body` is then empty. Runs after
  /// the status is sent, so it may only fail by throwing, which cuts the
  /// transfer short (the client sees an incomplete response, never a
  /// complete-looking wrong one).
  std::function<void(std::ostream&)> stream;
};

/// A request that cannot be answered as asked: `status` is the HTTP status
/// (400, 404, 405, 413, 503, 504), `param` the query parameter at fault, if one is.
class HttpError : public std::runtime_error {
 public:
  HttpError(int status, const std::string& message, std::string param = {})
      : std::runtime_error(message), status_(status), param_(std::move(param)) {}
  int status() const noexcept { return status_; }
  const std::string& param() const noexcept { return param_; }

 private:
  int status_;
  std::string param_;
};

/// "Not Found", "Bad Request", ... for a status code.
std::string_view status_text(int status) noexcept;

}  // namespace aigc::web
