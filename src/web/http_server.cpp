#include "web/http_server.h"

#include <httplib.h>
#include <sys/socket.h>

#include <algorithm>
#include <atomic>
#include <memory>
#include <ostream>
#include <streambuf>
#include <thread>

#include "base/error.h"
#include "web/http.h"

namespace aigc::web {

namespace {

constexpr std::size_t kMaxBodyBytes = 64 * 1024;  ///< a GET has no body; anything larger is refused (413)
constexpr std::size_t kMaxHeaders = 100;          ///< browsers send about 20
constexpr std::size_t kMaxHeaderBytes = 64 * 1024;

constexpr const char* kPolicy =
    "default-src 'none'; style-src 'self'; img-src 'self' data:; script-src 'self'; connect-src 'self'; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/// %XX decoded (a malformed escape is kept as written); '+' is a space in a query string.
std::string decode(std::string_view s, bool plus_is_space) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '%' && i + 2 < s.size()) {
      const int hi = hex_value(s[i + 1]), lo = hex_value(s[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out += static_cast<char>(hi * 16 + lo);
        i += 2;
        continue;
      }
    }
    out += (plus_is_space && c == '+') ? ' ' : c;
  }
  return out;
}

/// A buffered stream onto an httplib DataSink; a failed write (the client
/// went away) throws, which stops the producer.
class SinkBuffer : public std::streambuf {
 public:
  explicit SinkBuffer(httplib::DataSink& sink) : sink_(sink) { setp(buffer_, buffer_ + sizeof buffer_); }
  ~SinkBuffer() override = default;

 protected:
  int_type overflow(int_type c) override {
    if (!flush_buffer()) return traits_type::eof();
    if (!traits_type::eq_int_type(c, traits_type::eof())) {
      *pptr() = traits_type::to_char_type(c);
      pbump(1);
    }
    return traits_type::not_eof(c);
  }
  int sync() override { return flush_buffer() ? 0 : -1; }

 private:
  bool flush_buffer() {
    const std::size_t n = static_cast<std::size_t>(pptr() - pbase());
    if (n && !sink_.write(pbase(), n)) return false;
    setp(buffer_, buffer_ + sizeof buffer_);
    return true;
  }
  httplib::DataSink& sink_;
  char buffer_[64 * 1024];
};

}  // namespace

Request parse_target(std::string method, std::string target) {
  Request r;
  r.method = std::move(method);
  // The absolute form (GET http://host:port/path HTTP/1.1) names the same resource (RFC 9112 3.2.2).
  for (std::string_view scheme : {"http://", "https://"}) {
    if (target.size() > scheme.size() && target.compare(0, scheme.size(), scheme) == 0) {
      const auto slash = target.find('/', scheme.size());
      target = slash == std::string::npos ? "/" : target.substr(slash);
      break;
    }
  }
  const auto q = target.find('?');
  r.path = decode(std::string_view(target).substr(0, q), false);
  if (q != std::string::npos) {
    std::string_view rest = std::string_view(target).substr(q + 1);
    const auto hash = rest.find('#');
    if (hash != std::string_view::npos) rest = rest.substr(0, hash);
    while (!rest.empty()) {
      const auto amp = rest.find('&');
      const std::string_view pair = rest.substr(0, amp);
      if (!pair.empty()) {
        const auto eq = pair.find('=');
        r.params.emplace_back(decode(pair.substr(0, eq), true),
                              eq == std::string_view::npos ? std::string() : decode(pair.substr(eq + 1), true));
      }
      if (amp == std::string_view::npos) break;
      rest.remove_prefix(amp + 1);
    }
  }
  r.target = std::move(target);
  return r;
}

struct HttpServer::Impl {
  Site& site;
  ServerOptions options;
  httplib::Server server;
  std::atomic<int> listen_fd{-1};

  Impl(Site& s, ServerOptions o) : site(s), options(std::move(o)) {}

  void fill(const Request& req, httplib::Response& res, Response r) const {
    res.status = r.status;
    for (auto& [k, v] : r.headers) res.set_header(k, v);
    if (options.cors && req.path.rfind("/api/", 0) == 0) res.set_header("Access-Control-Allow-Origin", "*");
    if (r.status == 405) res.set_header("Allow", "GET, HEAD");
    if (r.stream) {
      auto produce = std::make_shared<std::function<void(std::ostream&)>>(std::move(r.stream));
      res.set_chunked_content_provider(r.content_type, [produce](std::size_t, httplib::DataSink& sink) {
        try {
          auto buffer = std::make_unique<SinkBuffer>(sink);
          std::ostream out(buffer.get());
          out.exceptions(std::ios::badbit);
          (*produce)(out);
          out.flush();
        } catch (...) {
          return false;  // httplib closes the connection: the transfer ends incomplete
        }
        sink.done();
        return true;
      });
      return;
    }
    res.set_content(std::move(r.body), r.content_type.c_str());
  }
};

HttpServer::HttpServer(Site& site, ServerOptions options) : impl_(std::make_unique<Impl>(site, std::move(options))) {
  auto& svr = impl_->server;
  Impl* impl = impl_.get();
  const std::size_t workers = impl->options.threads
                                  ? impl->options.threads
                                  : std::max<std::size_t>(64, 8 * std::thread::hardware_concurrency());
  svr.new_task_queue = [workers] { return new httplib::ThreadPool(workers); };
  svr.set_default_headers({{"Content-Security-Policy", kPolicy},
                           {"X-Content-Type-Options", "nosniff"},
                           {"Referrer-Policy", "no-referrer"},
                           {"X-Frame-Options", "DENY"}});
  svr.set_payload_max_length(kMaxBodyBytes);
  svr.set_keep_alive_max_count(1000);
  svr.set_keep_alive_timeout(2);
  svr.set_read_timeout(5, 0);
  svr.set_write_timeout(10, 0);
  svr.set_tcp_nodelay(true);
  // Remember the listening socket, to widen its backlog after bind (below).
  svr.set_socket_options([impl](socket_t fd) {
    int yes = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    impl->listen_fd.store(fd);
  });
  svr.set_pre_routing_handler([impl](const httplib::Request& hreq, httplib::Response& res) {
    // Other methods go on to httplib's routing, which reads (and limits) their
    // body before the 405 handlers below answer: an unread body would be
    // parsed as the next request on the connection.
    if (hreq.method != "GET" && hreq.method != "HEAD") return httplib::Server::HandlerResponse::Unhandled;
    // cpp-httplib 0.11 answers a Range header by building a multipart body
    // in memory, one full copy per range, however many (a memory exhaustion
    // from one request, and other bytes than `aigc export` writes): ranges
    // are not offered, and asked ones ignored. The request object is httplib's
    // own, writable, passed here as const.
    const_cast<httplib::Request&>(hreq).ranges.clear();
    res.set_header("Accept-Ranges", "none");
    Request req = parse_target(hreq.method, hreq.target);
    const bool json = req.path.rfind("/api/", 0) == 0;
    // httplib limits each header line, not how many there are.
    std::size_t header_bytes = 0;
    for (const auto& [k, v] : hreq.headers) header_bytes += k.size() + v.size() + 4;
    if (hreq.headers.size() > kMaxHeaders || header_bytes > kMaxHeaderBytes) {
      res.set_header("Connection", "close");
      res.status = 431;
      impl->fill(req, res,
                 error_response(431,
                                "too many request headers: at most " + std::to_string(kMaxHeaders) + " and " +
                                    std::to_string(kMaxHeaderBytes / 1024) + " KiB",
                                "", json));
      return httplib::Server::HandlerResponse::Handled;
    }
    const std::string length = hreq.get_header_value("Content-Length");
    if (hreq.has_header("Transfer-Encoding") || (!length.empty() && length != "0")) {
      // httplib does not read a GET's body: answer, and ask the client to close.
      const bool numeric = !length.empty() && length.size() <= 9 &&
                           std::all_of(length.begin(), length.end(), [](char c) { return c >= '0' && c <= '9'; });
      const bool too_large = hreq.has_header("Transfer-Encoding") || !numeric || std::stoul(length) > kMaxBodyBytes;
      res.set_header("Connection", "close");
      impl->fill(req, res,
                 too_large ? error_response(413, "the request is too large: a GET carries no body", "", json)
                           : error_response(400, "a GET or HEAD request carries no body", "", json));
      return httplib::Server::HandlerResponse::Handled;
    }
    impl->fill(req, res, impl->site.handle(req));
    return httplib::Server::HandlerResponse::Handled;
  });
  auto refuse_method = [impl](const httplib::Request& hreq, httplib::Response& res) {
    Request req = parse_target(hreq.method, hreq.target);
    impl->fill(req, res, impl->site.handle(req));  // 405, JSON under /api/
  };
  svr.Post(".*", refuse_method);
  svr.Put(".*", refuse_method);
  svr.Patch(".*", refuse_method);
  svr.Delete(".*", refuse_method);
  svr.Options(".*", refuse_method);
  // What httplib answers itself (a malformed request, a target or body too
  // large): the same JSON or page as any other error.
  svr.set_error_handler(httplib::Server::HandlerWithResponse([](const httplib::Request& hreq, httplib::Response& res) {
    if (!res.body.empty()) return httplib::Server::HandlerResponse::Handled;  // Site::handle's own error
    const bool json = hreq.target.rfind("/api/", 0) == 0;
    std::string message = std::string(status_text(res.status));
    if (res.status == 413) message = "the request is too large: at most " + std::to_string(kMaxBodyBytes) + " bytes";
    if (res.status == 414) message = "the request's address is too long";
    Response r = error_response(res.status, message, "", json);
    res.set_content(std::move(r.body), r.content_type.c_str());
    return httplib::Server::HandlerResponse::Handled;
  }));
  svr.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
    Response r = error_response(500, "internal error", "", false);
    res.status = 500;
    res.set_content(std::move(r.body), r.content_type.c_str());
  });
}

HttpServer::~HttpServer() = default;

int HttpServer::bind() {
  auto& o = impl_->options;
  int port = o.port;
  if (port == 0) {
    port = impl_->server.bind_to_any_port(o.host);
    if (port < 0)
      throw UsageError("cannot listen on " + o.host + ": not an address of this computer (or no free port)");
  } else if (!impl_->server.bind_to_port(o.host, port)) {
    throw UsageError("cannot listen on " + o.host + ":" + std::to_string(port) +
                     ": the port is taken (another server? --port 0 picks a free one) or " + o.host +
                     " is not an address of this computer");
  }
  // httplib listens with a backlog of 5: 64 clients connecting at once would
  // see dropped SYNs and one-second retries. listen() again widens it.
  if (const int fd = impl_->listen_fd.load(); fd >= 0) ::listen(fd, 1024);
  return port;
}

void HttpServer::run() { impl_->server.listen_after_bind(); }

void HttpServer::stop() { impl_->server.stop(); }

}  // namespace aigc::web
