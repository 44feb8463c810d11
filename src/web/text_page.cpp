// /text/LINE: the report's extracted text around one line, the target of
// every provenance link. Names the line's section, marks the line, and shows
// beside it each correction made to what it says.
#include <algorithm>
#include <charconv>

#include "base/resources.h"
#include "sqlite/statement.h"
#include "web/handlers.h"
#include "web/html.h"

namespace aigc::web {

namespace {

constexpr std::uint64_t kContext = 15;  ///< lines shown before and after

/// The report's text, split into lines (the first is line 1).
const std::vector<std::string_view>& report_lines() {
  static const std::vector<std::string_view> lines = [] {
    std::vector<std::string_view> out;
    const auto files = embedded_files("report/");
    if (files.empty()) return out;
    std::string_view text = files.front().data;
    while (!text.empty()) {
      const auto nl = text.find('\n');
      std::string_view line = text.substr(0, nl);
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      out.push_back(line);
      if (nl == std::string_view::npos) break;
      text.remove_prefix(nl + 1);
    }
    return out;
  }();
  return lines;
}

}  // namespace

Response text_page(Context& ctx, const Request&, std::string_view line_text) {
  const auto& lines = report_lines();
  std::uint64_t line = 0;
  const auto [end, ec] = std::from_chars(line_text.data(), line_text.data() + line_text.size(), line);
  if (ec != std::errc() || end != line_text.data() + line_text.size() || line == 0 || line > lines.size())
    throw HttpError(404, "the report's text has lines 1 to " + std::to_string(lines.size()) + "; there is no line '" +
                             std::string(line_text.substr(0, 40)) + "'");

  auto session = ctx.pool.acquire();
  std::string section_id, part, title, subtitle;
  std::uint64_t section_start = 0;
  {
    Statement st(session->handle(),
                 "SELECT section_id, part, title, coalesce(subtitle, ''), start_line FROM report_section "
                 "WHERE start_line <= ?1 ORDER BY start_line DESC LIMIT 1");
    st.bind_int64(1, static_cast<std::int64_t>(line));
    if (st.step()) {
      section_id = st.column_string(0);
      part = st.column_string(1);
      title = st.column_string(2);
      subtitle = st.column_string(3);
      section_start = static_cast<std::uint64_t>(st.column_int64(4));
    }
  }

  const std::string heading = "Line " + std::to_string(line) + " of the report";
  std::string html = page_start(heading, {{"Report", "/"}, {"Text", ""}});
  html += "<h1>" + esc(heading) + "</h1>\n";
  if (!section_id.empty()) {
    html += "<p class=\"section-name\">In <strong>" + esc(title) + "</strong> <span class=\"part\">(" + esc(part) +
            ", section <code>" + esc(section_id) + "</code>, from line " + std::to_string(section_start) + ")</span>";
    if (!subtitle.empty()) html += "<br><span class=\"subtitle\">" + esc(subtitle) + "</span>";
    html += "</p>\n";
  } else {
    html += "<p class=\"section-name\">Before the report's first section.</p>\n";
  }

  // Corrections to what this line says: the verbatim text beside the value stored.
  {
    Statement st(session->handle(),
                 "SELECT table_name, row_key, column_name, verbatim, corrected, reason FROM correction "
                 "WHERE source_line = ?1 ORDER BY correction_id");
    st.bind_int64(1, static_cast<std::int64_t>(line));
    while (st.step()) {
      html += "<aside class=\"correction\"><h2>Corrected</h2><p><span class=\"verbatim\">The text says <q>" +
              esc(st.column_text(3)) + "</q></span>; <span class=\"corrected\">stored as <q>" + esc(st.column_text(4)) +
              "</q></span> in <code>" + esc(st.column_text(0)) + "." + esc(st.column_text(2)) + "</code> (row <code>" +
              esc(st.column_text(1)) + "</code>).</p><p class=\"why\">" + esc(st.column_text(5)) + "</p></aside>\n";
    }
  }

  const std::uint64_t first = line > kContext ? line - kContext : 1;
  const std::uint64_t last = std::min<std::uint64_t>(lines.size(), line + kContext);
  html += "<nav class=\"pager\" aria-label=\"more of the text\">";
  if (first > 1) {
    const auto prev = first > kContext + 1 ? first - kContext - 1 : 1;
    html +=
        "<a rel=\"prev\" href=\"/text/" + std::to_string(prev) + "#L" + std::to_string(prev) + "\">earlier lines</a> ";
  }
  if (last < lines.size()) {
    const auto next = std::min<std::uint64_t>(lines.size(), last + kContext + 1);
    html += "<a rel=\"next\" href=\"/text/" + std::to_string(next) + "#L" + std::to_string(next) + "\">later lines</a>";
  }
  html += "</nav>\n<pre class=\"report-text\">";
  for (std::uint64_t n = first; n <= last; ++n) {
    const std::string id = std::to_string(n);
    html += "<span class=\"line" + std::string(n == line ? " hl" : "") + "\" id=\"L" + id + "\">";
    html += "<a class=\"ln\" href=\"/text/" + id + "#L" + id + "\" aria-label=\"line " + id + "\">" + id + "</a> ";
    html += esc(lines[n - 1]);
    html += "</span>\n";
  }
  html += "</pre>\n";
  html += page_end();
  Response r;
  r.body = std::move(html);
  r.cacheable = true;
  return r;
}

}  // namespace aigc::web
