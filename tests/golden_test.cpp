// Every saved query's output on the project's seeds, byte for byte against
// tests/golden/NAME.csv. Each golden file was checked by hand against the
// report's text; a change here is a change in what the warehouse says.
//
// After an intended change: AIGC_UPDATE_GOLDEN=1 build/aigc_tests -tc="golden*"
// rewrites the files; review the diff before committing it.
#include <doctest/doctest.h>

#include <SQLiteCpp/Database.h>

#include <cstdlib>
#include <set>
#include <sstream>

#include "query/catalog.h"
#include "render/render.h"
#include "support.h"
#include "warehouse/warehouse.h"

TEST_CASE("golden: every saved query reproduces its checked output byte for byte") {
  test::TempDir dir;
  aigc::build_warehouse(dir / "w.db", aigc::BuildSources::embedded());
  SQLite::Database db((dir / "w.db").string());
  const auto catalog = aigc::QueryCatalog::embedded();
  const auto golden_dir = test::source_dir() / "tests" / "golden";
  const bool update = std::getenv("AIGC_UPDATE_GOLDEN") != nullptr;
  aigc::RenderOptions csv;
  csv.format = aigc::Format::csv;
  std::set<std::string> expected_files;
  for (const auto& name : catalog.names()) {
    CAPTURE(name);
    std::ostringstream out;
    aigc::run_saved_query(db.getHandle(), catalog, name, {}, out, csv);
    const auto path = golden_dir / (name + ".csv");
    expected_files.insert(name + ".csv");
    if (update) {
      test::fs::create_directories(golden_dir);
      test::write_file(path, out.str());
      continue;
    }
    REQUIRE_MESSAGE(test::fs::exists(path), "no golden file for this query");
    CHECK(out.str() == test::read_file(path));
  }
  // No golden file is left without its query.
  for (const auto& e : test::fs::directory_iterator(golden_dir)) {
    CAPTURE(e.path().filename().string());
    CHECK(expected_files.count(e.path().filename().string()) == 1);
  }
}
