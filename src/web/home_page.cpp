// /: the report's parts and pages, each with the saved queries that
// reproduce it, then the queries of no page and the tables with their sizes.
#include <map>

#include "base/resources.h"

#include "sqlite/quote.h"
#include "sqlite/statement.h"
#include "sqlite/table_info.h"
#include "web/handlers.h"
#include "web/html.h"
#include "web/run_guarded.h"

namespace aigc::web {

namespace {

void append_query_link(std::string& html, const SavedQuery& q) {
  html += "<li><a href=\"/queries/" + esc(url_encode(q.name)) + "\">" + esc(q.title.empty() ? q.name : q.title) +
          "</a> <code>" + esc(q.name) + "</code>";
  if (q.scope == QueryScope::analysis) html += " <span class=\"badge\">analysis</span>";
  html += "</li>";
}

}  // namespace

Response home_page(Context& ctx, const Request&) {
  auto session = ctx.pool.acquire();
  std::string html = page_start("AIGC场景应用展望研究报告", {});
  html += "<h1>AIGC场景应用展望研究报告 <span class=\"sub\">iResearch, 2023 · as a warehouse</span></h1>\n";
  html +=
      "<p class=\"lead\">Every page of the report with the saved queries that reproduce its tables; each "
      "row links back to the line of the report it comes from.</p>\n";

  std::map<std::string, std::vector<const SavedQuery*>, std::less<>> by_section;
  std::vector<const SavedQuery*> unplaced;
  for (const auto& q : ctx.catalog.queries()) {
    if (q.sections.empty()) unplaced.push_back(&q);
    for (const auto& s : q.sections) by_section[s].push_back(&q);
  }

  run_guarded(*session, [&] {
    Statement st(session->handle(),
                 "SELECT section_id, part, title, start_line FROM report_section ORDER BY start_line");
    std::string part;
    bool open = false;
    html +=
        "<section class=\"parts\" aria-labelledby=\"parts-heading\"><h2 id=\"parts-heading\">The report, page by "
        "page</h2>\n";
    while (st.step()) {
      const std::string_view id = st.column_text(0);
      const std::string this_part(st.column_text(1));
      if (this_part != part || !open) {
        if (open) html += "</ol></section>\n";
        html += "<section class=\"part\"><h3>" + esc(this_part) + "</h3><ol class=\"pages\">\n";
        part = this_part;
        open = true;
      }
      const std::string line = std::to_string(st.column_int64(3));
      html += "<li><a class=\"page\" href=\"/text/" + line + "#L" + line + "\">" + esc(st.column_text(2)) + "</a>";
      if (auto it = by_section.find(id); it != by_section.end()) {
        html += "<ul class=\"queries\">";
        for (const auto* q : it->second) append_query_link(html, *q);
        html += "</ul>";
      }
      html += "</li>\n";
    }
    if (open) html += "</ol></section>\n";
    html += "</section>\n";
  });

  if (!unplaced.empty()) {
    html +=
        "<section aria-labelledby=\"more-heading\"><h2 id=\"more-heading\">Queries about the whole warehouse</h2><ul "
        "class=\"queries\">";
    for (const auto* q : unplaced) append_query_link(html, *q);
    html += "</ul></section>\n";
  }

  html += "<section aria-labelledby=\"tables-heading\"><h2 id=\"tables-heading\">Tables</h2><ul class=\"tables\">";
  run_guarded(*session, [&] {
    for (const auto& name : table_names(session->handle())) {
      Statement count(session->handle(), "SELECT count(*) FROM " + quote_identifier(name));
      count.step();
      const auto n = count.column_int64(0);
      html += "<li><a href=\"/tables/" + esc(url_encode(name)) + "\">" + esc(name) + "</a> <span class=\"rows\">" +
              std::to_string(n) + (n == 1 ? " row" : " rows") + "</span></li>";
    }
  });
  html +=
      "</ul><p><a href=\"/sql\">Ask your own question in SQL</a> · <a href=\"/api/queries\">the JSON "
      "API</a></p></section>\n";
  html += page_end();
  Response r;
  r.body = std::move(html);
  r.cacheable = true;
  return r;
}

Response static_asset(std::string_view name) {
  for (const auto& f : embedded_files("web/")) {
    if (f.path.substr(4) != name) continue;
    Response r;
    r.content_type = name.ends_with(".css") ? "text/css; charset=utf-8" : "text/javascript; charset=utf-8";
    r.body = std::string(f.data);
    r.headers.emplace_back("Cache-Control", "public, max-age=3600");
    return r;
  }
  throw HttpError(404, "no such file: /static/" + std::string(name.substr(0, 100)));
}

}  // namespace aigc::web
