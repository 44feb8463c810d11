#pragma once
/// The web front end's request handling, independent of the HTTP library:
/// Site::handle() takes a decoded request and returns the response. Routes:
///
///   /                      the report's parts and pages, the saved queries and the tables
///   /queries/NAME          a saved query: form, result, chart, downloads (NAME.csv, .json, ...)
///   /text/LINE             the report's text around a line (provenance)
///   /tables, /tables/NAME  the table browser (NAME.csv, ... for the filtered rows)
///   /sql?q=                read-only ad-hoc SQL
///   /api/...               JSON beside every page
///   /static/NAME           the style sheet and script
///
/// Everything runs on pooled read-only connections through the same guard
/// as `aigc sql`, each statement under a time limit.
#include <chrono>
#include <cstddef>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "query/catalog.h"
#include "web/http.h"
#include "web/response_cache.h"
#include "web/warehouse_pool.h"

namespace aigc::web {

struct SiteOptions {
  std::chrono::milliseconds timeout{5000};  ///< per statement
  std::size_t max_rows = 10000;             ///< rows an ad-hoc query shows
  std::size_t pool_size = 0;                ///< connections; 0: one per core
  bool cors = false;                        ///< Access-Control-Allow-Origin: * on /api/
  bool cache = true;
};

/// What every handler gets.
struct Context {
  const QueryCatalog& catalog;
  WarehousePool& pool;
  const SiteOptions& options;
};

class Site {
 public:
  Site(fs::path database, QueryCatalog catalog, SiteOptions options);
  ~Site();

  /// Never throws: an error becomes a response with its status (JSON under
  /// /api/, a page elsewhere). Adds no transport headers (http_server does).
  Response handle(const Request& request) noexcept;

  /// Each saved query that does not prepare on the warehouse, as "NAME: why"
  /// (the server warns at start; its page and API answer with the reason).
  std::vector<std::string> broken_queries();

  const SiteOptions& options() const noexcept { return options_; }
  WarehousePool& pool() noexcept { return pool_; }

 private:
  Response route(const Request& request);

  QueryCatalog catalog_;
  SiteOptions options_;
  WarehousePool pool_;
  ResponseCache cache_;
};

/// The response for an error: JSON {"error":{status,message,param}} when
/// `json`, else a page saying what went wrong.
Response error_response(int status, const std::string& message, const std::string& param, bool json);

}  // namespace aigc::web
