// The loader: every kind of bad input is refused with file:line:column, and
// a refused file leaves the database byte for byte as it was.
#include <doctest/doctest.h>

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include "base/error.h"
#include "csv/csv_reader.h"
#include "load/loader.h"
#include "sqlite/table_info.h"
#include "support.h"

namespace {

const char* kSchema = R"(
  CREATE TABLE vendor (
    vendor_id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    parent_id TEXT REFERENCES vendor(vendor_id)
  ) STRICT;
  CREATE TABLE price (
    price_id TEXT PRIMARY KEY,
    vendor_id TEXT NOT NULL REFERENCES vendor(vendor_id),
    amount REAL CHECK (amount >= 0),
    max_amount REAL,
    units INTEGER,
    currency TEXT NOT NULL DEFAULT 'CNY' CHECK (currency GLOB '[A-Z][A-Z][A-Z]'),
    note TEXT,
    CHECK (amount <= max_amount)
  ) STRICT;
  INSERT INTO vendor VALUES ('baidu', '百度', NULL), ('tencent', '腾讯', NULL);
  INSERT INTO price VALUES ('p0', 'baidu', 0.002, 0.012, NULL, 'CNY', NULL);
)";

/// A database file with the test schema, plus helpers to load into it.
struct Fixture {
  test::TempDir dir;
  test::fs::path db_path = dir / "w.db";
  Fixture() {
    SQLite::Database db(db_path.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    db.exec(kSchema);
  }

  /// Loads `csv` (as a file named NAME) into `table`; returns the error text
  /// or "" on success. Checks that a refusal left the file byte-identical.
  std::string load(const std::string& table, const std::string& csv, aigc::LoadOptions opts = {},
                   const std::string& name = "in.csv") {
    const std::string before = test::read_file(db_path);
    auto file = dir / name;
    test::write_file(file, csv);
    std::string error;
    {
      SQLite::Database db(db_path.string(), SQLite::OPEN_READWRITE);
      db.exec("PRAGMA foreign_keys = ON");
      aigc::CsvReader reader(file.string());
      try {
        last = aigc::load_table(db.getHandle(), reader, table, opts);
      } catch (const aigc::Error& e) {
        error = e.what();
      }
    }
    if (!error.empty()) CHECK_MESSAGE(test::read_file(db_path) == before, "a refused load changed the database");
    return error;
  }

  long long count(const std::string& sql) {
    SQLite::Database db(db_path.string());
    return db.execAndGet(sql).getInt64();
  }

  aigc::LoadSummary last;
};

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

}  // namespace

TEST_CASE("loader: good rows are appended with typed values") {
  Fixture f;
  auto err = f.load(
      "price", "price_id,vendor_id,amount,max_amount,units,note\np1,tencent,0.01,0.1,1000,\"限量免费, 超出计费\"\n");
  REQUIRE(err.empty());
  CHECK(f.last.added == 1);
  CHECK(f.count("SELECT count(*) FROM price") == 2);
  CHECK(f.count("SELECT typeof(units) = 'integer' AND typeof(amount) = 'real' FROM price WHERE price_id = 'p1'") == 1);
  CHECK(f.count("SELECT currency = 'CNY' FROM price WHERE price_id = 'p1'") == 1);  // default applied
  CHECK(f.count("SELECT note = '限量免费, 超出计费' FROM price WHERE price_id = 'p1'") == 1);
}

TEST_CASE("loader: an empty unquoted field is NULL, a quoted empty field is an empty string") {
  Fixture f;
  REQUIRE(f.load("price", "price_id,vendor_id,note\np1,baidu,\np2,baidu,\"\"\n").empty());
  CHECK(f.count("SELECT note IS NULL FROM price WHERE price_id = 'p1'") == 1);
  CHECK(f.count("SELECT note = '' FROM price WHERE price_id = 'p2'") == 1);
}

TEST_CASE("loader: each kind of bad input is refused with file, line, column and rule") {
  Fixture f;
  SUBCASE("wrong type") {
    auto err = f.load("price", "price_id,vendor_id,amount\np1,baidu,abc\n");
    CHECK(contains(err, "in.csv:2:10: column amount: expected a number, got 'abc'"));
  }
  SUBCASE("integer column given a fraction") {
    auto err = f.load("price", "price_id,vendor_id,units\np1,baidu,1.5\n");
    CHECK(contains(err, "in.csv:2:10: column units: expected an integer, got '1.5'"));
  }
  SUBCASE("CHECK constraint") {
    auto err = f.load("price", "price_id,vendor_id,amount\np1,baidu,-1\n");
    CHECK(contains(err, "in.csv:2:10: column amount: value -1 breaks the rule CHECK (amount >= 0)"));
  }
  SUBCASE("table-level CHECK naming two columns") {
    auto err = f.load("price", "price_id,vendor_id,amount,max_amount\np1,baidu,5,1\n");
    CHECK(contains(err, "in.csv:2:10: column amount: value 5 breaks the rule CHECK (amount <= max_amount)"));
  }
  SUBCASE("duplicate key, within the file and against the table") {
    auto err = f.load("price", "price_id,vendor_id\np1,baidu\np1,baidu\np0,tencent\n");
    CHECK(contains(err, "in.csv:3:1: column price_id: duplicate key: a row with price_id = 'p1' already exists"));
    CHECK(contains(err, "in.csv:4:1: column price_id: duplicate key: a row with price_id = 'p0' already exists"));
  }
  SUBCASE("dangling foreign key") {
    auto err = f.load("price", "price_id,vendor_id\np1,alibaba\n");
    CHECK(contains(err, "in.csv:2:4: column vendor_id: no vendor row has vendor_id = 'alibaba' (foreign key)"));
  }
  SUBCASE("NOT NULL column left empty") {
    auto err = f.load("vendor", "vendor_id,name\nx,\n");
    CHECK(contains(err, "in.csv:2:3: column name: a value is required"));
  }
  SUBCASE("ragged rows: too many and too few fields") {
    auto err = f.load("price", "price_id,vendor_id\np1,baidu,extra\np2\n");
    CHECK(contains(err, "in.csv:2:10: expected 2 fields as in the header, found 3"));
    CHECK(contains(err, "in.csv:3:1: expected 2 fields as in the header, found 1"));
  }
  SUBCASE("unknown header column, with a suggestion") {
    auto err = f.load("price", "price_id,vendr_id\np1,baidu\n");
    CHECK(contains(err,
                   "in.csv:1:10: column vendr_id: unknown column 'vendr_id' for table price; did you mean vendor_id?"));
  }
  SUBCASE("required column missing from the header") {
    auto err = f.load("price", "price_id,amount\np1,1\n");
    CHECK(contains(err, "in.csv:1:1: column vendor_id: required column is missing from the header"));
  }
  SUBCASE("column named twice") {
    auto err = f.load("vendor", "vendor_id,name,name\nx,a,b\n");
    CHECK(contains(err, "in.csv:1:16: column name: column named twice in the header"));
  }
  SUBCASE("empty file") {
    auto err = f.load("vendor", "");
    CHECK(contains(err, "in.csv:1:1: the file is empty"));
  }
  SUBCASE("invalid UTF-8") {
    auto err = f.load("vendor", "vendor_id,name\nx,\xe7\x99\n");
    CHECK(contains(err, "in.csv:2:3: invalid UTF-8"));
  }
  SUBCASE("NUL byte") {
    auto err = f.load("vendor", std::string("vendor_id,name\nx,a\0b\n", 20));
    CHECK(contains(err, "in.csv:2:4: NUL byte"));
  }
  SUBCASE("unterminated quote") {
    auto err = f.load("vendor", "vendor_id,name\nx,\"open\ny,z\n");
    CHECK(contains(err, "in.csv:2:3: unterminated quoted field"));
  }
  SUBCASE("unknown table") {
    auto err = f.load("prices", "price_id\n");
    CHECK(contains(err, "no table named prices; did you mean price?"));
  }
  CHECK(f.count("SELECT count(*) FROM price") == 1);
  CHECK(f.count("SELECT count(*) FROM vendor") == 2);
}

TEST_CASE("loader: a bad row rolls back the whole file, and every error is listed in one pass") {
  Fixture f;
  std::string csv = "price_id,vendor_id,amount\n";
  for (int i = 1; i <= 50; ++i) csv += "ok" + std::to_string(i) + ",baidu,1\n";
  csv += "bad1,nobody,1\nbad2,baidu,x\n";
  auto err = f.load("price", csv);
  CHECK(contains(err, "in.csv:52:6: column vendor_id: no vendor row"));
  CHECK(contains(err, "in.csv:53:12: column amount: expected a number"));
  CHECK(f.count("SELECT count(*) FROM price") == 1);
}

TEST_CASE("loader: errors beyond the limit stop the read and say so") {
  Fixture f;
  std::string csv = "price_id,vendor_id,amount\n";
  for (int i = 0; i < 20; ++i) csv += "p" + std::to_string(i) + ",baidu,x\n";
  aigc::LoadOptions opts;
  opts.max_errors = 5;
  auto err = f.load("price", csv, opts);
  CHECK(contains(err, "in.csv:6:"));
  CHECK_FALSE(contains(err, "in.csv:7:"));
  CHECK(contains(err, "stopped after 5 errors"));
}

TEST_CASE("loader: a row may refer to a row of the same table further down the file") {
  Fixture f;
  CHECK(f.load("vendor", "vendor_id,name,parent_id\nchild,子,parent\nparent,母,\n").empty());
  CHECK(f.count("SELECT count(*) FROM vendor") == 4);
  auto err = f.load("vendor", "vendor_id,name,parent_id\norphan,孤,nobody\n");
  CHECK(contains(err, "in.csv:2:10: column parent_id: no vendor row has vendor_id = 'nobody'"));
}

TEST_CASE("loader: upsert replaces rows whose key exists and counts both kinds") {
  Fixture f;
  aigc::LoadOptions opts;
  opts.upsert = true;
  REQUIRE(f.load("price", "price_id,vendor_id,amount,max_amount\np0,baidu,0.003,0.02\np9,tencent,1,2\n", opts).empty());
  CHECK(f.last.added == 1);
  CHECK(f.last.replaced == 1);
  CHECK(f.count("SELECT amount = 0.003 AND max_amount = 0.02 FROM price WHERE price_id = 'p0'") == 1);
  CHECK(f.count("SELECT count(*) FROM price") == 2);
  SUBCASE("still all or nothing") {
    auto err = f.load("price", "price_id,vendor_id,amount\np0,baidu,7\np10,baidu,-3\n", opts);
    CHECK(contains(err, "in.csv:3:11: column amount"));
    CHECK(f.count("SELECT amount FROM price WHERE price_id = 'p0'") == 0);  // 0.003 truncated to int is 0, not 7
  }
  SUBCASE("a key given twice in one file is refused at its second line, naming the first") {
    auto err = f.load("price", "price_id,vendor_id,amount\np9,baidu,1\np20,baidu,2\np9,tencent,3\n", opts);
    CHECK_MESSAGE(contains(err, "in.csv:4:1: column price_id: key price_id = 'p9' is also at line 2"), err);
    CHECK(f.count("SELECT count(*) FROM price") == 2);  // unchanged
    std::string many = "price_id,vendor_id,amount\n";
    for (int i = 0; i < 300; ++i) many += "m" + std::to_string(i == 250 ? 17 : i) + ",baidu,1\n";
    err = f.load("price", many, opts);
    CHECK_MESSAGE(contains(err, "in.csv:252:1: column price_id: key price_id = 'm17' is also at line 19"), err);
    CHECK_FALSE(contains(err, "in.csv:19:"));
  }
  SUBCASE("the keys of one load are forgotten by the next") {
    const auto second = f.load("price", "price_id,vendor_id,amount\np9,baidu,1.5\n", opts);
    REQUIRE_MESSAGE(second.empty(), second);
    CHECK(f.last.replaced == 1);
    CHECK(f.count("SELECT amount * 2 FROM price WHERE price_id = 'p9'") == 3);
  }
  SUBCASE("needs the key in the header") {
    auto err = f.load("price", "vendor_id,amount\nbaidu,1\n", opts);
    // The key of a STRICT table is NOT NULL, so the header check catches it first.
    CHECK_MESSAGE(contains(err, "column price_id: required column is missing from the header"), err);
  }
}

TEST_CASE("import: header names become columns and values keep their exact text") {
  Fixture f;
  test::write_file(f.dir / "deals.csv",
                   "\xEF\xBB\xBF"
                   "code,amount,rate,big,note\r\n0870,12,3.25,12345678901234567890,\"a,b\"\r\n42,-7,0.50,1e3,\r\n");
  SQLite::Database db(f.db_path.string(), SQLite::OPEN_READWRITE);
  aigc::CsvReader reader((f.dir / "deals.csv").string());
  auto summary = aigc::import_table(db.getHandle(), reader, "deals", {});
  CHECK(summary.rows == 2);
  auto one = [&](const std::string& sql) { return db.execAndGet(sql).getString(); };
  CHECK(one("SELECT code || '|' || typeof(code) FROM deals WHERE rowid = 1") == "0870|text");
  CHECK(one("SELECT amount || '|' || typeof(amount) FROM deals WHERE rowid = 1") == "12|integer");
  CHECK(one("SELECT rate || '|' || typeof(rate) FROM deals WHERE rowid = 1") == "3.25|real");
  CHECK(one("SELECT big || '|' || typeof(big) FROM deals WHERE rowid = 1") == "12345678901234567890|text");
  CHECK(one("SELECT rate || '|' || typeof(rate) FROM deals WHERE rowid = 2") == "0.50|text");
  CHECK(one("SELECT big || '|' || typeof(big) FROM deals WHERE rowid = 2") == "1e3|text");
  CHECK(one("SELECT note FROM deals WHERE rowid = 1") == "a,b");
  CHECK(one("SELECT group_concat(name) FROM pragma_table_info('deals')") == "code,amount,rate,big,note");
}

TEST_CASE("import: a refused file creates no table and changes nothing") {
  Fixture f;
  const std::string before = test::read_file(f.db_path);
  SUBCASE("ragged row") { test::write_file(f.dir / "x.csv", "a,b\n1,2\n3\n"); }
  SUBCASE("duplicate header") { test::write_file(f.dir / "x.csv", "a,A\n1,2\n"); }
  SUBCASE("empty header name") { test::write_file(f.dir / "x.csv", "a,,c\n1,2,3\n"); }
  SUBCASE("bad UTF-8 late in the file") { test::write_file(f.dir / "x.csv", "a\n1\n2\n\xff\n"); }
  {
    SQLite::Database db(f.db_path.string(), SQLite::OPEN_READWRITE);
    aigc::CsvReader reader((f.dir / "x.csv").string());
    CHECK_THROWS_AS(aigc::import_table(db.getHandle(), reader, "x", {}), aigc::DataError);
  }
  CHECK(test::read_file(f.db_path) == before);
  CHECK(f.count("SELECT count(*) FROM sqlite_schema WHERE name = 'x'") == 0);
}

TEST_CASE("import: an existing table is refused unless replacing") {
  Fixture f;
  test::write_file(f.dir / "v.csv", "a\n1\n");
  SQLite::Database db(f.db_path.string(), SQLite::OPEN_READWRITE);
  {
    aigc::CsvReader reader((f.dir / "v.csv").string());
    CHECK_THROWS_WITH_AS(aigc::import_table(db.getHandle(), reader, "vendor", {}), doctest::Contains("already exists"),
                         aigc::UsageError);
  }
  aigc::CsvReader reader((f.dir / "v.csv").string());
  aigc::LoadOptions opts;
  opts.replace_table = true;
  aigc::import_table(db.getHandle(), reader, "fresh", opts);
  CHECK(db.execAndGet("SELECT count(*) FROM fresh").getInt() == 1);
}

TEST_CASE("loader: every CHECK a row breaks is named, not only the first") {
  Fixture f;
  auto err = f.load("price", "price_id,vendor_id,amount,max_amount,currency\np1,baidu,-5,-9,usd\n");
  CHECK(contains(err, "in.csv:2:10: column amount: value -5 breaks the rule CHECK (amount >= 0)"));
  CHECK(contains(err, "in.csv:2:10: column amount: value -5 breaks the rule CHECK (amount <= max_amount)"));
  CHECK(contains(err,
                 "in.csv:2:16: column currency: value 'usd' breaks the rule CHECK (currency GLOB '[A-Z][A-Z][A-Z]')"));
}

TEST_CASE("table info: CHECK expressions are found in column and table constraints, not in strings or comments") {
  auto checks = aigc::check_expressions(
      "CREATE TABLE t (a INT CHECK (a > 0), -- CHECK (not this)\n"
      " b TEXT DEFAULT 'CHECK (nor this)' CHECK(b IN ('x)', 'y')),\n"
      " /* CHECK (comment) */ CONSTRAINT named CHECK ((a + 1) * 2 < length(b)))");
  REQUIRE(checks.size() == 3);
  CHECK(checks[0] == "a > 0");
  CHECK(checks[1] == "b IN ('x)', 'y')");
  CHECK(checks[2] == "(a + 1) * 2 < length(b)");
}

// Rows go in 64 at a time (core/load/multi_row_insert.h); a batch SQLite refuses
// is replayed row by row. These files are long enough to fill batches.
TEST_CASE("loader: rows inserted in batches keep their values, order and count") {
  Fixture f;
  std::string csv = "price_id,vendor_id,amount,max_amount,units,note\n";
  for (int i = 1; i <= 1000; ++i)
    csv += "b" + std::to_string(i) + "," + (i % 2 ? "baidu" : "tencent") + "," + std::to_string(i) + ".5," +
           std::to_string(i + 1) + "," + std::to_string(i * 7) + ",\"第" + std::to_string(i) + "行, ok\"\n";
  REQUIRE(f.load("price", csv).empty());
  CHECK(f.last.added == 1000);
  CHECK(f.count("SELECT count(*) FROM price") == 1001);
  CHECK(f.count("SELECT sum(units) FROM price") == 7 * 1000 * 1001 / 2);
  CHECK(f.count("SELECT count(*) FROM price WHERE note = '第' || substr(price_id, 2) || '行, ok'") == 1000);
  CHECK(f.count("SELECT count(*) FROM price WHERE amount = CAST(substr(price_id, 2) AS REAL) + 0.5") == 1000);
  // File order is rowid order.
  CHECK(f.count("SELECT count(*) FROM price a JOIN price b ON b.rowid = a.rowid + 1 "
                "WHERE a.price_id LIKE 'b%' AND CAST(substr(b.price_id, 2) AS INT) != CAST(substr(a.price_id, 2) AS "
                "INT) + 1") == 0);
}

TEST_CASE("loader: a refused row inside a full batch is named at its own line, and nothing is kept") {
  Fixture f;
  std::string csv = "price_id,vendor_id,amount,max_amount\n";
  for (int i = 1; i <= 300; ++i) {
    std::string id = "b" + std::to_string(i), amount = "1", max = "2";
    if (i == 100) amount = "-1";  // breaks CHECK (amount >= 0)
    if (i == 150) id = "b10";     // duplicate key, same batch as nothing: b10 is in the first batch
    if (i == 170) id = "b165";    // duplicate key of a row in the same batch
    if (i == 200) max = "0.5";    // breaks CHECK (amount <= max_amount)
    csv += id + ",baidu," + amount + "," + max + "\n";
  }
  auto err = f.load("price", csv);
  INFO(err);
  CHECK(contains(err, "in.csv:101:"));
  CHECK(contains(err, "CHECK (amount >= 0)"));
  CHECK(contains(err, "in.csv:151:1: column price_id: duplicate key: a row with price_id = 'b10' already exists"));
  CHECK(contains(err, "in.csv:171:1: column price_id: duplicate key: a row with price_id = 'b165' already exists"));
  CHECK(contains(err, "in.csv:201:"));
  CHECK(contains(err, "CHECK (amount <= max_amount)"));
  CHECK_FALSE(contains(err, "in.csv:102:"));
  CHECK(f.count("SELECT count(*) FROM price") == 1);
}

TEST_CASE("loader: a table whose rule rolls back the transaction stops the load with nothing kept") {
  // ON CONFLICT ROLLBACK ends the whole transaction, the loader's included:
  // going on would insert the remaining rows one by one, outside it.
  Fixture f;
  {
    SQLite::Database db(f.db_path.string(), SQLite::OPEN_READWRITE);
    db.exec("CREATE TABLE strict_keys (k TEXT PRIMARY KEY ON CONFLICT ROLLBACK, v INTEGER) STRICT");
  }
  for (int rows : {5, 300}) {  // the row-by-row path, then the batched one
    CAPTURE(rows);
    std::string csv = "k,v\n";
    for (int i = 1; i <= rows; ++i) csv += "k" + std::to_string(i == rows - 1 ? 1 : i) + "," + std::to_string(i) + "\n";
    auto err = f.load("strict_keys", csv);
    CHECK_MESSAGE(contains(err, "SQLite rolled back the load"), err);
    CHECK(f.count("SELECT count(*) FROM strict_keys") == 0);
  }
}
