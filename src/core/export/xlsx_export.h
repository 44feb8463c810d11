#pragma once
/// Exporting saved queries to one Excel workbook (.xlsx) with libxlsxwriter.
///
/// The first sheet, "index", lists every query: its sheet (a link), title,
/// description, report sections, the parameters bound and its row count.
/// Then one sheet per query, named after it, with a bold header row that
/// stays in view (frozen) and a filter; numbers are written as numbers
/// (an integer beyond 2^53, which Excel would round, as text), text as text,
/// NULL as an empty cell; each column is as wide as its widest value in
/// display cells (a Chinese character counts 2), up to a limit.
#include <sqlite3.h>

#include <cstdint>
#include <filesystem>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "engine/connection.h"
#include "query/catalog.h"

namespace aigc {

namespace fs = std::filesystem;

/// Excel's limit on a sheet name, in characters.
inline constexpr std::size_t kSheetNameMax = 31;

/// Sheet names for queries called `names`, in order, none equal to one of
/// `reserved` (ignoring ASCII case, as Excel does). A name is kept if it is
/// valid; characters Excel forbids ([ ] : * ? / \) become _, and one too long
/// is cut to 31 characters; a name that then repeats an earlier one gets a
/// suffix ~2, ~3, ... within the 31. Deterministic: the same names give the
/// same sheet names.
std::vector<std::string> sheet_names(const std::vector<std::string>& names,
                                     const std::vector<std::string>& reserved = {"index"});

struct XlsxSheet {
  std::string query;
  std::string sheet;
  std::uint64_t rows = 0;
};

struct XlsxSummary {
  fs::path file;
  std::vector<XlsxSheet> sheets;  ///< the query sheets, after "index"
};

/// Runs `queries` (each --param in `params` goes to those that take it) and
/// writes the workbook to `file` through an OutputFile: a regular file under
/// a temporary name in the same directory, renamed into place once
/// complete, so a failure leaves no file behind and an older `file`
/// untouched; a device or FIFO in place; "-" to `standard_output` (null:
/// "-" is refused). Throws UsageError for a bad --param or output path (the
/// database `db` reads, or a companion of it, included), DataError for a
/// failing query or a write that fails.
XlsxSummary export_xlsx(engine::Connection& db, const std::vector<SavedQuery>& queries, const fs::path& file,
                        const ParamArgs& params, std::ostream* standard_output = nullptr);
XlsxSummary export_xlsx(sqlite3* db, const std::vector<SavedQuery>& queries, const fs::path& file,
                        const ParamArgs& params, std::ostream* standard_output = nullptr);

}  // namespace aigc
