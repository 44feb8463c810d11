// Rendering result rows.
//
// Rows are read through the engine seam with one call per row
// (engine::Cursor::read_row, in CurrentRow), which gives each value's type
// and the value as that type. INTEGER is written in decimal, REAL as
// real_text() lays it out (0.03, 2.0, 1.0e+20, as SQLite does), so every
// format and the sqlite3 shell agree. A BLOB is shown as hex: X'0A1B' in the table and markdown,
// plain hex digits in CSV and JSON.
//
// CSV, JSON and markdown stream: one reused buffer per stream, no per-row
// allocation once the buffers have grown. The table buffers its first 1,000
// rows to size its columns, then streams the rest (render_table).
#include "render/render.h"

#include <utf8proc.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <numeric>
#include <string>
#include <vector>

#include "base/error.h"
#include "base/json.h"
#include "base/real_text.h"
#include "base/suggest.h"
#include "csv/csv_writer.h"
#include "sqlite/sqlite_engine.h"

namespace aigc {

namespace {

constexpr std::size_t kFlushAt = 64 * 1024;
constexpr std::string_view kEllipsis = "\xE2\x80\xA6";     // U+2026 "…", one cell
constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

using engine::ColumnType;

/// One value of the current row. `text` is valid until the next step.
struct Cell {
  ColumnType type = ColumnType::null;
  std::string_view text;
  double real = 0;
};

/// The current row of a cursor, read with one call per row (one call
/// through the engine seam, not one per value), and each value as text.
class CurrentRow {
 public:
  CurrentRow(engine::Cursor& cursor, int ncols) : cursor_(cursor), values_(static_cast<std::size_t>(ncols)) {}

  /// Reads the row the cursor is on.
  void read() { cursor_.read_row(values_); }

  /// Column `i` of the row read last, as the engine gave it.
  const engine::Cell& value(int i) const { return values_[static_cast<std::size_t>(i)]; }

  /// Column `i` of the row read last, with its text; the text stays valid
  /// until the next cell(), read() or *_text() call.
  Cell cell(int i) {
    const engine::Cell& v = value(i);
    Cell c;
    c.type = v.type;
    switch (v.type) {
      case ColumnType::null: break;
      case ColumnType::blob: c.text = blob_text(v.bytes); break;
      case ColumnType::integer: c.text = integer_text(v.integer); break;
      case ColumnType::real:
        c.real = v.real;
        c.text = real_text(v.real);
        break;
      case ColumnType::text: c.text = v.bytes; break;
    }
    return c;
  }

  // The text of a value that is not text. CSV and JSON call these from their
  // own switch on the type, so that each value takes one branch on its type
  // in the renderer (the engine's read_row takes the other).

  /// Written here rather than asked of the engine as text: SQLite would
  /// convert the stored value to make the same digits, slower.
  std::string_view integer_text(std::int64_t v) {
    char* begin = number_.data();
    const auto written = std::to_chars(begin, begin + number_.size(), v);
    return {begin, static_cast<std::size_t>(written.ptr - begin)};
  }
  /// Formatted here, as SQLite would: asking SQLite for the text would also
  /// convert the stored value, and its printf is slow.
  std::string_view real_text(double v) { return aigc::real_text(v, number_); }
  std::string_view blob_text(std::string_view bytes) {
    hex_.clear();
    append_hex(hex_, bytes);
    return hex_;
  }

 private:
  engine::Cursor& cursor_;
  std::vector<engine::Cell> values_;
  std::string hex_;        ///< a BLOB's hex digits
  RealTextBuffer number_;  ///< a number's digits
};

bool is_number(ColumnType type) { return type == ColumnType::integer || type == ColumnType::real; }

void write(std::ostream& out, std::string& buffer) {
  out.write(buffer.data(), static_cast<std::streamsize>(buffer.size()));
  buffer.clear();
  if (!out) throw DataError("cannot write the output: the output stream failed");
}

/// Text as a terminal should show it: control characters as visible escapes
/// (\n, \t, \x1B: a newline would break the table, an escape sequence would
/// drive the terminal), invalid UTF-8 bytes as U+FFFD.
void append_display_text(std::string& out, std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const auto* end = p + text.size();
  while (p < end) {
    const unsigned char c = *p;
    if (c >= 0x20 && c < 0x7F) {
      out += static_cast<char>(c);
      ++p;
      continue;
    }
    if (c < 0x80) {
      if (c == '\n')
        out += "\\n";
      else if (c == '\t')
        out += "\\t";
      else if (c == '\r')
        out += "\\r";
      else {
        out += "\\x";
        out += kHex[c >> 4];
        out += kHex[c & 0xF];
      }
      ++p;
      continue;
    }
    utf8proc_int32_t cp = 0;
    utf8proc_ssize_t n = utf8proc_iterate(p, end - p, &cp);
    if (n <= 0) {
      out += kReplacement;
      ++p;
    } else if (cp < 0xA0) {  // C1 control characters
      out += "\\u00";
      out += kHex[cp >> 4];
      out += kHex[cp & 0xF];
      p += n;
    } else {
      out.append(reinterpret_cast<const char*>(p), static_cast<std::size_t>(n));
      p += n;
    }
  }
}

/// The longest prefix of `text` that fits `width` cells, then "…"; `text`
/// itself when it fits. Cuts only between characters, and drops combining
/// marks together with the character they belong to.
std::string fit_to_width(std::string_view text, std::size_t width) {
  if (display_width(text) <= width) return std::string(text);
  // The ellipsis is itself of ambiguous width: two cells with --ambiguous-wide.
  const std::size_t ellipsis = char_width(U'\u2026');
  if (width < ellipsis) return {};
  const std::size_t room = width - ellipsis;
  std::string out;
  std::size_t used = 0;
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const auto* end = p + text.size();
  while (p < end) {
    utf8proc_int32_t cp = 0;
    utf8proc_ssize_t n = utf8proc_iterate(p, end - p, &cp);
    std::size_t w = 1;
    if (n <= 0)
      n = 1;
    else
      w = char_width(static_cast<char32_t>(cp));
    if (used + w > room) break;
    out.append(reinterpret_cast<const char*>(p), static_cast<std::size_t>(n));
    used += w;
    p += n;
  }
  out += kEllipsis;
  return out;
}

void pad(std::string& out, std::size_t n) { out.append(n, ' '); }

// ---------------------------------------------------------------------------
// table

/// Caps the columns to a common width so that their total fits `budget`
/// cells: the widest shrink first, none below its floor (and one cell).
/// Cells left over go one each to capped columns, from the left. Returns
/// false, changing nothing, if even the floors do not fit.
bool cap_widths(std::vector<std::size_t>& widths, const std::vector<std::size_t>& floors, std::size_t budget) {
  auto width_with_cap = [&](std::size_t i, std::size_t cap) {
    return std::min(widths[i], std::max({floors[i], cap, std::size_t{1}}));
  };
  auto total_with_cap = [&](std::size_t cap) {
    std::size_t t = 0;
    for (std::size_t i = 0; i < widths.size(); ++i) t += width_with_cap(i, cap);
    return t;
  };
  if (total_with_cap(1) > budget) return false;
  // The largest cap that fits (binary search: the total grows with the cap).
  std::size_t lo = 1, hi = *std::max_element(widths.begin(), widths.end());
  while (lo < hi) {
    std::size_t mid = lo + (hi - lo + 1) / 2;
    if (total_with_cap(mid) <= budget)
      lo = mid;
    else
      hi = mid - 1;
  }
  std::size_t slack = budget - total_with_cap(lo);
  for (std::size_t i = 0; i < widths.size(); ++i) {
    const std::size_t w = width_with_cap(i, lo);
    if (w < widths[i] && slack > 0) {
      widths[i] = w + 1;
      --slack;
    } else {
      widths[i] = w;
    }
  }
  return true;
}

/// Column widths so that a whole line fits `max_width` cells. Text and
/// headers are cut first; numbers only if that is not enough, since a cut
/// number reads as a different number. `number_widths[i]` is the widest
/// number in column i (0 if none).
std::vector<std::size_t> fit_widths(std::vector<std::size_t> widths, const std::vector<std::size_t>& number_widths,
                                    int max_width) {
  if (max_width <= 0 || widths.empty()) return widths;
  const std::size_t overhead = 1 + 3 * widths.size();  // "| " + " | " ... + " |"
  const std::size_t limit = static_cast<std::size_t>(max_width);
  if (overhead + std::accumulate(widths.begin(), widths.end(), std::size_t{0}) <= limit) return widths;
  const std::size_t budget = limit > overhead ? limit - overhead : 0;
  if (cap_widths(widths, number_widths, budget)) return widths;
  if (cap_widths(widths, std::vector<std::size_t>(widths.size(), 1), budget)) return widths;
  for (auto& w : widths) w = std::min<std::size_t>(w, 1);  // not even one cell each: as narrow as it gets
  return widths;
}

/// The table sizes its columns on the rows it has seen before it prints
/// anything: the first kAlignRows rows, or fewer if they take more than
/// kAlignBytes. Later rows stream through with the same widths, so an
/// endless or huge result takes bounded memory; a later text wider than its
/// column is cut with "…", a later number wider than its column is shown
/// whole and widens its line (CSV and JSON show every value in full).
constexpr std::uint64_t kAlignRows = 1000;
constexpr std::size_t kAlignBytes = 16u << 20;

std::uint64_t render_table(engine::Cursor& cursor, int ncols, std::ostream& out, const RenderOptions& options) {
  struct Stored {
    std::string text;
    ColumnType type;
  };
  const auto columns = static_cast<std::size_t>(ncols);
  std::vector<Stored> cells;  // row-major, ncols per row, header first: the rows that size the columns
  std::vector<std::size_t> widths(columns, 0);
  std::vector<bool> numeric(columns, true);
  std::vector<bool> seen_value(columns, false);
  for (int i = 0; i < ncols; ++i) {
    Stored s{{}, ColumnType::text};
    append_display_text(s.text, cursor.column_name(i));
    cells.push_back(std::move(s));
  }
  CurrentRow current(cursor, ncols);
  // Reads the current row into `row` (ncols cells, reused).
  auto read_row = [&](Stored* row) {
    current.read();
    for (int i = 0; i < ncols; ++i) {
      Cell c = current.cell(i);
      Stored& s = row[i];
      s.type = c.type;
      s.text.clear();
      if (c.type == ColumnType::null) {
        s.text = options.null_text;
      } else if (c.type == ColumnType::blob) {
        s.text += "X'";
        s.text += c.text;
        s.text += '\'';
      } else {
        append_display_text(s.text, c.text);
      }
    }
  };
  std::uint64_t rows = 0;
  std::size_t buffered_bytes = 0;
  bool more = false;  // a row beyond the sizing rows is waiting in `cursor`
  while (true) {
    if (!cursor.step()) break;
    if (rows == kAlignRows || buffered_bytes > kAlignBytes) {
      more = true;
      break;
    }
    ++rows;
    cells.resize(cells.size() + columns);
    Stored* row = &cells[cells.size() - columns];
    read_row(row);
    for (std::size_t col = 0; col < columns; ++col) {
      buffered_bytes += row[col].text.size();
      if (row[col].type != ColumnType::null) {
        seen_value[col] = true;
        if (!is_number(row[col].type)) numeric[col] = false;
      }
    }
  }
  std::vector<std::size_t> number_widths(widths.size(), 0);
  for (std::size_t k = 0; k < cells.size(); ++k) {
    const std::size_t col = k % widths.size();
    const std::size_t w = display_width(cells[k].text);
    widths[col] = std::max(widths[col], w);
    if (k >= widths.size() && is_number(cells[k].type)) number_widths[col] = std::max(number_widths[col], w);
  }
  std::vector<bool> numeric_column(widths.size());
  for (std::size_t i = 0; i < widths.size(); ++i) numeric_column[i] = numeric[i] && seen_value[i];
  widths = fit_widths(widths, number_widths, options.max_width);

  std::string line;
  std::string border = "+";
  for (auto w : widths) border.append(w + 2, '-') += '+';
  border += '\n';

  bool streaming = false;  // printing rows that did not size the columns
  auto append_row = [&](const Stored* row, bool header) {
    for (std::size_t col = 0; col < columns; ++col) {
      const Stored& s = row[col];
      // Numbers right, text left; NULL and the header follow their column.
      const bool column_numeric = numeric_column[col];
      const bool right = header || s.type == ColumnType::null ? column_numeric : is_number(s.type);
      // A streamed number wider than its column is shown whole (that row
      // grows): a cut number would read as a different number.
      std::string shown = streaming && is_number(s.type) ? s.text : fit_to_width(s.text, widths[col]);
      const std::size_t shown_width = display_width(shown);
      const std::size_t gap = widths[col] > shown_width ? widths[col] - shown_width : 0;
      line += col == 0 ? "| " : " ";
      if (right) pad(line, gap);
      line += shown;
      if (!right) pad(line, gap);
      line += " |";
    }
    line += '\n';
    if (header) line += border;
    if (line.size() > kFlushAt) write(out, line);
  };
  line = border;
  for (std::size_t k = 0; k < cells.size(); k += columns) append_row(&cells[k], k == 0);
  cells.clear();
  cells.shrink_to_fit();
  if (more) {
    std::vector<Stored> row(columns);
    streaming = true;
    do {
      ++rows;
      read_row(row.data());
      append_row(row.data(), false);
    } while (cursor.step());
  }
  line += border;
  write(out, line);
  out.flush();
  return rows;
}

// ---------------------------------------------------------------------------
// csv

/// Whether `text` reads entirely as a decimal number ("-5", "+3.25", "1e-3",
/// ".5"): Excel takes such a cell as a number, never as a formula.
bool reads_as_number(std::string_view text) {
  std::size_t p = 0;
  const std::size_t n = text.size();
  auto digits = [&] {
    std::size_t start = p;
    while (p < n && text[p] >= '0' && text[p] <= '9') ++p;
    return p - start;
  };
  if (p < n && (text[p] == '+' || text[p] == '-')) ++p;
  std::size_t mantissa = digits();
  if (p < n && text[p] == '.') {
    ++p;
    mantissa += digits();
  }
  if (mantissa == 0) return false;
  if (p < n && (text[p] == 'e' || text[p] == 'E')) {
    ++p;
    if (p < n && (text[p] == '+' || text[p] == '-')) ++p;
    if (digits() == 0) return false;
  }
  return p == n;
}

bool starts_like_formula(std::string_view text) {
  if (text.empty()) return false;
  switch (text.front()) {
    case '=':
    case '+':
    case '-':
    case '@':
    case '\t':
    case '\r': return !reads_as_number(text);
    default: return false;
  }
}

std::uint64_t render_csv(engine::Cursor& cursor, int ncols, std::ostream& out, const RenderOptions& options) {
  if (options.bom) out.write("\xEF\xBB\xBF", 3);
  CsvWriter csv(out, options.crlf);
  for (int i = 0; i < ncols; ++i) csv.field(cursor.column_name(i));
  csv.end_row();
  CurrentRow current(cursor, ncols);
  std::string guarded;
  std::uint64_t rows = 0;
  while (cursor.step()) {
    ++rows;
    current.read();
    for (int i = 0; i < ncols; ++i) {
      const engine::Cell& v = current.value(i);
      switch (v.type) {
        case ColumnType::null: csv.field({}); break;
        case ColumnType::integer: csv.field(current.integer_text(v.integer)); break;
        case ColumnType::real: csv.field(current.real_text(v.real)); break;
        case ColumnType::blob: csv.field(current.blob_text(v.bytes)); break;
        case ColumnType::text:
          if (v.bytes.empty()) {
            csv.field_quoted({});
          } else if (options.excel_safe && starts_like_formula(v.bytes)) {
            guarded.assign(1, '\'');
            guarded += v.bytes;
            csv.field(guarded);
          } else {
            csv.field(v.bytes);
          }
          break;
      }
    }
    csv.end_row();
  }
  csv.flush();
  return rows;
}

// ---------------------------------------------------------------------------
// json

/// A JSON array of objects, or with `lines` one object per line (JSON Lines).
std::uint64_t render_json(engine::Cursor& cursor, int ncols, std::ostream& out, bool lines) {
  // Keys are escaped once. A repeated column name (SELECT a, a) would make
  // an object with duplicate keys, which most parsers silently collapse, so
  // later ones get a suffix: a, a_2.
  std::vector<std::string> keys;
  std::vector<std::string> seen;
  for (int i = 0; i < ncols; ++i) {
    std::string name(cursor.column_name(i));
    std::string unique = name;
    for (int k = 2; std::find(seen.begin(), seen.end(), unique) != seen.end(); ++k)
      unique = name + "_" + std::to_string(k);
    seen.push_back(unique);
    std::string key;
    append_json_string(key, unique);
    key += ':';
    keys.push_back(std::move(key));
  }
  std::string buffer = lines ? "" : "[";
  CurrentRow current(cursor, ncols);
  std::uint64_t rows = 0;
  while (cursor.step()) {
    if (lines)
      buffer += '{';
    else
      buffer += rows == 0 ? "\n  {" : ",\n  {";
    ++rows;
    current.read();
    for (int i = 0; i < ncols; ++i) {
      const engine::Cell& v = current.value(i);
      if (i > 0) buffer += ',';
      buffer += keys[static_cast<std::size_t>(i)];
      switch (v.type) {
        case ColumnType::null: buffer += "null"; break;
        case ColumnType::integer: buffer += current.integer_text(v.integer); break;
        case ColumnType::real: buffer += std::isfinite(v.real) ? current.real_text(v.real) : "null"; break;
        case ColumnType::text: append_json_string(buffer, v.bytes); break;
        case ColumnType::blob: append_json_string(buffer, current.blob_text(v.bytes)); break;
      }
    }
    buffer += lines ? "}\n" : "}";
    if (buffer.size() > kFlushAt) write(out, buffer);
  }
  if (!lines) buffer += rows == 0 ? "]\n" : "\n]\n";
  write(out, buffer);
  out.flush();
  return rows;
}

// ---------------------------------------------------------------------------
// markdown

/// `text` as a GFM table cell that renders as exactly `text`: every
/// character GitHub's Markdown would interpret is escaped. HTML (<, >, &) as
/// entities, so no tag or entity in the data is ever read as one; emphasis,
/// code, links, strikethrough, backslashes and pipes with a backslash (GFM
/// unescapes \| when it splits the row, then the inline parser the rest);
/// spaces at either end, which a cell would lose, as &#32;; line breaks as
/// <br>, which GitHub renders as a line break inside a cell.
/// A letter or digit, or a byte of a non-ASCII character (CJK text).
bool word_byte(char c) {
  const auto u = static_cast<unsigned char>(c);
  return u >= 0x80 || (u >= '0' && u <= '9') || (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z');
}

void append_markdown_cell(std::string& out, std::string_view text) {
  const std::size_t first = text.find_first_not_of(' ');
  const std::size_t last = text.find_last_not_of(' ');
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    switch (c) {
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '&': out += "&amp;"; break;
      case '_':
        // Between two letters or digits an underscore never starts or ends
        // emphasis (CommonMark's flanking rules): firm_id stays readable.
        if (i > 0 && i + 1 < text.size() && word_byte(text[i - 1]) && word_byte(text[i + 1])) {
          out += c;
          break;
        }
        [[fallthrough]];
      case '\\':
      case '`':
      case '*':
      case '[':
      case ']':
      case '|':
      case '~':
        out += '\\';
        out += c;
        break;
      case ' ':
        if (first == std::string_view::npos || i < first || i > last)
          out += "&#32;";
        else
          out += ' ';
        break;
      case '\r':
      case '\n':
        if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
        out += "<br>";
        break;
      default: out += c;
    }
  }
}

std::uint64_t render_markdown(engine::Cursor& cursor, int ncols, std::ostream& out, const RenderOptions& options) {
  std::string buffer = "|";
  for (int i = 0; i < ncols; ++i) {
    buffer += ' ';
    append_markdown_cell(buffer, cursor.column_name(i));
    buffer += " |";
  }
  buffer += "\n|";
  // Streaming: a column is right-aligned when its value in the first row is
  // a number (there is no later pass to look at the rest).
  bool have_row = cursor.step();
  for (int i = 0; i < ncols; ++i) buffer += have_row && is_number(cursor.column_type(i)) ? " ---: |" : " --- |";
  buffer += '\n';
  CurrentRow current(cursor, ncols);
  std::uint64_t rows = 0;
  for (; have_row; have_row = cursor.step()) {
    ++rows;
    buffer += '|';
    current.read();
    for (int i = 0; i < ncols; ++i) {
      Cell c = current.cell(i);
      buffer += ' ';
      if (c.type == ColumnType::null) {
        append_markdown_cell(buffer, options.null_text);
      } else if (c.type == ColumnType::blob) {
        buffer += "X'";
        buffer += c.text;
        buffer += '\'';
      } else {
        append_markdown_cell(buffer, c.text);
      }
      buffer += " |";
    }
    buffer += '\n';
    if (buffer.size() > kFlushAt) write(out, buffer);
  }
  write(out, buffer);
  out.flush();
  return rows;
}

}  // namespace

Format parse_format(std::string_view name) {
  if (name == "table") return Format::table;
  if (name == "csv") return Format::csv;
  if (name == "json") return Format::json;
  if (name == "jsonl" || name == "ndjson") return Format::jsonl;
  if (name == "markdown" || name == "md") return Format::markdown;
  std::string msg = "unknown format '" + std::string(name) + "'; use table, csv, json, jsonl or markdown";
  std::string hint = did_you_mean(name, {"table", "csv", "json", "jsonl", "markdown"});
  if (!hint.empty()) msg += " (" + hint + ")";
  throw UsageError(msg);
}

std::string_view format_name(Format f) {
  switch (f) {
    case Format::table: return "table";
    case Format::csv: return "csv";
    case Format::json: return "json";
    case Format::jsonl: return "jsonl";
    case Format::markdown: return "markdown";
  }
  return "table";
}

std::uint64_t render(engine::Cursor& cursor, std::ostream& out, const RenderOptions& options) {
  const int ncols = cursor.column_count();
  if (ncols == 0) {
    // A statement without result columns (DDL, DML): run it, show nothing.
    std::uint64_t rows = 0;
    while (cursor.step()) ++rows;
    return rows;
  }
  switch (options.format) {
    case Format::table: return render_table(cursor, ncols, out, options);
    case Format::csv: return render_csv(cursor, ncols, out, options);
    case Format::json: return render_json(cursor, ncols, out, false);
    case Format::jsonl: return render_json(cursor, ncols, out, true);
    case Format::markdown: return render_markdown(cursor, ncols, out, options);
  }
  return 0;
}

std::uint64_t render_statement(sqlite3_stmt* stmt, std::ostream& out, const RenderOptions& options) {
  SqliteCursor cursor(stmt);
  return render(cursor, out, options);
}

void append_hex(std::string& out, std::string_view bytes) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (const char byte : bytes) {
    const auto b = static_cast<unsigned char>(byte);
    out += kHex[b >> 4];
    out += kHex[b & 0xF];
  }
}

}  // namespace aigc
