// `aigc export --xlsx`: sheet names, then the workbook itself, opened as
// Excel would read it: unzipped (with the unzip command) and its XML parts
// read for the sheet names, the header's bold style, number cells and
// Chinese text.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "export/xlsx_export.h"
#include "support.h"

namespace {

/// The bytes of `entry` in the zip file `zip` (`unzip -p`). Fails the test if
/// unzip is missing or the entry is not there.
std::string unzip_entry(const test::fs::path& zip, const std::string& entry) {
  const std::string cmd = "unzip -p '" + zip.string() + "' '" + entry + "' 2>/dev/null";
  FILE* p = ::popen(cmd.c_str(), "r");
  REQUIRE_MESSAGE(p != nullptr, "cannot run unzip (Debian: apt-get install unzip)");
  std::string out;
  char buf[65536];
  for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, p)) > 0;) out.append(buf, n);
  const int status = ::pclose(p);
  REQUIRE_MESSAGE(status == 0, "unzip -p " << zip.string() << " " << entry << " failed (is unzip installed?)");
  return out;
}

/// The value of attribute `name` in the tag starting at `tag`, or "".
std::string attribute(std::string_view tag, const std::string& name) {
  const std::string key = " " + name + "=\"";
  const auto end = tag.find('>');
  const auto at = tag.find(key);
  if (at == std::string_view::npos || at > end) return {};
  const auto start = at + key.size();
  return std::string(tag.substr(start, tag.find('"', start) - start));
}

/// Every `<NAME ...>` tag in `xml`, from "<" to ">".
std::vector<std::string_view> tags(std::string_view xml, const std::string& name) {
  std::vector<std::string_view> found;
  const std::string open = "<" + name;
  for (auto pos = xml.find(open); pos != std::string_view::npos; pos = xml.find(open, pos + 1)) {
    const char after = xml[pos + open.size()];
    if (after == ' ' || after == '>' || after == '/') found.push_back(xml.substr(pos, xml.find('>', pos) - pos + 1));
  }
  return found;
}

/// The sheet names of a workbook, in order.
std::vector<std::string> sheet_names_of(const test::fs::path& xlsx) {
  const std::string workbook = unzip_entry(xlsx, "xl/workbook.xml");  // tags() points into it
  std::vector<std::string> names;
  for (auto t : tags(workbook, "sheet")) names.push_back(attribute(t, "name"));
  return names;
}

/// The shared strings, in index order (the plain <si><t>text</t></si> form libxlsxwriter writes).
std::vector<std::string> shared_strings(const test::fs::path& xlsx) {
  const std::string xml = unzip_entry(xlsx, "xl/sharedStrings.xml");
  std::vector<std::string> strings;
  for (auto pos = xml.find("<si>"); pos != std::string::npos; pos = xml.find("<si>", pos + 1)) {
    const auto t = xml.find('>', xml.find("<t", pos)) + 1;
    strings.push_back(xml.substr(t, xml.find("</t>", t) - t));
  }
  return strings;
}

/// One cell of a sheet's XML: its <c> tag and the text of its <v>.
struct Cell {
  std::string tag;
  std::string value;
};

Cell cell(const std::string& sheet_xml, const std::string& ref) {
  const auto at = sheet_xml.find("<c r=\"" + ref + "\"");
  REQUIRE_MESSAGE(at != std::string::npos, "no cell " << ref);
  Cell c;
  c.tag = sheet_xml.substr(at, sheet_xml.find('>', at) - at + 1);
  const auto end = sheet_xml.find("</c>", at);
  const auto v = sheet_xml.find("<v>", at);
  if (v != std::string::npos && v < end) c.value = sheet_xml.substr(v + 3, sheet_xml.find("</v>", v) - v - 3);
  return c;
}

/// Whether style index `s` of styles.xml uses a bold font.
bool style_is_bold(const std::string& styles, const std::string& s) {
  const auto xfs_at = styles.find("<cellXfs");
  const auto xfs = tags(std::string_view(styles).substr(xfs_at), "xf");
  const auto xf = xfs.at(std::stoul(s));
  const auto font_id = std::stoul(attribute(xf, "fontId"));
  const auto fonts_at = styles.find("<fonts");
  std::vector<std::string> fonts;
  for (auto pos = styles.find("<font>", fonts_at); pos != std::string::npos && pos < styles.find("</fonts>");
       pos = styles.find("<font>", pos + 1))
    fonts.push_back(styles.substr(pos, styles.find("</font>", pos) - pos));
  return fonts.at(font_id).find("<b/>") != std::string::npos;
}

test::RunResult run(const test::TempDir& dir, std::vector<std::string> args) {
  args.insert(args.begin(), {"--db", (dir / "warehouse.db").string()});
  return test::run_aigc(args, dir.path());
}

}  // namespace

TEST_CASE("xlsx: sheet names are cut to 31 characters, kept unique and free of forbidden characters") {
  const std::string long_a = "a_very_long_saved_query_name_that_goes_on";  // 41 characters
  const std::string long_b = "a_very_long_saved_query_name_that_goes_further";
  const auto names = aigc::sheet_names({"api_prices", long_a, long_b, "INDEX", "a:b/c?",
                                        "中文查询名称一二三四五六七八九十一二三四五六七八九十一二三四五"});
  REQUIRE(names.size() == 6);
  CHECK(names[0] == "api_prices");
  CHECK(names[1] == long_a.substr(0, 31));
  CHECK(names[2] == long_a.substr(0, 29) + "~2");  // same first 31 characters: a suffix within the limit
  CHECK(names[3] == "INDEX~2");                    // "index" is the index sheet, in any case
  CHECK(names[4] == "a_b_c_");
  CHECK(names[5] == "中文查询名称一二三四五六七八九十一二三四五六七八九十一二三四五");  // 31 characters, not bytes
  SUBCASE("deterministic") { CHECK(aigc::sheet_names({long_a, long_b}) == aigc::sheet_names({long_a, long_b})); }
}

TEST_CASE("xlsx: export --all --xlsx writes an index and one sheet per query, as Excel reads them") {
  test::TempDir dir;
  const auto xlsx = dir / "aigc.xlsx";
  auto r = run(dir, {"export", "--all", "--xlsx", xlsx.string()});
  INFO(r.describe());
  REQUIRE(r.status == 0);
  CHECK(r.out.find("exported " + std::to_string(test::shipped_query_count()) + " queries") != std::string::npos);
  CHECK(test::entries(dir.path()) == std::vector<std::string>{"aigc.xlsx", "warehouse.db"});  // no temporary file left

  const auto sheets = sheet_names_of(xlsx);
  auto queries = run(dir, {"queries", "--format", "csv"});
  std::vector<std::string> expected = {"index"};
  for (std::size_t pos = queries.out.find('\n') + 1; pos < queries.out.size(); pos = queries.out.find('\n', pos) + 1)
    expected.push_back(queries.out.substr(pos, queries.out.find(',', pos) - pos));
  CHECK(sheets == expected);

  const auto strings = shared_strings(xlsx);
  const std::string styles = unzip_entry(xlsx, "xl/styles.xml");
  const auto at = std::find(sheets.begin(), sheets.end(), "api_prices_normalised") - sheets.begin();
  const std::string sheet = unzip_entry(xlsx, "xl/worksheets/sheet" + std::to_string(at + 1) + ".xml");

  SUBCASE("a bold, frozen header") {
    const Cell a1 = cell(sheet, "A1");
    CHECK(attribute(a1.tag, "t") == "s");
    CHECK(strings.at(std::stoul(a1.value)) == "product");
    CHECK(style_is_bold(styles, attribute(a1.tag, "s")));
    CHECK(sheet.find("<pane ySplit=\"1\" topLeftCell=\"A2\" activePane=\"bottomLeft\" state=\"frozen\"/>") !=
          std::string::npos);
  }
  SUBCASE("numbers as numbers") {
    // price_min_per_1k_tokens (H) of the cheapest row, 0.002; source_line (K) an integer.
    const Cell h2 = cell(sheet, "H2");
    CHECK(attribute(h2.tag, "t").empty());
    CHECK(h2.value == "0.002");
    const Cell k2 = cell(sheet, "K2");
    CHECK(attribute(k2.tag, "t").empty());
    CHECK(k2.value == "514");
    CHECK_FALSE(style_is_bold(styles, attribute(h2.tag, "s").empty() ? "0" : attribute(h2.tag, "s")));
  }
  SUBCASE("Chinese text, and NULL as an empty cell") {
    const Cell a2 = cell(sheet, "A2");
    CHECK(attribute(a2.tag, "t") == "s");
    CHECK(strings.at(std::stoul(a2.value)) == "千帆大模型平台");
    // 通义千问-Turbo has no vendor: row 4 has no B cell at all.
    CHECK(strings.at(std::stoul(cell(sheet, "A4").value)) == "通义千问-Turbo");
    CHECK(sheet.find("<c r=\"B4\"") == std::string::npos);
  }
  SUBCASE("column widths from display width: Chinese counts double") {
    // Column A holds 大模型服务平台百炼 (9 characters, 18 cells) and is at least that wide.
    const auto cols = tags(sheet, "col");
    REQUIRE(cols.size() == 11);
    CHECK(std::stod(attribute(cols[0], "width")) >= 20);
    CHECK(std::stod(attribute(cols[2], "width")) < 14);  // direction: "direction", "output"
  }
  SUBCASE("the index: name (a link to the sheet), title, description, rows") {
    const std::string index = unzip_entry(xlsx, "xl/worksheets/sheet1.xml");
    std::vector<std::string> header;
    for (const char* ref : {"A1", "B1", "C1", "D1", "E1", "F1", "G1"})
      header.push_back(strings.at(std::stoul(cell(index, ref).value)));
    CHECK(header == std::vector<std::string>{"name", "sheet", "title", "description", "section", "parameters", "rows"});
    const auto row = std::to_string(at + 1);  // the queries' rows follow the sheets' order
    CHECK(strings.at(std::stoul(cell(index, "A" + row).value)) == "api_prices_normalised");
    CHECK(strings.at(std::stoul(cell(index, "C" + row).value)) == "按千tokens统一币种的大模型价格");
    CHECK(strings.at(std::stoul(cell(index, "F" + row).value)) == "fx_usd_cny=7.1, currency='CNY'");
    const Cell rows = cell(index, "G" + row);
    CHECK(attribute(rows.tag, "t").empty());
    CHECK(rows.value == "7");
    CHECK(index.find("<hyperlink ref=\"A" + row + "\" location=\"'api_prices_normalised'!A1\"") != std::string::npos);
  }
}

TEST_CASE("xlsx: one query, parameters, and refusals that leave nothing behind") {
  test::TempDir dir;
  const auto xlsx = dir / "one.xlsx";
  SUBCASE("one query with a parameter") {
    auto r = run(dir, {"export", "api_prices_normalised", "--xlsx", xlsx.string(), "-p", "currency=USD"});
    INFO(r.describe());
    REQUIRE(r.status == 0);
    CHECK(sheet_names_of(xlsx) == std::vector<std::string>{"index", "api_prices_normalised"});
    const auto strings = shared_strings(xlsx);
    CHECK(std::find(strings.begin(), strings.end(), "USD") != strings.end());
  }
  SUBCASE("help") {
    auto help = run(dir, {"export", "--help"});
    CHECK(help.out.find("aigc export --all --xlsx aigc.xlsx") != std::string::npos);
  }
  SUBCASE("--xlsx with --dir or --format is a usage error") {
    CHECK(run(dir, {"export", "--all", "--xlsx", xlsx.string(), "--dir", dir.path().string()}).status == 2);
    CHECK(run(dir, {"export", "--all", "--xlsx", xlsx.string(), "--format", "json"}).status == 2);
    CHECK_FALSE(test::fs::exists(xlsx));
  }
  SUBCASE("a missing directory is a usage error") {
    auto r = run(dir, {"export", "--all", "--xlsx", (dir / "no" / "x.xlsx").string()});
    CHECK(r.status == 2);
    CHECK(r.err.find("does not exist") != std::string::npos);
  }
  SUBCASE("an unknown --param is refused before anything is written") {
    auto r = run(dir, {"export", "--all", "--xlsx", xlsx.string(), "-p", "fx_usd_cnx=7"});
    CHECK(r.status == 2);
    CHECK(r.err.find("did you mean fx_usd_cny") != std::string::npos);
    CHECK_FALSE(test::fs::exists(xlsx));
  }
  SUBCASE("a query failing midway leaves an older workbook untouched and no temporary file") {
    test::write_file(xlsx, "old");
    const auto queries = dir / "queries";
    test::fs::create_directory(queries);
    test::write_file(queries / "fails.sql",
                     "-- title: Fails\n-- scope: report\n-- section: cover\n"
                     "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5)\n"
                     "SELECT i, CASE WHEN i = 3 THEN abs(-9223372036854775807 - (i - 2)) ELSE i END AS v FROM n");
    auto r = run(dir, {"export", "--all", "--xlsx", xlsx.string(), "--queries", queries.string()});
    INFO(r.describe());
    CHECK(r.status == 1);
    CHECK(r.err.find("query fails") != std::string::npos);
    CHECK(test::read_file(xlsx) == "old");
    for (const auto& name : test::entries(dir.path())) CHECK(name.find(".tmp-") == std::string::npos);
  }
}

TEST_CASE("xlsx: libxlsxwriter is not loaded at start-up, only by the Excel export") {
  // Its libcrypto and minizip would cost every command thousands of symbol
  // bindings; the dynamic loader lists what it maps without running main.
  auto r = test::run_aigc({"--version"}, test::fs::current_path(), "", {"LD_TRACE_LOADED_OBJECTS=1"});
  INFO(r.describe());
  REQUIRE(r.status == 0);
  CHECK(r.out.find("libc.so") != std::string::npos);  // the listing happened
  CHECK(r.out.find("libxlsxwriter") == std::string::npos);
  CHECK(r.out.find("libcrypto") == std::string::npos);
}

TEST_CASE("xlsx: U+FFFE and U+FFFF, which XML cannot hold, become U+FFFD instead of a malformed sheet") {
  test::TempDir dir;
  test::TempDir queries;
  test::write_file(queries / "odd.sql",
                   "-- Characters XML cannot hold.\n-- scope: analysis\nSELECT 'a' || char(65534) || 'b' || "
                   "char(65535) || 'c' AS s\n");
  const auto xlsx = dir / "odd.xlsx";
  auto r = run(dir, {"export", "odd", "--queries", queries.path().string(), "--xlsx", xlsx.string()});
  INFO(r.describe());
  REQUIRE(r.status == 0);
  const std::string strings = unzip_entry(xlsx, "xl/sharedStrings.xml");
  CHECK(strings.find("\xEF\xBF\xBE") == std::string::npos);
  CHECK(strings.find("\xEF\xBF\xBF") == std::string::npos);
  CHECK(strings.find("a\xEF\xBF\xBD"
                     "b\xEF\xBF\xBD"
                     "c") != std::string::npos);
}
