// Rendering result rows: table, CSV, JSON and markdown.
#include <doctest/doctest.h>

#include <SQLiteCpp/Database.h>
#include <sstream>
#include <string>
#include <vector>

#include "base/error.h"
#include "csv/csv_reader.h"
#include "json_parse.h"
#include "render/render.h"
#include "sqlite/connection.h"
#include "sqlite/statement.h"

namespace {

/// Runs `sql` on `db` and renders it.
std::string render(SQLite::Database& db, const std::string& sql, const aigc::RenderOptions& options,
                   std::uint64_t* rows = nullptr) {
  aigc::Statement stmt(db.getHandle(), sql);
  std::ostringstream out;
  auto n = aigc::render_statement(stmt.get(), out, options);
  if (rows) *rows = n;
  return out.str();
}

aigc::RenderOptions with(aigc::Format f) {
  aigc::RenderOptions o;
  o.format = f;
  return o;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

/// True if `s` is well-formed UTF-8 (so nothing was cut inside a character).
bool valid_utf8(const std::string& s) {
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (n == 0 || i + n > s.size()) return false;
    for (std::size_t k = 1; k < n; ++k)
      if ((static_cast<unsigned char>(s[i + k]) >> 6) != 2) return false;
    i += n;
  }
  return true;
}

/// A database whose table `t` holds Chinese text, numbers, NULL and ''.
SQLite::Database sample_db() {
  SQLite::Database db(":memory:", SQLite::OPEN_READWRITE);
  db.exec(R"(CREATE TABLE t (product TEXT, vendor TEXT, price REAL, tokens INTEGER, note TEXT);
    INSERT INTO t VALUES
      ('文心大模型', '百度', 0.012, 1000, '按输入输出tokens数量计费'),
      ('GPT-4.0', NULL, 0.03, 1000, ''),
      ('通义千问-Turbo', '阿里巴巴', 0.008, 20, NULL),
      ('Café', 'e' || char(769) || 'x', 2.0, -5, 'combining mark: one cell'),
      ('腾讯混元大模型', '腾讯', 1e20, 123456789, '限时免费'))");
  return db;
}

const char* const kSample = "SELECT product, vendor, price, tokens, note FROM t ORDER BY rowid";

}  // namespace

TEST_CASE("display_width: East Asian wide characters take two cells, combining marks none") {
  CHECK(aigc::display_width("") == 0);
  CHECK(aigc::display_width("abc") == 3);
  CHECK(aigc::display_width("文心") == 4);
  CHECK(aigc::display_width("GPT-4.0 文心一言") == 16);
  CHECK(aigc::display_width("（输入）") == 8);   // fullwidth parentheses
  CHECK(aigc::display_width("e\xCC\x81") == 1);  // e + COMBINING ACUTE ACCENT
  CHECK(aigc::display_width("\xFF"
                            "ab") == 3);        // an invalid byte counts one
  CHECK(aigc::display_width("\xE6\x96") == 2);  // a truncated sequence: two invalid bytes
}

TEST_CASE("table: every line has the same display width, with Chinese text") {
  auto db = sample_db();
  std::uint64_t rows = 0;
  auto text = render(db, kSample, with(aigc::Format::table), &rows);
  CHECK(rows == 5);
  auto lines = lines_of(text);
  REQUIRE(lines.size() == 5 + 4);  // border, header, border, 5 rows, border
  INFO(text);
  for (const auto& line : lines) CHECK(aigc::display_width(line) == aigc::display_width(lines[0]));
  // The column separators line up: each '|' of a row stands where a '+' of
  // the border does, counted in display cells.
  auto separators = [](const std::string& line, char sep) {
    std::vector<std::size_t> at;
    std::string prefix;
    for (char c : line) {
      if (c == sep) at.push_back(aigc::display_width(prefix));
      prefix += c;
    }
    return at;
  };
  const auto columns = separators(lines[0], '+');
  CHECK(columns.size() == 6);
  for (std::size_t i = 1; i + 1 < lines.size(); ++i)
    if (i != 2) CHECK(separators(lines[i], '|') == columns);
}

TEST_CASE("table: numbers right, text left, NULL distinct from an empty string, REAL as sqlite3 prints it") {
  SQLite::Database db(":memory:", SQLite::OPEN_READWRITE);
  auto text = render(db,
                     "SELECT column1 AS name, column2 AS price FROM (VALUES ('文心', 0.012), ('GPT-4.0', 2.0), "
                     "(NULL, NULL), ('', 1e20), ('x', 7))",
                     with(aigc::Format::table));
  CHECK(text ==
        "+---------+---------+\n"
        "| name    |   price |\n"
        "+---------+---------+\n"
        "| 文心    |   0.012 |\n"
        "| GPT-4.0 |     2.0 |\n"
        "| NULL    |    NULL |\n"
        "|         | 1.0e+20 |\n"
        "| x       |       7 |\n"
        "+---------+---------+\n");
  SUBCASE("null_text is configurable") {
    aigc::RenderOptions o = with(aigc::Format::table);
    o.null_text = "∅";
    auto t = render(db, "SELECT NULL AS a, '' AS b", o);
    CHECK(t == "+---+---+\n| a | b |\n+---+---+\n| ∅ |   |\n+---+---+\n");
  }
}

TEST_CASE("table: control characters are shown escaped, never break a line") {
  SQLite::Database db(":memory:", SQLite::OPEN_READWRITE);
  auto text = render(db, "SELECT 'a' || char(10) || 'b' || char(9) || 'c' || char(27) || '[31m' AS s",
                     with(aigc::Format::table));
  CHECK(text ==
        "+-----------------+\n| s               |\n+-----------------+\n| a\\nb\\tc\\x1B[31m |\n+-----------------+\n");
}

TEST_CASE("table: with max_width, long cells are cut with an ellipsis and every line fits") {
  auto db = sample_db();
  for (int width : {21, 31, 40, 47, 52, 60, 75}) {  // 21: one cell per column, the least possible
    CAPTURE(width);
    aigc::RenderOptions o = with(aigc::Format::table);
    o.max_width = width;
    auto text = render(db, kSample, o);
    INFO(text);
    CHECK(valid_utf8(text));
    auto lines = lines_of(text);
    for (const auto& line : lines) {
      CHECK(aigc::display_width(line) == aigc::display_width(lines[0]));
      CHECK(aigc::display_width(line) <= static_cast<std::size_t>(width));
    }
    CHECK(text.find("…") != std::string::npos);
  }
  SUBCASE("numbers are kept whole while cutting text is enough") {
    aigc::RenderOptions o = with(aigc::Format::table);
    o.max_width = 60;
    auto text = render(db, kSample, o);
    CHECK(text.find("1.0e+20") != std::string::npos);
    CHECK(text.find("123456789") != std::string::npos);
    CHECK(text.find(" 0.012 ") != std::string::npos);
  }
  SUBCASE("a wide character is never split: an odd cell is padded") {
    SQLite::Database mem(":memory:", SQLite::OPEN_READWRITE);
    aigc::RenderOptions o = with(aigc::Format::table);
    o.max_width = 4 + 5;  // "| " + 5 cells + " |"
    auto text = render(mem, "SELECT '文心大模型' AS 模型", o);
    CHECK(text == "+-------+\n| 模型  |\n+-------+\n| 文心… |\n+-------+\n");
    o.max_width = 4 + 4;
    text = render(mem, "SELECT '文心大模型' AS 模型", o);
    CHECK(text == "+------+\n| 模型 |\n+------+\n| 文…  |\n+------+\n");
  }
  SUBCASE("narrower than one cell per column: as narrow as it gets, still aligned") {
    aigc::RenderOptions o = with(aigc::Format::table);
    o.max_width = 10;
    auto lines = lines_of(render(db, kSample, o));
    for (const auto& line : lines) CHECK(aigc::display_width(line) == 21);
  }
  SUBCASE("a table that fits is not cut") {
    aigc::RenderOptions o = with(aigc::Format::table);
    o.max_width = 1000;
    CHECK(render(db, kSample, o) == render(db, kSample, with(aigc::Format::table)));
  }
}

TEST_CASE("table: zero rows still show the header") {
  SQLite::Database db(":memory:", SQLite::OPEN_READWRITE);
  std::uint64_t rows = 7;
  auto text = render(db, "SELECT 1 AS 编号, 'x' AS name WHERE 0", with(aigc::Format::table), &rows);
  CHECK(rows == 0);
  CHECK(text == "+------+------+\n| 编号 | name |\n+------+------+\n+------+------+\n");
}

TEST_CASE("csv: parses back through CsvReader to the same values, NULL and '' distinct") {
  auto db = sample_db();
  db.exec("INSERT INTO t VALUES ('a,b', 'say \"hi\"', NULL, NULL, 'line1' || char(10) || 'line2')");
  auto text = render(db, kSample, with(aigc::Format::csv));
  aigc::CsvReader csv(text, "rendered");
  REQUIRE(csv.next());
  REQUIRE(csv.size() == 5);
  CHECK(csv.field(0) == "product");
  CHECK(csv.field(4) == "note");

  aigc::Statement stmt(db.getHandle(), kSample);
  int rows = 0;
  while (stmt.step()) {
    ++rows;
    REQUIRE(csv.next());
    REQUIRE(csv.size() == 5);
    for (int i = 0; i < 5; ++i) {
      CAPTURE(rows);
      CAPTURE(i);
      const auto type = sqlite3_column_type(stmt.get(), i);
      const auto* t = reinterpret_cast<const char*>(sqlite3_column_text(stmt.get(), i));
      if (type == SQLITE_NULL) {
        CHECK(csv.field(static_cast<std::size_t>(i)).empty());
        CHECK_FALSE(csv.quoted(static_cast<std::size_t>(i)));  // NULL: nothing at all
      } else {
        CHECK(csv.field(static_cast<std::size_t>(i)) == std::string(t));
        if (std::string(t).empty()) CHECK(csv.quoted(static_cast<std::size_t>(i)));  // '': written as ""
      }
    }
  }
  CHECK(rows == 6);
  CHECK_FALSE(csv.next());
  CHECK(text.find("2.0,-5,") != std::string::npos);
  CHECK(text.find("1.0e+20") != std::string::npos);
}

TEST_CASE("csv: --bom writes EF BB BF first; --crlf ends lines with CRLF") {
  SQLite::Database db(":memory:", SQLite::OPEN_READWRITE);
  aigc::RenderOptions o = with(aigc::Format::csv);
  CHECK(render(db, "SELECT '文心' AS a", o) == "a\n文心\n");
  o.bom = true;
  auto text = render(db, "SELECT '文心' AS a", o);
  REQUIRE(text.size() >= 3);
  CHECK(text.substr(0, 3) == "\xEF\xBB\xBF");
  CHECK(text.substr(3) == "a\n文心\n");
  o.crlf = true;
  CHECK(render(db, "SELECT '文心' AS a", o) ==
        "\xEF\xBB\xBF"
        "a\r\n文心\r\n");
}

TEST_CASE("csv: excel-safe neutralises formulas but leaves numbers alone") {
  SQLite::Database db(":memory:", SQLite::OPEN_READWRITE);
  // Text that reads entirely as a number ("-5", "+3.5") is left alone: a
  // spreadsheet takes it as that number, never as a formula.
  const std::string sql =
      "SELECT column1 AS v FROM (VALUES ('=1+1'), ('@x'), ('-cmd'), ('+SUM(A1:A9)'), (char(9) || 'tab'), "
      "(char(13) || 'cr'), ('-5'), ('+3.5'), ('-2+3'), (-5), (-2.5), ('plain'), ('a=b'), (''), (NULL))";
  aigc::RenderOptions o = with(aigc::Format::csv);
  CHECK(render(db, sql, o) ==
        "v\n=1+1\n@x\n-cmd\n+SUM(A1:A9)\n\ttab\n\"\rcr\"\n-5\n+3.5\n-2+3\n-5\n-2.5\nplain\na=b\n\"\"\n\"\"\n");
  o.excel_safe = true;
  CHECK(render(db, sql, o) ==
        "v\n'=1+1\n'@x\n'-cmd\n'+SUM(A1:A9)\n'\ttab\n\"'\rcr\"\n-5\n+3.5\n'-2+3\n-5\n-2.5\nplain\na=b\n\"\"\n\"\"\n");
}

TEST_CASE("json: an array of objects that parses back, with numbers as numbers and NULL as null") {
  auto db = sample_db();
  db.exec(
      "INSERT INTO t VALUES ('q\"b\\s/' || char(1) || char(10) || char(9), '😀', 1e999, -9223372036854775808, x'00FF')");
  std::uint64_t rows = 0;
  auto text = render(db, kSample, with(aigc::Format::json), &rows);
  CHECK(rows == 6);
  INFO(text);
  auto doc = test::JsonParser::parse(text);
  REQUIRE(doc.type == test::Json::Type::array);
  REQUIRE(doc.items.size() == 6);
  const auto& first = doc[0];
  REQUIRE(first.members.size() == 5);
  CHECK(first.members[0].first == "product");  // keys in column order
  CHECK(first["product"].text == "文心大模型");
  CHECK(first["price"].type == test::Json::Type::number);
  CHECK(first["price"].text == "0.012");
  CHECK(first["tokens"].text == "1000");
  CHECK(doc[1]["vendor"].is_null());                       // NULL
  CHECK(doc[1]["note"].type == test::Json::Type::string);  // ''
  CHECK(doc[1]["note"].text.empty());
  CHECK(doc[3]["price"].text == "2.0");
  CHECK(doc[3]["tokens"].text == "-5");
  CHECK(doc[4]["price"].number() == doctest::Approx(1e20));
  const auto& odd = doc[5];
  CHECK(odd["product"].text == "q\"b\\s/\x01\n\t");  // escaped and read back exactly
  CHECK(odd["vendor"].text == "😀");
  CHECK(odd["price"].is_null());  // infinity has no JSON number
  CHECK(odd["tokens"].text == "-9223372036854775808");
  CHECK(odd["note"].text == "00FF");  // a BLOB as hex
  CHECK(text.find("\\u0001") != std::string::npos);
}

TEST_CASE("json: zero rows is [] and repeated column names stay distinct keys") {
  SQLite::Database db(":memory:", SQLite::OPEN_READWRITE);
  CHECK(render(db, "SELECT 1 AS a WHERE 0", with(aigc::Format::json)) == "[]\n");
  CHECK(test::JsonParser::parse("[]").items.empty());
  auto doc = test::JsonParser::parse(render(db, "SELECT 1 AS a, 2 AS a, 3 AS a_2", with(aigc::Format::json)));
  REQUIRE(doc[0].members.size() == 3);
  CHECK(doc[0].members[0].first == "a");
  CHECK(doc[0].members[1].first == "a_2");
  CHECK(doc[0].members[2].first == "a_2_2");
}

TEST_CASE("jsonl: one object per line, each the same as the json array's element") {
  auto db = sample_db();
  db.exec("INSERT INTO t VALUES ('line' || char(10) || 'break', NULL, 1e999, 7, x'0A')");
  std::uint64_t rows = 0;
  const auto lines_text = render(db, kSample, with(aigc::Format::jsonl), &rows);
  CHECK(rows == 6);
  INFO(lines_text);
  const auto array = test::JsonParser::parse(render(db, kSample, with(aigc::Format::json)));
  REQUIRE(array.items.size() == 6);
  REQUIRE(!lines_text.empty());
  CHECK(lines_text.back() == '\n');
  std::istringstream in(lines_text);
  std::string line;
  std::size_t n = 0;
  while (std::getline(in, line)) {
    REQUIRE(n < array.items.size());
    const auto row = test::JsonParser::parse(line);  // a newline inside a value stays escaped
    REQUIRE(row.type == test::Json::Type::object);
    REQUIRE(row.members.size() == array[n].members.size());
    for (std::size_t k = 0; k < row.members.size(); ++k) {
      CHECK(row.members[k].first == array[n].members[k].first);
      CHECK(row.members[k].second.text == array[n].members[k].second.text);
      CHECK(row.members[k].second.type == array[n].members[k].second.type);
    }
    ++n;
  }
  CHECK(n == 6);
  SQLite::Database empty(":memory:", SQLite::OPEN_READWRITE);
  CHECK(render(empty, "SELECT 1 AS a WHERE 0", with(aigc::Format::jsonl)).empty());
}

TEST_CASE("json: invalid UTF-8 in text becomes U+FFFD, so the document stays valid") {
  SQLite::Database db(":memory:", SQLite::OPEN_READWRITE);
  auto text = render(db, "SELECT CAST(x'41FF42' AS TEXT) AS s", with(aigc::Format::json));
  auto doc = test::JsonParser::parse(text);
  CHECK(doc[0]["s"].text ==
        "A\xEF\xBF\xBD"
        "B");
}

TEST_CASE("markdown: every line starts with '|', pipes escaped, newlines as <br>") {
  auto db = sample_db();
  db.exec("INSERT INTO t VALUES ('a|b', 'x' || char(10) || 'y', NULL, 1, 'c' || char(13) || char(10) || 'd')");
  auto text = render(db, kSample, with(aigc::Format::markdown));
  INFO(text);
  auto lines = lines_of(text);
  REQUIRE(lines.size() == 2 + 6);
  for (const auto& line : lines) CHECK(line.rfind("|", 0) == 0);
  CHECK(lines[0] == "| product | vendor | price | tokens | note |");
  CHECK(lines[1] == "| --- | --- | ---: | ---: | --- |");
  CHECK(lines[2] == "| 文心大模型 | 百度 | 0.012 | 1000 | 按输入输出tokens数量计费 |");
  CHECK(lines[3] == "| GPT-4.0 | NULL | 0.03 | 1000 |  |");
  CHECK(lines[7] == "| a\\|b | x<br>y | NULL | 1 | c<br>d |");
}

TEST_CASE("render: a statement failing mid-way throws DataError after the rows before it") {
  SQLite::Database db(":memory:", SQLite::OPEN_READWRITE);
  // abs() of the smallest integer is an error, raised on the third row.
  const std::string sql =
      "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5) "
      "SELECT i, CASE WHEN i = 3 THEN abs(-9223372036854775807 - (i - 2)) ELSE i END AS v FROM n";
  for (auto f : {aigc::Format::table, aigc::Format::csv, aigc::Format::json, aigc::Format::markdown}) {
    CAPTURE(aigc::format_name(f));
    aigc::Statement stmt(db.getHandle(), sql);
    std::ostringstream out;
    CHECK_THROWS_WITH_AS(aigc::render_statement(stmt.get(), out, with(f)), doctest::Contains("integer overflow"),
                         aigc::DataError);
  }
}

TEST_CASE("render: a statement without result columns runs and prints nothing") {
  SQLite::Database db(":memory:", SQLite::OPEN_READWRITE);
  db.exec("CREATE TABLE x (a)");
  CHECK(render(db, "INSERT INTO x VALUES (1)", with(aigc::Format::json)).empty());
  CHECK(db.execAndGet("SELECT count(*) FROM x").getInt() == 1);
}

TEST_CASE("parse_format: names and aliases; an unknown name suggests one") {
  CHECK(aigc::parse_format("table") == aigc::Format::table);
  CHECK(aigc::parse_format("csv") == aigc::Format::csv);
  CHECK(aigc::parse_format("json") == aigc::Format::json);
  CHECK(aigc::parse_format("markdown") == aigc::Format::markdown);
  CHECK(aigc::parse_format("md") == aigc::Format::markdown);
  CHECK_THROWS_WITH_AS(aigc::parse_format("jsno"), doctest::Contains("did you mean json"), aigc::UsageError);
  CHECK(aigc::parse_format("jsonl") == aigc::Format::jsonl);
  CHECK(aigc::parse_format("ndjson") == aigc::Format::jsonl);
  CHECK_THROWS_WITH_AS(aigc::parse_format("xml"), doctest::Contains("table, csv, json, jsonl or markdown"),
                       aigc::UsageError);
  for (auto f :
       {aigc::Format::table, aigc::Format::csv, aigc::Format::json, aigc::Format::jsonl, aigc::Format::markdown})
    CHECK(aigc::parse_format(aigc::format_name(f)) == f);
}
