#pragma once
// What the data tests share: the warehouse built from the embedded seeds,
// once per test process, and the report's extracted text line by line.
#include <SQLiteCpp/Database.h>
#include <string>
#include <vector>

namespace test {

/// The warehouse built from the embedded schema and seeds, read-only, built
/// on first use and kept for the rest of the test process.
SQLite::Database& embedded_warehouse();

/// The lines of ../shared/seeds/000_2d2ee71bf9cf23a4.txt, the report's
/// text; line N of the report is element N - 1.
std::vector<std::string> report_text_lines();

}  // namespace test
