#include "report_fixture.h"

#include <sstream>

#include "support.h"
#include "warehouse/warehouse.h"

namespace test {

SQLite::Database& embedded_warehouse() {
  static TempDir dir;
  static bool built = (aigc::build_warehouse(dir / "w.db", aigc::BuildSources::embedded()), true);
  (void)built;
  static SQLite::Database db((dir / "w.db").string(), SQLite::OPEN_READONLY);
  return db;
}

std::vector<std::string> report_text_lines() {
  std::istringstream in(read_file(shared_dir() / "seeds" / "000_2d2ee71bf9cf23a4.txt"));
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

}  // namespace test
