// The coverage ledger: every non-blank line of the report's text is cited by
// a row or listed in text_line with a reason, and a line listed as holding
// no fact carries no number the warehouse does not hold (unless a person
// reviewed it and listed it in reviewed_numbers).
#include <doctest/doctest.h>

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <algorithm>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "query/check.h"
#include "report_fixture.h"
#include "sqlite/table_info.h"
#include "support.h"
#include "warehouse/warehouse.h"

namespace {

const char* const kReport = "000_2d2ee71bf9cf23a4.txt";

SQLite::Database& warehouse() { return test::embedded_warehouse(); }

std::vector<std::string> report_lines() { return test::report_text_lines(); }

bool blank(const std::string& s) { return s.find_first_not_of(" \t\r\n") == std::string::npos; }

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t\r") - b + 1);
}

/// Tables whose rows state facts: everything but the ledger, the text's own
/// description and the build's metadata.
std::vector<std::string> fact_tables() {
  std::vector<std::string> out;
  for (const auto& t : aigc::table_names(warehouse().getHandle()))
    if (t != "aigc_meta" && t != "text_line" && t != "report_text") out.push_back(t);
  return out;
}

/// The lines fact rows cite, with the tables citing them: every INTEGER
/// column named source_line or ending in _line (start_line, detail_line).
std::map<int, std::string> cited_lines() {
  std::map<int, std::string> out;
  auto& db = warehouse();
  for (const auto& t : fact_tables()) {
    SQLite::Statement cols(
        db, "SELECT name FROM pragma_table_info(?1) WHERE name LIKE '%\\_line' ESCAPE '\\' AND type = 'INTEGER'");
    cols.bind(1, t);
    while (cols.executeStep()) {
      const std::string col = cols.getColumn(0).getString();
      SQLite::Statement q(db, "SELECT " + col + " FROM " + t + " WHERE " + col + " IS NOT NULL");
      while (q.executeStep()) out[q.getColumn(0).getInt()] = t;
    }
  }
  return out;
}

struct Range {
  int first, last;
  std::string reason, reviewed;
};

std::vector<Range> ledger() {
  std::vector<Range> out;
  SQLite::Statement q(
      warehouse(),
      "SELECT first_line, last_line, reason, coalesce(reviewed_numbers, '') FROM text_line ORDER BY first_line");
  while (q.executeStep())
    out.push_back(
        {q.getColumn(0).getInt(), q.getColumn(1).getInt(), q.getColumn(2).getString(), q.getColumn(3).getString()});
  return out;
}

/// Numbers as printed: digit runs with an optional decimal part, and
/// Chinese numerals before a counting word (五大, 三类, 两个).
std::vector<std::string> numbers_in(const std::string& s) {
  static const std::regex digits("[0-9]+(\\.[0-9]+)?");
  static const std::regex chinese("(一|二|两|三|四|五|六|七|八|九|十)+(大|类|种|项|层|家|轮|个|方面|倍|阶段)");
  std::vector<std::string> out;
  for (auto it = std::sregex_iterator(s.begin(), s.end(), digits); it != std::sregex_iterator(); ++it)
    out.push_back(it->str());
  for (auto it = std::sregex_iterator(s.begin(), s.end(), chinese); it != std::sregex_iterator(); ++it)
    out.push_back(it->str());
  return out;
}

/// Every number the fact rows carry: digit runs and Chinese counts in their
/// text, and their REAL values (INTEGER columns are mostly line numbers,
/// ordinals and flags, so they are left out).
std::set<std::string> carried_numbers() {
  std::set<std::string> out;
  auto& db = warehouse();
  for (const auto& t : fact_tables()) {
    SQLite::Statement q(db, "SELECT * FROM " + t);
    while (q.executeStep()) {
      for (int i = 0; i < q.getColumnCount(); ++i) {
        const auto c = q.getColumn(i);
        if (c.isText()) {
          for (const auto& n : numbers_in(c.getString())) out.insert(n);
        } else if (c.isFloat()) {
          std::ostringstream v;
          v.precision(15);
          v << c.getDouble();
          out.insert(v.str());
        }
      }
    }
  }
  return out;
}

std::vector<std::string> split(const std::string& s, const std::string& sep) {
  std::vector<std::string> out;
  if (s.empty()) return out;
  for (std::size_t at = 0;;) {
    const auto next = s.find(sep, at);
    out.push_back(s.substr(at, next == std::string::npos ? std::string::npos : next - at));
    if (next == std::string::npos) return out;
    at = next + sep.size();
  }
}

}  // namespace

TEST_CASE("coverage: report_text describes the text as it is: its length and its non-blank lines") {
  const auto lines = report_lines();
  std::string nonblank = "[";
  for (std::size_t i = 0; i < lines.size(); ++i)
    if (!blank(lines[i])) nonblank += (nonblank.size() > 1 ? "," : "") + std::to_string(i + 1);
  nonblank += "]";
  auto& db = warehouse();
  CHECK(db.execAndGet("SELECT file FROM report_text").getString() == kReport);
  CHECK(db.execAndGet("SELECT line_count FROM report_text").getInt() == static_cast<int>(lines.size()));
  CHECK(db.execAndGet("SELECT json(nonblank_lines) FROM report_text").getString() == nonblank);
}

TEST_CASE("coverage: every non-blank line of the report is cited by a row or listed in text_line") {
  const auto lines = report_lines();
  const auto cited = cited_lines();
  std::set<int> listed, backlog;
  for (const auto& r : ledger())
    for (int l = r.first; l <= r.last; ++l) {
      listed.insert(l);
      if (r.reason == "not yet extracted") backlog.insert(l);
    }
  int nonblank = 0, cited_n = 0, backlog_n = 0;
  std::vector<int> unaccounted;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (blank(lines[i])) continue;
    const int line = static_cast<int>(i + 1);
    ++nonblank;
    if (cited.count(line)) {
      ++cited_n;
    } else if (listed.count(line)) {
      backlog_n += backlog.count(line) ? 1 : 0;
    } else {
      unaccounted.push_back(line);
    }
  }
  MESSAGE(nonblank << " non-blank lines: " << cited_n << " cited by rows, "
                   << nonblank - cited_n - static_cast<int>(unaccounted.size()) << " listed in text_line (" << backlog_n
                   << " of them not yet extracted), " << unaccounted.size() << " unaccounted");
  std::string shown;
  for (std::size_t i = 0; i < unaccounted.size() && i < 20; ++i)
    shown += std::to_string(unaccounted[i]) + ": " + lines[static_cast<std::size_t>(unaccounted[i]) - 1].substr(0, 60) +
             "\n";
  INFO(shown);
  CHECK(unaccounted.empty());
}

TEST_CASE("coverage: a ledger range holds no cited line, no blank edge, and overlaps no other range") {
  const auto lines = report_lines();
  const auto cited = cited_lines();
  int previous_last = 0;
  for (const auto& r : ledger()) {
    CAPTURE(r.first);
    REQUIRE(r.last <= static_cast<int>(lines.size()));
    CHECK(r.first > previous_last);
    previous_last = r.last;
    CHECK_FALSE(blank(lines[static_cast<std::size_t>(r.first) - 1]));
    CHECK_FALSE(blank(lines[static_cast<std::size_t>(r.last) - 1]));
    for (int l = r.first; l <= r.last; ++l) {
      CAPTURE(l);
      CHECK(cited.count(l) == 0);
    }
  }
}

TEST_CASE("coverage: a line listed as holding no fact carries no number the rows do not hold, unless reviewed") {
  const auto lines = report_lines();
  const auto carried = carried_numbers();
  for (const auto& r : ledger()) {
    if (r.reason == "not yet extracted") continue;
    CAPTURE(r.first);
    CAPTURE(r.reason);
    const auto reviewed_list = split(r.reviewed, "; ");
    const std::set<std::string> reviewed(reviewed_list.begin(), reviewed_list.end());
    std::set<std::string> seen;
    for (int l = r.first; l <= r.last; ++l) {
      const auto& text = lines[static_cast<std::size_t>(l) - 1];
      for (const auto& n : numbers_in(text)) {
        seen.insert(n);
        CAPTURE(l);
        CAPTURE(n);
        CHECK_MESSAGE((carried.count(n) || reviewed.count(n)),
                      "a number no row carries: store it, or review it and list it in reviewed_numbers");
      }
    }
    // A reviewed number must stand in the range, so the list cannot go stale.
    for (const auto& n : reviewed) {
      CAPTURE(n);
      CHECK(seen.count(n) == 1);
    }
  }
}

TEST_CASE("coverage: a section subtitle line is its section's subtitle; a restatement points at a cited line") {
  const auto lines = report_lines();
  const auto cited = cited_lines();
  auto& db = warehouse();
  SQLite::Statement q(db,
                      "SELECT first_line, last_line, reason, see_line FROM text_line WHERE reason IN ('section "
                      "subtitle', 'restatement', 'held elsewhere')");
  int subtitles = 0;
  while (q.executeStep()) {
    const int first = q.getColumn(0).getInt();
    CAPTURE(first);
    if (q.getColumn(2).getString() == "section subtitle") {
      ++subtitles;
      CHECK(q.getColumn(1).getInt() == first);
      SQLite::Statement s(db, "SELECT count(*) FROM report_section WHERE instr(?1, subtitle) > 0 AND start_line < ?2");
      s.bind(1, trim(lines[static_cast<std::size_t>(first) - 1]));
      s.bind(2, first);
      REQUIRE(s.executeStep());
      CHECK(s.getColumn(0).getInt() >= 1);
    } else {
      CHECK(cited.count(q.getColumn(3).getInt()) == 1);
    }
  }
  CHECK(subtitles > 20);
}

TEST_CASE("coverage: aigc check passes on the project's seeds and fails on a line nobody accounts for") {
  test::TempDir dir;
  const auto db = dir / "w.db";
  aigc::build_warehouse(db, aigc::BuildSources::embedded());
  auto r = test::run_aigc({"--db", db.string(), "check", "--only", "coverage"}, dir.path());
  INFO(r.describe());
  CHECK(r.status == 0);
  {
    SQLite::Database w(db.string(), SQLite::OPEN_READWRITE);
    // The copyright line at the end of the cover page, then a range that
    // overlaps another and one that claims a line a row cites.
    w.exec(
        "DELETE FROM text_line WHERE first_line = (SELECT min(first_line) FROM text_line WHERE reason = 'legal "
        "notice')");
    w.exec(
        "INSERT INTO text_line (first_line, last_line, reason, section_id, source_line) "
        "SELECT first_line - 1, first_line, 'page furniture', section_id, first_line - 1 FROM text_line "
        "WHERE first_line = (SELECT min(first_line) FROM text_line WHERE reason = 'contact') ");
  }
  r = test::run_aigc({"--db", db.string(), "check", "--only", "coverage"}, dir.path());
  INFO(r.describe());
  CHECK(r.status == 1);
  CHECK(r.out.find("is neither cited by a row nor listed in text_line") != std::string::npos);
  CHECK(r.out.find("overlap the range from line") != std::string::npos);
}

TEST_CASE("coverage: the saved query coverage accounts for every non-blank line, page by page") {
  auto& db = warehouse();
  const auto lines = report_lines();
  int nonblank = 0;
  for (const auto& l : lines) nonblank += blank(l) ? 0 : 1;
  test::TempDir dir;
  const auto path = dir / "w.db";
  aigc::build_warehouse(path, aigc::BuildSources::embedded());
  auto r = test::run_aigc({"--db", path.string(), "run", "coverage", "--format", "csv"}, dir.path());
  INFO(r.describe());
  REQUIRE(r.status == 0);
  // Sum the lines column and the unaccounted column over the pages.
  std::istringstream in(r.out);
  std::string header, row;
  std::getline(in, header);
  const auto cols = split(header, ",");
  auto col = [&](const std::string& name) {
    for (std::size_t i = 0; i < cols.size(); ++i)
      if (cols[i] == name) return i;
    FAIL("no column " << name);
    return std::size_t{0};
  };
  const auto lines_col = col("lines"), unaccounted_col = col("unaccounted");
  int total = 0, unaccounted = 0, pages = 0;
  while (std::getline(in, row)) {
    // Titles may hold commas, quoted: count fields from the end.
    const auto f = split(row, ",");
    REQUIRE(f.size() >= cols.size());
    const auto from_end = [&](std::size_t i) { return std::stoi(f[f.size() - (cols.size() - i)]); };
    total += from_end(lines_col);
    unaccounted += from_end(unaccounted_col);
    ++pages;
  }
  CHECK(total == nonblank);
  CHECK(unaccounted == 0);
  CHECK(pages == db.execAndGet("SELECT count(*) FROM report_section").getInt());
}

TEST_CASE("coverage: a value the text does not state is marked in its row and declared in known_gap") {
  auto& db = warehouse();
  auto count = [&](const std::string& sql) { return db.execAndGet(sql).getInt(); };
  // No price in the report carries a date: every as_of is the publication month, assumed.
  CHECK(count("SELECT count(*) FROM pricing WHERE assumption_gap IS NULL OR assumption_gap <> "
              "'pricing_as_of_publication'") == 0);
  // The two funding charts are lost: which source each sentence comes from is inferred.
  CHECK(count("SELECT count(*) FROM funding WHERE data_source IS NOT NULL AND assumption_gap IS NULL") == 0);
  // The application map names 游戏、媒体/影视、电商、广告营销 and excludes 政务 and the rest; the others are assumed.
  CHECK(count("SELECT count(*) FROM industry WHERE industry_id IN ('finance', 'education', 'healthcare') AND "
              "assumption_gap = 'application_map_membership'") == 3);
  // Every assumption names a known_gap row that exists.
  CHECK(
      count(
          "SELECT count(*) FROM (SELECT assumption_gap AS g FROM pricing UNION ALL SELECT assumption_gap FROM funding "
          "UNION ALL SELECT assumption_gap FROM industry) WHERE g IS NOT NULL AND g NOT IN (SELECT gap_id FROM "
          "known_gap)") == 0);
}

TEST_CASE("coverage: the iPhone-moment comparison, the entry-barrier table and the printed lists are rows") {
  auto& db = warehouse();
  auto one = [&](const std::string& sql) { return db.execAndGet(sql).getString(); };
  CHECK(one("SELECT group_concat(before || '→' || after, '; ') FROM (SELECT * FROM paradigm_shift WHERE domain = "
            "'人工智能变革' ORDER BY position)") ==
        "基于数据库+知识图谱→基于机器学习; 不同模型做不同任务→通用模型“大力出奇迹”; "
        "购买昂贵AI硬件设备→通过客户端程序，轻松体验大模型服务; "
        "大数据+小算力+专用范式→大数据+大算力+通用范式");
  CHECK(one("SELECT group_concat(aspect, ',') FROM (SELECT aspect FROM paradigm_shift WHERE aspect IS NOT NULL ORDER "
            "BY position)") == "可用性提升,通用性提升,易用性提升");
  CHECK(one("SELECT group_concat(item, ',') FROM (SELECT item FROM list_item WHERE list_id = 'entry_barriers' ORDER BY "
            "position)") == "数据壁垒,训练成本,运行成本,API调用模式,私有大模型部署模式");
  CHECK(one("SELECT count(*) FROM list_item WHERE list_id = 'shopify_text_tones'") == "6");
  CHECK(one("SELECT count(*) FROM list_item WHERE list_id = 'shopify_special_instructions'") == "3");
  CHECK(one("SELECT count(*) FROM list_item WHERE list_id = 'bainaqiancheng_ai_processes'") == "6");
  CHECK(one("SELECT value_text FROM key_figure WHERE figure_id = 'finance_ai_technologies'") == "五大人工智能技术");
  CHECK(one("SELECT value_min FROM key_figure WHERE figure_id = 'bloomberggpt_outperformed'") == "3.0");
  CHECK(one("SELECT revenue_model FROM pricing WHERE pricing_id = 'chatgpt_plus_monthly'") == "SaaS模式收费");
}

TEST_CASE("coverage: each fact filled in comes back out of export --all, within one exported row") {
  test::TempDir dir;
  const auto db = dir / "w.db";
  aigc::build_warehouse(db, aigc::BuildSources::embedded());
  const auto out = dir / "out";
  auto r = test::run_aigc({"--db", db.string(), "export", "--all", "--dir", out.string()}, dir.path());
  INFO(r.describe());
  REQUIRE(r.status == 0);
  std::vector<std::string> rows;
  for (const auto& name : test::entries(out)) {
    std::istringstream in(test::read_file(out / name));
    for (std::string line; std::getline(in, line);) rows.push_back(line);
  }
  // Each group: strings that must stand together in one exported row.
  const std::vector<std::vector<std::string>> facts = {
      {"基于数据库+知识图谱", "基于机器学习", "可用性提升"},
      {"购买昂贵AI硬件设备", "通过客户端程序，轻松体验大模型服务", "易用性提升"},
      {"模型层：高研发壁垒", "数据壁垒", "大厂往往具备优质数据"},
      {"应用层", "私有大模型部署模式", "适用于希望掌握底层算法能力的应用层企业"},
      {"AI可实现流程", "辅助人物形象开发"},
      {"自定义文本语调", "劝购语气"},
      {"给予特殊指令", "使用地方方言及俚语"},
      {"金融行业的AIGC应用", "五大人工智能技术"},
      {"BloombergGPT", "GPT-NeoX等三类"},
      {"Summer Sale Product discount", "Percentage: 10%"},
      {"Sales over time", "Mar 1—Jul 1, 2023"},
      {"理想中的元宇宙世界", "虚实融合无边界的沉浸体验"},
      {"唇音识别", "唇语识别", "人脸识别"},
      {"chatgpt_plus_monthly", "as_of", "2023-12", "pricing_as_of_publication"},
      {"finance", "in_application_map", "application_map_membership"},
      {"global_ai_2022", "CB insights", "funding_source_by_position"},
  };
  for (const auto& fact : facts) {
    CAPTURE(fact.front());
    const bool found = std::any_of(rows.begin(), rows.end(), [&](const std::string& row) {
      return std::all_of(fact.begin(), fact.end(),
                         [&](const std::string& s) { return row.find(s) != std::string::npos; });
    });
    CHECK(found);
  }
}
