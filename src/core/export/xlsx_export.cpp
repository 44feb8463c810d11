#include "export/xlsx_export.h"

#include <fcntl.h>
#include <unistd.h>
#include <utf8proc.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <set>
#include <utility>

#include "base/error.h"
#include "base/output_file.h"
#include "base/text.h"
#include "export/export.h"
#include "export/xlsxwriter_library.h"
#include "query/query_result.h"
#include "render/render.h"
#include "sqlite/sqlite_engine.h"

namespace aigc {

namespace {

/// libxlsxwriter, opened on first use (core/export/xlsxwriter_library.h).
const XlsxWriterLibrary& lxw() { return xlsxwriter_library(); }

constexpr double kMinWidth = 6;
constexpr double kMaxWidth = 60;
constexpr std::size_t kMaxCellText = 32767;          // Excel's limit on a cell's text
constexpr double kExactIntegers = 9007199254740992;  // 2^53: above it a double rounds

/// `text` with every invalid UTF-8 byte, and U+FFFE and U+FFFF, replaced by
/// U+FFFD: the workbook is XML, which they would make unreadable.
std::string valid_utf8(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const auto* end = p + text.size();
  while (p < end) {
    if (*p < 0x80) {
      out += static_cast<char>(*p++);
      continue;
    }
    utf8proc_int32_t cp = 0;
    const utf8proc_ssize_t n = utf8proc_iterate(p, end - p, &cp);
    if (n <= 0) {
      out += "\xEF\xBF\xBD";
      ++p;
    } else if (cp == 0xFFFE || cp == 0xFFFF) {
      // Valid UTF-8 but not an XML character: written raw, it made the
      // sheet's XML malformed and Excel refused the whole workbook.
      out += "\xEF\xBF\xBD";
      p += n;
    } else {
      out.append(reinterpret_cast<const char*>(p), static_cast<std::size_t>(n));
      p += n;
    }
  }
  return out;
}

/// The first `count` characters (code points) of valid UTF-8 `text`.
std::string first_chars(const std::string& text, std::size_t count) {
  std::size_t pos = 0;
  for (std::size_t n = 0; n < count && pos < text.size(); ++n) {
    ++pos;
    while (pos < text.size() && (static_cast<unsigned char>(text[pos]) & 0xC0) == 0x80) ++pos;
  }
  return text.substr(0, pos);
}

std::size_t char_count(const std::string& text) {
  return static_cast<std::size_t>(
      std::count_if(text.begin(), text.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

/// The workbook: freed without writing anything unless close() ran.
class Workbook {
 public:
  explicit Workbook(const fs::path& file) : wb_(lxw().workbook_new(file.c_str())) {
    if (!wb_) throw DataError("cannot start a workbook for " + file.string() + " (out of memory?)");
  }
  ~Workbook() {
    if (wb_) lxw().lxw_workbook_free(wb_);
  }
  Workbook(const Workbook&) = delete;
  Workbook& operator=(const Workbook&) = delete;

  lxw_workbook* get() const noexcept { return wb_; }
  /// Writes the file; throws DataError naming `target` if that fails.
  void close(const fs::path& target) {
    // workbook_close frees the workbook whether or not it succeeds.
    const lxw_error rc = lxw().workbook_close(std::exchange(wb_, nullptr));
    if (rc != LXW_NO_ERROR) throw DataError("cannot write " + target.string() + ": " + lxw().lxw_strerror(rc));
  }

 private:
  lxw_workbook* wb_;
};

/// A private file for libxlsxwriter, which writes to a path: created in
/// the system's temporary directory, removed on destruction. The workbook is
/// then copied into the OutputFile, so the target is a regular file replaced
/// atomically, a device or FIFO written in place, or standard output.
class ScratchFile {
 public:
  ScratchFile() {
    std::error_code ec;
    fs::path dir = fs::temp_directory_path(ec);
    if (ec) dir = "/tmp";
    std::string name = (dir / "aigc-xlsx-XXXXXX").string();
    const int fd = ::mkstemp(name.data());
    if (fd < 0) throw DataError("cannot create a temporary file in " + dir.string() + ": " + std::strerror(errno));
    ::close(fd);
    path_ = name;
  }
  ~ScratchFile() {
    std::error_code ec;
    fs::remove(path_, ec);
  }
  ScratchFile(const ScratchFile&) = delete;
  ScratchFile& operator=(const ScratchFile&) = delete;

  const fs::path& path() const noexcept { return path_; }
  /// Copies the file's bytes into `out`.
  void copy_to(OutputFile& out) const {
    std::ifstream in(path_, std::ios::binary);
    if (!in) throw DataError("cannot read back the workbook from " + path_.string());
    out.stream() << in.rdbuf();
    if (in.bad()) throw DataError("cannot read back the workbook from " + path_.string());
  }

 private:
  fs::path path_;
};

/// Checks a libxlsxwriter call made while writing `what`.
void check(lxw_error rc, const std::string& what) {
  if (rc != LXW_NO_ERROR) throw DataError(what + ": " + lxw().lxw_strerror(rc));
}

/// Column widths from the display width of what each column holds.
class Widths {
 public:
  void fit(std::size_t col, std::string_view text) {
    if (col >= cells_.size()) cells_.resize(col + 1, 0);
    cells_[col] = std::max(cells_[col], display_width(text));
  }
  void apply(lxw_worksheet* ws, lxw_format* wrap_long = nullptr) const {
    for (std::size_t c = 0; c < cells_.size(); ++c) {
      const double w = std::clamp(static_cast<double>(cells_[c]) + 2, kMinWidth, kMaxWidth);
      lxw().worksheet_set_column(ws, static_cast<lxw_col_t>(c), static_cast<lxw_col_t>(c), w,
                                 w >= kMaxWidth ? wrap_long : nullptr);
    }
  }

 private:
  std::vector<std::size_t> cells_;
};

struct Formats {
  lxw_format* header = nullptr;
  lxw_format* link = nullptr;
  lxw_format* wrap = nullptr;
};

void write_header(lxw_worksheet* ws, const std::vector<std::string>& columns, const Formats& f, Widths& widths) {
  for (std::size_t c = 0; c < columns.size(); ++c) {
    const std::string name = valid_utf8(columns[c]);
    check(lxw().worksheet_write_string(ws, 0, static_cast<lxw_col_t>(c), name.c_str(), f.header), "header " + name);
    widths.fit(c, name);
  }
  lxw().worksheet_freeze_panes(ws, 1, 0);
}

/// Steps `rows`, writing each row under the header. Returns the number of rows.
std::uint64_t write_rows(lxw_worksheet* ws, engine::Cursor& cursor, const std::string& query, Widths& widths) {
  const int ncols = cursor.column_count();
  std::uint64_t rows = 0;
  std::string text;
  for (;;) {
    try {
      if (!cursor.step()) break;
    } catch (const DataError& e) {
      throw DataError("query " + query + ": " + e.what());
    }
    ++rows;
    if (rows >= LXW_ROW_MAX) throw DataError("query " + query + ": more rows than an Excel sheet holds");
    const auto row = static_cast<lxw_row_t>(rows);
    for (int i = 0; i < ncols; ++i) {
      const auto col = static_cast<lxw_col_t>(i);
      const engine::ColumnType type = cursor.column_type(i);
      if (type == engine::ColumnType::null) continue;  // an empty cell
      const bool integer = type == engine::ColumnType::integer, real = type == engine::ColumnType::real;
      // The number before the text: converting to text may change the value's type.
      const double number = integer || real ? cursor.column_double(i) : 0;
      if (type == engine::ColumnType::blob) {  // as hex digits, as the other formats show a BLOB
        text.clear();
        append_hex(text, cursor.column_blob(i));
      } else {
        text = valid_utf8(cursor.column_text(i));
      }
      widths.fit(static_cast<std::size_t>(i), text);
      const auto where = [&] {
        return "query " + query + ", row " + std::to_string(rows) + ", column " + std::string(cursor.column_name(i));
      };
      if ((real && std::isfinite(number)) || (integer && std::fabs(number) <= kExactIntegers)) {
        check(lxw().worksheet_write_number(ws, row, col, number, nullptr), where());
        continue;
      }
      if (char_count(text) > kMaxCellText)
        throw DataError(where() + ": text longer than an Excel cell holds (" + std::to_string(kMaxCellText) +
                        " characters)");
      check(lxw().worksheet_write_string(ws, row, col, text.c_str(), nullptr), where());
    }
  }
  if (rows > 0 && ncols > 0)
    lxw().worksheet_autofilter(ws, 0, 0, static_cast<lxw_row_t>(rows), static_cast<lxw_col_t>(ncols - 1));
  return rows;
}

std::string params_text(const std::vector<std::pair<std::string, ParamValue>>& params) {
  std::string s;
  for (const auto& [name, value] : params) s += (s.empty() ? "" : ", ") + name + "=" + value.literal();
  return s;
}

std::string join(const std::vector<std::string>& parts, std::string_view sep) {
  std::string s;
  for (const auto& p : parts) s += (s.empty() ? "" : std::string(sep)) + p;
  return s;
}

}  // namespace

std::vector<std::string> sheet_names(const std::vector<std::string>& names, const std::vector<std::string>& reserved) {
  std::set<std::string> taken;
  for (const auto& r : reserved) taken.insert(ascii_lower(r));
  std::vector<std::string> sheets;
  for (const auto& name : names) {
    std::string base = valid_utf8(name);
    for (auto& c : base)
      if (std::string_view("[]:*?/\\").find(c) != std::string_view::npos || (c >= 0 && c < 0x20)) c = '_';
    if (!base.empty() && base.front() == '\'') base.front() = '_';
    if (!base.empty() && base.back() == '\'') base.back() = '_';
    if (base.empty()) base = "sheet";
    std::string candidate = first_chars(base, kSheetNameMax);
    for (int n = 2; !taken.insert(ascii_lower(candidate)).second; ++n) {
      const std::string suffix = "~" + std::to_string(n);
      candidate = first_chars(base, kSheetNameMax - suffix.size()) + suffix;
    }
    sheets.push_back(std::move(candidate));
  }
  return sheets;
}

XlsxSummary export_xlsx(sqlite3* db, const std::vector<SavedQuery>& queries, const fs::path& file,
                        const ParamArgs& params, std::ostream* standard_output) {
  SqliteConnection connection(db);
  return export_xlsx(connection, queries, file, params, standard_output);
}

XlsxSummary export_xlsx(engine::Connection& db, const std::vector<SavedQuery>& queries, const fs::path& file,
                        const ParamArgs& params, std::ostream* standard_output) {
  OutputFile out(file, db.database_file(), standard_output);  // refuses a bad path before any query runs
  ScratchFile scratch;
  auto bound = bind_queries(db, queries, params);
  std::vector<std::string> names;
  for (const auto& b : bound) names.push_back(b.prepared.query().name);
  const auto sheets = sheet_names(names);

  Workbook wb(scratch.path());
  Formats f;
  f.header = lxw().workbook_add_format(wb.get());
  lxw().format_set_bold(f.header);
  lxw().format_set_bg_color(f.header, 0xE8EEF5);
  lxw().format_set_bottom(f.header, LXW_BORDER_THIN);
  f.link = lxw().workbook_add_format(wb.get());
  lxw().format_set_font_color(f.link, LXW_COLOR_BLUE);
  lxw().format_set_underline(f.link, LXW_UNDERLINE_SINGLE);
  f.wrap = lxw().workbook_add_format(wb.get());
  lxw().format_set_text_wrap(f.wrap);

  const std::string title = "aigc: saved queries over iResearch's 2023 AIGC report";
  const std::string comments = "Generated by aigc " + std::string(aigc_version()) + " at " + utc_timestamp();
  lxw_doc_properties props{};
  props.title = const_cast<char*>(title.c_str());  // libxlsxwriter copies, never writes
  props.comments = const_cast<char*>(comments.c_str());
  props.created = export_time();  // else libxlsxwriter takes the clock, and two exports differ
  check(lxw().workbook_set_properties(wb.get(), &props), "workbook properties");

  // The index comes first; its rows are filled in once every query has run.
  lxw_worksheet* index = lxw().workbook_add_worksheet(wb.get(), "index");
  if (!index) throw DataError("cannot add the index sheet");

  XlsxSummary summary;
  summary.file = file;
  for (std::size_t i = 0; i < bound.size(); ++i) {
    const SavedQuery& q = bound[i].prepared.query();
    lxw_worksheet* ws = lxw().workbook_add_worksheet(wb.get(), sheets[i].c_str());
    if (!ws) throw DataError("query " + q.name + ": cannot add a sheet named " + sheets[i]);
    engine::Cursor& cursor = bound[i].prepared.cursor();
    std::vector<std::string> columns;
    for (int c = 0; c < cursor.column_count(); ++c) columns.emplace_back(cursor.column_name(c));
    Widths widths;
    write_header(ws, columns, f, widths);
    const std::uint64_t rows = write_rows(ws, cursor, q.name, widths);
    widths.apply(ws);
    summary.sheets.push_back(XlsxSheet{q.name, sheets[i], rows});
  }

  const std::vector<std::string> index_columns = {"name",    "sheet",      "title", "description",
                                                  "section", "parameters", "rows"};
  Widths widths;
  write_header(index, index_columns, f, widths);
  for (std::size_t i = 0; i < bound.size(); ++i) {
    const SavedQuery& q = bound[i].prepared.query();
    const auto row = static_cast<lxw_row_t>(i + 1);
    const std::string sheet = summary.sheets[i].sheet;
    std::string quoted;  // in a link, a ' in the sheet name is doubled
    for (char c : sheet) quoted += c == '\'' ? std::string("''") : std::string(1, c);
    const std::string link = "internal:'" + quoted + "'!A1";
    const std::string name = valid_utf8(q.name);
    check(lxw().worksheet_write_url_opt(index, row, 0, link.c_str(), f.link, name.c_str(), nullptr),
          "index link " + name);
    widths.fit(0, name);
    const std::string cells[] = {sheet, valid_utf8(q.title), valid_utf8(q.description),
                                 valid_utf8(join(q.sections, ", ")), valid_utf8(params_text(bound[i].params))};
    for (std::size_t c = 0; c < std::size(cells); ++c) {
      if (cells[c].empty()) continue;
      check(lxw().worksheet_write_string(index, row, static_cast<lxw_col_t>(c + 1), cells[c].c_str(), nullptr),
            "index " + name);
      widths.fit(c + 1, cells[c]);
    }
    check(lxw().worksheet_write_number(index, row, 6, static_cast<double>(summary.sheets[i].rows), nullptr),
          "index " + name);
  }
  widths.apply(index, f.wrap);  // long descriptions wrap in their capped column
  if (!bound.empty()) lxw().worksheet_autofilter(index, 0, 0, static_cast<lxw_row_t>(bound.size()), 6);

  wb.close(file);
  scratch.copy_to(out);
  out.commit();
  return summary;
}

}  // namespace aigc
