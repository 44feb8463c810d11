#include "report/html_report.h"

#include <algorithm>
#include <cctype>
#include <limits>
#include <map>
#include <memory>
#include <set>

#include "base/error.h"
#include "base/output_file.h"
#include "base/resources.h"
#include "query/query_result.h"
#include "render/render.h"
#include "report/markup.h"
#include "report/report_charts.h"
#include "sqlite/sqlite_engine.h"

namespace aigc {

namespace {

// No script and nothing to fetch: the policy makes any attempt (an <img>
// slipped into a description, say) fail visibly instead of leaking a request.
constexpr std::string_view kPolicy =
    "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'";

/// The style sheet, src/core/report/report.css, compiled into the binary.
std::string_view report_style() {
  for (const auto& r : embedded_files("style/"))
    if (r.path == "style/report.css") return r.data;
  throw Error("the report's style sheet is not embedded in this build");
}

/// A report_section row.
struct ReportSection {
  std::string part;
  std::string title;
  std::string subtitle;
  std::int64_t start_line = 0;
};

/// report_section by id; empty if the warehouse has no such table.
std::map<std::string, ReportSection> read_sections(engine::Connection& db) {
  std::map<std::string, ReportSection> sections;
  std::unique_ptr<engine::Cursor> rows;
  try {
    rows = db.prepare("SELECT section_id, part, title, subtitle, start_line FROM report_section");
  } catch (const DataError&) {
    return sections;
  }
  auto text = [&](int i) { return std::string(rows->column_text(i)); };
  try {
    while (rows->step()) sections[text(0)] = ReportSection{text(1), text(2), text(3), rows->column_int64(4)};
  } catch (const DataError&) {
    // As before the engine seam: sections read so far are kept; a query
    // that meets the same failure reports it.
  }
  return sections;
}

/// A query run, with everything its section shows.
struct Entry {
  const SavedQuery* query = nullptr;
  std::vector<std::pair<std::string, ParamValue>> params;
  QueryResult result;
  std::string anchor;
  std::int64_t position = std::numeric_limits<std::int64_t>::max();  ///< where in the report it belongs
};

/// An id for `name`: letters, digits, - and _ kept, anything else _.
std::string anchor_for(std::string_view name, std::set<std::string>& taken) {
  std::string a = "q-";
  for (unsigned char c : name) a += (std::isalnum(c) || c == '-' || c == '_') ? static_cast<char>(c) : '_';
  std::string unique = a;
  for (int n = 2; !taken.insert(unique).second; ++n) unique = a + "-" + std::to_string(n);
  return unique;
}

std::string plural(std::uint64_t n, std::string_view one, std::string_view many) {
  return std::to_string(n) + " " + std::string(n == 1 ? one : many);
}

std::string params_text(const std::vector<std::pair<std::string, ParamValue>>& params) {
  std::string s;
  for (const auto& [name, value] : params) s += (s.empty() ? "" : ", ") + name + "=" + value.literal();
  return s;
}

/// A column is numeric when every non-NULL value in it is a number (and one is).
bool numeric_column(const QueryResult& r, std::size_t col) {
  bool any = false;
  for (const auto& row : r.rows) {
    if (row[col].is_null()) continue;
    if (!row[col].is_number()) return false;
    any = true;
  }
  return any;
}

/// A column of long text gets room to wrap instead of one narrow column.
bool long_column(const QueryResult& r, std::size_t col) {
  for (const auto& row : r.rows)
    if (row[col].type == SQLITE_TEXT && display_width(row[col].text) > 40) return true;
  return false;
}

void write_table(std::string& html, const Entry& e) {
  const QueryResult& r = e.result;
  if (r.rows.empty()) html += "<p class=\"empty\">The query returned no rows.</p>\n";
  html += "<div class=\"table-wrap\" role=\"region\" tabindex=\"0\" aria-label=\"";
  append_escaped(html, e.query->title);
  html += " (table)\">\n<table>\n<thead><tr>";
  std::vector<bool> numeric(r.columns.size()), wide(r.columns.size());
  for (std::size_t c = 0; c < r.columns.size(); ++c) {
    numeric[c] = numeric_column(r, c);
    wide[c] = long_column(r, c);
    html += numeric[c] ? "<th scope=\"col\" class=\"n\">" : "<th scope=\"col\">";
    append_escaped(html, r.columns[c]);
    html += "</th>";
  }
  html += "</tr></thead>\n<tbody>\n";
  for (const auto& row : r.rows) {
    html += "<tr>";
    for (std::size_t c = 0; c < row.size(); ++c) {
      const ResultCell& cell = row[c];
      if (cell.is_null()) {
        html += numeric[c] ? "<td class=\"n\">" : "<td>";
        html += "<span class=\"null\">NULL</span></td>";
        continue;
      }
      const bool long_text = !cell.is_number() && wide[c];
      html += cell.is_number() ? "<td class=\"n\">" : long_text ? "<td class=\"long\"><div>" : "<td>";
      append_escaped(html, cell.text);
      html += long_text ? "</div></td>" : "</td>";
    }
    html += "</tr>\n";
  }
  html += "</tbody>\n</table>\n</div>\n";
}

void write_provenance(std::string& html, const Entry& e, const std::map<std::string, ReportSection>& sections) {
  html += "<footer class=\"provenance\">\n<h3>Provenance · 出处</h3>\n<ul>\n";
  for (const auto& id : e.query->sections) {
    html += "<li>Report section <code>";
    append_escaped(html, id);
    html += "</code>";
    if (auto s = sections.find(id); s != sections.end()) {
      html += ": ";
      append_escaped(html, s->second.part);
      html += " › <strong>";
      append_escaped(html, s->second.title);
      html += "</strong>";
      if (!s->second.subtitle.empty()) {
        html += " — ";
        append_escaped(html, s->second.subtitle);
      }
      html += " (from line " + std::to_string(s->second.start_line) + " of the extracted report text)";
    } else {
      html += " (not in this warehouse's report_section)";
    }
    html += "</li>\n";
  }
  if (auto col = e.result.column("source_line")) {
    std::set<std::int64_t> lines;
    for (const auto& row : e.result.rows)
      if (row[*col].type == SQLITE_INTEGER) lines.insert(static_cast<std::int64_t>(row[*col].number));
    if (!lines.empty())
      html += "<li>Each row cites its line in the extracted report text (column <code>source_line</code>): " +
              plural(lines.size(), "line", "distinct lines") +
              (lines.size() > 1 ? ", from " + std::to_string(*lines.begin()) + " to " + std::to_string(*lines.rbegin())
                                : ", line " + std::to_string(*lines.begin())) +
              ".</li>\n";
  }
  html += "<li>Saved query <code>";
  append_escaped(html, e.query->file);
  html += "</code>";
  if (!e.params.empty()) {
    html += " with <code>";
    append_escaped(html, params_text(e.params));
    html += "</code>";
  }
  html += "; rerun it with <code>aigc run ";
  append_escaped(html, e.query->name);
  html += "</code>.</li>\n</ul>\n<details><summary>SQL</summary>\n<pre><code>";
  append_escaped(html, e.query->sql);
  html += "</code></pre>\n</details>\n</footer>\n";
}

void write_section(std::string& html, const Entry& e, std::size_t number,
                   const std::map<std::string, ReportSection>& sections, std::size_t& charts) {
  const SavedQuery& q = *e.query;
  html += "<section class=\"query\" id=\"" + e.anchor + "\" data-query=\"";
  append_escaped(html, q.name);
  html += "\" data-rows=\"" + std::to_string(e.result.rows.size()) + "\">\n";
  html += "<p class=\"kicker\"><span class=\"no\">" + std::to_string(number) + "</span><code>";
  append_escaped(html, q.name);
  html += "</code> · " + plural(e.result.rows.size(), "row", "rows") + "</p>\n<h2>";
  append_escaped(html, q.title.empty() ? q.name : q.title);
  html += "</h2>\n";
  if (!q.description.empty()) {
    html += "<p class=\"desc\">";
    append_escaped(html, q.description);
    html += "</p>\n";
  }
  if (!q.sections.empty()) {
    html += "<ul class=\"sections\" aria-label=\"Report sections reproduced\">\n";
    for (const auto& id : q.sections) {
      html += "<li>";
      if (auto s = sections.find(id); s != sections.end()) {
        html += "<span class=\"part\">";
        append_escaped(html, s->second.part);
        html += "</span>";
        append_escaped(html, s->second.title);
      } else {
        append_escaped(html, id);
      }
      html += "</li>\n";
    }
    html += "</ul>\n";
  }
  const std::string chart = chart_for_query(q.name, e.result, "chart-" + e.anchor);
  if (!chart.empty()) {
    ++charts;
    html += "<figure class=\"chart\" data-query=\"";
    append_escaped(html, q.name);
    html += "\">\n" + chart + "<figcaption>Chart drawn from the result of saved query <code>";
    append_escaped(html, q.name);
    html += "</code>, the table below.</figcaption>\n</figure>\n";
  }
  write_table(html, e);
  write_provenance(html, e, sections);
  html += "</section>\n";
}

}  // namespace

HtmlReportSummary write_html_report(engine::Connection& db, const WarehouseInfo& warehouse, const QueryCatalog& catalog,
                                    std::ostream& out, const HtmlReportOptions& options) {
  // Run everything first: a failing query must not leave half a page.
  auto bound = bind_queries(db, catalog.queries(), options.params);
  const auto sections = read_sections(db);
  std::vector<Entry> entries;
  std::set<std::string> anchors;
  for (auto& b : bound) {
    Entry e;
    e.query = &b.prepared.query();
    e.params = b.params;
    try {
      e.result = QueryResult::fetch(b.prepared.cursor());
    } catch (const DataError& err) {
      throw DataError("query " + e.query->name + ": " + err.what());
    }
    e.anchor = anchor_for(e.query->name, anchors);
    for (const auto& id : e.query->sections)
      if (auto s = sections.find(id); s != sections.end()) e.position = std::min(e.position, s->second.start_line);
    entries.push_back(std::move(e));
  }
  // In the order of the report pages they reproduce, so the page reads like the report.
  std::stable_sort(entries.begin(), entries.end(),
                   [](const Entry& a, const Entry& b) { return a.position < b.position; });

  std::string report_title = "AIGC report: tables and charts";
  std::string report_subtitle;
  if (auto cover = sections.find("cover"); cover != sections.end()) {
    report_title = cover->second.title;
    report_subtitle = cover->second.subtitle;
  }
  const std::string generated = options.generated_at.empty() ? utc_timestamp() : options.generated_at;

  HtmlReportSummary summary;
  summary.sections = entries.size();
  for (const auto& e : entries) summary.rows += e.result.rows.size();

  std::string html;
  html += "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n";
  html += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  html += "<meta http-equiv=\"Content-Security-Policy\" content=\"" + std::string(kPolicy) + "\">\n";
  html += "<meta name=\"generator\" content=\"aigc " + std::string(aigc_version()) + "\">\n<title>";
  append_escaped(html, report_title);
  html += " · 数据与图表</title>\n<style>" + std::string(report_style()) + "</style>\n</head>\n<body>\n";

  html += "<header class=\"masthead\"><div class=\"inner\">\n<h1>";
  append_escaped(html, report_title);
  if (!report_subtitle.empty()) {
    html += " <small>";
    append_escaped(html, report_subtitle);
    html += "</small>";
  }
  html +=
      "</h1>\n<p>iResearch (艾瑞咨询), 2023. The report's tables and figures, reproduced from the aigc warehouse by " +
      plural(entries.size(), "saved query", "saved queries") + " (" + plural(summary.rows, "row", "rows") +
      "), in the order of the report pages they come from.</p>\n<p class=\"meta\">Generated ";
  append_escaped(html, generated);
  html += " by aigc " + std::string(aigc_version());
  if (!warehouse.built_at.empty()) {
    html += " · warehouse built ";
    append_escaped(html, warehouse.built_at);
  }
  if (!warehouse.seed_digest.empty()) {
    html += " · seeds <code>";
    append_escaped(html, warehouse.seed_digest.substr(0, 12));
    html += "</code>";
  }
  html += " · queries: ";
  append_escaped(html, catalog.origin());
  if (!options.params.empty()) {
    html += " · parameters:";
    for (const auto& [name, value] : options.params) {
      html += " <code>";
      append_escaped(html, name + "=" + value);
      html += "</code>";
    }
  }
  html += "</p>\n</div></header>\n<div class=\"page\">\n";

  html += "<nav class=\"toc\" aria-label=\"Contents\">\n<h2>目录 · Contents</h2>\n<ol>\n";
  const auto charted = charted_queries();
  for (const auto& e : entries) {
    html += "<li><a href=\"#" + e.anchor + "\">";
    append_escaped(html, e.query->title.empty() ? e.query->name : e.query->title);
    html += "</a>";
    if (std::find(charted.begin(), charted.end(), e.query->name) != charted.end())
      html += "<span class=\"badge\">chart</span>";
    html += "<span class=\"q\"><code>";
    append_escaped(html, e.query->name);
    html += "</code> · " + plural(e.result.rows.size(), "row", "rows") + "</span></li>\n";
  }
  html += "</ol>\n</nav>\n<main>\n";
  out.write(html.data(), static_cast<std::streamsize>(html.size()));

  for (std::size_t i = 0; i < entries.size(); ++i) {
    html.clear();
    write_section(html, entries[i], i + 1, sections, summary.charts);
    out.write(html.data(), static_cast<std::streamsize>(html.size()));
  }
  html = "</main>\n<footer class=\"colophon\">Generated by aigc " + std::string(aigc_version()) +
         ". One self-contained file: no scripts, nothing loaded from the network.</footer>\n</div>\n</body>\n</html>\n";
  out.write(html.data(), static_cast<std::streamsize>(html.size()));
  out.flush();
  if (!out) throw DataError("cannot write the report: the output stream failed");
  return summary;
}

HtmlReportSummary write_html_report(sqlite3* db, const WarehouseInfo& warehouse, const QueryCatalog& catalog,
                                    std::ostream& out, const HtmlReportOptions& options) {
  SqliteConnection connection(db);
  return write_html_report(connection, warehouse, catalog, out, options);
}

HtmlReportSummary write_html_report_file(engine::Connection& db, const WarehouseInfo& warehouse,
                                         const QueryCatalog& catalog, const fs::path& file,
                                         const HtmlReportOptions& options) {
  OutputFile out(file, db.database_file(), options.standard_output);
  auto summary = write_html_report(db, warehouse, catalog, out.stream(), options);
  out.commit();
  return summary;
}

HtmlReportSummary write_html_report_file(sqlite3* db, const WarehouseInfo& warehouse, const QueryCatalog& catalog,
                                         const fs::path& file, const HtmlReportOptions& options) {
  SqliteConnection connection(db);
  return write_html_report_file(connection, warehouse, catalog, file, options);
}

}  // namespace aigc
