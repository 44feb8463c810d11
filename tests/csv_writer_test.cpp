#include <doctest/doctest.h>

#include <sstream>
#include <string>
#include <vector>

#include "base/error.h"
#include "csv/csv_reader.h"
#include "csv/csv_writer.h"

namespace {

using Rows = std::vector<std::vector<std::string>>;

std::string write_rows(const Rows& rows, bool crlf = false) {
  std::ostringstream out;
  {
    aigc::CsvWriter w(out, crlf);
    for (const auto& row : rows) {
      for (const auto& f : row) w.field(f);
      w.end_row();
    }
  }  // the destructor flushes
  return out.str();
}

Rows read_back(const std::string& text) {
  aigc::CsvReader r(std::string_view(text), "written.csv");
  Rows rows;
  while (r.next()) {
    std::vector<std::string> row;
    for (std::size_t i = 0; i < r.size(); ++i) row.emplace_back(r.field(i));
    rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace

TEST_CASE("csv writer: plain fields are written unquoted, spaces included") {
  CHECK(write_rows({{"a", "b c", " d ", "1.5", "\xE4\xB8\xAD\xE6\x96\x87"}, {"x", ""}}) ==
        "a,b c, d ,1.5,\xE4\xB8\xAD\xE6\x96\x87\nx,\n");
}

TEST_CASE("csv writer: only comma, quote, CR and LF force quoting, and quotes are doubled") {
  CHECK(write_rows({{"a,b", "say \"hi\"", "cr\rhere", "two\nlines", "\""}}) ==
        "\"a,b\",\"say \"\"hi\"\"\",\"cr\rhere\",\"two\nlines\",\"\"\"\"\n");
}

TEST_CASE("csv writer: CRLF mode ends rows with CRLF") {
  CHECK(write_rows({{"a", "b"}, {"1", "x\ny"}}, true) == "a,b\r\n1,\"x\ny\"\r\n");
  CHECK(write_rows({{"a", "b"}, {"1", "2"}}, false) == "a,b\n1,2\n");
}

TEST_CASE("csv writer: a row of one empty field is written as a quoted empty string") {
  const Rows rows{{"h"}, {""}, {"z"}};
  CHECK(write_rows(rows) == "h\n\"\"\nz\n");
  CHECK(read_back(write_rows(rows)) == rows);
}

TEST_CASE("csv writer: what it writes reads back identically") {
  const Rows rows{
      {"id", "name", "note"},
      {"1", "Smith, John", "he said \"hello\""},
      {"2", "", "line one\nline two\r\nline three"},
      {"3", "\xE5\xBC\xA0\xE4\xB8\x89",
       "\xE5\x8C\x97\xE4\xBA\xAC,\xE4\xB8\x8A\xE6\xB5\xB7 \"\xE5\xBC\x95\"\xE5\x8F\xB7"},
      {"4", " padded ", "\"\""},
      {"", "", ""},
      {"5", "trailing\r", "\xF0\x9F\x98\x80"},
  };
  CHECK(read_back(write_rows(rows)) == rows);
  CHECK(read_back(write_rows(rows, true)) == rows);
}

TEST_CASE("csv writer: output larger than the buffer arrives whole and in order") {
  Rows rows;
  for (int i = 0; i < 20000; ++i) rows.push_back({std::to_string(i), "value, " + std::to_string(i * 7), "\xC3\xA9"});
  const std::string text = write_rows(rows);
  CHECK(text.size() > 200000);
  CHECK(read_back(text) == rows);

  // Data is pushed to the stream before flush() once the buffer is large.
  std::ostringstream out;
  aigc::CsvWriter w(out);
  for (int i = 0; i < 10000; ++i) {
    w.field("0123456789");
    w.end_row();
  }
  CHECK(out.str().size() > 0);
  w.flush();
  CHECK(out.str().size() == 110000);
}

TEST_CASE("csv writer: flush reports a failed stream, the destructor does not throw") {
  std::ostringstream out;
  out.setstate(std::ios::badbit);
  {
    aigc::CsvWriter w(out);
    w.field("x");
    w.end_row();
    CHECK_THROWS_AS(w.flush(), aigc::DataError);
    w.field("y");
  }  // must not throw
  CHECK(out.str().empty());
}
