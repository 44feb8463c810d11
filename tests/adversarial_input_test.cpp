// CSV files as they come, and as a hostile or careless user gives them:
// old Mac line ends, other separators, other encodings, compressed files,
// headers too wide for SQLite, table names that would break the warehouse,
// and inputs meant to exhaust memory. Each is refused with what happened and
// what to do, or read as every other tool reads it; none changes the
// warehouse when refused.
#include <doctest/doctest.h>

#include <chrono>
#include <sstream>
#include <string>
#include <vector>

#include "csv/csv_reader.h"
#include "csv/csv_writer.h"
#include "support.h"

namespace {

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

/// A built warehouse in a temp dir, and helpers to run aigc on it.
struct Warehouse {
  test::TempDir dir;
  std::string db = (dir / "w.db").string();
  Warehouse() {
    auto r = test::run_aigc({"--db", db, "build", "--quiet"}, dir.path());
    REQUIRE(r.status == 0);
  }
  test::RunResult run(std::vector<std::string> args, const std::string& input = "") const {
    args.insert(args.begin(), {"--db", db});
    return test::run_aigc(args, dir.path(), input);
  }
  /// Writes `name` in the temp dir and returns its path.
  std::string file(const std::string& name, const std::string& content) const {
    test::write_file(dir / name, content);
    return (dir / name).string();
  }
  std::string sql(const std::string& query) const {
    auto r = run({"sql", query, "--format", "csv"});
    INFO(r.describe());
    CHECK(r.status == 0);
    return r.out;
  }
};

const std::string kPricingHeader =
    "pricing_id,product_id,billing_basis,unit,price_min,price_max,currency,as_of,source_note";
const std::string kPricingRow = "mine,gpt4,tokens,千tokens,0.01,0.03,USD,2024-04,my own observation";

std::string wide_header(std::size_t columns) {
  std::string h;
  for (std::size_t i = 0; i < columns; ++i) h += (i ? ",c" : "c") + std::to_string(i);
  return h + "\n";
}

}  // namespace

TEST_CASE("adversarial: a 100,000-column header is checked in linear time, for load and import") {
  Warehouse w;
  const auto path = w.file("wide.csv", wide_header(100000));
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"load", "pricing", path}, std::vector<std::string>{"import", path, "--as", "wide"}}) {
    CAPTURE(args[0]);
    const auto start = std::chrono::steady_clock::now();
    auto r = w.run(args);
    const auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    INFO(r.describe());
    CHECK(r.status == 1);
    // Generous for a sanitizer build; the quadratic check took 27 s.
    CHECK(seconds < 5.0);
  }
}

TEST_CASE("adversarial: a header wider than SQLite's column limit names file, line and the limit") {
  Warehouse w;
  const auto path = w.file("wide.csv", wide_header(2001) + std::string(2000, ',') + "\n");
  const auto before = test::read_file(w.db);
  SUBCASE("import") {
    auto r = w.run({"import", path, "--as", "wide"});
    INFO(r.describe());
    CHECK(r.status == 1);
    CHECK(contains(r.err, "wide.csv:1:"));
    CHECK(contains(r.err, "2001 columns"));
    CHECK(contains(r.err, "at most 2000"));
  }
  SUBCASE("load") {
    auto r = w.run({"load", "pricing", path});
    INFO(r.describe());
    CHECK(r.status == 1);
    CHECK(contains(r.err, "wide.csv:1:"));
    CHECK(contains(r.err, "2001 columns"));
    CHECK(contains(r.err, "at most 2000"));
  }
  CHECK(test::read_file(w.db) == before);
}

TEST_CASE("adversarial: classic Mac line ends (CR only) are refused with the line and the fix") {
  Warehouse w;
  const auto before = test::read_file(w.db);
  const auto path = w.file("mac.csv", "a,b\r1,2\r3,4\r");
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"import", path, "--as", "mac"}, std::vector<std::string>{"load", "pricing", path}}) {
    CAPTURE(args[0]);
    auto r = w.run(args);
    INFO(r.describe());
    CHECK(r.status == 1);
    CHECK(contains(r.err, "mac.csv:1:4:"));
    CHECK(contains(r.err, "tr '\\r' '\\n'"));
    CHECK(r.out.empty());
  }
  CHECK(test::read_file(w.db) == before);
}

TEST_CASE("adversarial: a stray CR outside quotes is refused, never kept in a value or a header name") {
  Warehouse w;
  SUBCASE("in a row of an LF file") {
    auto r = w.run({"import", w.file("stray.csv", "a,b\n1,x\ry\n"), "--as", "stray"});
    INFO(r.describe());
    CHECK(r.status == 1);
    CHECK(contains(r.err, "stray.csv:2:4:"));
    CHECK(contains(r.err, "tr '\\r' '\\n'"));
  }
  SUBCASE("a quoted header name holding a CR") {
    auto r = w.run({"import", w.file("hdr.csv", "\"a\rb\",c\n1,2\n"), "--as", "hdr"});
    INFO(r.describe());
    CHECK(r.status == 1);
    CHECK(contains(r.err, "hdr.csv:1:1:"));
    CHECK(contains(r.err, "control character"));
  }
  CHECK_FALSE(contains(w.sql("SELECT name FROM sqlite_schema"), "stray"));
  CHECK_FALSE(contains(w.sql("SELECT name FROM sqlite_schema"), "hdr"));
}

TEST_CASE("adversarial: one blank line at the end of a file is accepted, more are refused at their line") {
  Warehouse w;
  SUBCASE("import, LF") {
    auto r = w.run({"import", w.file("t.csv", "a,b\n1,2\n\n"), "--as", "t"});
    INFO(r.describe());
    CHECK(r.status == 0);
    CHECK(contains(r.out, "imported 1 row into new table t"));
  }
  SUBCASE("import, CRLF") {
    auto r = w.run({"import", w.file("t.csv", "a,b\r\n1,2\r\n\r\n"), "--as", "t"});
    INFO(r.describe());
    CHECK(r.status == 0);
    CHECK(contains(r.out, "imported 1 row into new table t"));
  }
  SUBCASE("load") {
    auto r = w.run({"load", "pricing", w.file("p.csv", kPricingHeader + "\n" + kPricingRow + "\n\n")});
    INFO(r.describe());
    CHECK(r.status == 0);
    CHECK(contains(r.out, "loaded 1 row into pricing"));
  }
  SUBCASE("two blank lines: the first is named") {
    auto r = w.run({"import", w.file("t.csv", "a,b\n1,2\n\n\n"), "--as", "t"});
    INFO(r.describe());
    CHECK(r.status == 1);
    CHECK(contains(r.err, "t.csv:3:1: empty line; expected 2 fields"));
    CHECK_FALSE(contains(r.err, "t.csv:4:"));
  }
  SUBCASE("a blank line in the middle") {
    auto r = w.run({"import", w.file("t.csv", "a,b\n\n1,2\n\n"), "--as", "t"});
    INFO(r.describe());
    CHECK(r.status == 1);
    CHECK(contains(r.err, "t.csv:2:1: empty line; expected 2 fields"));
  }
}

TEST_CASE("adversarial: --delimiter and --tsv read other separators on load and import") {
  Warehouse w;
  SUBCASE("import with ';'") {
    auto r = w.run({"import", w.file("s.csv", "a;b\n1;\"x;y\"\n"), "--as", "s", "--delimiter", ";"});
    INFO(r.describe());
    REQUIRE(r.status == 0);
    CHECK(w.sql("SELECT a, b FROM s") == "a,b\n1,x;y\n");
  }
  SUBCASE("import with --tsv, and with the spellings \\t and tab") {
    for (const std::vector<std::string>& opt :
         {std::vector<std::string>{"--tsv"}, std::vector<std::string>{"--delimiter", "\\t"},
          std::vector<std::string>{"--delimiter", "tab"}, std::vector<std::string>{"--delimiter", "\t"}}) {
      CAPTURE(opt.back());
      std::vector<std::string> args{"import", w.file("t.tsv", "a\tb\n1\tx,y\n"), "--as", "t", "--replace"};
      args.insert(args.end(), opt.begin(), opt.end());
      auto r = w.run(args);
      INFO(r.describe());
      REQUIRE(r.status == 0);
      CHECK(w.sql("SELECT a, b FROM t") == "a,b\n1,\"x,y\"\n");
    }
  }
  SUBCASE("load with '|'") {
    std::string header = kPricingHeader, row = kPricingRow;
    for (auto* s : {&header, &row})
      for (auto& c : *s)
        if (c == ',') c = '|';
    auto r = w.run({"load", "pricing", w.file("p.psv", header + "\n" + row + "\n"), "-d", "|"});
    INFO(r.describe());
    REQUIRE(r.status == 0);
    CHECK(w.sql("SELECT price_max FROM pricing WHERE pricing_id = 'mine'") == "price_max\n0.03\n");
  }
  SUBCASE("an error in a ';' file names the right column") {
    auto r = w.run({"load", "pricing",
                    w.file("p.csv",
                           "pricing_id;product_id;billing_basis;unit;price_min;price_max;currency;as_of;source_note\n"
                           "mine;gpt4;tokens;千tokens;x;0.03;USD;2024-04;note\n"),
                    "--delimiter", ";"});
    INFO(r.describe());
    CHECK(r.status == 1);
    CHECK(contains(r.err, "p.csv:2:26: column price_min: expected a number, got 'x'"));
  }
}

TEST_CASE("adversarial: a bad --delimiter is a usage error") {
  Warehouse w;
  const auto path = w.file("t.csv", "a,b\n1,2\n");
  for (const std::string bad : {"", ";;", "\"", "\n", "\r", "é"}) {
    CAPTURE(bad);
    auto r = w.run({"import", path, "--as", "t", "--delimiter", bad});
    INFO(r.describe());
    CHECK(r.status == 2);
    CHECK(contains(r.err, "--delimiter: "));
  }
  auto r = w.run({"import", path, "--as", "t", "--tsv", "--delimiter", ";"});
  CHECK(r.status == 2);
}

TEST_CASE("adversarial: a one-column header holding ';', tab or '|' suggests the option") {
  Warehouse w;
  SUBCASE("import ';' is refused with the option to use") {
    auto r = w.run({"import", w.file("s.csv", "a;b\n1;2\n"), "--as", "s"});
    INFO(r.describe());
    CHECK(r.status == 1);
    CHECK(contains(r.err, "--delimiter ';'"));
    CHECK_FALSE(contains(w.sql("SELECT name FROM sqlite_schema"), "\ns\n"));
  }
  SUBCASE("import tab suggests --tsv") {
    auto r = w.run({"import", w.file("t.csv", "a\tb\n1\t2\n"), "--as", "t"});
    INFO(r.describe());
    CHECK(r.status == 1);
    CHECK(contains(r.err, "--tsv"));
  }
  SUBCASE("import '|' with an explicit comma keeps the one column") {
    auto r = w.run({"import", w.file("p.csv", "a|b\n1|2\n"), "--as", "p", "--delimiter", ","});
    INFO(r.describe());
    CHECK(r.status == 0);
  }
  SUBCASE("load ';'") {
    std::string header = kPricingHeader;
    for (auto& c : header)
      if (c == ',') c = ';';
    auto r = w.run({"load", "pricing", w.file("p.csv", header + "\n")});
    INFO(r.describe());
    CHECK(r.status == 1);
    CHECK(contains(r.err, "--delimiter ';'"));
  }
}

TEST_CASE("adversarial: files in another encoding or compressed get the command that converts them") {
  Warehouse w;
  const auto before = test::read_file(w.db);
  struct Case {
    std::string name, bytes, expect;
  };
  for (const Case& c : std::vector<Case>{
           {"utf16le.csv",
            std::string("\xFF\xFE"
                        "a\0,\0b\0\n\0",
                        10),
            "iconv -f UTF-16LE -t UTF-8"},
           {"utf16be.csv", std::string("\xFE\xFF\0a\0,\0b\0\n", 10), "iconv -f UTF-16BE -t UTF-8"},
           {"data.csv.gz", std::string("\x1F\x8B\x08\x00\x00\x00\x00\x00", 8), "data.csv.gz > "},
           {"book.xlsx", std::string("PK\x03\x04\x14\x00", 6), "save the sheet as \"CSV UTF-8\""},
           {"data.zip", std::string("PK\x03\x04\x14\x00", 6), "extract the CSV from it first: unzip "},
           {"latin1.csv", "name,city\nJos\xE9,M\xFCnchen\n", "iconv -f WINDOWS-1252 -t UTF-8"},
       }) {
    CAPTURE(c.name);
    auto r = w.run({"import", w.file(c.name, c.bytes), "--as", "t"});
    INFO(r.describe());
    CHECK(r.status == 1);
    CHECK(contains(r.err, c.name + ":"));
    CHECK(contains(r.err, c.expect));
  }
  // Still strict about UTF-8: the place of the bad byte is given.
  auto r = w.run({"import", w.file("latin1.csv", "name,city\nJos\xE9,M\xFCnchen\n"), "--as", "t"});
  CHECK(contains(r.err, "latin1.csv:2:4: invalid UTF-8 byte 0xe9"));
  CHECK(test::read_file(w.db) == before);
}

TEST_CASE("adversarial: import --as refuses names that would break the warehouse or SQLite") {
  Warehouse w;
  const auto path = w.file("t.csv", "a,b\n1,2\n");
  const auto before = test::read_file(w.db);
  struct Case {
    std::vector<std::string> extra;
    std::string rule;
  };
  for (const Case& c : std::vector<Case>{
           {{"--as", "pricing"}, "warehouse table"},
           {{"--as", "pricing", "--replace"}, "warehouse table"},
           {{"--as", "Firm", "--replace"}, "warehouse table"},
           {{"--as", "aigc_meta", "--replace"}, "warehouse table"},
           {{"--as", "SQLITE_stuff"}, "sqlite_"},
           {{"--as", "pragma_table_info"}, "pragma_"},
           {{"--as", "PRAGMA_whatever"}, "pragma_"},
           {{"--as", "json_each"}, "table-valued function"},
           {{"--as", "json_tree"}, "table-valued function"},
       }) {
    CAPTURE(c.extra[1]);
    std::vector<std::string> args{"import", path};
    args.insert(args.end(), c.extra.begin(), c.extra.end());
    auto r = w.run(args);
    INFO(r.describe());
    CHECK(r.status == 2);
    CHECK(contains(r.err, c.rule));
  }
  CHECK(test::read_file(w.db) == before);
}

TEST_CASE("adversarial: --replace still replaces a table the user imported") {
  Warehouse w;
  REQUIRE(w.run({"import", w.file("t.csv", "a,b\n1,2\n"), "--as", "mine"}).status == 0);
  auto r = w.run({"import", w.file("u.csv", "x\n7\n8\n"), "--as", "mine", "--replace"});
  INFO(r.describe());
  CHECK(r.status == 0);
  CHECK(w.sql("SELECT * FROM mine") == "x\n7\n8\n");
}

TEST_CASE("adversarial: --db that is empty or a directory is a usage error that says so") {
  test::TempDir dir;
  test::write_file(dir / "t.csv", "a\n1\n");
  SUBCASE("--db \"\"") {
    auto r = test::run_aigc({"--db", "", "import", (dir / "t.csv").string(), "--as", "t"}, dir.path(), "",
                            {"AIGC_DB=" + (dir / "env.db").string()});
    INFO(r.describe());
    CHECK(r.status == 2);
    CHECK(contains(r.err, "--db"));
    CHECK(contains(r.err, "empty"));
    CHECK_FALSE(test::fs::exists(dir / "env.db"));
  }
  SUBCASE("--db DIR") {
    auto r = test::run_aigc({"--db", dir.path().string(), "queries"}, dir.path());
    INFO(r.describe());
    CHECK(r.status == 2);
    CHECK(contains(r.err, "--db " + dir.path().string() + ": is a directory, not a warehouse file"));
  }
  SUBCASE("AIGC_DB=DIR") {
    auto r = test::run_aigc({"queries"}, dir.path(), "", {"AIGC_DB=" + dir.path().string()});
    INFO(r.describe());
    CHECK(r.status == 2);
    CHECK(contains(r.err, "AIGC_DB=" + dir.path().string() + ": is a directory, not a warehouse file"));
  }
}

TEST_CASE("adversarial: an unknown command is named, with the closest one") {
  test::TempDir dir;
  auto r = test::run_aigc({"--db", (dir / "w.db").string(), "buidl"}, dir.path());
  INFO(r.describe());
  CHECK(r.status == 2);
  CHECK(contains(r.err, "aigc: unknown command 'buidl'"));
  CHECK(contains(r.err, "build"));
  CHECK_FALSE(test::fs::exists(dir / "w.db"));
}

TEST_CASE("adversarial: an endless line or field is stopped at the per-record limit, in bounded memory") {
  Warehouse w;
  // 80 MiB with no line end: over the 64 MiB limit per record.
  std::string endless = "a\n" + std::string(80u << 20, 'x');
  auto r = w.run({"import", "-", "--as", "endless"}, endless);
  INFO(r.err);
  CHECK(r.status == 1);
  CHECK(contains(r.err, "<stdin>:2:1:"));
  CHECK(contains(r.err, "64 MiB"));
  // An unterminated quote reads to the end of input: the same limit.
  endless = "a\n\"" + std::string(80u << 20, 'x');
  r = w.run({"import", "-", "--as", "endless"}, endless);
  CHECK(r.status == 1);
  CHECK(contains(r.err, "64 MiB"));
}

TEST_CASE("adversarial: a line of millions of empty fields is refused at the per-record field limit") {
  Warehouse w;
  auto r = w.run({"import", "-", "--as", "commas"}, "a\n" + std::string(3000000, ',') + "\n");
  INFO(r.err);
  CHECK(r.status == 1);
  CHECK(contains(r.err, "<stdin>:2:"));
  CHECK(contains(r.err, "more than 1000000 fields"));
}

TEST_CASE("adversarial: header names differing only by case or surrounding spaces are named twice") {
  Warehouse w;
  for (const std::string header : {"a,A", "a, a", "name ,Name"}) {
    CAPTURE(header);
    auto r = w.run({"import", w.file("d.csv", header + "\n1,2\n"), "--as", "d"});
    INFO(r.describe());
    CHECK(r.status == 1);
    CHECK(contains(r.err, "d.csv:1:"));
    CHECK(contains(r.err, "named twice"));
  }
}

TEST_CASE("adversarial: a value starting with a zip signature is written quoted, so it reads back") {
  // The reader refuses a file starting with PK\3\4 as a zip archive; written
  // first in a file unquoted, such a value would not read back.
  std::ostringstream out;
  {
    aigc::CsvWriter w(out);
    w.field(std::string("PK\x03\x04rest", 8));
    w.field("x");
    w.end_row();
  }
  const std::string text = out.str();
  CHECK(text == std::string("\"PK\x03\x04rest\",x\n", 13));
  aigc::CsvReader r(text, "again.csv");
  REQUIRE(r.next());
  CHECK(r.field(0) == std::string("PK\x03\x04rest", 8));
}

TEST_CASE("adversarial: a data row starting with a zip signature or a BOM is data, located at its own column") {
  // Errors are located by reading the record's bytes again; those bytes are
  // no file start, so no signature check may fire there.
  Warehouse w;
  const std::string header =
      "pricing_id,product_id,billing_basis,unit,price_min,price_max,currency,as_of,source_note\n";
  for (const std::string& start : {std::string("PK\x03\x04", 4), std::string("\xEF\xBB\xBF")}) {
    auto r =
        w.run({"load", "pricing", w.file("p.csv", header + start + "x,gpt4,tokens,千tokens,bad,0.03,USD,2024-04,n\n")});
    INFO(r.describe());
    CHECK(r.status == 1);
    CHECK(contains(r.err,
                   "p.csv:2:" + std::to_string(start.size() == 4 ? 27 : 24) + ": column price_min: expected a number"));
  }
}
