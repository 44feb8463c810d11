#include "web/html.h"

#include <algorithm>
#include <cctype>

#include "base/version.h"
#include "report/markup.h"

namespace aigc::web {

std::string esc(std::string_view text) { return escaped(text); }

std::string url_encode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
        c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::string query_string(const std::vector<std::pair<std::string, std::string>>& params) {
  std::string out;
  for (const auto& [k, v] : params) {
    out += out.empty() ? '?' : '&';
    out += url_encode(k);
    out += '=';
    out += url_encode(v);
  }
  return out;
}

std::string attachment(std::string_view name, std::string_view ext) {
  std::string ascii;
  for (unsigned char c : name)
    ascii += (std::isalnum(c) || c == '-' || c == '_' || c == '.') ? static_cast<char>(c) : '_';
  if (ascii.empty()) ascii = "download";
  const std::string e(ext);
  return "attachment; filename=\"" + ascii + "." + e + "\"; filename*=UTF-8''" + url_encode(name) + "." + e;
}

std::string page_start(std::string_view title, const std::vector<Crumb>& trail) {
  std::string html;
  html.reserve(4096);
  html += "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n";
  html += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>";
  html += esc(title);
  html += " · aigc</title>\n<link rel=\"icon\" href=\"data:,\">\n<link rel=\"stylesheet\" href=\"/static/app.css\">\n";
  html += "<script src=\"/static/app.js\" defer></script>\n</head>\n<body>\n";
  html += "<header class=\"site\"><a class=\"home\" href=\"/\">aigc</a> <span>AIGC场景应用展望研究报告 · 2023</span>";
  html +=
      "<nav aria-label=\"site\"><a href=\"/\">Report</a> <a href=\"/tables\">Tables</a> <a href=\"/sql\">SQL</a></nav>";
  html += "</header>\n";
  if (!trail.empty()) {
    html += "<nav class=\"trail\" aria-label=\"breadcrumb\"><ol>";
    for (const auto& c : trail) {
      html += "<li>";
      if (c.href.empty()) {
        html += "<span aria-current=\"page\">" + esc(c.label) + "</span>";
      } else {
        html += "<a href=\"" + esc(c.href) + "\">" + esc(c.label) + "</a>";
      }
      html += "</li>";
    }
    html += "</ol></nav>\n";
  }
  html += "<main>\n";
  return html;
}

std::string page_end() {
  return "</main>\n<footer class=\"site\">aigc " + std::string(kVersion) +
         " · read-only · data from iResearch's 2023 report and what users loaded</footer>\n</body>\n</html>\n";
}

namespace {

bool is_source_line_column(std::string_view name) { return name == "source_line"; }

}  // namespace

void append_result_table(std::string& html, const QueryResult& result, const TableOptions& options) {
  html += "<div class=\"table-wrap\" tabindex=\"0\" role=\"region\" aria-label=\"" + esc(options.caption) + "\">";
  html += "<table id=\"" + esc(options.id) + "\">";
  if (!options.caption.empty()) html += "<caption>" + esc(options.caption) + "</caption>";
  // A column is numeric when every value that is not NULL is a number.
  std::vector<bool> numeric(result.columns.size(), false);
  for (std::size_t c = 0; c < result.columns.size(); ++c) {
    bool any = false, all = true;
    for (const auto& row : result.rows) {
      if (row[c].is_null()) continue;
      any = true;
      if (!row[c].is_number()) {
        all = false;
        break;
      }
    }
    numeric[c] = any && all;
  }
  html += "<thead><tr>";
  for (std::size_t c = 0; c < result.columns.size(); ++c) {
    const auto& name = result.columns[c];
    const bool sorted = options.sort_base && name == options.sorted_by;
    html += "<th scope=\"col\"";
    if (numeric[c]) html += " class=\"num\"";
    if (sorted) html += options.descending ? " aria-sort=\"descending\"" : " aria-sort=\"ascending\"";
    html += ">";
    if (options.sort_base) {
      std::string href = *options.sort_base;
      href += href.empty() ? '?' : '&';
      href += "_sort=" + url_encode(name);
      if (sorted && !options.descending) href += "&_desc=1";
      html += "<a href=\"" + esc(href) + "\">" + esc(name);
      if (sorted)
        html += options.descending ? " <span aria-hidden=\"true\">▼</span>" : " <span aria-hidden=\"true\">▲</span>";
      html += "</a>";
    } else {
      html += esc(name);
    }
    html += "</th>";
  }
  html += "</tr></thead>\n<tbody>\n";
  for (const auto& row : result.rows) {
    html += "<tr>";
    for (std::size_t c = 0; c < row.size(); ++c) {
      const auto& cell = row[c];
      if (cell.is_null()) {
        html += "<td class=\"null\">NULL</td>";
      } else if (cell.is_number()) {
        html += "<td class=\"num\">";
        if (is_source_line_column(result.columns[c]) && cell.type == SQLITE_INTEGER && cell.number > 0) {
          html += "<a class=\"source\" href=\"/text/" + cell.text + "#L" + cell.text + "\" title=\"the report's line " +
                  cell.text + "\">" + cell.text + "</a>";
        } else {
          html += esc(cell.text);
        }
        html += "</td>";
      } else if (cell.text.empty()) {
        html += "<td class=\"empty\"></td>";
      } else {
        html += cell.text.size() > 60 ? "<td class=\"long\">" : "<td>";
        html += esc(cell.text);
        html += "</td>";
      }
    }
    html += "</tr>\n";
  }
  html += "</tbody></table></div>\n";
}

void sort_rows(QueryResult& result, std::size_t column, bool descending) {
  // Rank: NULL, then numbers, then text and blobs; within a rank by value.
  auto rank = [](const ResultCell& c) { return c.is_null() ? 0 : c.is_number() ? 1 : 2; };
  auto less = [&](const std::vector<ResultCell>& a, const std::vector<ResultCell>& b) {
    const auto& x = a[column];
    const auto& y = b[column];
    const int rx = rank(x), ry = rank(y);
    if (rx != ry) return rx < ry;
    if (rx == 1) return x.number < y.number;
    if (rx == 2) return x.text < y.text;
    return false;
  };
  std::stable_sort(result.rows.begin(), result.rows.end(),
                   [&](const auto& a, const auto& b) { return descending ? less(b, a) : less(a, b); });
}

}  // namespace aigc::web
