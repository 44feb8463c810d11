#pragma once
/// One function per kind of page or endpoint (site.cpp routes to them).
/// Each throws HttpError for what the request got wrong.
#include <cstdint>
#include <string_view>

#include "web/http.h"
#include "web/site.h"

namespace aigc::web {

Response home_page(Context& ctx, const Request& req);
Response queries_json(Context& ctx, const Request& req);

/// `format` is "" for the page, "api" for /api/queries/NAME, else a download
/// extension: csv, json, jsonl, md, xlsx.
Response saved_query(Context& ctx, const Request& req, std::string_view name, std::string_view format);

Response text_page(Context& ctx, const Request& req, std::string_view line);

Response tables_page(Context& ctx, const Request& req);
/// `format` as for saved_query ("" page, "api", csv, json, jsonl, md).
Response table_rows(Context& ctx, const Request& req, std::string_view name, std::string_view format);

/// `format` "" page, "api" JSON.
Response sql_page(Context& ctx, const Request& req, std::string_view format);

/// /static/NAME from the embedded assets; 404 for anything else.
Response static_asset(std::string_view name);

}  // namespace aigc::web
