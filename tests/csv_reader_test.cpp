#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <stdexcept>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "base/error.h"
#include "csv/csv_reader.h"
#include "json_parse.h"
#include "support.h"

namespace {

using Row = std::vector<std::string>;
using Rows = std::vector<Row>;

bool starts_with(const std::string& s, const std::string& prefix) { return s.rfind(prefix, 0) == 0; }
bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

Rows read_all(aigc::CsvReader& r) {
  Rows rows;
  while (r.next()) {
    Row row;
    for (std::size_t i = 0; i < r.size(); ++i) row.emplace_back(r.field(i));
    rows.push_back(std::move(row));
  }
  return rows;
}

Rows read_all(std::string_view data) {
  aigc::CsvReader r(data, "mem.csv");
  return read_all(r);
}

/// What a refused input reported.
struct Refusal {
  std::string file;
  std::uint64_t line = 0;
  std::uint64_t column = 0;
  std::string reason;
  std::string what;
};

std::optional<Refusal> refusal_of(aigc::CsvReader& r) {
  try {
    while (r.next()) {
    }
  } catch (const aigc::CsvError& e) {
    return Refusal{e.where().file, e.where().line, e.where().column, e.reason(), e.what()};
  }
  return std::nullopt;
}

std::optional<Refusal> refusal_of(std::string_view data) {
  aigc::CsvReader r(data, "mem.csv");
  return refusal_of(r);
}

/// csv-spectrum's expectation: an array of flat objects of strings.
std::vector<std::map<std::string, std::string>> array_of_objects(std::string_view text) {
  std::vector<std::map<std::string, std::string>> out;
  for (const auto& item : test::JsonParser::parse(text).items) {
    std::map<std::string, std::string> row;
    for (const auto& [key, value] : item.members) row[key] = value.text;
    out.push_back(std::move(row));
  }
  return out;
}

}  // namespace

TEST_CASE("csv reader: the json test helper decodes escapes") {
  auto rows = array_of_objects(R"([{"a": "x\"y\\z\n\u00e9\u4e2d"}, {}])");
  REQUIRE(rows.size() == 2);
  CHECK(rows[0].at("a") == "x\"y\\z\n\xC3\xA9\xE4\xB8\xAD");
  CHECK(rows[1].empty());
}

TEST_CASE("csv reader: every csv-spectrum case reads to its expected json") {
  const auto dir = test::shared_dir() / "testdata/csv-spectrum";
  std::vector<std::string> names;
  for (const auto& entry : test::fs::directory_iterator(dir / "csvs")) {
    if (entry.path().extension() == ".csv") names.push_back(entry.path().stem().string());
  }
  std::sort(names.begin(), names.end());
  REQUIRE(names.size() >= 12);

  int checked = 0;
  for (const auto& name : names) {
    if (name == "location_coordinates") continue;
    CAPTURE(name);
    auto expected = array_of_objects(test::read_file(dir / "json" / (name + ".json")));

    aigc::CsvReader r((dir / "csvs" / (name + ".csv")).string());
    REQUIRE(r.next());
    Row header;
    for (std::size_t i = 0; i < r.size(); ++i) header.emplace_back(r.field(i));
    std::vector<std::map<std::string, std::string>> got;
    while (r.next()) {
      REQUIRE(r.size() == header.size());
      std::map<std::string, std::string> obj;
      for (std::size_t i = 0; i < r.size(); ++i) obj[header[i]] = std::string(r.field(i));
      got.push_back(std::move(obj));
    }
    CHECK(got == expected);
    CHECK(r.bytes_read() == r.total_bytes());
    CHECK(r.total_bytes() == test::fs::file_size(dir / "csvs" / (name + ".csv")));
    ++checked;
  }
  CHECK(checked == static_cast<int>(names.size()) - 1);
}

TEST_CASE("csv reader: csv-spectrum location_coordinates is refused for its bare quote") {
  const auto path = test::shared_dir() / "testdata/csv-spectrum/csvs/location_coordinates.csv";
  aigc::CsvReader r(path.string());
  auto err = refusal_of(r);
  REQUIRE(err.has_value());
  CHECK(err->file == path.string());
  CHECK(err->line == 2);
  CHECK(err->column == 22);  // counted in characters: U+FFFD is one column
  CHECK(err->reason == "quote character inside an unquoted field; quote the whole field and double the quote");
}

TEST_CASE("csv reader: a leading UTF-8 BOM is stripped, a later one is data") {
  CHECK(read_all("\xEF\xBB\xBF"
                 "a,b\n1,2\n") == Rows{{"a", "b"}, {"1", "2"}});
  CHECK(read_all("\xEF\xBB\xBF\xEF\xBB\xBF"
                 "a\n") == Rows{{"\xEF\xBB\xBF"
                                 "a"}});
  CHECK(read_all("\xEF\xBB\xBF").empty());
  aigc::CsvReader r(std::string_view("\xEF\xBB\xBF"
                                     "x,y\n"),
                    "m");
  REQUIRE(r.next());
  CHECK(r.position(0).column == 1);
  CHECK(r.position(1).column == 3);
}

TEST_CASE("csv reader: CRLF and LF line ends give the same rows") {
  const Rows expected{{"a", "b", "c"}, {"1", "x\ny", "3"}, {"", "", ""}};
  CHECK(read_all("a,b,c\n1,\"x\ny\",3\n,,\n") == expected);
  CHECK(read_all("a,b,c\r\n1,\"x\ny\",3\r\n,,\r\n") == expected);
  CHECK(read_all("a,b,c\r\n1,\"x\ny\",3\n,,") == expected);
}

TEST_CASE("csv reader: end of input, trailing newline and blank lines") {
  CHECK(read_all("").empty());
  // One blank line right before the end is not a record, even alone.
  CHECK(read_all("\n").empty());
  CHECK(read_all("\r\n").empty());
  CHECK(read_all("a,b") == Rows{{"a", "b"}});
  CHECK(read_all("a,b\n") == Rows{{"a", "b"}});
  CHECK(read_all("a,b\r\n") == Rows{{"a", "b"}});
  CHECK(read_all("a,") == Rows{{"a", ""}});
  CHECK(read_all("a\n\nb\n") == Rows{{"a"}, {""}, {"b"}});
  CHECK(read_all("a\r\n\r\nb") == Rows{{"a"}, {""}, {"b"}});
  // One blank line at the end is dropped, as other tools do; a second one
  // is a blank record (which the loader reports at its line).
  CHECK(read_all("a\n\n") == Rows{{"a"}});
  CHECK(read_all("a\r\n\r\n") == Rows{{"a"}});
  CHECK(read_all("a\n\n\n") == Rows{{"a"}, {""}});
  CHECK(read_all("a\n\"\"\n\n") == Rows{{"a"}, {""}});
  // Ragged rows are passed through.
  CHECK(read_all("a,b,c\n1\n1,2,3,4\n") == Rows{{"a", "b", "c"}, {"1"}, {"1", "2", "3", "4"}});
}

TEST_CASE("csv reader: a lone CR outside quotes is refused with the tr fix; inside quotes it is content") {
  for (const auto& [input, line, column] : std::vector<std::tuple<std::string, int, int>>{
           {"a\rb,c\n", 1, 2},
           {"a,b\r", 1, 4},
           {"a,b\r1,2\r", 1, 4},
           {"a,b\n1,x\ry\n", 2, 4},
           {"\"ab\"\rx\n", 1, 5},
           {"\"ab\"\r", 1, 5},
       }) {
    CAPTURE(input);
    auto e = refusal_of(input);
    REQUIRE(e.has_value());
    CHECK(e->line == static_cast<std::uint64_t>(line));
    CHECK(e->column == static_cast<std::uint64_t>(column));
    CHECK(starts_with(e->reason, "carriage return (CR) without a line feed"));
    CHECK(contains(e->reason, "tr '\\r' '\\n' < mem.csv > mem-lf.csv"));
  }
  CHECK(read_all("\"a\rb\",c\r\n") == Rows{{"a\rb", "c"}});
}

TEST_CASE("csv reader: another delimiter splits fields, inside quotes it is content") {
  aigc::CsvOptions o;
  o.delimiter = ';';
  aigc::CsvReader r(std::string_view("a;b,c;\"x;y\"\n1;;\"\"\n"), "m", o);
  CHECK(read_all(r) == Rows{{"a", "b,c", "x;y"}, {"1", "", ""}});
  // Long enough for the 16- and 8-byte scans to meet the delimiter.
  o.delimiter = '\t';
  const std::string wide = std::string(40, 'x') + "\t" + std::string(17, 'y') + "\t\"q\tq\"\n";
  aigc::CsvReader t(wide, "m", o);
  CHECK(read_all(t) == Rows{{std::string(40, 'x'), std::string(17, 'y'), "q\tq"}});
  CHECK(aigc::parse_delimiter("\\t") == '\t');
  CHECK(aigc::parse_delimiter("tab") == '\t');
  CHECK(aigc::parse_delimiter("|") == '|');
  for (const std::string bad : {"", ";;", "\"", "\r", "\n", "\xC3\xA9"})
    CHECK_THROWS_AS(aigc::parse_delimiter(bad), aigc::UsageError);
}

TEST_CASE("csv reader: UTF-16, gzip and zip files are named as such at 1:1") {
  using namespace std::string_literals;
  for (const auto& [input, expect] : std::vector<std::pair<std::string, std::string>>{
           {"\xFF\xFE"
            "a\0"s,
            "UTF-16LE"},
           {"\xFE\xFF\0a"s, "UTF-16BE"},
           {"\x1F\x8B\x08"s, "gunzip -c mem.csv"},
           {"PK\x03\x04"s, "zip archive"},
           {"a\0,\0"s, "looks like UTF-16"},
       }) {
    CAPTURE(expect);
    auto e = refusal_of(input);
    REQUIRE(e.has_value());
    CHECK(e->line == 1);
    CHECK(contains(e->reason, expect));
  }
  // /dev/zero is no UTF-16 file.
  auto e = refusal_of("\0\0\0\0"s);
  REQUIRE(e.has_value());
  CHECK(e->reason == "NUL byte in input");
}

TEST_CASE("csv reader: a record beyond the size or field limit is refused at its line") {
  test::TempDir dir;
  aigc::CsvOptions o;
  o.max_record_bytes = std::size_t{4} << 20;
  test::write_file(dir / "long.csv", "a\n1\n" + std::string(5u << 20, 'x'));
  aigc::CsvReader r((dir / "long.csv").string(), o);
  auto e = refusal_of(r);
  REQUIRE(e.has_value());
  CHECK(e->line == 3);
  CHECK(e->column == 1);
  CHECK(contains(e->reason, "longer than 4 MiB"));
  // Under the limit, a record longer than the buffer reads whole.
  test::write_file(dir / "ok.csv", "a\n" + std::string(3u << 20, 'x') + "\n");
  aigc::CsvReader ok((dir / "ok.csv").string(), o);
  CHECK(read_all(ok).size() == 2);

  o.max_fields = 3;
  aigc::CsvReader f(std::string_view("a,b,c\n1,2,3,4\n"), "m", o);
  e = refusal_of(f);
  REQUIRE(e.has_value());
  CHECK(e->line == 2);
  CHECK(e->column == 7);
  CHECK(contains(e->reason, "more than 3 fields"));
}

TEST_CASE("csv reader: doubled quotes unescape and quoted() tells \"\" from nothing") {
  aigc::CsvReader r(std::string_view("\"he said \"\"hi\"\"\",\"\",,\"\"\"\"\n\"a,b\",\"x\"\"\"\n"), "m");
  REQUIRE(r.next());
  REQUIRE(r.size() == 4);
  CHECK(r.field(0) == "he said \"hi\"");
  CHECK(r.field(1) == "");
  CHECK(r.field(2) == "");
  CHECK(r.field(3) == "\"");
  CHECK(r.quoted(0));
  CHECK(r.quoted(1));
  CHECK_FALSE(r.quoted(2));
  CHECK(r.quoted(3));
  REQUIRE(r.next());
  REQUIRE(r.size() == 2);
  CHECK(r.field(0) == "a,b");
  CHECK(r.field(1) == "x\"");
  CHECK_FALSE(r.next());
}

TEST_CASE("csv reader: positions follow embedded newlines and count characters") {
  aigc::CsvReader r(std::string_view("a,\"x\ny\",b\nc,\"\"\"\r\n\",d\n\xC3\xA9,\xC3\xBC,\xE4\xB8\xAD\xE6\x96\x87,x\n"),
                    "m");
  REQUIRE(r.next());
  CHECK(r.record_line() == 1);
  CHECK(r.field(1) == "x\ny");
  CHECK(r.position(0).line == 1);
  CHECK(r.position(0).column == 1);
  CHECK(r.position(1).line == 1);
  CHECK(r.position(1).column == 3);
  CHECK(r.position(2).line == 2);
  CHECK(r.position(2).column == 4);

  REQUIRE(r.next());
  CHECK(r.record_line() == 3);
  CHECK(r.field(1) == "\"\r\n");
  CHECK(r.position(1).line == 3);
  CHECK(r.position(1).column == 3);
  CHECK(r.position(2).line == 4);
  CHECK(r.position(2).column == 3);

  REQUIRE(r.next());
  CHECK(r.record_line() == 5);
  REQUIRE(r.size() == 4);
  CHECK(r.field(2) == "\xE4\xB8\xAD\xE6\x96\x87");
  CHECK(r.position(1).column == 3);
  CHECK(r.position(2).column == 5);
  CHECK(r.position(3).column == 8);  // é , ü , 中 文 , -> x is the 8th character
  CHECK_FALSE(r.next());
}

TEST_CASE("csv reader: invalid UTF-8 is refused at its line and character column") {
  auto e = refusal_of(
      "a\nb\n\xE4\xB8\xAD\xE6\x96\x87"
      "ab\xFF,c\n");
  REQUIRE(e.has_value());
  CHECK(e->file == "mem.csv");
  CHECK(e->line == 3);
  CHECK(e->column == 5);
  CHECK(starts_with(e->reason, "invalid UTF-8 byte 0xff; the file is not UTF-8"));
  CHECK(starts_with(e->what, "mem.csv:3:5: invalid UTF-8 byte 0xff; the file is not UTF-8"));
  CHECK(contains(e->what, "iconv -f WINDOWS-1252 -t UTF-8 mem.csv > mem-utf8.csv"));

  // Inside a quoted field, after an embedded newline.
  e = refusal_of("x\n\"\xC3\xA9\n\xC3\xA9\xC0\xAF\"\n");
  REQUIRE(e.has_value());
  CHECK(e->line == 3);
  CHECK(e->column == 2);
  CHECK(starts_with(e->reason, "invalid UTF-8 byte 0xc0;"));
}

TEST_CASE("csv reader: every kind of malformed UTF-8 is refused") {
  struct Case {
    std::string input;
    std::uint64_t column;
    std::string reason;
  };
  const std::vector<Case> cases = {
      {"ab\x80", 3, "invalid UTF-8 byte 0x80"},                                        // stray continuation
      {"a\xC1\xBF", 2, "invalid UTF-8 byte 0xc1"},                                     // overlong 2-byte
      {"a\xE0\x80\xAF", 2, "invalid UTF-8 byte 0xe0 (overlong encoding: 0xe0 0x80)"},  // overlong 3-byte
      {"a\xF0\x80\x80\xAF", 2, "invalid UTF-8 byte 0xf0 (overlong encoding: 0xf0 0x80)"},
      {"a\xED\xA0\x80", 2, "invalid UTF-8 byte 0xed (UTF-16 surrogate: 0xed 0xa0)"},
      {"a\xF4\x90\x80\x80", 2, "invalid UTF-8 byte 0xf4 (code point beyond U+10FFFF: 0xf4 0x90)"},
      {"a\xF5\x80\x80\x80", 2, "invalid UTF-8 byte 0xf5"},
      {"\xE4\xB8,x", 1, "invalid UTF-8 byte 0xe4 (truncated sequence: 0xe4 0xb8)"},
      {"\xC3\xA9\xE4\xB8\xC3\xA9", 2, "invalid UTF-8 byte 0xe4 (truncated sequence: 0xe4 0xb8)"},
      {"ab\xE4\xB8", 3, "invalid UTF-8 byte 0xe4 (sequence truncated by the end of input)"},
      {"\"ab\xF0\x9F\x98\"", 4, "invalid UTF-8 byte 0xf0 (truncated sequence: 0xf0 0x9f 0x98)"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.input);
    auto e = refusal_of(c.input);
    REQUIRE(e.has_value());
    CHECK(e->line == 1);
    CHECK(e->column == c.column);
    CHECK(starts_with(e->reason, c.reason + "; the file is not UTF-8"));
  }
  // The extremes of the valid range are accepted.
  CHECK(read_all("\xC2\x80,\xEF\xBF\xBF,\xF0\x90\x80\x80,\xF4\x8F\xBF\xBF,\xED\x9F\xBF,\xEE\x80\x80") ==
        Rows{{"\xC2\x80", "\xEF\xBF\xBF", "\xF0\x90\x80\x80", "\xF4\x8F\xBF\xBF", "\xED\x9F\xBF", "\xEE\x80\x80"}});
}

TEST_CASE("csv reader: a NUL byte is refused where it is") {
  using namespace std::string_literals;
  auto e = refusal_of("a,b\nab,c\0d\n"s);
  REQUIRE(e.has_value());
  CHECK(e->line == 2);
  CHECK(e->column == 5);
  CHECK(e->reason == "NUL byte in input");

  e = refusal_of("\"\xE4\xB8\xAD\0\"\n"s);
  REQUIRE(e.has_value());
  CHECK(e->line == 1);
  CHECK(e->column == 3);
  CHECK(e->reason == "NUL byte in input");
}

TEST_CASE("csv reader: an unterminated quote is refused at the opening quote") {
  auto e = refusal_of("a,b\n\xC3\xA9,\"xy\nz\nmore,rows\n");
  REQUIRE(e.has_value());
  CHECK(e->line == 2);
  CHECK(e->column == 3);
  CHECK(e->reason == "unterminated quoted field (opened at line 2, column 3)");
  CHECK(e->what == "mem.csv:2:3: unterminated quoted field (opened at line 2, column 3)");

  e = refusal_of("\"abc\"\"");
  REQUIRE(e.has_value());
  CHECK(e->line == 1);
  CHECK(e->column == 1);
  CHECK(e->reason == "unterminated quoted field (opened at line 1, column 1)");
}

TEST_CASE("csv reader: a quote inside an unquoted field is refused at the quote") {
  auto e = refusal_of("a,b\n1,x\xC3\xA9\"y\"\n");
  REQUIRE(e.has_value());
  CHECK(e->line == 2);
  CHECK(e->column == 5);
  CHECK(e->reason == "quote character inside an unquoted field; quote the whole field and double the quote");
  e = refusal_of(" \"a\",b\n");
  REQUIRE(e.has_value());
  CHECK(e->column == 2);
}

TEST_CASE("csv reader: anything but a comma or line end after a closing quote is refused") {
  for (const auto& [input, line, column] : std::vector<std::tuple<std::string, int, int>>{
           {"\"ab\"x,c\n", 1, 5},
           {"\"ab\" ,c\n", 1, 5},
           {"a,\"b\"\"\"x\n", 1, 8},
           {"\"a\nb\"\xC3\xA9\n", 2, 3},
       }) {
    CAPTURE(input);
    auto e = refusal_of(input);
    REQUIRE(e.has_value());
    CHECK(e->line == static_cast<std::uint64_t>(line));
    CHECK(e->column == static_cast<std::uint64_t>(column));
    CHECK(e->reason == "unexpected character after closing quote");
  }
}

TEST_CASE("csv reader: the file constructor reads files and reports unopenable ones") {
  test::TempDir dir;
  const auto path = dir / "t.csv";
  test::write_file(path, "id,name\n1,\"Zo\xC3\xAB\"\n");
  aigc::CsvReader r(path.string());
  CHECK(r.name() == path.string());
  CHECK(r.total_bytes() == 17);
  CHECK(r.bytes_read() == 0);
  REQUIRE(r.next());
  CHECK(r.bytes_read() == 8);
  REQUIRE(r.next());
  CHECK(r.field(1) == "Zo\xC3\xAB");
  CHECK_FALSE(r.next());
  CHECK(r.bytes_read() == 17);

  const auto missing = (dir / "missing.csv").string();
  try {
    aigc::CsvReader bad(missing);
    FAIL("expected DataError");
  } catch (const aigc::CsvError&) {
    FAIL("an unopenable file is not a CSV syntax error");
  } catch (const aigc::DataError& e) {
    CHECK(std::string(e.what()) == "cannot open " + missing + ": No such file or directory");
  }
  CHECK_THROWS_AS(aigc::CsvReader(dir.path().string()), aigc::DataError);
}

namespace {

std::string random_text(std::mt19937& rng, std::size_t len) {
  static const std::vector<std::string> pieces = {
      "a", "b", "z", "0", " ", ",", "\"", "\n", "\r\n", "\r", "\xC3\xA9", "\xE4\xB8\xAD", "\xF0\x9F\x98\x80", "x"};
  std::string s;
  while (s.size() < len) s += pieces[rng() % pieces.size()];
  return s;
}

std::string plain_text(std::mt19937& rng, std::size_t len) {
  static const std::vector<std::string> pieces = {
      "a", "b", "q", "7", " ", "\xC3\xA9", "\xE4\xB8\xAD", "\xF0\x9F\x98\x80", "-"};
  std::string s;
  while (s.size() < len) s += pieces[rng() % pieces.size()];
  return s;
}

std::string quote(const std::string& s) {
  std::string q = "\"";
  for (char c : s) {
    q += c;
    if (c == '"') q += '"';
  }
  return q + "\"";
}

std::uint64_t newlines(const std::string& s) {
  return static_cast<std::uint64_t>(std::count(s.begin(), s.end(), '\n'));
}

}  // namespace

TEST_CASE("csv reader: records crossing chunk boundaries, and one bigger than the buffer, read exactly") {
  std::mt19937 rng(12345);
  Rows expected;
  std::vector<std::uint64_t> lines;
  std::string data = "\xEF\xBB\xBF";
  std::uint64_t line = 1;
  std::size_t row_no = 0;
  while (data.size() < 2.5 * 1024 * 1024) {
    Row row;
    std::string raw;
    lines.push_back(line);
    const std::size_t nfields = 1 + rng() % 6;
    for (std::size_t i = 0; i < nfields; ++i) {
      if (i) raw += ',';
      const std::size_t len = rng() % 3 == 0 ? rng() % 4000 : rng() % 40;
      if (rng() % 2) {
        row.push_back(random_text(rng, len));
        raw += quote(row.back());
      } else {
        row.push_back(plain_text(rng, len));
        raw += row.back();
      }
    }
    line = lines.back() + newlines(raw) + 1;
    raw += row_no % 3 == 0 ? "\r\n" : "\n";
    data += raw;
    expected.push_back(std::move(row));
    ++row_no;
    if (row_no == 300) {
      // One record far bigger than the 1 MiB buffer.
      Row big{plain_text(rng, 3 * 1024 * 1024 + 17), random_text(rng, 1024 * 1024 + 5), "tail"};
      lines.push_back(line);
      std::string raw_big = big[0] + "," + quote(big[1]) + ",tail\n";
      line += newlines(raw_big);
      data += raw_big;
      expected.push_back(std::move(big));
      ++row_no;
    }
  }
  // Ends without a newline.
  lines.push_back(line);
  expected.push_back({"last", "row"});
  data += "last,\"row\"";

  test::TempDir dir;
  const auto path = dir / "big.csv";
  test::write_file(path, data);

  for (int pass = 0; pass < 2; ++pass) {
    CAPTURE(pass);
    std::unique_ptr<aigc::CsvReader> r = pass == 0 ? std::make_unique<aigc::CsvReader>(path.string())
                                                   : std::make_unique<aigc::CsvReader>(std::string_view(data), "mem");
    std::size_t n = 0;
    std::size_t mismatches = 0;
    while (r->next()) {
      REQUIRE(n < expected.size());
      REQUIRE(r->size() == expected[n].size());
      for (std::size_t i = 0; i < r->size(); ++i) {
        if (r->field(i) != expected[n][i]) ++mismatches;
      }
      if (r->record_line() != lines[n] || r->position(0).line != lines[n] || r->position(0).column != 1) {
        ++mismatches;
      }
      ++n;
    }
    CHECK(mismatches == 0);
    CHECK(n == expected.size());
    CHECK(r->bytes_read() == data.size());
    CHECK(r->total_bytes() == data.size());
  }
}

TEST_CASE("csv reader: an error deep in a large file reports the right line") {
  std::string data;
  for (int i = 0; i < 100000; ++i) data += "row" + std::to_string(i) + ",\"two\nlines\",\xE4\xB8\xAD\r\n";
  data += "ok,\xE4\xB8\xAD\xE6\x96\x87\xFE\n";
  test::TempDir dir;
  test::write_file(dir / "bad.csv", data);
  aigc::CsvReader r((dir / "bad.csv").string());
  auto e = refusal_of(r);
  REQUIRE(e.has_value());
  CHECK(e->line == 200001);
  CHECK(e->column == 6);
  CHECK(starts_with(e->reason, "invalid UTF-8 byte 0xfe;"));
}
