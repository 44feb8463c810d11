// A REAL's text: the shortest digits that read back as the same double, in
// SQLite's layout; checked by parsing back, against SQLite's own text where
// 15 digits suffice, and in Python.
#include <doctest/doctest.h>

#include <sqlite3.h>

#include <SQLiteCpp/Database.h>
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <random>
#include <sstream>
#include <string>

#include "base/real_text.h"
#include "render/render.h"
#include "sqlite/connection.h"
#include "sqlite/statement.h"
#include "support.h"

namespace {

std::string sqlite_text(double v) {
  char buf[64];
  sqlite3_snprintf(sizeof buf, buf, "%!.15g", v);
  return buf;
}

std::string ours(double v) {
  aigc::RealTextBuffer buf;
  return std::string(aigc::real_text(v, buf));
}

/// Whether `text` parses, whole, to exactly the bits of `v`.
bool reads_back(const std::string& text, double v) {
  char* end = nullptr;
  const double back = std::strtod(text.c_str(), &end);
  return end == text.c_str() + text.size() && std::bit_cast<std::uint64_t>(back) == std::bit_cast<std::uint64_t>(v);
}

/// Significant digits in `text` (mantissa digits, leading zeros and a lone
/// trailing ".0" not counted).
int significant_digits(const std::string& text) {
  std::string m = text.substr(0, text.find('e'));
  std::string d;
  for (char c : m)
    if (c >= '0' && c <= '9') d += c;
  d.erase(0, d.find_first_not_of('0'));
  while (!d.empty() && d.back() == '0') d.pop_back();
  return d.empty() ? 1 : static_cast<int>(d.size());
}

}  // namespace

TEST_CASE("real text: edge values read back as the same double") {
  const double cases[] = {0.0,
                          -0.0,
                          1,
                          -1,
                          2,
                          0.1,
                          0.03,
                          -0.002,
                          0.1 + 0.2,
                          1.0 / 3,
                          1.0 / 6,
                          1e-4,
                          9.99999e-5,
                          1e-5,
                          -1.5e-5,
                          1e14,
                          123456789012345.0,
                          999999999999999.0,
                          1e15,
                          1234567890123456.0,
                          1e20,
                          1e100,
                          1e300,
                          -1e300,
                          1.5e-300,
                          std::numeric_limits<double>::min(),
                          std::numeric_limits<double>::max(),
                          std::numeric_limits<double>::lowest(),
                          std::numeric_limits<double>::denorm_min(),
                          -std::numeric_limits<double>::denorm_min(),
                          std::nextafter(std::numeric_limits<double>::min(), 0.0),  // largest subnormal
                          9007199254740993.0,
                          std::nextafter(1.0, 2.0),
                          std::nextafter(0.1, 1.0),
                          18.712,
                          0.5,
                          99.5,
                          9.5e-5};
  for (double v : cases) {
    CAPTURE(v);
    const std::string text = ours(v);
    CAPTURE(text);
    CHECK(reads_back(text, v));
  }
}

TEST_CASE("real text: SQLite's layout, with the digits a double needs") {
  CHECK(ours(2) == "2.0");
  CHECK(ours(0.03) == "0.03");
  CHECK(ours(-0.0) == "-0.0");
  CHECK(ours(1e20) == "1.0e+20");
  CHECK(ours(1.5e-5) == "1.5e-05");
  CHECK(ours(0.0001) == "0.0001");
  CHECK(ours(1e15) == "1.0e+15");
  CHECK(ours(123456789012345.0) == "123456789012345.0");
  CHECK(ours(1e-300) == "1.0e-300");
  // The values SQLite's 15 digits got wrong.
  CHECK(ours(0.1 + 0.2) == "0.30000000000000004");
  CHECK(ours(1.0 / 6) == "0.16666666666666666");
  CHECK(ours(1.0 / 3) == "0.3333333333333333");
  CHECK(ours(std::numeric_limits<double>::denorm_min()) == "5.0e-324");
  CHECK(ours(std::numeric_limits<double>::max()) == "1.7976931348623157e+308");
  CHECK(ours(std::numeric_limits<double>::infinity()) == "Inf");
  CHECK(ours(-std::numeric_limits<double>::infinity()) == "-Inf");
}

TEST_CASE("real text: a million values read back exactly, shortest, and as SQLite wrote those it could") {
  std::mt19937_64 rng(20261201);
  int wrong = 0, too_long = 0, differs_from_sqlite = 0, total = 0, same_as_sqlite = 0;
  const auto check = [&](double v) {
    if (!std::isfinite(v)) return;
    ++total;
    const std::string text = ours(v);
    if (!reads_back(text, v) && ++wrong <= 10) FAIL_CHECK(v << ": " << text << " does not read back");
    // Shortest: one digit fewer never reads back (checked on a sample, as
    // it costs a printf).
    if (total % 8 == 0) {
      const int n = significant_digits(text);
      if (n > 1) {
        char shorter[64];
        std::snprintf(shorter, sizeof shorter, "%.*e", n - 2, v);
        if (reads_back(shorter, v) && ++too_long <= 10) FAIL_CHECK(v << ": " << text << " but " << shorter);
      }
    }
    // Where SQLite's 15 digits round-trip, the text is SQLite's, byte for byte
    // (subnormals aside: 15 digits can be more than they need).
    const std::string theirs = sqlite_text(v);
    if (std::isnormal(v) && reads_back(theirs, v)) {
      ++same_as_sqlite;
      if (text != theirs && ++differs_from_sqlite <= 10) FAIL_CHECK(v << ": aigc " << text << ", SQLite " << theirs);
    }
  };
  std::uniform_int_distribution<int> digits(1, 17), scale(-12, 20), sign(0, 1);
  for (int i = 0; i < 250000; ++i) {
    // Any bit pattern: every exponent, subnormals, every digit count.
    check(std::bit_cast<double>(rng()));
    // Decimals as typed in a CSV: up to 17 digits, the point anywhere.
    std::uint64_t mantissa = rng() % 100000000000000000ULL;
    const int d = digits(rng);
    for (int k = 17; k > d; --k) mantissa /= 10;
    const double v = static_cast<double>(mantissa) * std::pow(10.0, -scale(rng));
    check(sign(rng) ? -v : v);
    // Integers stored as REAL, up to and beyond 2^53.
    check(static_cast<double>(rng() >> (rng() % 64)));
    // Values near the fixed/exponent switch points.
    check(std::ldexp(static_cast<double>(rng() >> 11), -53) * std::pow(10.0, (i % 23) - 6));
  }
  CHECK(wrong == 0);
  CHECK(too_long == 0);
  CHECK(differs_from_sqlite == 0);
  MESSAGE(total << " values, " << same_as_sqlite << " of them printed by SQLite exactly");
  CHECK(same_as_sqlite > total / 3);
}

TEST_CASE("real text: CSV export of REALs reads back as the stored doubles") {
  SQLite::Database db(":memory:", SQLite::OPEN_READWRITE);
  db.exec("CREATE TABLE t(x REAL)");
  db.exec("INSERT INTO t VALUES (2.0), (0.03), (1e20), (-1.5e-5), (0.1+0.2), (1.0/6), (1e15), (123456789012345.0)");
  aigc::Statement stmt(db.getHandle(), "SELECT x, printf('%a', x) FROM t");
  aigc::RenderOptions o;
  o.format = aigc::Format::csv;
  std::ostringstream out;
  aigc::render_statement(stmt.get(), out, o);
  std::istringstream lines(out.str());
  std::string line;
  int n = 0;
  std::getline(lines, line);  // the header
  while (std::getline(lines, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const auto comma = line.find(',');
    REQUIRE(comma != std::string::npos);
    // SQLite has no %a: compare with the double parsed from SQLite's own
    // 17-digit text instead.
    const double stored = db.execAndGet("SELECT x FROM t LIMIT 1 OFFSET " + std::to_string(n)).getDouble();
    CAPTURE(line);
    CHECK(reads_back(line.substr(0, comma), stored));
    ++n;
  }
  CHECK(n == 8);
}

TEST_CASE("real text: csv and json exports read back in Python as the stored doubles") {
  if (std::system("python3 -c 'import json, csv' >/dev/null 2>&1") != 0) {
    MESSAGE("python3 not found: skipped");
    return;
  }
  test::TempDir dir;
  const auto db = (dir / "w.db").string();
  const std::string sql = "SELECT 1.0/6 AS a, 0.1+0.2 AS b, 4.9406564584124654e-324 AS c, 1e300 AS d, 2.0 AS e";
  const auto csv = test::run_aigc({"--db", db, "sql", sql, "--format", "csv"}, dir.path());
  REQUIRE_MESSAGE(csv.status == 0, csv.describe());
  const auto json = test::run_aigc({"--db", db, "sql", sql, "--format", "json"}, dir.path());
  REQUIRE_MESSAGE(json.status == 0, json.describe());
  test::write_file(dir / "out.csv", csv.out);
  test::write_file(dir / "out.json", json.out);
  // Python compares each cell, parsed with float(), with the exact doubles.
  test::write_file(dir / "check.py",
                   "import csv, json, sys\n"
                   "want = [1.0/6, 0.1+0.2, 5e-324, 1e300, 2.0]\n"
                   "row = list(csv.reader(open(sys.argv[1], encoding='utf-8-sig')))[1]\n"
                   "got = [float(x) for x in row]\n"
                   "obj = json.load(open(sys.argv[2]))[0]\n"
                   "got_json = [float(obj[k]) for k in 'abcde']\n"
                   "ok = [g.hex() == w.hex() for g, w in zip(got, want)] + "
                   "[g.hex() == w.hex() for g, w in zip(got_json, want)]\n"
                   "print(row, got_json)\n"
                   "sys.exit(0 if all(ok) else 1)\n");
  const int rc = std::system(("python3 " + (dir / "check.py").string() + " " + (dir / "out.csv").string() + " " +
                              (dir / "out.json").string() + " > " + (dir / "py.txt").string() + " 2>&1")
                                 .c_str());
  INFO(test::read_file(dir / "py.txt"));
  CHECK(rc == 0);
}
