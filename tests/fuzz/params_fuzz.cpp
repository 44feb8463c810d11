// Fuzzes saved-query parameter handling: the "-- param:" header lines of a
// saved query, the NAME=VALUE assignments of --param, binding them, and
// writing the row they make as CSV (plain, and --excel-safe). It must never
// crash, and:
// - a --param value for an untyped parameter is bound as a number exactly
//   when it is a plain number, and a number with the value its text says;
// - every value bound fits its parameter's declared type, bounds and
//   accepted values (a --param value that does not is refused);
// - plain CSV gives back every bound value exactly (a round trip);
// - --excel-safe leaves no text cell that a spreadsheet would run as a
//   formula (starting with = + - @ TAB or CR) unless it is a plain number,
//   and changes a cell only by prefixing ' to such text.
//
// Input: text lines. Lines starting with "--" form the query's header;
// every other line is one --param assignment. The query body is fixed:
// SELECT :a AS a, :b AS b, :c AS c.
#include <sqlite3.h>

#include <cstdint>
#include <cstdlib>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"
#include "csv/csv_reader.h"
#include "fuzz_check.h"
#include "query/catalog.h"
#include "render/render.h"

namespace {

/// [+-]? digits (. digits)? ([eE] [+-]? digits)?: text no spreadsheet reads as a formula.
bool strict_number(std::string_view t) {
  std::size_t p = 0;
  auto digits = [&] {
    const std::size_t from = p;
    while (p < t.size() && t[p] >= '0' && t[p] <= '9') ++p;
    return p > from;
  };
  if (p < t.size() && (t[p] == '+' || t[p] == '-')) ++p;
  const bool whole = digits();
  bool frac = false;
  if (p < t.size() && t[p] == '.') {
    ++p;
    frac = digits();
  }
  if (!whole && !frac) return false;
  if (p < t.size() && (t[p] == 'e' || t[p] == 'E')) {
    ++p;
    if (p < t.size() && (t[p] == '+' || t[p] == '-')) ++p;
    if (!digits()) return false;
  }
  return p == t.size();
}

bool formula_start(std::string_view t) {
  return !t.empty() && (t[0] == '=' || t[0] == '+' || t[0] == '-' || t[0] == '@' || t[0] == '\t' || t[0] == '\r');
}

/// The one data row of a CSV rendering, each cell with whether it was quoted.
std::vector<std::pair<std::string, bool>> csv_row(const std::string& text) {
  aigc::CsvReader r(text, "out.csv");
  FUZZ_CHECK(r.next());  // header
  FUZZ_CHECK(r.size() == 3);
  FUZZ_CHECK(r.next());
  std::vector<std::pair<std::string, bool>> row;
  for (std::size_t i = 0; i < r.size(); ++i) row.emplace_back(std::string(r.field(i)), r.quoted(i));
  FUZZ_CHECK(!r.next());
  return row;
}

std::string render(sqlite3_stmt* stmt, aigc::RenderOptions options) {
  std::ostringstream out;
  sqlite3_reset(stmt);
  aigc::render_statement(stmt, out, options);
  return out.str();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  std::string header;
  std::vector<std::string> assignments;
  for (std::size_t start = 0; start <= input.size();) {
    std::size_t nl = input.find('\n', start);
    if (nl == std::string_view::npos) nl = input.size();
    const std::string_view line = input.substr(start, nl - start);
    if (line.substr(0, 2) == "--")
      header.append(line).append("\n");
    else if (!line.empty())
      assignments.emplace_back(line);
    start = nl + 1;
  }

  // A --param value alone.
  for (const auto& a : assignments) {
    const auto eq = a.find('=');
    const std::string_view text = eq == std::string::npos ? std::string_view(a) : std::string_view(a).substr(eq + 1);
    const auto v = aigc::ParamValue::from_text(text);
    FUZZ_CHECK(v.kind != aigc::ParamValue::Kind::null);
    if (v.kind == aigc::ParamValue::Kind::integer)
      FUZZ_CHECK(std::strtoll(std::string(text).c_str(), nullptr, 10) == v.i);
    if (v.kind != aigc::ParamValue::Kind::text) FUZZ_CHECK(strict_number(text));
    if (v.kind == aigc::ParamValue::Kind::text) FUZZ_CHECK(v.s == text);
    (void)v.literal();
    (void)v.json();
  }

  FuzzDb db;
  try {
    auto query = aigc::SavedQuery::parse("fuzz", "fuzz.sql", header + "SELECT :a AS a, :b AS b, :c AS c\n");
    aigc::PreparedQuery prepared(db.get(), std::move(query));
    const auto args = aigc::parse_param_args(assignments);
    const auto bound = prepared.bind(args);
    FUZZ_CHECK(bound.size() == 3);
    for (const auto& p : prepared.parameters())
      for (const auto& b : bound)
        if (b.first == p.name) FUZZ_CHECK(p.type.fits(b.second));

    aigc::RenderOptions plain;
    plain.format = aigc::Format::csv;
    plain.crlf = size % 2 == 1;
    const auto row = csv_row(render(prepared.get(), plain));
    aigc::RenderOptions safe = plain;
    safe.excel_safe = true;
    const auto safe_row = csv_row(render(prepared.get(), safe));
    for (std::size_t i = 0; i < 3; ++i) {
      // Bound values come in parameter order (header first): find column i's.
      const std::string column(1, static_cast<char>('a' + i));
      const aigc::ParamValue* found = nullptr;
      for (const auto& [name, v] : bound)
        if (name == column) found = &v;
      FUZZ_CHECK(found != nullptr);
      const auto& value = *found;
      const auto& [cell, quoted] = row[i];
      switch (value.kind) {
        case aigc::ParamValue::Kind::null: FUZZ_CHECK(cell.empty() && !quoted); break;
        case aigc::ParamValue::Kind::text:
          FUZZ_CHECK(cell == value.s);
          if (value.s.empty()) FUZZ_CHECK(quoted);
          break;
        case aigc::ParamValue::Kind::integer:
        case aigc::ParamValue::Kind::real: FUZZ_CHECK(cell == value.literal()); break;
      }
      const auto& safe_cell = safe_row[i].first;
      if (formula_start(safe_cell)) FUZZ_CHECK(strict_number(safe_cell));
      FUZZ_CHECK(safe_cell == cell || (safe_cell == "'" + cell && formula_start(cell)));
    }
    for (auto format : {aigc::Format::table, aigc::Format::json, aigc::Format::markdown}) {
      aigc::RenderOptions o;
      o.format = format;
      o.max_width = static_cast<int>(size % 40);
      (void)render(prepared.get(), o);
    }
  } catch (const aigc::Error&) {
    // A malformed header, an unknown or missing parameter: refused with a message.
  }
  return 0;
}
