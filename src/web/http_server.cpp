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
                                  : std::max<std::size_t>(128, 16 * std::thread::hardware_concurrency());
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
    const Request req = parse_target(hreq.method, hreq.target);
    impl->fill(req, res, impl->site.handle(req));
    return httplib::Server::HandlerResponse::Handled;
  });
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
    if (port < 0) throw UsageError("cannot listen on " + o.host + ": no free port");
  } else if (!impl_->server.bind_to_port(o.host, port)) {
    throw UsageError("cannot listen on " + o.host + ":" + std::to_string(port) +
                     " (is another server using the port? --port 0 picks a free one)");
  }
  // httplib listens with a backlog of 5: 64 clients connecting at once would
  // see dropped SYNs and one-second retries. listen() again widens it.
  if (const int fd = impl_->listen_fd.load(); fd >= 0) ::listen(fd, 1024);
  return port;
}

void HttpServer::run() { impl_->server.listen_after_bind(); }

void HttpServer::stop() { impl_->server.stop(); }

}  // namespace aigc::web
