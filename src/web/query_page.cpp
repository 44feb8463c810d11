// /queries/NAME (the page), /queries/NAME.EXT (downloads) and
// /api/queries/NAME: a saved query with its parameters from the query string.
#include <sstream>

#include "base/error.h"
#include "base/json.h"
#include "export/export.h"
#include "export/xlsx_export.h"
#include "query/query_result.h"
#include "report/report_charts.h"
#include "web/handlers.h"
#include "web/html.h"
#include "web/run_guarded.h"

namespace aigc::web {

namespace {

/// A parameter's value as a form field shows it: 7.1, CNY, "" for NULL.
std::string field_text(const ParamValue& v) {
  switch (v.kind) {
    case ParamValue::Kind::null: return "";
    case ParamValue::Kind::text: return v.s;
    default: return v.literal();
  }
}

struct FieldError {
  std::string param;
  std::string message;
};

/// The request's parameters checked against the query's: each problem is
/// kept beside its field. An empty field means "not given" (the default).
struct ParamCheck {
  ParamArgs args;
  std::vector<FieldError> errors;
  const std::string* error_for(const std::string& name) const {
    for (const auto& e : errors)
      if (e.param == name) return &e.message;
    return nullptr;
  }
};

ParamCheck check_params(const PreparedQuery& pq, const Request& req) {
  ParamCheck check;
  for (const auto& [name, value] : req.params) {
    if (!name.empty() && name[0] == '_') continue;  // _sort, _desc, _bom: the page's own
    const QueryParameter* p = nullptr;
    for (const auto& q : pq.parameters())
      if (q.name == name) p = &q;
    if (!p) {
      std::string takes;
      for (const auto& q : pq.parameters()) takes += (takes.empty() ? "" : ", ") + q.name;
      check.errors.push_back({name, "unknown parameter '" + shown_for_message(name) + "': " + pq.query().name +
                                        (takes.empty() ? " takes none" : " takes " + takes)});
      continue;
    }
    bool repeated = false;
    for (const auto& [k, v] : check.args) repeated |= k == name;
    if (repeated) {
      check.errors.push_back({name, "parameter " + name + " given twice"});
      continue;
    }
    if (value.empty()) continue;
    std::string why;
    if (!p->type.read(value, why)) {
      std::string m = name + " takes " + p->type.phrase() + ", not '" + shown_for_message(value) + "'";
      if (!why.empty()) m += " " + why;
      check.errors.push_back({name, m});
      continue;
    }
    check.args.emplace_back(name, value);
  }
  for (const auto& p : pq.parameters()) {
    if (!p.required() || check.error_for(p.name)) continue;
    bool given = false;
    for (const auto& [k, v] : check.args) given |= k == p.name;
    if (!given)
      check.errors.push_back(
          {p.name, p.name + " is required" + (p.type.declared() ? ": " + p.type.phrase() : std::string())});
  }
  return check;
}

std::string content_type_for(std::string_view format) {
  if (format == "csv") return "text/csv; charset=utf-8";
  if (format == "json") return "application/json; charset=utf-8";
  if (format == "jsonl") return "application/x-ndjson; charset=utf-8";
  if (format == "md") return "text/markdown; charset=utf-8";
  return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
}

/// The page's own query string without sorting: the base of sort links and downloads.
std::vector<std::pair<std::string, std::string>> kept_params(const Request& req) {
  std::vector<std::pair<std::string, std::string>> kept;
  for (const auto& p : req.params)
    if (p.first.empty() || p.first[0] != '_') kept.push_back(p);
  return kept;
}

Response download(Session& session, const SavedQuery& query, const Request& req, const ParamArgs& args,
                  std::string_view format) {
  std::ostringstream out;
  run_guarded(session, [&] {
    if (format == "xlsx") {
      export_xlsx(session.handle(), {query}, "-", args, &out);
      return;
    }
    ExportOptions eo;
    eo.params = args;
    eo.standard_output = &out;
    eo.render.format = format == "md" ? Format::markdown : parse_format(format);
    const std::string* bom = req.param("_bom");
    eo.render.bom = format == "csv" && bom && *bom != "0" && !bom->empty();
    export_query(session.handle(), query, "-", eo);
  });
  Response r;
  r.content_type = content_type_for(format);
  r.body = std::move(out).str();
  r.headers.emplace_back("Content-Disposition", attachment(query.name, format));
  r.cacheable = true;
  return r;
}

void append_form(std::string& html, const PreparedQuery& pq, const Request& req, const ParamCheck& check) {
  const auto& params = pq.parameters();
  html += "<form id=\"params\" method=\"get\" action=\"/queries/" + esc(url_encode(pq.query().name)) + "\"";
  html += params.empty() ? " hidden>" : ">";
  html += "<fieldset><legend>Parameters</legend>\n";
  for (const auto& p : params) {
    const std::string* given = req.param(p.name);
    const std::string value = given ? *given : p.default_value ? field_text(*p.default_value) : "";
    const std::string id = "param-" + p.name;
    const std::string* error = check.error_for(p.name);
    html += "<div class=\"field" + std::string(error ? " invalid" : "") + "\">";
    html += "<label for=\"" + esc(id) + "\">" + esc(p.name) + "</label>";
    html += "<input type=\"text\" id=\"" + esc(id) + "\" name=\"" + esc(p.name) + "\" value=\"" + esc(value) + "\"";
    if (p.type.base == ParamType::Base::integer || p.type.base == ParamType::Base::real ||
        p.type.base == ParamType::Base::number)
      html += " inputmode=\"decimal\"";
    if (p.required()) html += " required";
    std::string described = id + "-help";
    if (error) described = id + "-error " + described;
    html += " aria-describedby=\"" + esc(described) + "\"";
    if (error) html += " aria-invalid=\"true\"";
    html += ">";
    html += "<p class=\"help\" id=\"" + esc(id) + "-help\">";
    html += esc(p.type.declared() ? p.type.phrase() : "any value");
    if (p.default_value) html += "; default " + esc(p.default_value->literal());
    if (!p.description.empty()) html += " — " + esc(p.description);
    html += "</p>";
    if (error) html += "<p class=\"field-error\" id=\"" + esc(id) + "-error\" role=\"alert\">" + esc(*error) + "</p>";
    html += "</div>\n";
  }
  for (const auto& e : check.errors) {
    bool has_field = false;
    for (const auto& p : params) has_field |= p.name == e.param;
    if (!has_field) html += "<p class=\"field-error\" role=\"alert\">" + esc(e.message) + "</p>\n";
  }
  html += "<button type=\"submit\">Run</button> <a href=\"/queries/" + esc(url_encode(pq.query().name)) +
          "\">defaults</a></fieldset></form>\n";
}

void append_sections(std::string& html, Session& session, const SavedQuery& query) {
  if (query.sections.empty()) return;
  html += "<ul class=\"sections\" aria-label=\"report pages\">";
  Statement st(session.handle(), "SELECT part, title, start_line FROM report_section WHERE section_id = ?1");
  for (const auto& id : query.sections) {
    st.reset();
    st.bind_text(1, id);
    if (st.step()) {
      const std::string line = std::to_string(st.column_int64(2));
      html += "<li><a href=\"/text/" + line + "#L" + line + "\"><span class=\"part\">" + esc(st.column_text(0)) +
              "</span> " + esc(st.column_text(1)) + "</a></li>";
    } else {
      html += "<li>" + esc(id) + "</li>";
    }
  }
  html += "</ul>\n";
}

}  // namespace

Response saved_query(Context& ctx, const Request& req, std::string_view name, std::string_view format) {
  const bool api = format == "api";
  const SavedQuery* query = nullptr;
  for (const auto& q : ctx.catalog.queries())
    if (q.name == name) query = &q;
  if (!query) throw HttpError(404, "no saved query called '" + shown_for_message(name) + "'");

  auto session = ctx.pool.acquire();
  PreparedQuery& pq = session->prepared(*query);
  const ParamCheck check = check_params(pq, req);
  if (!check.errors.empty() && (api || !format.empty()))
    throw HttpError(400, check.errors.front().message, check.errors.front().param);
  if (!format.empty() && !api) return download(*session, *query, req, check.args, format);

  if (api) {
    std::ostringstream rows;
    std::vector<std::pair<std::string, ParamValue>> bound;
    run_guarded(*session, [&] {
      bound = pq.bind(check.args);
      RenderOptions ro;
      ro.format = Format::json;
      render(pq.cursor(), rows, ro);
    });
    pq.cursor().reset();
    Response r;
    r.content_type = "application/json; charset=utf-8";
    r.body = "{\"query\":" + json_string(query->name) + ",\"params\":{";
    for (std::size_t i = 0; i < bound.size(); ++i)
      r.body += (i ? "," : "") + json_string(bound[i].first) + ":" + bound[i].second.json();
    r.body += "},\"rows\":";
    std::string rendered = std::move(rows).str();
    while (!rendered.empty() && rendered.back() == '\n') rendered.pop_back();
    r.body += rendered.empty() ? "[]" : rendered;
    r.body += "}\n";
    r.cacheable = true;
    return r;
  }

  // The page.
  std::string html =
      page_start(query->title.empty() ? query->name : query->title, {{"Report", "/"}, {query->name, ""}});
  html += "<h1>" + esc(query->title.empty() ? query->name : query->title) + "</h1>\n";
  html += "<p class=\"meta\"><code>" + esc(query->name) + "</code> · " + esc(scope_name(query->scope)) + "</p>\n";
  if (!query->description.empty()) html += "<p class=\"desc\">" + esc(query->description) + "</p>\n";
  append_sections(html, *session, *query);
  append_form(html, pq, req, check);

  Response r;
  if (!check.errors.empty()) {
    r.status = 400;
  } else {
    QueryResult result;
    run_guarded(*session, [&] {
      pq.bind(check.args);
      result = QueryResult::fetch(pq.cursor());
    });
    pq.cursor().reset();
    const std::string chart = chart_for_query(query->name, result, "chart");
    std::string sorted_by;
    bool descending = false;
    if (const std::string* s = req.param("_sort")) {
      const auto col = result.column(*s);
      if (!col)
        throw HttpError(400, "cannot sort by '" + shown_for_message(*s) + "': the result has no such column", "_sort");
      const std::string* d = req.param("_desc");
      descending = d && !d->empty() && *d != "0";
      sort_rows(result, *col, descending);
      sorted_by = *s;
    }
    const auto kept = kept_params(req);
    html += "<h2 id=\"result-heading\">Result <span class=\"count\">" + std::to_string(result.rows.size()) +
            (result.rows.size() == 1 ? " row" : " rows") + "</span></h2>\n";
    if (!chart.empty()) html += "<figure class=\"chart\">" + chart + "</figure>\n";
    TableOptions to;
    to.sort_base = query_string(kept);
    to.sorted_by = sorted_by;
    to.descending = descending;
    to.caption = query->title.empty() ? query->name : query->title;
    append_result_table(html, result, to);
    const std::string qs = query_string(kept);
    const std::string base = "/queries/" + url_encode(query->name);
    auto link = [&](std::string_view ext, std::string_view label, bool bom = false) {
      std::string href = base + "." + std::string(ext) + qs;
      if (bom) href += qs.empty() ? "?_bom=1" : "&_bom=1";
      html += "<li><a download href=\"" + esc(href) + "\">" + std::string(label) + "</a></li>";
    };
    html += "<nav class=\"downloads\" aria-label=\"downloads\"><h2>Download</h2><ul>";
    link("csv", "CSV");
    link("csv", "CSV for Excel (UTF-8 BOM)", true);
    link("json", "JSON");
    link("jsonl", "JSON Lines");
    link("xlsx", "Excel workbook");
    link("md", "Markdown");
    html += "</ul></nav>\n";
    r.cacheable = true;
  }
  html += "<h2>SQL</h2>\n<pre id=\"sql\" tabindex=\"0\" aria-label=\"the query's SQL\">" + esc(query->sql) + "</pre>\n";
  html += page_end();
  r.body = std::move(html);
  return r;
}

Response queries_json(Context& ctx, const Request&) {
  auto session = ctx.pool.acquire();
  std::string body = "{\"queries\":[";
  bool first = true;
  for (const auto& q : ctx.catalog.queries()) {
    body += first ? "\n" : ",\n";
    first = false;
    body += "{\"name\":" + json_string(q.name) + ",\"title\":" + json_string(q.title) +
            ",\"description\":" + json_string(q.description) + ",\"scope\":" + json_string(scope_name(q.scope)) +
            ",\"sections\":[";
    for (std::size_t i = 0; i < q.sections.size(); ++i) body += (i ? "," : "") + json_string(q.sections[i]);
    body += "],\"params\":[";
    // A query that does not prepare (a --queries file naming a table that
    // is gone) is listed with its error; the others stay usable.
    std::string error;
    try {
      PreparedQuery& pq = session->prepared(q);
      bool first_param = true;
      for (const auto& p : pq.parameters()) {
        body += first_param ? "" : ",";
        first_param = false;
        body += "{\"name\":" + json_string(p.name) +
                ",\"type\":" + json_string(p.type.declared() ? p.type.spec() : "any") +
                ",\"default\":" + (p.default_value ? p.default_value->json() : "null") +
                ",\"required\":" + (p.required() ? "true" : "false") +
                ",\"description\":" + json_string(p.description) + "}";
      }
    } catch (const Error& e) {
      error = e.what();
    }
    body += "]";
    if (!error.empty()) body += ",\"error\":" + json_string(error);
    body += ",\"url\":" + json_string("/api/queries/" + url_encode(q.name)) + "}";
  }
  body += "\n]}\n";
  Response r;
  r.content_type = "application/json; charset=utf-8";
  r.body = std::move(body);
  r.cacheable = true;
  return r;
}

}  // namespace aigc::web
