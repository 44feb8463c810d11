// Terminal cells: utf8proc's widths, and East Asian ambiguous characters as
// two cells when asked (--ambiguous-wide, AIGC_AMBIGUOUS_WIDE), so a table
// stays aligned in a CJK terminal.
#include <doctest/doctest.h>

#include <utf8proc.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <SQLiteCpp/Database.h>

#include "base/display_width.h"
#include "render/render.h"
#include "sqlite/statement.h"
#include "support.h"

namespace {

/// Restores the process-wide setting, whatever a test case does.
struct AmbiguousWide {
  explicit AmbiguousWide(bool wide) { aigc::set_ambiguous_wide(wide); }
  ~AmbiguousWide() { aigc::set_ambiguous_wide(false); }
};

/// The code points whose East_Asian_Width is A in Unicode's own file, or an
/// empty list when the file (Debian's unicode-data) is not installed.
std::vector<bool> ambiguous_in_unicode_data() {
  std::ifstream in("/usr/share/unicode/EastAsianWidth.txt");
  if (!in) return {};
  std::vector<bool> ambiguous(0x110000, false);
  std::string line;
  while (std::getline(in, line)) {
    const auto semi = line.find(';');
    if (line.empty() || line[0] == '#' || semi == std::string::npos) continue;
    std::string prop = line.substr(semi + 1, line.find('#') - semi - 1);
    prop.erase(0, prop.find_first_not_of(' '));
    prop.erase(prop.find_last_not_of(' ') + 1);
    if (prop != "A") continue;
    std::string range = line.substr(0, semi);
    range.erase(range.find_last_not_of(' ') + 1);
    const auto dots = range.find("..");
    const unsigned long first = std::stoul(range.substr(0, dots), nullptr, 16);
    const unsigned long last = dots == std::string::npos ? first : std::stoul(range.substr(dots + 2), nullptr, 16);
    for (unsigned long cp = first; cp <= last; ++cp) ambiguous[cp] = true;
  }
  return ambiguous;
}

}  // namespace

TEST_CASE("display width: ambiguous characters take one cell by default and two when asked") {
  const std::string text = "\xE2\x91\xA0\xC2\xB7\xE2\x80\x94";  // ① · —
  CHECK(aigc::display_width(text) == 3);
  AmbiguousWide wide(true);
  CHECK(aigc::display_width(text) == 6);
  // Wide stays wide, ASCII and combining marks (U+0301 is ambiguous too) do not change.
  CHECK(aigc::display_width("\xE7\x8E\x89\xE8\xA8\x80") == 4);  // 玉言
  CHECK(aigc::display_width("abc") == 3);
  CHECK(aigc::display_width("e\xCC\x81") == 1);  // e + COMBINING ACUTE ACCENT
}

TEST_CASE("display width: the ambiguous table matches Unicode's data, and agrees with utf8proc's widths") {
  // The table is generated from EastAsianWidth.txt (tools/gen_east_asian_ambiguous.sh);
  // CI installs unicode-data, so this compares every code point there.
  const std::vector<bool> unicode = ambiguous_in_unicode_data();
  if (!unicode.empty()) {
    int mismatches = 0;
    for (char32_t cp = 0; cp < 0x110000; ++cp)
      if (aigc::is_east_asian_ambiguous(cp) != unicode[cp] && ++mismatches <= 5)
        FAIL_CHECK("U+" << std::hex << static_cast<unsigned>(cp) << " differs from EastAsianWidth.txt");
    CHECK(mismatches == 0);
  } else {
    MESSAGE("unicode-data is not installed: the table is checked against known code points only");
  }
  for (char32_t cp : {0xA1u, 0xB7u, 0x2014u, 0x2460u, 0x3B1u, 0x410u, 0xE000u})
    CHECK(aigc::is_east_asian_ambiguous(cp));
  for (char32_t cp : {0x41u, 0x7Eu, 0xA0u, 0x4E00u, 0xFF01u, 0x1F600u}) CHECK_FALSE(aigc::is_east_asian_ambiguous(cp));

  // With the option on, every code point's width is utf8proc's, except an
  // ambiguous one of width 1, which becomes 2.
  AmbiguousWide wide(true);
  int wrong = 0;
  for (char32_t cp = 0; cp < 0x110000; ++cp) {
    const int w = utf8proc_charwidth(static_cast<utf8proc_int32_t>(cp));
    const std::size_t expected = w <= 0 ? 0 : (w == 1 && aigc::is_east_asian_ambiguous(cp)) ? 2 : std::size_t(w);
    if (aigc::char_width(cp) != expected && ++wrong <= 5)
      FAIL_CHECK("U+" << std::hex << static_cast<unsigned>(cp) << ": " << aigc::char_width(cp));
  }
  CHECK(wrong == 0);
}

TEST_CASE("display width: --ambiguous-wide and AIGC_AMBIGUOUS_WIDE align a table for a CJK terminal") {
  test::TempDir dir;
  const std::string db = (dir.path() / "w.db").string();
  REQUIRE(test::run_aigc({"--db", db, "build"}).status == 0);
  const std::vector<std::string> sql = {"--db", db, "sql", "SELECT '①·' AS a, 'x' AS b UNION ALL SELECT 'abcd', 'y'"};

  // Narrow: '①·' is two cells, so its column is as wide as 'abcd' (4) and it gets two spaces of padding.
  auto narrow = test::run_aigc(sql);
  REQUIRE(narrow.status == 0);
  CHECK(narrow.out.find("①·   | x") != std::string::npos);

  std::vector<std::string> flag = sql;
  flag.insert(flag.begin(), "--ambiguous-wide");
  auto wide = test::run_aigc(flag);
  REQUIRE(wide.status == 0);
  CHECK(wide.out.find("①· | x") != std::string::npos);  // four cells: no padding beyond the column gap

  auto env = test::run_aigc(sql, std::filesystem::current_path(), "", {"AIGC_AMBIGUOUS_WIDE=1"});
  REQUIRE(env.status == 0);
  CHECK(env.out == wide.out);

  auto bad = test::run_aigc(sql, std::filesystem::current_path(), "", {"AIGC_AMBIGUOUS_WIDE=sometimes"});
  CHECK(bad.status == 2);
}

TEST_CASE("display width: a cut cell with --ambiguous-wide leaves room for its two-cell ellipsis") {
  SQLite::Database db(":memory:");
  aigc::Statement stmt(db.getHandle(), "SELECT '" + std::string(60, 'x') + "' AS a, 1 AS b");
  aigc::RenderOptions options;
  options.max_width = 30;  // as on a 30-column terminal
  AmbiguousWide wide(true);
  std::ostringstream out;
  aigc::render_statement(stmt.get(), out, options);
  const std::string table = out.str();
  INFO(table);
  REQUIRE(table.find("\xE2\x80\xA6") != std::string::npos);  // the cell was cut with "…"
  std::vector<std::size_t> widths;
  std::size_t start = 0;
  for (std::size_t nl = table.find('\n'); nl != std::string::npos; start = nl + 1, nl = table.find('\n', start))
    widths.push_back(aigc::display_width(std::string_view(table).substr(start, nl - start)));
  REQUIRE(widths.size() >= 4);
  for (std::size_t w : widths) CHECK(w == widths.front());
  CHECK(widths.front() <= 30);
}
