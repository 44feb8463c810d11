// Repository integrity: the seeds hold the report's facts, each with
// provenance that points at the text it came from.
#include <doctest/doctest.h>

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <sstream>

#include "report_fixture.h"
#include "sqlite/table_info.h"
#include "support.h"
#include "warehouse/warehouse.h"

namespace {

SQLite::Database& warehouse() { return test::embedded_warehouse(); }

std::vector<std::string> report_lines() { return test::report_text_lines(); }

std::vector<std::string> fact_tables() {
  std::vector<std::string> out;
  for (const auto& t : aigc::table_names(warehouse().getHandle()))
    if (t != "aigc_meta" && t != "report_section") out.push_back(t);
  return out;
}

}  // namespace

TEST_CASE("seeds: the built warehouse passes integrity and foreign-key checks") {
  auto& db = warehouse();
  CHECK(db.execAndGet("PRAGMA integrity_check").getString() == "ok");
  SQLite::Statement fk(db, "PRAGMA foreign_key_check");
  CHECK_FALSE(fk.executeStep());
}

TEST_CASE("seeds: every row of every fact table has provenance in the report") {
  auto& db = warehouse();
  const auto lines = report_lines();
  REQUIRE(lines.size() > 1000);
  for (const auto& table : fact_tables()) {
    CAPTURE(table);
    CHECK(db.execAndGet("SELECT count(*) FROM " + table).getInt() > 0);
    CHECK(
        db.execAndGet("SELECT count(*) FROM " + table + " WHERE section_id IS NULL OR source_line IS NULL").getInt() ==
        0);
    SQLite::Statement q(db, "SELECT source_line, source_quote, rowid FROM " + table);
    while (q.executeStep()) {
      auto line = q.getColumn(0).getInt();
      REQUIRE(line >= 1);
      REQUIRE(static_cast<std::size_t>(line) <= lines.size());
      if (q.getColumn(1).isNull()) continue;
      const std::string quote = q.getColumn(1).getString();
      CAPTURE(line);
      CAPTURE(quote);
      CHECK_MESSAGE(lines[static_cast<std::size_t>(line) - 1].find(quote) != std::string::npos,
                    "source_quote is not on source_line");
    }
  }
}

TEST_CASE("seeds: every section starts where its title stands in the report") {
  auto& db = warehouse();
  const auto lines = report_lines();
  SQLite::Statement q(db, "SELECT section_id, title, start_line FROM report_section");
  int n = 0;
  while (q.executeStep()) {
    ++n;
    CAPTURE(q.getColumn(0).getString());
    CHECK(lines.at(static_cast<std::size_t>(q.getColumn(2).getInt()) - 1).find(q.getColumn(1).getString()) !=
          std::string::npos);
  }
  CHECK(n >= 30);
}

TEST_CASE("seeds: the report's tables are all there, as printed") {
  auto& db = warehouse();
  auto one = [&](const std::string& sql) { return db.execAndGet(sql).getString(); };
  // API prices (未来中国的AIGC产业将走向何方 2/3)
  CHECK(one("SELECT group_concat(price_min || ' ' || currency, '; ') FROM (SELECT * FROM pricing WHERE product_id = "
            "'gpt4' ORDER BY direction)") == "0.03 USD; 0.06 USD");
  CHECK(one("SELECT price_min FROM pricing WHERE product_id = 'wenxin'") == "0.012");
  CHECK(one("SELECT price_min FROM pricing WHERE product_id = 'tongyi_turbo'") == "0.008");
  // Vendor table: four vendors, with their price ranges
  CHECK(one("SELECT group_concat(price_min || '-' || price_max, ' ') FROM (SELECT * FROM pricing WHERE revenue_model "
            "IS NOT NULL AND billing_basis = 'tokens' AND section_id = 'business_models' ORDER BY source_line)") ==
        "0.002-0.012 0.008-0.02 0.01-0.1");
  CHECK(one("SELECT count(DISTINCT firm_id) FROM product WHERE section_id = 'business_models' AND layer = 'model'") ==
        "4");
  // Private deployment: 约4000万, 约2.6亿, 约3-4亿
  CHECK(one("SELECT group_concat(amount_min || '-' || amount_max, ' ') FROM (SELECT * FROM deployment_cost ORDER BY "
            "amount_min)") == "40000000.0-40000000.0 260000000.0-260000000.0 300000000.0-400000000.0");
  // 玉言 vs humans: six tasks plus the total, totals equal the task means
  CHECK(one("SELECT count(*) FROM benchmark_score") == "14");
  CHECK(one("SELECT round(avg(score), 3) FROM benchmark_score JOIN benchmark_task USING (task_id) WHERE subject = "
            "'玉言' AND is_total = 0") ==
        one("SELECT score FROM benchmark_score WHERE subject = '玉言' AND task_id = 'TOTAL'"));
  CHECK(one("SELECT round(avg(score), 3) FROM benchmark_score JOIN benchmark_task USING (task_id) WHERE subject = "
            "'人类' AND is_total = 0") == "84.1");
  // Leader list: declared 30, 28 recovered, and the gap recorded
  CHECK(one("SELECT declared_size FROM leader_list") == "30");
  CHECK(one("SELECT count(*) FROM leader_entry") == "28");
  CHECK(one("SELECT count(*) FROM known_gap WHERE gap_id = 'leader_list_two_missing'") == "1");
  // Evaluation indicators: five dimensions, 25 sub-indicators
  CHECK(one("SELECT count(*) FROM evaluation_dimension") == "5");
  CHECK(one("SELECT count(*) FROM evaluation_indicator") == "25");
  // EIHealth algorithm table
  CHECK(one("SELECT group_concat(name, ',') FROM (SELECT name FROM algorithm WHERE product_id = 'eihealth' ORDER BY "
            "source_line)") == "AutoGenome,AutoOmics,AutoGGN,Fast-Bonito");
  // Key figures
  CHECK(one("SELECT value_min FROM key_figure WHERE figure_id = 'web_content_english'") == "60.4");
  CHECK(one("SELECT value_min || '-' || value_max FROM key_figure WHERE figure_id = 'chatgpt_running_cost'") ==
        "910000000.0-4560000000.0");
}

TEST_CASE("seeds: OCR errors are corrected and the verbatim text stays traceable") {
  auto& db = warehouse();
  CHECK(db.execAndGet("SELECT count(*) FROM product WHERE name LIKE '%唇音%'").getInt() == 0);
  // 唇音 reads as 语音 in the speech columns, and as 唇语 (lip reading) in
  // 阿里巴巴's face-recognition column, where a speech product does not fit.
  CHECK(db.execAndGet("SELECT count(*) FROM correction WHERE verbatim LIKE '%唇音%' AND corrected LIKE '%语音%'")
            .getInt() == 5);
  CHECK(db.execAndGet("SELECT name FROM product WHERE product_id = 'alibaba_face_2'").getString() == "唇语识别");
  CHECK(db.execAndGet("SELECT count(*) FROM correction WHERE reason LIKE '%seed README%'").getInt() == 0);
  CHECK(db.execAndGet("SELECT count(*) FROM benchmark_task WHERE task_id = 'OCNLI-50K'").getInt() == 1);
  CHECK(db.execAndGet("SELECT verbatim FROM correction WHERE row_key = 'OCNLI-50K'").getString() == "OCNL1-50K");
  // Every correction points at a row that exists.
  SQLite::Statement q(db, "SELECT table_name, row_key FROM correction");
  while (q.executeStep()) {
    auto table = q.getColumn(0).getString();
    auto info = aigc::TableInfo::read(db.getHandle(), table);
    auto key = info.columns[info.primary_key().at(0)].name;
    CAPTURE(table);
    CHECK(db.execAndGet("SELECT count(*) FROM " + table + " WHERE " + key + " = '" + q.getColumn(1).getString() + "'")
              .getInt() == 1);
  }
}
