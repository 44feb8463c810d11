// The progress bar of long loads: on a terminal only, with rows, rate,
// share of the file and ETA, and gone once the load ends.
#include <doctest/doctest.h>

#include <cstdlib>
#include <stdexcept>

#include "pty.h"
#include "support.h"

using namespace std::chrono_literals;

namespace {

constexpr int kRows = 40000;  // more than two of the loader's progress steps (16,384 rows)

struct LoadFixture {
  test::TempDir dir;
  std::string db = (dir / "w.db").string();
  std::string csv = (dir / "prices.csv").string();
  LoadFixture() {
    REQUIRE(test::run_aigc({"--db", db, "build", "--quiet"}).status == 0);
    const std::string cmd = std::string(AIGC_GEN_PRICES) + " " + std::to_string(kRows) + " > " + csv;
    REQUIRE(std::system(cmd.c_str()) == 0);
  }
};

}  // namespace

TEST_CASE("progress: a load on a terminal shows rows, rate, share and ETA, then clears the line") {
  LoadFixture f;
  test::Pty pty({"--db", f.db, "load", "pricing", f.csv}, {"AIGC_PROGRESS_DELAY_MS=0"});
  REQUIRE(pty.wait_exit(60s) == 0);
  const std::string& out = pty.output();
  INFO(out);
  CHECK(out.find("load pricing ") != std::string::npos);
  CHECK(out.find(" rows/s") != std::string::npos);
  CHECK(out.find("% ETA ") != std::string::npos);
  CHECK(out.find("[#") != std::string::npos);  // the bar itself, at 120 columns
  // The line is cleared before the summary, which stands alone.
  const auto cleared = out.rfind("\r\033[K");
  const auto summary = out.find("loaded 40000 rows into pricing");
  REQUIRE(summary != std::string::npos);
  CHECK(cleared < summary);
}

TEST_CASE("progress: nothing but the summary when stderr is not a terminal") {
  LoadFixture f;
  auto r = test::run_aigc({"--db", f.db, "load", "pricing", f.csv}, test::fs::current_path(), "",
                          {"AIGC_PROGRESS_DELAY_MS=0"});
  INFO(r.describe());
  REQUIRE(r.status == 0);
  CHECK(r.err.find("rows/s") == std::string::npos);
  CHECK(r.err.find('\r') == std::string::npos);
  CHECK(r.err.find('\033') == std::string::npos);
}

TEST_CASE("progress: a load shorter than the delay shows no bar, even on a terminal") {
  LoadFixture f;
  test::Pty pty({"--db", f.db, "load", "pricing", f.csv}, {"AIGC_PROGRESS_DELAY_MS=600000"});
  REQUIRE(pty.wait_exit(60s) == 0);
  INFO(pty.output());
  CHECK(pty.output().find("rows/s") == std::string::npos);
  CHECK(pty.output().find("loaded 40000 rows into pricing") != std::string::npos);
}
