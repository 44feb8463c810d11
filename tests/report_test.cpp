// The HTML report: escaping and text layout, the SVG charts, building charts
// from results, the page itself (in-process on a small database with test
// queries), and `aigc report` end to end on the shipped queries. The page in
// a real browser is tests/browser/report_check.mjs (CTest: report_in_chromium).
#include <doctest/doctest.h>

#include <SQLiteCpp/Database.h>
#include <algorithm>
#include <regex>
#include <sstream>

#include "base/error.h"
#include "json_parse.h"
#include "render/render.h"
#include "report/html_report.h"
#include "report/markup.h"
#include "report/report_charts.h"
#include "report/svg_chart.h"
#include "support.h"

namespace {

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto pos = text.find(what); pos != std::string::npos; pos = text.find(what, pos + what.size())) ++n;
  return n;
}

/// The HTML of the section for query `name` ("" if there is none).
std::string section_of(const std::string& html, const std::string& name) {
  const auto at = html.find("<section class=\"query\" id=\"q-" + name + "\"");
  if (at == std::string::npos) return {};
  return html.substr(at, html.find("</section>", at) - at);
}

/// Rows in the body of the (single) table of a section.
std::size_t body_rows(const std::string& section) {
  const auto body = section.find("<tbody>");
  if (body == std::string::npos) return 0;
  return count(section.substr(body, section.find("</tbody>", body) - body), "<tr>");
}

/// Checks what makes the page self-contained: a policy that forbids loading,
/// no script, no src, and links only to anchors that exist.
void check_self_contained(const std::string& html) {
  CHECK(html.find("<meta charset=\"utf-8\">") != std::string::npos);
  CHECK(html.find("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none';") != std::string::npos);
  CHECK(html.find("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">") != std::string::npos);
  CHECK(html.find("<script") == std::string::npos);
  CHECK(html.find(" src=") == std::string::npos);
  CHECK(html.find("@media print") != std::string::npos);
  CHECK(html.find("\"Noto Sans CJK SC\"") != std::string::npos);
  const std::regex href(" href=\"([^\"]*)\"");
  std::size_t links = 0;
  for (std::sregex_iterator it(html.begin(), html.end(), href), end; it != end; ++it, ++links) {
    const std::string target = (*it)[1];
    INFO("href=" << target);
    REQUIRE(target.rfind('#', 0) == 0);
    CHECK(html.find("id=\"" + target.substr(1) + "\"") != std::string::npos);
  }
  CHECK(links > 0);
  const std::regex url("https?://[^\"\\s<]+");
  for (std::sregex_iterator it(html.begin(), html.end(), url), end; it != end; ++it)
    CHECK(it->str() == "http://www.w3.org/2000/svg");  // a namespace name, never fetched
}

/// A small database with a report_section table, and a directory of test queries.
struct Fixture {
  test::TempDir dir;
  test::fs::path queries = dir / "queries";
  SQLite::Database db{":memory:", SQLite::OPEN_READWRITE};

  Fixture() {
    db.exec(
        "CREATE TABLE report_section (section_id TEXT PRIMARY KEY, part TEXT, title TEXT, subtitle TEXT, "
        "start_line INTEGER);"
        "INSERT INTO report_section VALUES ('cover', 'front', '测试报告', '2023年', 7),"
        "('late', '02 产业视角', '后面的页', '副标题', 500), ('early', '01 技术视角', '前面的页', NULL, 100);");
    test::fs::create_directory(queries);
    add("b_first",
        "-- title: 早 <i>\n-- scope: report\n-- description: Desc & \"quotes\"\n-- section: early\n"
        "SELECT '<script>alert(1)</script>' AS \"a<b\", NULL AS n, '' AS e, 42 AS i, 0.5 AS r, "
        "12 AS source_line UNION ALL SELECT 'x', 'y', 'z', 1, 2.5, 30");
    add("a_late", "-- title: Nothing\n-- scope: report\n-- section: late\nSELECT 1 AS x WHERE 0");
    add("yuyan_vs_humans",
        "-- title: 玉言\n-- scope: report\n-- section: late, early\n"
        "SELECT 'T1' AS task, '任务一' AS task_zh, '84.685' AS yuyan, '84.100' AS human "
        "UNION ALL SELECT 'T2', '任务二', '70', NULL");
    add("nowhere",
        "-- title: Unplaced\n-- scope: report\n-- section: not_a_section\n-- param: v = 3 -- a value\nSELECT :v AS v");
  }
  void add(const std::string& name, const std::string& text) const {
    test::write_file(queries / (name + ".sql"), text);
  }
  std::string report(const aigc::ParamArgs& params = {}) {
    std::ostringstream out;
    aigc::HtmlReportOptions options;
    options.params = params;
    options.generated_at = "2024-01-31T08:00:00Z";
    aigc::write_html_report(db.getHandle(), aigc::WarehouseInfo{}, aigc::QueryCatalog::from_directory(queries), out,
                            options);
    return out.str();
  }
};

}  // namespace

TEST_CASE("markup: escaping keeps markup out and shows what the data holds") {
  CHECK(aigc::escaped("<a href=\"x\">Tom's & Jerry</a>") ==
        "&lt;a href=&quot;x&quot;&gt;Tom&#39;s &amp; Jerry&lt;/a&gt;");
  CHECK(aigc::escaped("中文\tok\n") == "中文\tok\n");
  CHECK(aigc::escaped(std::string("a\x1B[31mb\x7F", 8)) == "a\xE2\x90\x9B[31mb\xE2\x90\xA1");  // ␛ and ␡
  CHECK(aigc::escaped(std::string("\0", 1)) == "\xE2\x90\x80");                                // ␀
  CHECK(aigc::escaped("bad \xFF byte") == "bad \xEF\xBF\xBD byte");
  CHECK(aigc::escaped("\xC2\x85") == "\xEF\xBF\xBD");  // a C1 control
}

TEST_CASE("markup: cutting and wrapping count a Chinese character as two cells") {
  CHECK(aigc::cut_to_width("大模型服务平台百炼", 8) == "大模型…");
  CHECK(aigc::cut_to_width("GPT-4.0", 7) == "GPT-4.0");
  CHECK(aigc::cut_to_width("abcdef", 4) == "abc…");

  const auto zh = aigc::wrap_to_width("行业可变革程度较高的同时商业化潜力高", 10);
  REQUIRE(zh.size() == 4);
  CHECK(zh[0] == "行业可变革");
  for (const auto& l : zh) CHECK(aigc::display_width(l) <= 10);

  // Latin words stay whole; a mix breaks between words or Chinese characters.
  CHECK(aigc::wrap_to_width("price per 1,000 tokens", 10) == std::vector<std::string>{"price per", "1,000", "tokens"});
  CHECK(aigc::wrap_to_width("玉言 vs humans per task", 12) ==
        std::vector<std::string>{"玉言 vs", "humans per", "task"});
  // A word longer than a line is broken inside it.
  CHECK(aigc::wrap_to_width("abcdefghij", 4) == std::vector<std::string>{"abcd", "efgh", "ij"});
  CHECK(aigc::wrap_to_width("", 10).empty());
}

TEST_CASE("svg: ticks are round numbers covering the maximum") {
  CHECK(aigc::nice_ticks(0.426) == std::vector<double>{0, 0.1, 0.2, 0.30000000000000004, 0.4, 0.5});
  CHECK(aigc::tick_text(0.30000000000000004) == "0.3");
  CHECK(aigc::nice_ticks(98) == std::vector<double>{0, 20, 40, 60, 80, 100});
  CHECK(aigc::nice_ticks(10) == std::vector<double>{0, 2, 4, 6, 8, 10});
  CHECK(aigc::nice_ticks(0) == std::vector<double>{0, 1});
  CHECK(aigc::tick_text(2.5) == "2.5");
  CHECK(aigc::tick_text(100) == "100");
}

TEST_CASE("svg: a bar chart scales to its container, labels each bar and marks a missing value") {
  aigc::BarChart chart;
  chart.title = "分数 <scores>";
  chart.source = "Source: saved query q";
  chart.value_axis = "score";
  chart.categories = {"总分 · TOTAL", std::string(60, 'x')};
  chart.series = {{"玉言", {aigc::BarValue{84.685, "84.685"}, aigc::BarValue{50, "50"}}},
                  {"人类", {aigc::BarValue{84.1, "84.100"}, std::nullopt}}};
  const std::string svg = aigc::bar_chart_svg(chart, "c1");
  CHECK(svg.rfind("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 480 ", 0) == 0);
  const std::string open_tag = svg.substr(0, svg.find('>'));
  CHECK(open_tag.find(" width=") == std::string::npos);  // no fixed size: it scales with the page
  CHECK(open_tag.find(" height=") == std::string::npos);
  CHECK(svg.find("aria-labelledby=\"c1-title c1-desc\"") != std::string::npos);
  CHECK(svg.find("<title id=\"c1-title\">分数 &lt;scores&gt;</title>") != std::string::npos);
  CHECK(svg.find(">84.685</text>") != std::string::npos);
  CHECK(svg.find(">84.100</text>") != std::string::npos);
  CHECK(svg.find(">n/a</text>") != std::string::npos);
  CHECK(svg.find(">Source: saved query q</text>") != std::string::npos);
  // A label too long for the chart is cut, its full text kept as a tooltip.
  CHECK(svg.find("<title>" + std::string(60, 'x') + "</title>") != std::string::npos);
  CHECK(svg.find("…") != std::string::npos);
  // Background, 2 legend keys, 3 bars.
  CHECK(count(svg, "<rect") == 1 + 2 + 3);
}

TEST_CASE("svg: a quadrant chart places items by their axes and lists the unplaced") {
  aigc::QuadrantChart chart;
  chart.title = "矩阵";
  chart.source = "Source: saved query industry_quadrants";
  chart.x_axis = "可变革程度";
  chart.y_axis = "商业化潜力";
  chart.cells[1][1] = {"热门发展市场", {"广告营销", "电子商务"}};
  chart.cells[0][0] = {"初步探索市场", {}};
  chart.unplaced_label = "未定位";
  chart.unplaced = {"医疗", "游戏"};
  const std::string svg = aigc::quadrant_chart_svg(chart, "q");
  CHECK(svg.find(">热门发展市场</text>") != std::string::npos);
  CHECK(svg.find(">广告营销、电子商务</text>") != std::string::npos);
  CHECK(svg.find(">—</text>") != std::string::npos);  // empty quadrants say so
  CHECK(svg.find(">医疗、游戏</text>") != std::string::npos);
  CHECK(svg.find("↑ 商业化潜力") != std::string::npos);
  CHECK(svg.find("可变革程度 →") != std::string::npos);
  // The top-right cell is drawn right of and above the bottom-left one.
  const auto hot = svg.find(">热门发展市场<"), cold = svg.find(">初步探索市场<");
  CHECK(hot < cold);
}

TEST_CASE("charts: built from a result's columns; text scores read as numbers; unsuitable results get none") {
  aigc::QueryResult r;
  r.columns = {"task", "task_zh", "yuyan", "human"};
  auto text = [](std::string s) { return aigc::ResultCell{SQLITE_TEXT, std::move(s), 0}; };
  r.rows.push_back({text("TOTAL"), text("总分"), text("84.685"), text("84.100")});
  r.rows.push_back({text("CSL"), aigc::ResultCell{}, text("97.6"), text("n.a.")});
  aigc::BarSpec spec{{"task_zh", "task"}, {{"yuyan", "玉言"}, {"human", "人类"}}};
  auto chart = aigc::bar_chart_from(r, spec);
  REQUIRE(chart);
  CHECK(chart->categories == std::vector<std::string>{"总分 · TOTAL", "CSL"});  // a NULL label part is left out
  REQUIRE(chart->series.size() == 2);
  CHECK(chart->series[0].values[0]->value == doctest::Approx(84.685));
  CHECK(chart->series[0].values[0]->text == "84.685");
  CHECK(chart->series[1].values[0]->value == doctest::Approx(84.1));
  CHECK_FALSE(chart->series[1].values[1]);  // not a number: shown as missing

  CHECK_FALSE(aigc::bar_chart_from(r, aigc::BarSpec{{"task"}, {{"no_such_column", ""}}}));
  CHECK_FALSE(aigc::bar_chart_from(r, aigc::BarSpec{{"yuyan"}, {{"task", ""}}}));  // no number at all

  // The report's table: a query it charts gets a chart naming it; others get none.
  const std::string svg = aigc::chart_for_query("yuyan_vs_humans", r, "x");
  CHECK(svg.find("saved query yuyan_vs_humans") != std::string::npos);
  CHECK(aigc::chart_for_query("api_prices", r, "x").empty());
  CHECK(aigc::chart_for_query("price_spread", r, "x").empty());  // same name, other columns: no chart
  const auto charted = aigc::charted_queries();
  CHECK(charted.size() == 5);
}

TEST_CASE("charts: the quadrant reads high/low (or 高/低) and keeps empty quadrants") {
  aigc::QueryResult r;
  r.columns = {"quadrant", "x", "y", "industry"};
  auto text = [](std::string s) { return aigc::ResultCell{SQLITE_TEXT, std::move(s), 0}; };
  r.rows.push_back({text("热门"), text("high"), text("HIGH"), text("广告")});
  r.rows.push_back({text("潜力"), text("低"), text("高"), text("教育")});
  r.rows.push_back({text("初步"), text("low"), text("low"), aigc::ResultCell{}});
  r.rows.push_back({aigc::ResultCell{}, aigc::ResultCell{}, aigc::ResultCell{}, text("医疗")});
  auto chart = aigc::quadrant_chart_from(r, aigc::QuadrantSpec{"quadrant", "x", "y", "industry"});
  REQUIRE(chart);
  CHECK(chart->cells[1][1].items == std::vector<std::string>{"广告"});
  CHECK(chart->cells[1][0].items == std::vector<std::string>{"教育"});
  CHECK(chart->cells[0][0].name == "初步");
  CHECK(chart->cells[0][0].items.empty());
  CHECK(chart->unplaced == std::vector<std::string>{"医疗"});
}

TEST_CASE("report: every query a section, in report order, with its sections, table, NULLs and provenance") {
  Fixture fx;
  const std::string html = fx.report();
  check_self_contained(html);
  CHECK(html.find("<h1>测试报告 <small>2023年</small></h1>") != std::string::npos);
  CHECK(html.find("Generated 2024-01-31T08:00:00Z") != std::string::npos);

  // Report order: the section starting earliest first; unknown sections last.
  const auto pos = [&](const std::string& n) { return html.find("id=\"q-" + n + "\""); };
  // b_first and yuyan_vs_humans (late and early: its earliest counts) at line 100, by name; a_late at 500.
  CHECK(pos("b_first") < pos("yuyan_vs_humans"));
  CHECK(pos("yuyan_vs_humans") < pos("a_late"));
  CHECK(pos("a_late") < pos("nowhere"));
  CHECK(count(html, "<section class=\"query\"") == 4);
  CHECK(count(html, "<li><a href=\"#q-") == 4);  // the contents

  const std::string first = section_of(html, "b_first");
  CHECK(first.find("<h2>早 &lt;i&gt;</h2>") != std::string::npos);
  CHECK(first.find("Desc &amp; &quot;quotes&quot;") != std::string::npos);
  CHECK(first.find("<span class=\"part\">01 技术视角</span>前面的页") != std::string::npos);
  CHECK(first.find("data-rows=\"2\"") != std::string::npos);
  CHECK(body_rows(first) == 2);
  CHECK(first.find("<th scope=\"col\">a&lt;b</th>") != std::string::npos);
  CHECK(first.find("<td>&lt;script&gt;alert(1)&lt;/script&gt;</td>") != std::string::npos);
  CHECK(first.find("<td><span class=\"null\">NULL</span></td>") != std::string::npos);  // NULL...
  CHECK(first.find("<td></td>") != std::string::npos);                                  // ...is not ''
  CHECK(first.find("<td class=\"n\">42</td>") != std::string::npos);
  CHECK(first.find("<td class=\"n\">0.5</td>") != std::string::npos);
  CHECK(first.find("2 distinct lines, from 12 to 30") != std::string::npos);
  CHECK(first.find("<figure") == std::string::npos);  // no chart for this query

  const std::string empty = section_of(html, "a_late");
  CHECK(empty.find("data-rows=\"0\"") != std::string::npos);
  CHECK(empty.find("returned no rows") != std::string::npos);
  CHECK(body_rows(empty) == 0);

  const std::string chart = section_of(html, "yuyan_vs_humans");
  CHECK(chart.find("<figure class=\"chart\" data-query=\"yuyan_vs_humans\">") != std::string::npos);
  CHECK(chart.find("saved query yuyan_vs_humans") != std::string::npos);
  CHECK(chart.find(">84.685</text>") != std::string::npos);
  CHECK(chart.find("后面的页") != std::string::npos);
  CHECK(chart.find("前面的页") != std::string::npos);

  const std::string nowhere = section_of(html, "nowhere");
  CHECK(nowhere.find("not_a_section</code> (not in this warehouse's report_section)") != std::string::npos);
  CHECK(nowhere.find("with <code>v=3</code>") != std::string::npos);
}

TEST_CASE("report: parameters go to the queries that take them; a bad one is refused") {
  Fixture fx;
  CHECK(section_of(fx.report({{"v", "42"}}), "nowhere").find("<td class=\"n\">42</td>") != std::string::npos);
  CHECK_THROWS_WITH_AS(fx.report({{"v", "hello"}}), doctest::Contains("v takes a number (default 3), not 'hello'"),
                       aigc::UsageError);
  CHECK_THROWS_WITH_AS(fx.report({{"vv", "1"}}), doctest::Contains("no saved query takes a parameter 'vv'"),
                       aigc::UsageError);
}

TEST_CASE("report: a failing query names itself and leaves no file behind") {
  Fixture fx;
  fx.add("zz_fails",
         "-- title: Fails\n-- scope: report\n-- section: early\n"
         "SELECT abs(-9223372036854775807 - 1) AS boom");
  const auto target = fx.dir / "report.html";
  test::write_file(target, "old");
  aigc::HtmlReportOptions options;
  CHECK_THROWS_WITH_AS(aigc::write_html_report_file(fx.db.getHandle(), aigc::WarehouseInfo{},
                                                    aigc::QueryCatalog::from_directory(fx.queries), target, options),
                       doctest::Contains("query zz_fails: integer overflow"), aigc::DataError);
  CHECK(test::read_file(target) == "old");
  for (const auto& e : test::fs::directory_iterator(fx.dir.path()))
    CHECK(e.path().filename().string().find(".tmp-") == std::string::npos);
}

TEST_CASE("report: aigc report --html on the shipped queries: a table as long as each query's result") {
  test::TempDir dir;
  const auto db = (dir / "warehouse.db").string();
  const auto file = dir / "report.html";
  auto r = test::run_aigc({"--db", db, "report", "--html", file.string()});
  INFO(r.describe());
  REQUIRE(r.status == 0);
  const std::size_t queries = test::shipped_query_count();
  REQUIRE(queries >= 25);
  CHECK(r.out.find(std::to_string(queries) + " sections, 4 charts") != std::string::npos);
  const std::string html = test::read_file(file);
  check_self_contained(html);

  // Row counts from another command: export --all's manifest.
  auto e = test::run_aigc({"--db", db, "export", "--all", "--dir", (dir / "export").string()});
  REQUIRE(e.status == 0);
  const auto manifest = test::JsonParser::parse(test::read_file(dir / "export" / "manifest.json"));
  REQUIRE(manifest["queries"].items.size() == queries);
  for (const auto& q : manifest["queries"].items) {
    const std::string name = q["name"].text;
    INFO("query " << name);
    const std::string section = section_of(html, name);
    REQUIRE_FALSE(section.empty());
    CHECK(body_rows(section) == static_cast<std::size_t>(q["rows"].number()));
    CHECK(section.find("data-rows=\"" + q["rows"].text + "\"") != std::string::npos);
    CHECK(section.find("Provenance") != std::string::npos);
  }
  for (const char* charted : {"api_prices_normalised", "yuyan_vs_humans", "industry_quadrants", "price_spread"}) {
    INFO("chart " << charted);
    const std::string section = section_of(html, charted);
    CHECK(section.find("<svg") != std::string::npos);
    CHECK(section.find(std::string("saved query ") + charted) != std::string::npos);
  }
  // 玉言's scores are TEXT in the warehouse, yet drawn as bars.
  CHECK(section_of(html, "yuyan_vs_humans").find(">84.685</text>") != std::string::npos);
  // Every quadrant and its industries.
  const std::string quadrants = section_of(html, "industry_quadrants");
  for (const char* q : {"热门发展市场", "平缓上升市场", "潜力拓展市场", "初步探索市场", "广告营销、电子商务"})
    CHECK(quadrants.find(std::string(">") + q + "</text>") != std::string::npos);

  SUBCASE("-o is --html; a --param reaches the charts") {
    auto usd = test::run_aigc({"--db", db, "report", "-o", (dir / "usd.html").string(), "-p", "currency=USD"});
    INFO(usd.describe());
    REQUIRE(usd.status == 0);
    CHECK(section_of(test::read_file(dir / "usd.html"), "api_prices_normalised").find("(USD)</text>") !=
          std::string::npos);
  }
  SUBCASE("help, and usage errors") {
    auto help = test::run_aigc({"report", "--help"});
    CHECK(help.status == 0);
    CHECK(help.out.find("Examples:\n  aigc report --html report.html") != std::string::npos);
    CHECK(test::run_aigc({"--db", db, "report"}).status == 2);
    auto missing = test::run_aigc({"--db", db, "report", "--html", (dir / "no" / "r.html").string()});
    CHECK(missing.status == 2);
    CHECK(missing.err.find("does not exist") != std::string::npos);
    CHECK(test::run_aigc({"--db", db, "report", "--html", file.string(), "-p", "nope=1"}).status == 2);
  }
}
