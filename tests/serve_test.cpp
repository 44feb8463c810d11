// `aigc serve` over real sockets: the real binary started on a free port,
// spoken to by a small raw HTTP client written here, so the tests can send
// what a library client refuses to (malformed request lines, traversal
// targets, oversized headers and bodies) and see exactly what comes back.
// Each test starts its own server and a ServeProcess stops it however the
// test ends, so no test leaks a process.
#include <doctest/doctest.h>

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <optional>
#include <regex>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "json_parse.h"
#include "support.h"
#include "warehouse/warehouse.h"

extern char** environ;

namespace {

using namespace std::chrono_literals;
using namespace std::string_literals;
using Clock = std::chrono::steady_clock;
using test::Json;
using test::JsonParser;

bool contains(std::string_view s, std::string_view part) { return s.find(part) != std::string_view::npos; }

std::string lower(std::string s) {
  for (char& c : s)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return s;
}

/// Percent-encodes everything but RFC 3986's unreserved characters.
std::string pct(std::string_view s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

// ------------------------------------------------------------ HTTP client

/// One response as it came off the wire. status 0: none came (the server
/// closed or reset the connection first, or the time ran out).
struct HttpResponse {
  int status = 0;
  std::string reason;
  std::vector<std::pair<std::string, std::string>> headers;  ///< names lower-cased
  std::string body;
  bool complete = false;  ///< the body is whole by its framing (Content-Length, chunked, or EOF)
  std::string note;       ///< what the socket did, for failure messages
  std::chrono::milliseconds took{0};

  std::optional<std::string> header(std::string_view name) const {
    for (const auto& [k, v] : headers)
      if (k == lower(std::string(name))) return v;
    return std::nullopt;
  }
  bool has_header_prefix(std::string_view prefix) const {
    for (const auto& [k, v] : headers)
      if (k.rfind(lower(std::string(prefix)), 0) == 0) return true;
    return false;
  }
  std::string content_type() const { return header("content-type").value_or(""); }
  Json json() const { return JsonParser::parse(body); }
  std::string describe() const {
    std::string s = "HTTP status " + std::to_string(status) + " " + reason + " (" + note + ", " +
                    std::to_string(took.count()) + " ms, " + (complete ? "complete" : "INCOMPLETE") + ")\n";
    for (const auto& [k, v] : headers) s += k + ": " + v + "\n";
    s += "\n" + body.substr(0, 2000);
    if (body.size() > 2000) s += "\n... (" + std::to_string(body.size()) + " bytes)";
    return s;
  }
};

/// Parses one response from the front of `in`. Returns the bytes it used,
/// or 0 when `in` does not yet hold a whole one (at `eof`, what there is).
std::size_t parse_response(const std::string& in, bool eof, bool head_request, HttpResponse& r) {
  const auto end = in.find("\r\n\r\n");
  if (end == std::string::npos) return 0;
  std::string_view block(in.data(), end);
  const auto line_end = block.find("\r\n");
  std::string_view status_line = block.substr(0, line_end);
  // "HTTP/1.1 200 OK"
  if (status_line.rfind("HTTP/", 0) != 0 || status_line.size() < 12) {
    r.note = "not an HTTP status line: " + std::string(status_line.substr(0, 80));
    return in.size();
  }
  r = HttpResponse{};
  r.status = std::atoi(std::string(status_line.substr(9, 3)).c_str());
  r.reason = std::string(status_line.size() > 13 ? status_line.substr(13) : "");
  std::size_t pos = line_end == std::string_view::npos ? block.size() : line_end + 2;
  while (pos < block.size()) {
    auto next = block.find("\r\n", pos);
    if (next == std::string_view::npos) next = block.size();
    std::string_view line = block.substr(pos, next - pos);
    const auto colon = line.find(':');
    if (colon != std::string_view::npos) {
      std::string value(line.substr(colon + 1));
      while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.erase(0, 1);
      while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.pop_back();
      r.headers.emplace_back(lower(std::string(line.substr(0, colon))), value);
    }
    pos = next + 2;
  }
  const std::size_t body_at = end + 4;
  if (head_request || r.status == 204 || r.status == 304 || (r.status >= 100 && r.status < 200)) {
    r.complete = true;
    return body_at;
  }
  if (lower(r.header("transfer-encoding").value_or("")) == "chunked") {
    std::size_t at = body_at;
    std::string body;
    for (;;) {
      const auto le = in.find("\r\n", at);
      if (le == std::string::npos) return eof ? (r.body = body, in.size()) : 0;
      const std::size_t size = std::strtoull(in.substr(at, le - at).c_str(), nullptr, 16);
      if (size == 0) {
        const auto trailer_end = in.find("\r\n", le + 2);
        if (trailer_end == std::string::npos) return eof ? (r.body = body, in.size()) : 0;
        r.body = body;
        r.complete = true;
        return trailer_end + 2;
      }
      if (in.size() < le + 2 + size + 2) return eof ? (r.body = body, in.size()) : 0;
      body.append(in, le + 2, size);
      at = le + 2 + size + 2;
    }
  }
  if (auto cl = r.header("content-length")) {
    const std::size_t length = std::strtoull(cl->c_str(), nullptr, 10);
    if (in.size() - body_at < length) {
      if (!eof) return 0;
      r.body = in.substr(body_at);
      return in.size();
    }
    r.body = in.substr(body_at, length);
    r.complete = true;
    return body_at + length;
  }
  if (!eof) return 0;
  r.body = in.substr(body_at);
  r.complete = true;
  return in.size();
}

/// A TCP connection to 127.0.0.1:port, closed on destruction.
class Connection {
 public:
  explicit Connection(int port, std::chrono::milliseconds timeout = 15s) : timeout_(timeout) {
    fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0) throw std::runtime_error("socket failed");
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      connect_errno_ = errno;
      ::close(fd_);
      fd_ = -1;
      return;
    }
    fcntl(fd_, F_SETFL, fcntl(fd_, F_GETFL) | O_NONBLOCK);
  }
  ~Connection() {
    if (fd_ >= 0) ::close(fd_);
  }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  bool connected() const { return fd_ >= 0; }
  int connect_errno() const { return connect_errno_; }

  /// Sends `bytes`, reading whatever arrives meanwhile (a server may answer
  /// an oversized request before it has all of it, and then stop reading),
  /// then reads one whole response.
  HttpResponse exchange(std::string_view bytes, bool head_request = false) {
    HttpResponse r;
    const auto started = Clock::now();
    if (fd_ < 0) {
      r.note = std::string("connect failed: ") + std::strerror(connect_errno_);
      return r;
    }
    std::size_t sent = 0;
    bool sending = !bytes.empty();
    const auto deadline = started + timeout_;
    char buf[65536];
    for (;;) {
      if (!in_.empty()) {
        HttpResponse parsed;
        const std::size_t used = parse_response(in_, eof_, head_request, parsed);
        if (used > 0 && parsed.status >= 100 && parsed.status < 200 && parsed.status != 101) {
          in_.erase(0, used);  // 100 Continue: the real answer follows
          continue;
        }
        if (used > 0) {
          in_.erase(0, used);
          parsed.took = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started);
          if (parsed.note.empty()) parsed.note = sending ? "answered before the request was all sent" : "ok";
          return parsed;
        }
      }
      if (eof_) {
        r.note = in_.empty() ? "connection closed with no response" : "connection closed mid-response";
        break;
      }
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
      if (left.count() <= 0) {
        r.note = "timed out after " + std::to_string(timeout_.count()) + " ms";
        break;
      }
      pollfd p{fd_, static_cast<short>(POLLIN | (sending ? POLLOUT : 0)), 0};
      if (poll(&p, 1, static_cast<int>(left.count())) < 0 && errno != EINTR) break;
      if (p.revents & (POLLIN | POLLHUP | POLLERR)) {
        const ssize_t got = ::recv(fd_, buf, sizeof buf, 0);
        if (got > 0) {
          in_.append(buf, static_cast<std::size_t>(got));
        } else if (got == 0 || (errno != EAGAIN && errno != EINTR)) {
          if (got < 0) reset_ = true;
          eof_ = true;
          sending = false;
        }
      }
      if (sending && (p.revents & POLLOUT)) {
        const ssize_t w = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
        if (w > 0) sent += static_cast<std::size_t>(w);
        if (w < 0 && errno != EAGAIN && errno != EINTR) sending = false;  // the server stopped reading
        if (sent == bytes.size()) sending = false;
      }
    }
    r.took = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started);
    if (reset_) r.note += " (reset)";
    return r;
  }

 private:
  int fd_ = -1;
  int connect_errno_ = 0;
  std::chrono::milliseconds timeout_;
  std::string in_;
  bool eof_ = false;
  bool reset_ = false;
};

std::string get_request(const std::string& target, const std::string& method = "GET",
                        const std::string& extra_headers = "") {
  return method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n" + extra_headers + "\r\n";
}

// ------------------------------------------------------------ the server

/// A warehouse built from the embedded seeds, in its own directory.
struct Warehouse {
  test::TempDir dir;
  test::fs::path db = dir / "w.db";
  Warehouse() { aigc::build_warehouse(db, aigc::BuildSources::embedded()); }
  long long count(const std::string& sql) const {
    SQLite::Database d(db.string(), SQLite::OPEN_READONLY);
    return d.execAndGet(sql).getInt64();
  }
};

/// `aigc --db DB serve --port 0 ARGS...` running in the background; killed
/// and reaped on destruction if it is still running. Its stderr goes to a
/// file (a pipe nobody drains could block a server that logs).
class ServeProcess {
 public:
  ServeProcess(const test::fs::path& db, const std::vector<std::string>& args,
               const std::vector<std::string>& env = {}) {
    std::vector<std::string> argv_s = {AIGC_BINARY, "--db", db.string(), "serve"};
    bool has_port = false;
    for (const auto& a : args) has_port = has_port || a == "--port";
    if (!has_port) argv_s.insert(argv_s.end(), {"--port", "0"});
    argv_s.insert(argv_s.end(), args.begin(), args.end());
    std::vector<std::string> envs;
    for (char** e = environ; *e; ++e) {
      std::string s = *e;
      if (s.rfind("AIGC_DB=", 0) == 0 || s.rfind("HOME=", 0) == 0) continue;
      bool replaced = false;
      for (const auto& mine : env)
        replaced = replaced || s.substr(0, s.find('=') + 1) == mine.substr(0, mine.find('=') + 1);
      if (!replaced) envs.push_back(s);
    }
    envs.push_back("HOME=" + home_.path().string());
    for (const auto& e : env) envs.push_back(e);

    std::vector<char*> argv, envp;
    for (auto& a : argv_s) argv.push_back(a.data());
    argv.push_back(nullptr);
    for (auto& e : envs) envp.push_back(e.data());
    envp.push_back(nullptr);
    const std::string err_path = err_file_.string();
    const pid_t parent = getpid();
    pid_ = fork();
    if (pid_ < 0) throw std::runtime_error("fork failed");
    if (pid_ == 0) {
      // The server dies with the test process, whatever kills that.
      prctl(PR_SET_PDEATHSIG, SIGKILL);
      if (getppid() != parent) _exit(127);
      const int null_fd = open("/dev/null", O_RDWR);
      const int err_fd = open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      if (null_fd < 0 || err_fd < 0) _exit(127);
      dup2(null_fd, 0);
      dup2(null_fd, 1);
      dup2(err_fd, 2);
      for (int sig : {SIGPIPE, SIGINT, SIGTERM}) ::signal(sig, SIG_DFL);
      sigset_t none;
      sigemptyset(&none);
      sigprocmask(SIG_SETMASK, &none, nullptr);
      execve(argv[0], argv.data(), envp.data());
      _exit(127);
    }
    try {
      wait_until_listening();
    } catch (...) {
      kill(pid_, SIGKILL);
      (void)wait_exit(5s);
      throw;
    }
  }
  ~ServeProcess() {
    if (pid_ > 0 && !exit_status_) {
      kill(pid_, SIGKILL);
      int status = 0;
      waitpid(pid_, &status, 0);
    }
  }
  ServeProcess(const ServeProcess&) = delete;
  ServeProcess& operator=(const ServeProcess&) = delete;

  int port() const { return port_; }
  pid_t pid() const { return pid_; }
  const std::string& url_line() const { return url_line_; }
  std::string err() const { return test::fs::exists(err_file_) ? test::read_file(err_file_) : ""; }

  /// Sends `raw` on a fresh connection and reads one response.
  HttpResponse request(std::string_view raw, bool head_request = false, std::chrono::milliseconds timeout = 15s) const {
    Connection c(port_, timeout);
    return c.exchange(raw, head_request);
  }
  HttpResponse get(const std::string& target, std::chrono::milliseconds timeout = 15s) const {
    return request(get_request(target), false, timeout);
  }
  HttpResponse head(const std::string& target) const { return request(get_request(target, "HEAD"), true); }

  void signal(int sig) const { kill(pid_, sig); }

  /// The exit code (128+signal if killed), or none if still running after `limit`.
  std::optional<int> wait_exit(std::chrono::milliseconds limit) {
    if (exit_status_) return exit_status_;
    const auto deadline = Clock::now() + limit;
    for (;;) {
      int status = 0;
      const pid_t got = waitpid(pid_, &status, WNOHANG);
      if (got == pid_) {
        exit_status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        return exit_status_;
      }
      if (Clock::now() >= deadline) return std::nullopt;
      std::this_thread::sleep_for(10ms);
    }
  }

 private:
  void wait_until_listening() {
    static const std::regex url(R"(aigc serve: http://(\[[^\]]*\]|[^/:\s]+):([0-9]+)/)");
    const auto deadline = Clock::now() + 20s;
    for (;;) {
      const std::string text = err();
      std::smatch m;
      if (std::regex_search(text, m, url)) {
        port_ = std::stoi(m[2]);
        url_line_ = m[0];
        return;
      }
      if (auto status = wait_exit(0ms))
        throw std::runtime_error("aigc serve exited with status " + std::to_string(*status) +
                                 " before listening; stderr:\n" + text);
      if (Clock::now() > deadline) throw std::runtime_error("aigc serve printed no URL within 20 s; stderr:\n" + text);
      std::this_thread::sleep_for(20ms);
    }
  }

  test::TempDir home_;
  test::fs::path err_file_ = home_ / "serve.err";
  pid_t pid_ = -1;
  int port_ = 0;
  std::string url_line_;
  std::optional<int> exit_status_;
};

/// The content-security policy's directives, by name.
std::map<std::string, std::string> policy_directives(const std::string& policy) {
  std::map<std::string, std::string> out;
  std::size_t at = 0;
  while (at < policy.size()) {
    auto end = policy.find(';', at);
    if (end == std::string::npos) end = policy.size();
    std::string d = policy.substr(at, end - at);
    while (!d.empty() && d.front() == ' ') d.erase(0, 1);
    while (!d.empty() && d.back() == ' ') d.pop_back();
    const auto space = d.find(' ');
    if (!d.empty()) out[d.substr(0, space)] = space == std::string::npos ? "" : d.substr(space + 1);
    at = end + 1;
  }
  return out;
}

/// The headers every response carries, errors included; no CORS unless
/// asked. The policy is checked by what it allows (the contract's
/// directives, nothing inline, nothing from elsewhere), not letter by letter.
void check_security_headers(const HttpResponse& r, bool cors_expected = false) {
  INFO(r.describe());
  const std::string policy = r.header("content-security-policy").value_or("");
  CHECK_FALSE(policy.empty());
  auto d = policy_directives(policy);
  CHECK(d["default-src"] == "'none'");
  CHECK(d["style-src"] == "'self'");
  CHECK(d["img-src"] == "'self' data:");
  CHECK(d["script-src"] == "'self'");
  CHECK(d["form-action"] == "'self'");
  CHECK(d["base-uri"] == "'none'");
  CHECK(d["frame-ancestors"] == "'none'");
  CHECK_FALSE(contains(policy, "unsafe"));
  CHECK_FALSE(contains(policy, "*"));
  CHECK_FALSE(contains(policy, "http"));
  CHECK(r.header("x-content-type-options") == std::optional<std::string>("nosniff"));
  CHECK(r.header("referrer-policy") == std::optional<std::string>("no-referrer"));
  if (cors_expected)
    CHECK(r.header("access-control-allow-origin") == std::optional<std::string>("*"));
  else
    CHECK_FALSE(r.has_header_prefix("access-control-"));
}

/// A JSON error body: {"error":{"status":N,"message":"...","param"?}}.
void check_json_error(const HttpResponse& r, int status, const std::string& param = "") {
  INFO(r.describe());
  CHECK(r.status == status);
  CHECK(contains(r.content_type(), "application/json"));
  Json j;
  try {
    j = r.json();
  } catch (const std::exception& e) {
    FAIL_CHECK("not JSON: " << e.what());
    return;
  }
  try {
    CHECK(j["error"]["status"].number() == status);
    CHECK_FALSE(j["error"]["message"].text.empty());
    if (!param.empty()) CHECK(j["error"]["param"].text == param);
  } catch (const std::exception& e) {
    FAIL_CHECK("not the error shape: " << e.what());
  }
}

/// A Json value written back compactly, for comparing documents.
std::string canon(const Json& j) {
  switch (j.type) {
    case Json::Type::null: return "null";
    case Json::Type::boolean: return j.b ? "true" : "false";
    case Json::Type::number: return j.text;
    case Json::Type::string: {
      std::string s = "\"";
      for (char c : j.text) {
        if (c == '"' || c == '\\') s += '\\';
        s += c;
      }
      return s + "\"";
    }
    case Json::Type::array: {
      std::string s = "[";
      for (std::size_t i = 0; i < j.items.size(); ++i) s += (i ? "," : "") + canon(j.items[i]);
      return s + "]";
    }
    case Json::Type::object: {
      std::string s = "{";
      for (std::size_t i = 0; i < j.members.size(); ++i)
        s += (i ? "," : "") + canon(Json{Json::Type::string, false, j.members[i].first, {}, {}}) + ":" +
             canon(j.members[i].second);
      return s + "}";
    }
  }
  return "";
}

/// `next` as the value of `_after`.
std::string next_key(const Json& next) { return next.type == Json::Type::string ? next.text : canon(next); }

/// The JSON body of a 200 response, failing the test otherwise.
Json json_ok(const HttpResponse& r) {
  INFO(r.describe());
  REQUIRE(r.status == 200);
  REQUIRE(contains(r.content_type(), "application/json"));
  return r.json();
}

/// A recursive CTE that runs until stopped.
const std::string kEndless = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c) SELECT count(*) FROM c";

/// The tests need the server: `aigc serve` (set to true once it is on main).
constexpr bool kServeLanded = true;

}  // namespace

TEST_SUITE_BEGIN("serve" * doctest::skip(!kServeLanded));

// ------------------------------------------------------------ good input

TEST_CASE("serve: every page and API endpoint answers 200 with its content type and the security headers") {
  Warehouse w;
  ServeProcess s(w.db, {});
  const long long firms = w.count("SELECT count(*) FROM firm");
  const long long line =
      w.count("SELECT min(source_line) FROM pricing WHERE section_id = 'outlook_app_layer' AND source_line > 0");

  struct Page {
    std::string target;
    std::string type;
    std::vector<std::string> holds;
  };
  const std::vector<Page> pages = {
      {"/", "text/html", {"/tables/firm", "/queries/api_prices"}},
      {"/queries/api_prices", "text/html", {"<table id=\"result\"", "<pre id=\"sql\"", "/queries/api_prices.csv"}},
      {"/queries/api_prices_normalised",
       "text/html",
       {"<form id=\"params\"", "name=\"fx_usd_cny\"", "id=\"param-fx_usd_cny\"", "7.1", "<table id=\"result\""}},
      {"/queries/api_prices_normalised?currency=USD&fx_usd_cny=8", "text/html", {"<table id=\"result\"", "USD"}},
      {"/queries/api_prices.csv", "text/csv", {"product,direction,price"}},
      {"/queries/api_prices.json", "application/json", {"\"product\""}},
      {"/queries/api_prices.jsonl", "", {"\"product\""}},
      {"/queries/api_prices.md", "text/", {"| product"}},
      {"/queries/api_prices.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", {"PK"}},
      {"/text/" + std::to_string(line), "text/html", {"id=\"L" + std::to_string(line) + "\""}},
      {"/tables", "text/html", {"/tables/firm"}},
      {"/tables/firm", "text/html", {"<table id=\"rows\"", "<form id=\"filters\""}},
      {"/tables/firm.csv", "text/csv", {"firm_id"}},
      {"/tables/firm.json", "application/json", {"firm_id"}},
      {"/sql?q=" + pct("SELECT 41 + 1 AS answer"), "text/html", {"<table id=\"result\"", "42", "sql-form"}},
      {"/sql", "text/html", {"<form id=\"sql-form\"", "name=\"q\""}},
      {"/api/queries", "application/json", {"\"queries\"", "api_prices"}},
      {"/api/queries/api_prices", "application/json", {"\"rows\"", "\"query\""}},
      {"/api/tables/firm", "application/json", {"\"table\"", "\"next\""}},
      {"/api/sql?q=" + pct("SELECT 41 + 1 AS answer"), "application/json", {"\"answer\""}},
      {"/static/app.css", "text/css", {"{"}},
      {"/static/app.js", "javascript", {""}},
  };
  for (const auto& p : pages) {
    CAPTURE(p.target);
    const auto r = s.get(p.target);
    INFO(r.describe());
    CHECK(r.status == 200);
    CHECK(r.complete);
    CHECK(contains(r.content_type(), p.type));
    for (const auto& part : p.holds) CHECK(contains(r.body, part));
    check_security_headers(r);
    // HEAD: the same status and length, no body.
    const auto head = s.head(p.target);
    INFO(head.describe());
    CHECK(head.status == 200);
    if (r.header("content-length"))  // a streamed download has none
      CHECK(head.header("content-length") == std::optional<std::string>(std::to_string(r.body.size())));
    check_security_headers(head);
  }

  // The table browser's JSON holds real rows; the SQL API computes.
  const Json firm_page = json_ok(s.get("/api/tables/firm?_size=5"));
  CHECK(firm_page["table"].text == "firm");
  CHECK(firm_page["rows"].items.size() == std::min<long long>(5, firms));
  CHECK_NOTHROW((void)firm_page["rows"][0]["firm_id"]);
  const Json sum = json_ok(s.get("/api/sql?q=" + pct("SELECT 41 + 1 AS answer, 'x' AS s, NULL AS n")));
  CHECK(canon(sum["rows"]) == R"([{"answer":42,"s":"x","n":null}])");
  CHECK(sum["truncated"].type == Json::Type::boolean);
  CHECK_FALSE(sum["truncated"].b);
  const Json count = json_ok(s.get("/api/sql?q=" + pct("SELECT count(*) AS n FROM firm")));
  CHECK(count["rows"][0]["n"].number() == firms);

  // HEAD: the headers of GET, no body.
  const auto head = s.head("/api/queries");
  INFO(head.describe());
  CHECK(head.status == 200);
  CHECK(head.body.empty());
  check_security_headers(head);
}

TEST_CASE("serve: pages hold what the contract names: provenance links, the highlighted line, NULL, sorting") {
  Warehouse w;
  ServeProcess s(w.db, {});
  // A source_line cell links to the report's text at that line.
  const auto q = s.get("/queries/api_prices");
  INFO(q.describe());
  REQUIRE(q.status == 200);
  static const std::regex source_link(R"re(<a class="source" href="/text/([0-9]+)#L([0-9]+)")re");
  std::smatch m;
  REQUIRE(std::regex_search(q.body, m, source_link));
  CHECK(m[1] == m[2]);
  // NULL and numbers are marked.
  const auto normalised = s.get("/queries/api_prices_normalised");
  CHECK(contains(normalised.body, "<td class=\"null\">NULL</td>"));
  CHECK(contains(normalised.body, "<td class=\"num\">"));
  // Sorting: the header says so, and the order follows.
  for (const bool desc : {false, true}) {
    CAPTURE(desc);
    const auto sorted = s.get(std::string("/queries/api_prices?_sort=price") + (desc ? "&_desc=1" : ""));
    INFO(sorted.describe());
    CHECK(sorted.status == 200);
    CHECK(contains(sorted.body, desc ? "aria-sort=\"descending\"" : "aria-sort=\"ascending\""));
    CHECK(contains(sorted.body, "_sort=price"));
  }

  // The text page: the line highlighted, 15 lines either side, its section
  // named, and a correction beside the verbatim text.
  SQLite::Database d(w.db.string(), SQLite::OPEN_READONLY);
  const long long line = d.execAndGet("SELECT min(source_line) FROM correction WHERE source_line > 20").getInt64();
  const std::string section =
      d.execAndGet("SELECT title FROM report_section WHERE start_line <= " + std::to_string(line) +
                   " ORDER BY start_line DESC LIMIT 1")
          .getString();
  const std::string verbatim =
      d.execAndGet("SELECT verbatim FROM correction WHERE source_line = " + std::to_string(line) + " LIMIT 1")
          .getString();
  const auto t = s.get("/text/" + std::to_string(line));
  INFO(t.describe());
  REQUIRE(t.status == 200);
  const auto has_line = [&](long long n) { return contains(t.body, "id=\"L" + std::to_string(n) + "\""); };
  CHECK(has_line(line - 15));
  CHECK(has_line(line + 15));
  CHECK_FALSE(has_line(line - 16));
  CHECK_FALSE(has_line(line + 16));
  static const std::regex highlighted(
      R"re(<span class="line hl" id="L([0-9]+)"|<span id="L([0-9]+)" class="line hl")re");
  std::vector<std::string> hl;
  for (auto it = std::sregex_iterator(t.body.begin(), t.body.end(), highlighted); it != std::sregex_iterator(); ++it)
    hl.push_back((*it)[1].matched ? (*it)[1].str() : (*it)[2].str());
  CHECK(hl == std::vector<std::string>{std::to_string(line)});
  CHECK(contains(t.body, section));
  CHECK(contains(t.body, "<aside class=\"correction\""));
  CHECK(contains(t.body, verbatim));
  // The first and last lines of the text have no neighbours beyond the ends.
  const long long last = d.execAndGet("SELECT max(last_line) FROM text_line").getInt64();
  const auto first_page = s.get("/text/1");
  CHECK(first_page.status == 200);
  CHECK(contains(first_page.body, "id=\"L1\""));
  CHECK_FALSE(contains(first_page.body, "id=\"L0\""));
  const auto last_page = s.get("/text/" + std::to_string(last));
  CHECK(last_page.status == 200);
  CHECK(contains(last_page.body, "id=\"L" + std::to_string(last) + "\""));
  CHECK_FALSE(contains(last_page.body, "id=\"L" + std::to_string(last + 1) + "\""));
}

TEST_CASE("serve: /api/queries lists every saved query with its typed parameters") {
  Warehouse w;
  ServeProcess s(w.db, {});
  const Json j = json_ok(s.get("/api/queries"));
  const auto& queries = j["queries"].items;
  CHECK(queries.size() == test::shipped_query_count());
  bool seen = false;
  for (const auto& q : queries) {
    CHECK_FALSE(q["name"].text.empty());
    CHECK(q["sections"].type == Json::Type::array);
    CHECK_NOTHROW((void)q["title"]);
    CHECK_NOTHROW((void)q["description"]);
    CHECK_NOTHROW((void)q["scope"]);
    if (q["name"].text != "api_prices_normalised") continue;
    seen = true;
    CHECK(q["scope"].text == "report");
    REQUIRE(q["params"].items.size() == 2);
    const Json& fx = q["params"][0];
    CHECK(fx["name"].text == "fx_usd_cny");
    CHECK(fx["type"].text.find("real") == 0);
    CHECK(fx["default"].number() == doctest::Approx(7.1));
    CHECK(fx["required"].type == Json::Type::boolean);
    CHECK_FALSE(fx["required"].b);
    CHECK(q["params"][1]["name"].text == "currency");
  }
  CHECK(seen);
}

TEST_CASE("serve: a saved query's JSON rows are exactly what `aigc run --format json` prints") {
  Warehouse w;
  ServeProcess s(w.db, {});
  struct Case {
    std::string name;
    std::vector<std::pair<std::string, std::string>> params;
  };
  for (const Case& c :
       {Case{"api_prices", {}}, Case{"api_prices_normalised", {{"currency", "USD"}, {"fx_usd_cny", "7.3"}}},
        Case{"provenance", {{"term", "玉言"}}}, Case{"key_figures", {{"topic", "pricing"}}}}) {
    CAPTURE(c.name);
    std::vector<std::string> args = {"--db", w.db.string(), "run", c.name, "--format", "json"};
    std::string query;
    for (const auto& [k, v] : c.params) {
      args.insert(args.end(), {"--param", k + "=" + v});
      query += (query.empty() ? "?" : "&") + pct(k) + "=" + pct(v);
    }
    const auto run = test::run_aigc(args);
    INFO(run.describe());
    REQUIRE(run.status == 0);
    const Json expected = JsonParser::parse(run.out);
    const auto r = s.get("/api/queries/" + c.name + query);
    const Json got = json_ok(r);
    CHECK(got["query"].text == c.name);
    CHECK(canon(got["rows"]) == canon(expected));
    CHECK_FALSE(got["rows"].items.empty());
    for (const auto& [k, v] : c.params) CHECK(contains(canon(got["params"][k]), v));
  }
}

TEST_CASE("serve: downloads are byte for byte what `aigc export` writes") {
  Warehouse w;
  ServeProcess s(w.db, {});
  struct Case {
    std::string suffix;  // after /queries/NAME
    std::vector<std::string> export_args;
  };
  const std::vector<std::pair<std::string, std::string>> params = {{"currency", "USD"}, {"fx_usd_cny", "7.25"}};
  for (const Case& c : {Case{".csv", {"--format", "csv"}}, Case{".csv?_bom=1", {"--format", "csv", "--bom"}},
                        Case{".json", {"--format", "json"}}, Case{".jsonl", {"--format", "jsonl"}},
                        Case{".md", {"--format", "markdown"}}, Case{".xlsx", {"--xlsx"}}}) {
    for (const bool with_params : {false, true}) {
      CAPTURE(c.suffix);
      CAPTURE(with_params);
      const auto file = w.dir / "export.out";
      std::vector<std::string> args = {"--db", w.db.string(), "export", "api_prices_normalised"};
      args.insert(args.end(), c.export_args.begin(), c.export_args.end());
      if (c.export_args[0] != "--xlsx") args.push_back("--output");
      args.push_back(file.string());
      std::string target = "/queries/api_prices_normalised" + c.suffix;
      if (with_params)
        for (const auto& [k, v] : params) {
          args.insert(args.end(), {"--param", k + "=" + v});
          target += (contains(target, "?") ? "&" : "?") + k + "=" + pct(v);
        }
      const auto run = test::run_aigc(args);
      INFO(run.describe());
      REQUIRE(run.status == 0);
      const auto r = s.get(target);
      INFO(r.describe());
      CHECK(r.status == 200);
      CHECK(r.body == test::read_file(file));
      CHECK(r.body.size() > 20);
      check_security_headers(r);
      test::fs::remove(file);
    }
  }
}

TEST_CASE("serve: keyset pagination visits every row exactly once, in the API and on the page") {
  Warehouse w;
  ServeProcess s(w.db, {});
  // firm: a TEXT key; list_item: a two-column key; firm filtered by a column.
  struct Case {
    std::string table;
    std::string filter;   // query-string part, may be empty
    std::string key_sql;  // each row's key, to compare with what the API returned
    std::string where;
  };
  for (const Case& c : {Case{"firm", "", "firm_id", ""}, Case{"list_item", "", "list_id || '/' || position", ""},
                        Case{"firm", "name_en=" + pct("A"), "firm_id", "WHERE name_en LIKE '%a%'"}}) {
    CAPTURE(c.table);
    CAPTURE(c.filter);
    std::multiset<std::string> expected;
    {
      SQLite::Database d(w.db.string(), SQLite::OPEN_READONLY);
      SQLite::Statement q(d, "SELECT " + c.key_sql + " FROM " + c.table + " " + c.where);
      while (q.executeStep()) expected.insert(q.getColumn(0).getString());
    }
    REQUIRE(expected.size() > 7);  // more than one page
    std::multiset<std::string> seen;
    std::string after;
    int pages = 0;
    for (;;) {
      std::string target = "/api/tables/" + c.table + "?_size=7";
      if (!c.filter.empty()) target += "&" + c.filter;
      if (!after.empty()) target += "&_after=" + pct(after);
      const Json page = json_ok(s.get(target));
      REQUIRE(++pages < 1000);
      CHECK(page["rows"].items.size() <= 7);
      for (const auto& row : page["rows"].items) {
        if (c.table == "firm")
          seen.insert(row["firm_id"].text);
        else
          seen.insert(row["list_id"].text + "/" + row["position"].text);
      }
      if (page["next"].is_null()) break;
      CHECK(page["rows"].items.size() == 7);
      after = next_key(page["next"]);
    }
    CHECK(seen == expected);
    CHECK(pages == static_cast<int>((expected.size() + 6) / 7));
    // The download holds every filtered row, not one page: JSON Lines, one a line.
    const auto jsonl = s.get("/tables/" + c.table + ".jsonl" + (c.filter.empty() ? "" : "?" + c.filter));
    INFO(jsonl.describe());
    CHECK(jsonl.status == 200);
    CHECK(static_cast<std::size_t>(std::count(jsonl.body.begin(), jsonl.body.end(), '\n')) == expected.size());
  }

  // The page: following rel="next" links from /tables/firm reaches every row
  // once; each page's rows are counted by their <tr> in <tbody>.
  const long long firms = w.count("SELECT count(*) FROM firm");
  std::string target = "/tables/firm?_size=10";
  long long rows = 0;
  int pages = 0;
  static const std::regex next_link(R"re(<a[^>]*rel="next"[^>]*href="([^"]+)"|<a[^>]*href="([^"]+)"[^>]*rel="next")re");
  static const std::regex row(R"(<tr[ >])");
  for (;;) {
    const auto r = s.get(target);
    INFO(r.describe());
    REQUIRE(r.status == 200);
    REQUIRE(++pages < 1000);
    const auto tbody_at = r.body.find("<tbody");
    REQUIRE(tbody_at != std::string::npos);
    const std::string tbody = r.body.substr(tbody_at, r.body.find("</tbody>", tbody_at) - tbody_at);
    rows += std::distance(std::sregex_iterator(tbody.begin(), tbody.end(), row), std::sregex_iterator());
    std::smatch m;
    if (!std::regex_search(r.body, m, next_link)) break;
    std::string href = m[1].matched ? m[1].str() : m[2].str();
    for (std::size_t at; (at = href.find("&amp;")) != std::string::npos;) href.replace(at, 5, "&");
    if (href.rfind("?", 0) == 0) href = "/tables/firm" + href;
    target = href;
  }
  CHECK(rows == firms);
  CHECK(pages == (firms + 9) / 10);
}

TEST_CASE("serve: imported tables: odd names are escaped, and keyset pagination by rowid visits every row once") {
  Warehouse w;
  const auto csv = w.dir / "odd.csv";
  std::string text = "id,\"a \"\"q\"\" b\",<script>x</script>,名前,&x=1\n";
  for (int i = 1; i <= 25; ++i) text += std::to_string(i) + ",\"he said \"\"hi\"\"\",<b>bold</b>,東京,z\n";
  test::write_file(csv, text);
  // Columns that take the names SQLite gives the rowid: the key must still
  // be the rowid, not those columns (the same value on every row here).
  const auto shadow = w.dir / "shadow.csv";
  std::string shadowing = "rowid,_rowid_,oid,v\n";
  for (int i = 1; i <= 25; ++i) shadowing += "7,7,7,v" + std::to_string(i) + "\n";
  test::write_file(shadow, shadowing);
  for (const auto& [file, name] : std::vector<std::pair<test::fs::path, std::string>>{
           {csv, "odd name\"<x>"}, {csv, "odd/../name"}, {csv, "表"}, {shadow, "shadow_one"}, {shadow, "shadow"}}) {
    auto r = test::run_aigc({"--db", w.db.string(), "import", file.string(), "--as", name});
    INFO(r.describe());
    REQUIRE(r.status == 0);
  }
  {  // shadow_one: only the column rowid
    SQLite::Database d(w.db.string(), SQLite::OPEN_READWRITE);
    d.exec("ALTER TABLE shadow_one DROP COLUMN _rowid_; ALTER TABLE shadow_one DROP COLUMN oid");
  }
  ServeProcess s(w.db, {});
  for (const std::string& target :
       std::vector<std::string>{"/", "/tables", "/tables/" + pct("odd name\"<x>"), "/tables/" + pct("odd/../name"),
                                "/tables/" + pct("表"), "/sql?q=" + pct("SELECT * FROM \"odd name\"\"<x>\"")}) {
    CAPTURE(target);
    const auto r = s.get(target);
    INFO(r.describe());
    CHECK(r.status == 200);
    CHECK_FALSE(contains(r.body, "<x>"));
    CHECK_FALSE(contains(r.body, "<script>x"));
    CHECK_FALSE(contains(r.body, "<b>bold"));
  }
  // Every row once; or, where SQL cannot name the rowid (all three of its
  // names taken by columns), a 400 that says so: never some rows silently.
  for (const std::string table : {"odd/../name", "shadow_one", "shadow"}) {
    CAPTURE(table);
    std::set<std::string> seen;
    std::size_t rows = 0;
    std::string after;
    bool refused = false;
    for (int pages = 0; pages < 10; ++pages) {
      const auto r = s.get("/api/tables/" + pct(table) + "?_size=10" + (after.empty() ? "" : "&_after=" + pct(after)));
      if (table == "shadow" && pages == 0 && r.status == 400) {
        check_json_error(r, 400);
        refused = true;
        break;
      }
      const Json page = json_ok(r);
      for (const auto& row : page["rows"].items) {
        ++rows;
        seen.insert(canon(row));
      }
      if (page["next"].is_null()) break;
      after = next_key(page["next"]);
    }
    if (refused) {
      const auto html = s.get("/tables/shadow");
      INFO(html.describe());
      CHECK(html.status == 400);
      continue;
    }
    CHECK(rows == 25);
    CHECK(seen.size() == 25);
  }
}

TEST_CASE("serve: the SQL endpoints cap rows at --max-rows and say so") {
  Warehouse w;
  ServeProcess s(w.db, {"--max-rows", "10"});
  const std::string q = pct("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c LIMIT 50) SELECT x FROM c");
  const Json j = json_ok(s.get("/api/sql?q=" + q));
  CHECK(j["rows"].items.size() == 10);
  CHECK(j["truncated"].b);
  const Json small = json_ok(s.get("/api/sql?q=" + pct("SELECT 1 AS x UNION ALL SELECT 2")));
  CHECK(small["rows"].items.size() == 2);
  CHECK_FALSE(small["truncated"].b);
  // Rows are capped in bytes too: 500 rows of 100 KB stop at 32 MiB, so one
  // request cannot make the server build gigabytes.
  const std::string wide =
      pct("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c LIMIT 500) "
          "SELECT printf('%.*c', 100000, 'x') AS s FROM c");
  ServeProcess roomy(w.db, {});
  const auto big = roomy.get("/api/sql?q=" + wide, 60s);
  CHECK(big.body.size() < (40u << 20));
  const Json capped = json_ok(big);
  CHECK(capped["truncated"].b);
  CHECK(capped["rows"].items.size() < 500);
  CHECK(capped["rows"].items.size() > 100);
  const auto big_page = roomy.get("/sql?q=" + wide, 60s);
  CHECK(big_page.status == 200);
  CHECK(big_page.body.size() < (40u << 20));
  const auto page = s.get("/sql?q=" + q);
  INFO(page.describe());
  CHECK(page.status == 200);
  const std::string tbody = page.body.substr(page.body.find("<tbody"));
  static const std::regex row(R"(<tr[ >])");
  CHECK(std::distance(std::sregex_iterator(tbody.begin(), tbody.end(), row), std::sregex_iterator()) == 10);
}

// ------------------------------------------------------------ bad input

TEST_CASE("serve: unknown queries, tables, lines and paths are 404, JSON on /api/") {
  Warehouse w;
  ServeProcess s(w.db, {});
  const long long lines = w.count("SELECT max(last_line) FROM text_line");
  for (const std::string& target : std::vector<std::string>{
           "/api/queries/no_such_query", "/api/queries/no_such_query?x=1", "/api/tables/no_such_table", "/api/nothing",
           "/api/queries/api_prices.csv", "/api/tables/firm/extra", "/api/"}) {
    CAPTURE(target);
    const auto r = s.get(target);
    check_json_error(r, 404);
    check_security_headers(r);
  }
  for (const std::string& target : std::vector<std::string>{
           "/queries/no_such_query", "/queries/no_such_query.csv", "/queries/api_prices.exe",
           "/queries/api_prices.xlsx/", "/tables/no_such_table", "/tables/no_such_table.csv", "/static/no_such.css",
           "/static/", "/static", "/nothing", "/text/0", "/text/" + std::to_string(lines + 1),
           "/text/99999999999999999999999", "/favicon.ico", "/queries/", "/text/"}) {
    CAPTURE(target);
    const auto r = s.get(target);
    INFO(r.describe());
    CHECK(r.status == 404);
    CHECK(contains(r.content_type(), "text/html"));
    check_security_headers(r);
  }
  // A line number that is not one: not found or bad, but never a server error.
  for (const std::string& target :
       std::vector<std::string>{"/text/abc", "/text/-1", "/text/1.5", "/text/1e3", "/text/%20"}) {
    CAPTURE(target);
    const auto r = s.get(target);
    INFO(r.describe());
    CHECK((r.status == 404 || r.status == 400));
  }
}

TEST_CASE("serve: a bad parameter is 400 naming it, on the API and on the page") {
  Warehouse w;
  // A query with a required integer parameter, beside the shipped ones.
  const auto queries = w.dir / "queries";
  test::fs::create_directories(queries);
  // The shipped queries with their PostgreSQL variants (queries/postgresql/).
  test::fs::copy(test::source_dir() / "queries", queries, test::fs::copy_options::recursive);
  test::write_file(queries / "by_year.sql",
                   "-- title: by year\n-- scope: analysis\n-- description: a required integer\n"
                   "-- param: year integer between 2000 and 2030 -- the year\n"
                   "SELECT :year AS year;\n");
  ServeProcess s(w.db, {}, {"AIGC_QUERIES=" + queries.string()});
  const std::string q = "/api/queries/api_prices_normalised?";
  struct Case {
    std::string target;
    std::string param;
  };
  for (const Case& c : {Case{q + "fx_usd_cny=abc", "fx_usd_cny"},      // wrong type
                        Case{q + "fx_usd_cny=-1", "fx_usd_cny"},       // out of bounds
                        Case{q + "fx_usd_cny=0", "fx_usd_cny"},        // on the bound, excluded
                        Case{q + "currency=EUR", "currency"},          // not one of the values
                        Case{q + "no_such_param=1", "no_such_param"},  // unknown name
                        Case{"/api/queries/by_year", "year"},          // missing required
                        Case{"/api/queries/by_year?year=", "year"},    // required, given empty
                        Case{"/api/queries/by_year?year=1999", "year"}, Case{"/api/queries/by_year?year=20x0", "year"},
                        Case{"/api/queries/by_year?year=99999999999999999999", "year"}}) {
    CAPTURE(c.target);
    const auto r = s.get(c.target);
    check_json_error(r, 400, c.param);
    check_security_headers(r);
  }
  // The same query with good values answers.
  const Json good = json_ok(s.get("/api/queries/by_year?year=2024"));
  CHECK(canon(good["rows"]) == R"([{"year":2024}])");

  // The page: 400, still rendered, the input marked and its error beside it.
  for (const std::string& param : std::vector<std::string>{"fx_usd_cny=abc", "fx_usd_cny=-1"}) {
    const auto r = s.get("/queries/api_prices_normalised?" + param);
    INFO(r.describe());
    CHECK(r.status == 400);
    CHECK(contains(r.content_type(), "text/html"));
    CHECK(contains(r.body, "<form id=\"params\""));
    CHECK(contains(r.body, "aria-invalid=\"true\""));
    CHECK(contains(r.body, "id=\"param-fx_usd_cny-error\""));
    CHECK(contains(r.body, "class=\"field-error\""));
    check_security_headers(r);
  }
  const auto missing = s.get("/queries/by_year");
  INFO(missing.describe());
  CHECK(missing.status == 400);
  CHECK(contains(missing.body, "id=\"param-year-error\""));
  // A download with a bad value is refused too, not an empty file.
  const auto csv = s.get("/queries/api_prices_normalised.csv?fx_usd_cny=abc");
  INFO(csv.describe());
  CHECK(csv.status == 400);

  // The table browser's own parameters.
  for (const std::string& target :
       std::vector<std::string>{"/api/tables/firm?_size=abc", "/api/tables/firm?_size=-1", "/api/tables/firm?_size=0",
                                "/api/tables/firm?_size=99999999999999999999", "/api/tables/firm?no_such_column=x"}) {
    CAPTURE(target);
    const auto r = s.get(target);
    check_json_error(r, 400);
  }
  // The SQL API without its q.
  check_json_error(s.get("/api/sql"), 400, "q");
  check_json_error(s.get("/api/sql?q="), 400, "q");
}

TEST_CASE("serve: request content never makes a 500") {
  Warehouse w;
  ServeProcess s(w.db, {});
  for (const std::string& target :
       std::vector<std::string>{"/api/sql?q=%ff%fe%fd",
                                "/api/sql?q=%00",
                                "/api/sql?q=SELECT%20%27%00%27",
                                "/api/sql?q=%",
                                "/api/sql?q=%zz",
                                "/api/sql?q=SELECT%20x'00ff'%20AS%20b",
                                "/api/sql?q=SELECT%201e999%20AS%20inf",
                                "/api/sql?q=SELECT%20zeroblob(1000000)",
                                "/api/queries/provenance?term=%ff",
                                "/api/queries/provenance?term=%00",
                                "/api/queries/provenance?term=%25%25%25",
                                "/api/queries/provenance?term=" + std::string(5000, 'x'),
                                "/queries/api_prices?_sort=no_such_column",
                                "/queries/api_prices?_sort=product&_desc=banana",
                                "/queries/api_prices?_sort=%00",
                                "/api/tables/firm?_after=%00",
                                "/api/tables/firm?_after=%ff%ff",
                                "/api/tables/list_item?_after=garbage",
                                "/api/tables/list_item?_after=%5B1%2C2%2C3%5D",
                                "/tables/list_item?_after=%7B%7D",
                                "/api/tables/firm?firm_id=%25",
                                "/api/tables/firm?firm_id=_",
                                "/api/tables/firm?firm_id=%00",
                                "/tables/firm?firm_id=%ff",
                                "/api/tables/firm?firm_id=a&firm_id=b",
                                "/api/queries/api_prices?a=1&a=2",
                                "/api/queries/api_prices_normalised?currency=USD&currency=CNY",
                                "/api/queries/api_prices_normalised?fx_usd_cny=nan",
                                "/api/queries/api_prices_normalised?fx_usd_cny=inf",
                                "/api/queries/api_prices_normalised?fx_usd_cny=1e400",
                                "/text/18446744073709551617",
                                "/api/sql?q=SELECT%20*%20FROM%20firm%3B%3B%3B",
                                "/api/sql?q=%3B",
                                "/api/sql?q=--",
                                "/sql?q=%ff",
                                "/?x=%",
                                "/?=&&=="}) {
    CAPTURE(target);
    const auto r = s.get(target);
    INFO(r.describe());
    CHECK(r.status != 0);
    CHECK(r.status < 500);
    CHECK(r.complete);
    if (contains(target, "/api/") && r.status >= 400) check_json_error(r, r.status);
    if (contains(target, "/api/") && r.status == 200) CHECK_NOTHROW((void)r.json());
    check_security_headers(r);
  }
  CHECK(s.get("/").status == 200);
}

TEST_CASE("serve: bad SQL is 400 and says where") {
  Warehouse w;
  ServeProcess s(w.db, {});
  // "SELECT nope FROM firm": the error is at line 1, column 8.
  const std::string bad = pct("SELECT firm_id,\n  nope FROM firm");
  const auto api = s.get("/api/sql?q=" + bad);
  check_json_error(api, 400);
  check_security_headers(api);
  INFO(api.describe());
  CHECK(contains(api.body, "nope"));
  CHECK((contains(api.body, "2:3") || contains(api.body, "line 2, column 3")));
  const auto page = s.get("/sql?q=" + bad);
  INFO(page.describe());
  CHECK(page.status == 400);
  CHECK(contains(page.content_type(), "text/html"));
  CHECK(contains(page.body, "class=\"sql-error\""));
  CHECK((contains(page.body, "2:3") || contains(page.body, "line 2, column 3")));
  CHECK(contains(page.body, "\n  nope FROM firm\n  ^"));  // the caret under the column
  CHECK(contains(page.body, "^"));
  CHECK(contains(page.body, "<textarea"));
  check_security_headers(page);
  const auto syntax = s.get("/api/sql?q=" + pct("SELEC 1"));
  check_json_error(syntax, 400);
}

TEST_CASE("serve: a write through the SQL endpoints is refused and the file stays byte-identical") {
  Warehouse w;
  const std::string before = test::read_file(w.db);
  ServeProcess s(w.db, {});
  const auto outside = w.dir / "copy.db";
  const auto attached = w.dir / "attached.db";
  for (const std::string& sql : std::vector<std::string>{"DELETE FROM firm",
                                                         "PRAGMA writable_schema=1",
                                                         "PRAGMA writable_schema=ON; SELECT 1",
                                                         "ATTACH DATABASE '" + attached.string() + "' AS a",
                                                         "VACUUM INTO '" + outside.string() + "'",
                                                         "VACUUM",
                                                         "INSERT INTO firm (firm_id) VALUES ('x')",
                                                         "UPDATE firm SET name_en = 'x'",
                                                         "DROP TABLE firm",
                                                         "CREATE TABLE t (x)",
                                                         "CREATE TEMP TABLE t (x)",
                                                         "SELECT 1; DELETE FROM firm",
                                                         "BEGIN",
                                                         "BEGIN IMMEDIATE",
                                                         "PRAGMA journal_mode=DELETE",
                                                         "PRAGMA user_version=7",
                                                         "REINDEX",
                                                         "ANALYZE",
                                                         "WITH x AS (SELECT 1) DELETE FROM firm",
                                                         "REPLACE INTO firm (firm_id) VALUES ('x')",
                                                         "SELECT load_extension('/lib/x86_64-linux-gnu/libc.so.6')"}) {
    CAPTURE(sql);
    const auto r = s.get("/api/sql?q=" + pct(sql));
    check_json_error(r, 400);
    check_security_headers(r);
    const auto page = s.get("/sql?q=" + pct(sql));
    INFO(page.describe());
    CHECK(page.status == 400);
  }
  CHECK(json_ok(s.get("/api/sql?q=" + pct("SELECT count(*) AS n FROM firm")))["rows"][0]["n"].number() ==
        w.count("SELECT count(*) FROM firm"));
  s.signal(SIGTERM);
  CHECK(s.wait_exit(5s) == std::optional<int>(0));
  CHECK(test::read_file(w.db) == before);
  CHECK_FALSE(test::fs::exists(outside));
  CHECK_FALSE(test::fs::exists(attached));
}

TEST_CASE("serve: no request leaves a pooled connection in a transaction that locks writers out") {
  // BEGIN writes nothing, but a transaction left open on a pooled
  // connection keeps its read lock after the next SELECT on it: every later
  // `aigc load` then fails with "database is locked", and that connection
  // serves a stale snapshot. `aigc sql` refuses a transaction left open.
  Warehouse w;
  const long long before = w.count("SELECT count(*) FROM pricing");
  constexpr long long added = 200;
  const auto csv = w.dir / "generated.csv";
  REQUIRE(std::system(
              (std::string(AIGC_GEN_PRICES) + " " + std::to_string(added) + " > '" + csv.string() + "'").c_str()) == 0);
  ServeProcess s(w.db, {});
  const std::string count_target = "/api/sql?q=" + pct("SELECT count(*) AS n FROM pricing");
  // Enough times to reach every connection of the pool.
  std::map<std::string, std::set<int>> statuses;
  for (int i = 0; i < 20; ++i) {
    for (const std::string& sql : std::vector<std::string>{"BEGIN", "BEGIN DEFERRED TRANSACTION", "SAVEPOINT a"})
      statuses[sql].insert(s.get("/api/sql?q=" + pct(sql)).status);
    statuses["/sql?q=BEGIN"].insert(s.get("/sql?q=BEGIN").status);
    (void)s.get(count_target);
  }
  for (const auto& [sql, seen] : statuses) {
    std::string shown;
    for (int st : seen) shown += std::to_string(st) + " ";
    CAPTURE(sql);
    CAPTURE(shown);
    CHECK(seen == std::set<int>{400});
  }
  const auto load = test::run_aigc({"--db", w.db.string(), "load", "pricing", csv.string()}, test::fs::current_path(),
                                   "", {"AIGC_BUSY_TIMEOUT=2000"});
  INFO(load.describe());
  CHECK(load.status == 0);
  std::set<long long> served;
  for (int i = 0; i < 40; ++i)
    served.insert(static_cast<long long>(json_ok(s.get(count_target))["rows"][0]["n"].number()));
  std::string shown;
  for (long long n : served) shown += std::to_string(n) + " ";
  CAPTURE(shown);
  CHECK(served == std::set<long long>{before + added});
}

TEST_CASE("serve: methods other than GET and HEAD are 405, JSON on /api/") {
  Warehouse w;
  const std::string before = test::read_file(w.db);
  ServeProcess s(w.db, {});
  for (const std::string& method : std::vector<std::string>{"POST", "PUT", "DELETE", "PATCH"}) {
    for (const std::string& target :
         std::vector<std::string>{"/api/sql?q=DELETE%20FROM%20firm", "/api/tables/firm", "/api/queries/api_prices"}) {
      CAPTURE(method);
      CAPTURE(target);
      const auto r = s.request(method + " " + target +
                               " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                               "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 3\r\n\r\nq=1");
      check_json_error(r, 405);
      check_security_headers(r);
    }
    for (const std::string& target : std::vector<std::string>{"/", "/tables/firm", "/sql", "/static/app.css"}) {
      CAPTURE(method);
      CAPTURE(target);
      const auto r = s.request(method + " " + target +
                               " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                               "Content-Length: 0\r\n\r\n");
      INFO(r.describe());
      CHECK(r.status == 405);
      CHECK(contains(r.content_type(), "text/html"));
      check_security_headers(r);
    }
  }
  CHECK(s.get("/").status == 200);
  CHECK(test::read_file(w.db) == before);
}

// ------------------------------------------------------------ traversal

TEST_CASE("serve: no request target reaches outside what is served") {
  Warehouse w;
  ServeProcess s(w.db, {});
  const std::string css = s.get("/static/app.css").body;
  REQUIRE_FALSE(css.empty());
  // Well-formed targets naming something outside: 4xx.
  for (const std::string& target : std::vector<std::string>{"/static/../../etc/passwd",
                                                            "/static/../../../../../../etc/passwd",
                                                            "/static/%2e%2e/%2e%2e/etc/passwd",
                                                            "/static/%2E%2E%2F%2E%2E%2F%2E%2E%2Fetc%2Fpasswd",
                                                            "/static/..%2f..%2f..%2f..%2fetc%2fpasswd",
                                                            "/static/.%2e/.%2e/.%2e/etc/passwd",
                                                            "/static/%252e%252e/%252e%252e/etc/passwd",
                                                            "/static/%c0%ae%c0%ae/%c0%ae%c0%ae/etc/passwd",
                                                            "/static/..\\..\\..\\etc\\passwd",
                                                            "/static/%5c..%5c..%5cetc%5cpasswd",
                                                            "/static//etc/passwd",
                                                            "/static/%2fetc%2fpasswd",
                                                            "/static/app.css/..",
                                                            "/static/./../../etc/passwd",
                                                            "/static/app.css%00.txt",
                                                            "/static/%00",
                                                            "/static/app.css%2f..%2f..%2fetc%2fpasswd",
                                                            "/queries/..%2f..%2fetc%2fpasswd",
                                                            "/queries/../../../etc/passwd",
                                                            "/queries/..%2f..%2fetc%2fpasswd.csv",
                                                            "/queries/%2e%2e%2fapi_prices",
                                                            "/queries/%2fetc%2fpasswd.json",
                                                            "/api/queries/..%2f..%2fetc%2fpasswd",
                                                            "/tables/sqlite_master",
                                                            "/tables/sqlite_schema",
                                                            "/tables/sqlite_temp_master",
                                                            "/api/tables/sqlite_master",
                                                            "/api/tables/sqlite_schema",
                                                            "/tables/sqlite_master.csv",
                                                            "/tables/%00",
                                                            "/tables/firm%00",
                                                            "/api/tables/firm%00",
                                                            "/tables/firm%3B%20DROP%20TABLE%20firm",
                                                            "/api/tables/firm%22%20--",
                                                            "/api/tables/main.firm",
                                                            "/api/tables/temp.firm",
                                                            "/text/..%2f..%2fetc%2fpasswd",
                                                            "/etc/passwd",
                                                            "//etc/passwd",
                                                            "/..",
                                                            "/../../etc/passwd",
                                                            "/%2e%2e/%2e%2e/etc/passwd",
                                                            "/proc/self/environ",
                                                            "/static/../../../../../../proc/self/environ",
                                                            "/static/../CMakeLists.txt",
                                                            "/static/../src/web/server.cpp",
                                                            "/static/.",
                                                            "/static/..",
                                                            "/static/%2e",
                                                            "/static/%2e%2e"}) {
    CAPTURE(target);
    const auto r = s.get(target);
    INFO(r.describe());
    CHECK(r.status >= 400);
    CHECK(r.status < 500);
    CHECK_FALSE(contains(r.body, "root:"));
    CHECK_FALSE(contains(r.body, "PATH="));
    CHECK_FALSE(contains(r.body, "cmake_minimum_required"));
    CHECK_FALSE(contains(r.body, "CREATE TABLE"));
    check_security_headers(r);
  }
  // Targets in other forms, or malformed: an answer that is not a server
  // error, or the connection closed, and never a file's content.
  const std::string long_path = "/static/" + std::string(20000, 'a');
  for (const std::string& target : std::vector<std::string>{
           "http://127.0.0.1/etc/passwd", "http://127.0.0.1/static/../../etc/passwd", "http://example.com/",
           "http://127.0.0.1:1/static/app.css", "https://127.0.0.1/", "*", "etc/passwd", "../../etc/passwd",
           "static/app.css", "/%", "/%zz", "/static/%", "/static/%zz", "/%00", "/\x7f",
           "/static/app.css?../../etc/passwd", "/static/app.css#../../etc/passwd", long_path.c_str()}) {
    CAPTURE(target.substr(0, 80));
    const auto r = s.request(get_request(target));
    INFO(r.describe().substr(0, 3000));
    CHECK(r.status < 500);
    CHECK_FALSE(contains(r.body, "root:"));
    // Absolute-form names a path of this server: the stylesheet or a page of ours.
    if (r.status == 200) CHECK((r.body == css || r.body.rfind("<!DOCTYPE html>", 0) == 0));
    if (r.status != 0) check_security_headers(r);
  }
  // Request lines a client would not send.
  for (const std::string& raw : std::vector<std::string>{
           std::string("GET /static/../../etc/passwd HTTP/1.0\r\n\r\n"),
           std::string("GET /a b c HTTP/1.1\r\nHost: x\r\n\r\n"), std::string("GET\r\n\r\n"),
           std::string("GET / HTTP/9.9\r\nHost: x\r\n\r\n"), std::string("\r\n\r\n"),
           std::string("GET / HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n"),
           std::string("GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello"),
           std::string("GET / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n\r\n"),
           "GET /\x00/etc/passwd HTTP/1.1\r\nHost: x\r\n\r\n"s, "\x16\x03\x01\x02\x00\x01\x00"s,
           std::string("GET / HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n"), std::string("GET / HTTP/1.1\nHost: x\n\n"),
           std::string("GET /static/..%2f..%2fetc%2fpasswd HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")}) {
    CAPTURE(raw.substr(0, 60));
    const auto r = s.request(raw, false, 5s);
    INFO(r.describe());
    CHECK(r.status < 500);
    CHECK_FALSE(contains(r.body, "root:"));
    if (r.status != 0) check_security_headers(r);
  }
  // The server is still itself: a good request on a fresh connection, and a
  // good one after a traversal attempt on the same keep-alive connection.
  CHECK(s.get("/").status == 200);
  Connection keep(s.port());
  const auto first = keep.exchange("GET /static/%2e%2e/%2e%2e/etc/passwd HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
  INFO(first.describe());
  CHECK(first.status == 404);
  const auto second = keep.exchange("GET /static/app.css HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
  INFO(second.describe());
  CHECK(second.status == 200);
  CHECK(second.body == css);
}

// ------------------------------------------------------------ oversized

TEST_CASE("serve: an oversized request is refused with 4xx and the server serves the next one") {
  Warehouse w;
  ServeProcess s(w.db, {});
  auto still_serving = [&] {
    const auto r = s.get("/api/sql?q=" + pct("SELECT 1 AS one"));
    INFO(r.describe());
    CHECK(r.status == 200);
  };
  SUBCASE("a 100 KB header") {
    const auto r = s.request("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + std::string(100 * 1024, 'a') +
                             "\r\nConnection: close\r\n\r\n");
    INFO(r.describe());
    CHECK((r.status == 431 || r.status == 400 || r.status == 413));
    check_security_headers(r);
    still_serving();
  }
  SUBCASE("a 100 KB header block of many small headers") {
    std::string headers;
    for (int i = 0; headers.size() < 100 * 1024; ++i) headers += "X-H" + std::to_string(i) + ": v\r\n";
    const auto r = s.request("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n" + headers + "Connection: close\r\n\r\n");
    INFO(r.describe());
    CHECK((r.status == 431 || r.status == 400 || r.status == 413));
    check_security_headers(r);
    still_serving();
  }
  SUBCASE("a 10 MB body with Content-Length") {
    const std::string body(10 * 1024 * 1024, 'x');
    for (const std::string& method : std::vector<std::string>{"GET", "POST"}) {
      CAPTURE(method);
      const auto r = s.request(method +
                               " /api/sql HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                               "Content-Length: " +
                               std::to_string(body.size()) + "\r\n\r\n" + body);
      INFO(r.describe());
      if (method == "GET")
        CHECK(r.status == 413);
      else
        CHECK((r.status == 413 || r.status == 405));
      check_security_headers(r);
      still_serving();
    }
  }
  SUBCASE("a body just over 64 KiB, and one chunked") {
    const std::string body(64 * 1024 + 1, 'x');
    const auto r = s.request("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Length: " +
                             std::to_string(body.size()) + "\r\n\r\n" + body);
    INFO(r.describe());
    CHECK(r.status == 413);
    std::string chunked;
    for (int i = 0; i < 40; ++i) chunked += "1000\r\n" + std::string(0x1000, 'y') + "\r\n";
    chunked += "0\r\n\r\n";
    const auto c = s.request(
        "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n\r\n" + chunked);
    INFO(c.describe());
    CHECK(c.status == 413);
    still_serving();
  }
  SUBCASE("a 1 MB query string") {
    for (const std::string& path : std::vector<std::string>{"/api/sql?q=", "/queries/provenance?term=", "/"}) {
      CAPTURE(path);
      const auto r = s.request(get_request(path + std::string(1024 * 1024, 'a')));
      INFO(r.describe());
      CHECK((r.status == 414 || r.status == 431 || r.status == 400));
      check_security_headers(r);
      still_serving();
    }
  }
}

// ------------------------------------------------------------ time limit

TEST_CASE("serve: a query over the time limit is 504 within the limit, and the server answers afterwards") {
  Warehouse w;
  const auto queries = w.dir / "queries";
  test::fs::create_directories(queries);
  // The shipped queries with their PostgreSQL variants (queries/postgresql/).
  test::fs::copy(test::source_dir() / "queries", queries, test::fs::copy_options::recursive);
  test::write_file(queries / "endless.sql",
                   "-- title: endless\n-- scope: analysis\n-- description: never ends\n" + kEndless + ";\n");
  ServeProcess s(w.db, {"--timeout", "0.5"}, {"AIGC_QUERIES=" + queries.string()});
  for (const std::string& target : std::vector<std::string>{"/api/sql?q=" + pct(kEndless), "/api/queries/endless"}) {
    CAPTURE(target);
    const auto r = s.get(target);
    check_json_error(r, 504);
    check_security_headers(r);
    CHECK(r.took >= 400ms);
    CHECK(r.took < 2500ms);
  }
  for (const std::string& target :
       std::vector<std::string>{"/sql?q=" + pct(kEndless), "/queries/endless", "/queries/endless.csv"}) {
    CAPTURE(target);
    const auto r = s.get(target);
    INFO(r.describe());
    CHECK(r.status == 504);
    CHECK(r.took < 2500ms);
    check_security_headers(r);
  }
  const Json after = json_ok(s.get("/api/sql?q=" + pct("SELECT 1 AS one")));
  CHECK(canon(after["rows"]) == R"([{"one":1}])");
  CHECK(json_ok(s.get("/api/queries/api_prices"))["rows"].items.size() > 0);
}

// ------------------------------------------------------------ headers

TEST_CASE("serve: CORS only with --cors, and then only on /api/") {
  Warehouse w;
  {
    ServeProcess s(w.db, {});
    for (const std::string& target :
         std::vector<std::string>{"/", "/api/queries", "/api/queries/nope", "/api/sql?q=SELEC"}) {
      CAPTURE(target);
      const auto r = s.request(get_request(target, "GET", "Origin: http://evil.example\r\n"));
      check_security_headers(r, false);
    }
  }
  ServeProcess s(w.db, {"--cors"});
  for (const std::string& target : std::vector<std::string>{"/api/queries", "/api/queries/api_prices",
                                                            "/api/tables/firm", "/api/sql?q=SELECT%201"}) {
    CAPTURE(target);
    const auto r = s.request(get_request(target, "GET", "Origin: http://other.example\r\n"));
    INFO(r.describe());
    CHECK(r.status == 200);
    check_security_headers(r, true);
  }
  for (const std::string& target :
       std::vector<std::string>{"/", "/queries/api_prices", "/static/app.css", "/tables/firm"}) {
    CAPTURE(target);
    const auto r = s.request(get_request(target, "GET", "Origin: http://other.example\r\n"));
    INFO(r.describe());
    CHECK(r.status == 200);
    check_security_headers(r, false);
  }
}

// ------------------------------------------------------------ shutdown

TEST_CASE("serve: SIGTERM and SIGINT let an in-flight request finish, refuse new ones, and exit 0") {
  for (const int sig : {SIGTERM, SIGINT}) {
    CAPTURE(sig);
    Warehouse w;
    ServeProcess s(w.db, {"--timeout", "3"});
    HttpResponse slow;
    const auto started = Clock::now();
    std::thread client([&] { slow = s.get("/api/sql?q=" + pct(kEndless), 20s); });
    std::this_thread::sleep_for(700ms);  // the request is being answered
    s.signal(sig);
    std::this_thread::sleep_for(300ms);
    // A request after shutdown began: refused, or closed unanswered, or 503;
    // never served.
    Connection late(s.port(), 5s);
    const auto refused = late.exchange(get_request("/api/sql?q=SELECT%201"));
    {
      INFO("late connect: " << (late.connected() ? "connected" : std::strerror(late.connect_errno())));
      INFO(refused.describe());
      CHECK((refused.status == 0 || refused.status == 503));
    }
    client.join();
    const auto answered = Clock::now();
    check_json_error(slow, 504);
    CHECK(slow.complete);
    CHECK(answered - started >= 2500ms);  // not cut short by the signal
    const auto status = s.wait_exit(3s);
    INFO(s.err());
    CHECK(status == std::optional<int>(0));
  }
  // An idle server stops at once.
  Warehouse w;
  ServeProcess s(w.db, {});
  REQUIRE(s.get("/").status == 200);
  const auto before = Clock::now();
  s.signal(SIGTERM);
  CHECK(s.wait_exit(3s) == std::optional<int>(0));
  CHECK(Clock::now() - before < 2s);
}

// ------------------------------------------------------------ --host

TEST_CASE("serve: --host other than loopback warns; the default does not") {
  Warehouse w;
  {
    ServeProcess s(w.db, {});
    CHECK(contains(s.url_line(), "http://127.0.0.1:"));
    std::this_thread::sleep_for(100ms);
    const std::string err = s.err();
    INFO(err);
    CHECK_FALSE(contains(lower(err), "warning"));
    CHECK(s.get("/").status == 200);
  }
  {
    ServeProcess s(w.db, {"--host", "localhost"});
    std::this_thread::sleep_for(100ms);
    INFO(s.err());
    CHECK_FALSE(contains(lower(s.err()), "warning"));
  }
  ServeProcess s(w.db, {"--host", "0.0.0.0"});
  std::this_thread::sleep_for(100ms);
  const std::string err = s.err();
  INFO(err);
  CHECK(contains(lower(err), "warning"));
  CHECK(contains(err, "0.0.0.0"));
  // Only to loopback.
  CHECK(s.get("/").status == 200);
}

// ------------------------------------------------------------ concurrency

TEST_CASE("serve: 8 clients x 50 requests at once are all answered, each with the right body") {
  Warehouse w;
  ServeProcess s(w.db, {});
  const std::vector<std::string> targets = {
      "/api/queries/api_prices", "/api/sql?q=" + pct("SELECT count(*) AS n FROM firm"),
      "/queries/api_prices",     "/api/tables/firm?_size=20",
      "/static/app.css",         "/api/queries/api_prices_normalised?currency=USD"};
  std::map<std::string, std::string> expected;
  for (const auto& t : targets) {
    const auto r = s.get(t);
    REQUIRE(r.status == 200);
    expected[t] = r.body;
  }
  std::mutex m;
  std::vector<std::string> failures;
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 50; ++i) {
        const std::string& target = targets[static_cast<std::size_t>(t + i) % targets.size()];
        const auto r = s.get(target, 30s);
        if (r.status == 200 && r.body == expected.at(target)) {
          ++ok;
        } else {
          std::lock_guard lock(m);
          failures.push_back(target + " -> " + r.describe().substr(0, 400));
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  INFO((failures.empty() ? std::string() : failures.front()));
  CHECK(failures.empty());
  CHECK(ok == 400);
}

TEST_CASE("serve: more slow requests than pooled connections: each is answered (504, or 503 busy), never a 500") {
  Warehouse w;
  ServeProcess s(w.db, {"--timeout", "1"});
  std::mutex m;
  std::vector<HttpResponse> slow;
  std::vector<std::thread> threads;
  for (int i = 0; i < 6; ++i)
    threads.emplace_back([&] {
      auto r = s.get("/api/sql?q=" + pct(kEndless), 30s);
      std::lock_guard lock(m);
      slow.push_back(std::move(r));
    });
  std::this_thread::sleep_for(200ms);
  // A quick request meanwhile waits for a connection, or is told the server is busy.
  const auto quick = s.get("/api/sql?q=" + pct("SELECT 1 AS one"), 30s);
  for (auto& t : threads) t.join();
  INFO(quick.describe());
  CHECK((quick.status == 200 || quick.status == 503));
  if (quick.status == 503) check_json_error(quick, 503);
  for (const auto& r : slow) {
    INFO(r.describe());
    CHECK((r.status == 504 || r.status == 503));
    check_json_error(r, r.status);
  }
  CHECK(json_ok(s.get("/api/sql?q=" + pct("SELECT 1 AS one")))["rows"].items.size() == 1);
}

// ------------------------------------------------------------ the file changes under it

TEST_CASE("serve: a load in another process never shows a half-loaded table; a rebuilt file is served") {
  Warehouse w;
  const long long before = w.count("SELECT count(*) FROM pricing");
  constexpr long long added = 30000;
  const auto csv = w.dir / "generated.csv";
  REQUIRE(std::system(
              (std::string(AIGC_GEN_PRICES) + " " + std::to_string(added) + " > '" + csv.string() + "'").c_str()) == 0);
  ServeProcess s(w.db, {});
  const std::string count_target = "/api/sql?q=" + pct("SELECT count(*) AS n FROM pricing");
  auto count_now = [&] { return static_cast<long long>(json_ok(s.get(count_target))["rows"][0]["n"].number()); };
  REQUIRE(count_now() == before);

  std::atomic<bool> stop{false};
  std::mutex m;
  std::map<long long, int> counts_seen;  // count -> how often
  std::map<int, int> statuses;
  std::thread poller([&] {
    while (!stop) {
      const auto r = s.get(count_target);
      std::lock_guard lock(m);
      ++statuses[r.status];
      if (r.status == 200) {
        try {
          ++counts_seen[static_cast<long long>(r.json()["rows"][0]["n"].number())];
        } catch (...) {
          ++counts_seen[-1];
        }
      }
    }
  });
  const auto load = test::run_aigc({"--db", w.db.string(), "load", "pricing", csv.string()});
  std::this_thread::sleep_for(300ms);
  stop = true;
  poller.join();
  INFO(load.describe());
  REQUIRE(load.status == 0);
  for (const auto& [count, times] : counts_seen) {
    CAPTURE(count);
    CHECK((count == before || count == before + added));
  }
  for (const auto& [status, times] : statuses) {
    CAPTURE(status);
    CHECK((status == 200 || status == 503));  // busy is allowed; half a table is not
  }
  CHECK(statuses[200] > 0);
  CHECK(count_now() == before + added);
  // Pages of the table browser agree with the count.
  long long walked = 0;
  std::string after;
  for (int pages = 0; pages < 100000; ++pages) {
    const Json page = json_ok(s.get("/api/tables/pricing?_size=100" + (after.empty() ? "" : "&_after=" + pct(after))));
    walked += static_cast<long long>(page["rows"].items.size());
    if (page["next"].is_null()) break;
    after = next_key(page["next"]);
  }
  CHECK(walked == before + added);
  const auto jsonl = s.get("/tables/pricing.jsonl");
  CHECK(jsonl.status == 200);
  CHECK(std::count(jsonl.body.begin(), jsonl.body.end(), '\n') == before + added);

  // `aigc build` replaces the file (a new one renamed over it, the rows
  // users loaded carried over): the server serves the new file, whose
  // built_at differs.
  const std::string built_at_target = "/api/sql?q=" + pct("SELECT value FROM aigc_meta WHERE key = 'built_at'");
  auto built_at_now = [&] { return json_ok(s.get(built_at_target))["rows"][0]["value"].text; };
  const std::string old_built_at = built_at_now();
  std::this_thread::sleep_for(1100ms);  // built_at has a resolution of one second
  const auto build = test::run_aigc({"--db", w.db.string(), "build", "--quiet"});
  INFO(build.describe());
  REQUIRE(build.status == 0);
  std::string new_built_at;
  {
    SQLite::Database d(w.db.string(), SQLite::OPEN_READONLY);
    new_built_at = d.execAndGet("SELECT value FROM aigc_meta WHERE key = 'built_at'").getString();
  }
  REQUIRE(new_built_at != old_built_at);
  std::string served_built_at;
  for (const auto deadline = Clock::now() + 5s; Clock::now() < deadline; std::this_thread::sleep_for(50ms)) {
    served_built_at = built_at_now();
    if (served_built_at == new_built_at) break;
  }
  CHECK(served_built_at == new_built_at);
  CHECK(count_now() == before + added);

  // A warehouse without the loaded rows renamed over the file: its count.
  const auto fresh = w.dir / "fresh.db";
  aigc::build_warehouse(fresh, aigc::BuildSources::embedded());
  test::fs::rename(fresh, w.db);
  long long served = -1;
  for (const auto deadline = Clock::now() + 5s; Clock::now() < deadline; std::this_thread::sleep_for(50ms)) {
    served = count_now();
    if (served == before) break;
  }
  CHECK(served == before);
  const Json first = json_ok(s.get("/api/tables/pricing?source_note=synthetic&_size=5"));
  CHECK(first["rows"].items.empty());
}

TEST_SUITE_END();
