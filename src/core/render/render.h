#pragma once
/// Writing result rows as an aligned table, CSV, JSON or Markdown. One
/// renderer for `aigc run`, `aigc sql`, the shell and exports, so every
/// surface shows a result the same way. It reads rows through the engine
/// seam (engine/cursor.h), so it renders any engine's results.
#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>

#include "base/display_width.h"  // display_width, for the renderer's callers
#include "engine/cursor.h"

struct sqlite3_stmt;

namespace aigc {

/// jsonl is JSON Lines: one object per line, no enclosing array, for
/// streaming into tools that read a row at a time (jq, pandas, BigQuery).
enum class Format { table, csv, json, jsonl, markdown };

/// "table", "csv", "json", "jsonl" (also "ndjson"), "markdown" (also "md"); throws UsageError listing
/// the accepted names otherwise.
Format parse_format(std::string_view name);
std::string_view format_name(Format f);

struct RenderOptions {
  Format format = Format::table;
  /// table: cut cells so each line fits this many terminal cells (0: never cut).
  int max_width = 0;
  /// csv: write a UTF-8 byte-order mark first (Excel on Chinese Windows).
  bool bom = false;
  /// csv: CRLF line ends (RFC 4180, Excel); LF otherwise.
  bool crlf = false;
  /// csv: neutralise cells starting with = + - @ TAB CR (CSV injection), numbers excepted.
  bool excel_safe = false;
  /// table/markdown: how NULL is shown (distinct from an empty string).
  std::string null_text = "NULL";
};

/// Steps `rows` to completion and writes every row in the chosen format.
/// Returns the number of rows. Throws DataError with the engine's message if
/// a step fails (e.g. interrupted). The table format sizes its columns on
/// the first 1,000 rows (fewer if they exceed 16 MiB) and streams the rest
/// with those widths, cutting a wider text with "…" (a wider number is shown
/// whole, its line grows); the others stream. A cursor without result
/// columns (DDL, DML) is run and shows nothing.
std::uint64_t render(engine::Cursor& rows, std::ostream& out, const RenderOptions& options);

/// render() on a SQLite statement the caller owns, for callers that hold one.
std::uint64_t render_statement(sqlite3_stmt* stmt, std::ostream& out, const RenderOptions& options);

/// Appends a BLOB's `bytes` as every output shows them: upper-case hex
/// digits, two per byte ("0A1B").
void append_hex(std::string& out, std::string_view bytes);

}  // namespace aigc
