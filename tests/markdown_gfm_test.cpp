// Markdown as GitHub renders it: every saved query's result, and a row of
// hostile cells, rendered to Markdown and then through cmark-gfm (GitHub's
// own renderer, Debian's cmark-gfm), show each cell exactly as the CSV export
// has it.
#include <doctest/doctest.h>

#include <SQLiteCpp/Database.h>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

#include "csv/csv_reader.h"
#include "query/catalog.h"
#include "render/render.h"
#include "report_fixture.h"
#include "sqlite/connection.h"
#include "sqlite/statement.h"
#include "support.h"

namespace {

using Rows = std::vector<std::vector<std::string>>;

bool have_cmark_gfm() { return std::system("cmark-gfm --version >/dev/null 2>&1") == 0; }

/// The cells of the HTML table cmark-gfm makes of `markdown`, text decoded
/// (entities, <br /> as a line break), header row first.
Rows rendered_cells(const std::string& markdown) {
  test::TempDir dir;
  test::write_file(dir / "t.md", markdown);
  // --unsafe: raw HTML passes as it does on GitHub (which keeps <br>), so
  // any tag the data smuggled in would show up below as markup.
  const std::string cmd = "cmark-gfm --unsafe -e table " + (dir / "t.md").string() + " > " + (dir / "t.html").string();
  REQUIRE(std::system(cmd.c_str()) == 0);
  const std::string html = test::read_file(dir / "t.html");
  Rows rows;
  std::size_t pos = 0;
  while ((pos = html.find("<tr>", pos)) != std::string::npos) {
    const std::size_t end = html.find("</tr>", pos);
    REQUIRE(end != std::string::npos);
    std::vector<std::string> row;
    std::size_t c = pos;
    while (true) {
      const std::size_t th = html.find("<th", c), td = html.find("<td", c);
      const std::size_t open = std::min(th, td);
      if (open == std::string::npos || open > end) break;
      const std::size_t start = html.find('>', open) + 1;
      const std::size_t close = html.find(open == th ? "</th>" : "</td>", start);
      std::string raw = html.substr(start, close - start), text;
      for (std::size_t i = 0; i < raw.size();) {
        if (raw.compare(i, 6, "<br />") == 0 || raw.compare(i, 4, "<br>") == 0) {
          text += '\n';
          i += raw.compare(i, 4, "<br>") == 0 ? 4 : 6;
        } else if (raw.compare(i, 4, "&lt;") == 0) {
          text += '<';
          i += 4;
        } else if (raw.compare(i, 4, "&gt;") == 0) {
          text += '>';
          i += 4;
        } else if (raw.compare(i, 5, "&amp;") == 0) {
          text += '&';
          i += 5;
        } else if (raw.compare(i, 6, "&quot;") == 0) {
          text += '"';
          i += 6;
        } else if (raw[i] == '<') {
          FAIL_CHECK("markup in a cell: " << raw);  // a tag the data turned into HTML
          text += raw[i++];
        } else {
          text += raw[i++];
        }
      }
      row.push_back(text);
      c = close;
    }
    rows.push_back(row);
    pos = end;
  }
  return rows;
}

/// The cells of the CSV export of the same result; NULL as `null_text`.
Rows csv_cells(const std::string& csv, const std::string& null_text) {
  aigc::CsvReader reader(csv, "export.csv");
  Rows rows;
  while (reader.next()) {
    std::vector<std::string> row;
    for (std::size_t i = 0; i < reader.size(); ++i) {
      const auto f = reader.field(i);
      row.emplace_back(f.empty() && !reader.quoted(i) && !rows.empty() ? null_text : std::string(f));
    }
    rows.push_back(row);
  }
  return rows;
}

std::string render(sqlite3_stmt* stmt, aigc::Format format, const std::string& null_text = "NULL") {
  aigc::RenderOptions o;
  o.format = format;
  o.null_text = null_text;
  std::ostringstream out;
  aigc::render_statement(stmt, out, o);
  sqlite3_reset(stmt);
  return out.str();
}

}  // namespace

TEST_CASE("markdown: hostile cells render on GitHub exactly as the CSV has them") {
  if (!have_cmark_gfm()) {
    MESSAGE("cmark-gfm not found (Debian: apt-get install cmark-gfm): skipped");
    return;
  }
  SQLite::Database db(":memory:", SQLite::OPEN_READWRITE);
  aigc::Statement stmt(db.getHandle(),
                       "SELECT '<td>x</td>' AS html, '**Alibaba**' AS bold, '_em_ `code`' AS code, "
                       "'a\\|b' AS backslash_pipe, '  both ends  ' AS spaces, '[link](http://x.y)' AS link, "
                       "'&amp; &#32; &lt;' AS entities, '~~gone~~' AS strike, 'snake_case _lead trail_ a_*b*_c 中_文' "
                       "AS underscores, 'two' || char(10) || 'lines' AS nl, "
                       "'C:\\path\\' AS backslashes, ' ' AS one_space, '' AS empty, 'NULL' AS null_word, "
                       "NULL AS null_value, 'a|b|c' AS pipes, '![img](x.png)' AS image, '<!-- c -->' AS comment");
  const std::string md = render(stmt.get(), aigc::Format::markdown, "∅");
  CAPTURE(md);
  const Rows shown = rendered_cells(md);
  const Rows want = csv_cells(render(stmt.get(), aigc::Format::csv), "∅");
  REQUIRE(shown.size() == 2);
  REQUIRE(want.size() == 2);
  for (std::size_t r = 0; r < want.size(); ++r) {
    REQUIRE(shown[r].size() == want[r].size());
    for (std::size_t c = 0; c < want[r].size(); ++c) {
      CAPTURE(want[0][c]);
      CHECK(shown[r][c] == want[r][c]);
    }
  }
  // NULL and the string 'NULL' stay apart when --null says how NULL looks.
  CHECK(shown[1][13] == "NULL");
  CHECK(shown[1][14] == "∅");
}

TEST_CASE("markdown: every saved query renders on GitHub exactly as its CSV export") {
  if (!have_cmark_gfm()) {
    MESSAGE("cmark-gfm not found (Debian: apt-get install cmark-gfm): skipped");
    return;
  }
  auto& db = test::embedded_warehouse();
  const auto catalog = aigc::QueryCatalog::embedded();
  int queries = 0;
  for (const auto& saved : catalog.queries()) {
    CAPTURE(saved.name);
    aigc::PreparedQuery q(db.getHandle(), saved);
    q.bind({});
    const Rows shown = rendered_cells(render(q.get(), aigc::Format::markdown, "NULL"));
    const Rows want = csv_cells(render(q.get(), aigc::Format::csv), "NULL");
    // An empty result is a header alone in both.
    REQUIRE(shown.size() == want.size());
    for (std::size_t r = 0; r < want.size(); ++r) {
      REQUIRE(shown[r].size() == want[r].size());
      for (std::size_t c = 0; c < want[r].size(); ++c) {
        if (shown[r][c] != want[r][c])
          FAIL_CHECK("row " << r << " column " << want[0][c] << ": GitHub shows '" << shown[r][c] << "', the CSV has '"
                            << want[r][c] << "'");
      }
    }
    ++queries;
  }
  CHECK(queries == static_cast<int>(test::shipped_query_count()));
}
