#include "web/site.h"

#include <charconv>
#include <new>
#include <thread>

#include "base/error.h"
#include "base/json.h"
#include "web/handlers.h"
#include "web/html.h"

namespace aigc::web {

std::string_view status_text(int status) noexcept {
  switch (status) {
    case 200: return "OK";
    case 400: return "Bad Request";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 413: return "Payload Too Large";
    case 414: return "URI Too Long";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    default: return "Error";
  }
}

Response error_response(int status, const std::string& message, const std::string& param, bool json) {
  Response r;
  r.status = status;
  if (json) {
    r.content_type = "application/json; charset=utf-8";
    r.body = "{\"error\":{\"status\":" + std::to_string(status) + ",\"message\":" + json_string(message);
    if (!param.empty()) r.body += ",\"param\":" + json_string(param);
    r.body += "}}\n";
    return r;
  }
  const std::string title = std::to_string(status) + " " + std::string(status_text(status));
  r.body = page_start(title, {{"Report", "/"}, {title, ""}});
  r.body += "<h1>" + esc(title) + "</h1>\n<p class=\"error\" role=\"alert\">" + esc(message) + "</p>\n";
  r.body += "<p><a href=\"/\">Back to the report</a></p>\n";
  r.body += page_end();
  return r;
}

namespace {

std::size_t default_pool_size() {
  const unsigned cores = std::thread::hardware_concurrency();
  return cores == 0 ? 2 : cores;
}

/// "NAME.EXT" split at the last dot when EXT is one of `formats`.
std::pair<std::string_view, std::string_view> split_format(std::string_view name,
                                                           std::initializer_list<std::string_view> formats) {
  const auto dot = name.rfind('.');
  if (dot == std::string_view::npos) return {name, ""};
  const auto ext = name.substr(dot + 1);
  for (auto f : formats)
    if (ext == f) return {name.substr(0, dot), ext};
  return {name, ""};
}

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

}  // namespace

Site::Site(fs::path database, QueryCatalog catalog, SiteOptions options)
    : catalog_(std::move(catalog)),
      options_(options),
      pool_(std::move(database), options.pool_size ? options.pool_size : default_pool_size(), options.timeout) {}

Site::~Site() = default;

std::vector<std::string> Site::broken_queries() {
  std::vector<std::string> broken;
  auto session = pool_.acquire();
  for (const auto& q : catalog_.queries()) {
    try {
      session->prepared(q);
    } catch (const Error& e) {
      broken.push_back(e.what());
    }
  }
  return broken;
}

Response Site::handle(const Request& request) noexcept {
  const bool json = starts_with(request.path, "/api/");
  try {
    if (request.method != "GET" && request.method != "HEAD")
      throw HttpError(405, "only GET and HEAD: this server is read-only");
    if (!options_.cache) return route(request);
    const std::uint64_t generation = pool_.generation();
    if (auto hit = cache_.find(request.target, generation)) return *hit;
    Response r = route(request);
    if (r.cacheable && r.status == 200) cache_.store(request.target, generation, std::make_shared<Response>(r));
    return r;
  } catch (const HttpError& e) {
    return error_response(e.status(), e.what(), e.param(), json);
  } catch (const UsageError& e) {
    return error_response(400, e.what(), "", json);
  } catch (const std::bad_alloc&) {
    return error_response(503, "out of memory: try a smaller request", "", json);
  } catch (const std::exception& e) {
    // The warehouse itself failed (not the request): say what happened.
    return error_response(500, e.what(), "", json);
  }
}

Response Site::route(const Request& req) {
  Context ctx{catalog_, pool_, options_};
  const std::string_view path = req.path;
  if (path == "/") return home_page(ctx, req);
  if (starts_with(path, "/static/")) return static_asset(path.substr(8));
  if (path == "/tables" || path == "/tables/") return tables_page(ctx, req);
  if (starts_with(path, "/tables/")) {
    return table_rows(ctx, req, path.substr(8), "");  // it tells a table "x.csv" from x as CSV
  }
  if (starts_with(path, "/queries/")) {
    auto [name, format] = split_format(path.substr(9), {"csv", "json", "jsonl", "md", "xlsx"});
    return saved_query(ctx, req, name, format);
  }
  if (path == "/queries") return home_page(ctx, req);
  if (starts_with(path, "/text/")) return text_page(ctx, req, path.substr(6));
  if (path == "/sql") return sql_page(ctx, req, "");
  if (path == "/api/queries" || path == "/api/queries/") return queries_json(ctx, req);
  if (starts_with(path, "/api/queries/")) return saved_query(ctx, req, path.substr(13), "api");
  if (starts_with(path, "/api/tables/")) return table_rows(ctx, req, path.substr(12), "api");
  if (path == "/api/sql") return sql_page(ctx, req, "api");
  throw HttpError(404, "no such page: " + std::string(path));
}

}  // namespace aigc::web
