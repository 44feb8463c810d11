// A REAL's text: aigc's formatting against SQLite's own "%!.15g".
#include <doctest/doctest.h>

#include <sqlite3.h>

#include <SQLiteCpp/Database.h>
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <sstream>
#include <string>

#include "core/database.h"
#include "core/real_text.h"
#include "core/render.h"

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

bool fast(double v) {
  aigc::RealTextBuffer buf;
  return aigc::real_text_fast(v, buf) != 0;
}

}  // namespace

TEST_CASE("real text: edge values print as SQLite prints them") {
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
                          1.5e-300,
                          std::numeric_limits<double>::min(),
                          std::numeric_limits<double>::max(),
                          std::numeric_limits<double>::denorm_min(),
                          std::numeric_limits<double>::infinity(),
                          -std::numeric_limits<double>::infinity(),
                          9007199254740993.0,
                          18.712,
                          0.5,
                          99.5,
                          9.5e-5};
  for (double v : cases) {
    CAPTURE(v);
    CHECK(ours(v) == sqlite_text(v));
  }
  // Spot checks of the layout itself, so both cannot be wrong together.
  CHECK(ours(2) == "2.0");
  CHECK(ours(-0.0) == "0.0");
  CHECK(ours(1e20) == "1.0e+20");
  CHECK(ours(1.5e-5) == "1.5e-05");
  CHECK(ours(0.0001) == "0.0001");
  CHECK(ours(1e15) == "1.0e+15");
  CHECK(ours(123456789012345.0) == "123456789012345.0");
  CHECK(ours(1e-300) == "1.0e-300");
}

TEST_CASE("real text: the fast path covers short decimals and leaves the rest to SQLite") {
  CHECK(fast(18.712));
  CHECK(fast(0.03));
  CHECK(fast(1e20));
  CHECK_FALSE(fast(0.1 + 0.2));  // 17 significant digits
  CHECK_FALSE(fast(std::numeric_limits<double>::denorm_min()));
  CHECK_FALSE(fast(std::numeric_limits<double>::infinity()));
}

TEST_CASE("real text: a million values agree with SQLite's formatting") {
  std::mt19937_64 rng(20261129);
  int mismatches = 0, fast_taken = 0, total = 0;
  const auto check = [&](double v) {
    if (std::isnan(v)) return;
    ++total;
    fast_taken += fast(v);
    const std::string a = ours(v), b = sqlite_text(v);
    if (a != b && ++mismatches <= 10) FAIL_CHECK(v << ": aigc " << a << ", SQLite " << b);
  };
  std::uniform_int_distribution<int> digits(1, 17), scale(-12, 20), sign(0, 1);
  for (int i = 0; i < 250000; ++i) {
    // Any bit pattern: every exponent, every digit count.
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
  CHECK(mismatches == 0);
  MESSAGE(total << " values, " << fast_taken << " on the fast path");
  CHECK(fast_taken > total / 3);
}

TEST_CASE("real text: CSV export of REALs matches the sqlite3 shell's text") {
  SQLite::Database db(":memory:", SQLite::OPEN_READWRITE);
  db.exec("CREATE TABLE t(x REAL)");
  db.exec("INSERT INTO t VALUES (2.0), (0.03), (1e20), (-1.5e-5), (0.1+0.2), (1e15), (123456789012345.0)");
  aigc::RawStatement stmt(db.getHandle(), "SELECT x, CAST(x AS TEXT) FROM t");
  aigc::RenderOptions o;
  o.format = aigc::Format::csv;
  std::ostringstream out;
  aigc::render_statement(stmt.get(), out, o);
  // Each line's two cells: ours from the double, SQLite's own cast to text.
  std::istringstream lines(out.str());
  std::string line;
  int n = 0;
  std::getline(lines, line);  // the header
  while (std::getline(lines, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const auto comma = line.find(',');
    REQUIRE(comma != std::string::npos);
    CHECK(line.substr(0, comma) == line.substr(comma + 1));
    ++n;
  }
  CHECK(n == 7);
}
