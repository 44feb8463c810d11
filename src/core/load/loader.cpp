#include "load/loader.h"

#include <algorithm>
#include <cctype>
#include <optional>
#include <set>
#include <unordered_map>
#include <vector>

#include "base/error.h"
#include "base/suggest.h"
#include "base/text.h"
#include "load/header_map.h"
#include "load/issue_list.h"
#include "load/row_loader.h"
#include "sqlite/quote.h"
#include "sqlite/savepoint.h"
#include "sqlite/statement.h"
#include "sqlite/table_info.h"

namespace aigc {

namespace {

/// A header wider than SQLite allows a table is refused at its first column
/// too many, naming the limit (rather than SQLite's bare "too many columns").
void check_width(sqlite3* db, CsvReader& csv, IssueList& issues) {
  const int limit = sqlite3_limit(db, SQLITE_LIMIT_COLUMN, -1);
  if (limit <= 0 || csv.size() <= static_cast<std::size_t>(limit)) return;
  issues.add(csv.position(static_cast<std::size_t>(limit)), "",
             "the header has " + std::to_string(csv.size()) + " columns; SQLite allows at most " +
                 std::to_string(limit) + " columns in a table (SQLITE_MAX_COLUMN)");
}

/// A one-column header holding a likely separator: the file was most likely
/// read with the wrong delimiter. The option to pass, or "".
std::string separator_hint(CsvReader& csv, const LoadOptions& options) {
  if (options.delimiter_given || csv.size() != 1) return "";
  const std::string_view name = csv.field(0);
  for (const char c : name) {
    if (c == '\t') return "the header is one column holding tabs: if the file is tab-separated, pass --tsv";
    if (c == ';' || c == '|')
      return std::string("the header is one column holding '") + c + "': if the file is separated by '" + c +
             "', pass --delimiter '" + c + "' (or --delimiter , to keep one column)";
  }
  return "";
}

HeaderMap map_header(CsvReader& csv, const TableInfo& table, IssueList& issues, const LoadOptions& options) {
  HeaderMap map;
  if (auto hint = separator_hint(csv, options); !hint.empty()) {
    issues.add(csv.position(0), "", hint);
    return map;
  }
  std::vector<std::string> all;
  for (const auto& c : table.columns) all.push_back(c.name);
  std::set<std::size_t> seen;
  for (std::size_t f = 0; f < csv.size(); ++f) {
    std::string name(csv.field(f));
    int idx = table.find_column(name);
    const bool twice = idx >= 0 && !seen.insert(static_cast<std::size_t>(idx)).second;
    if ((name.empty() || idx < 0 || twice) && issues.accepting()) {
      if (name.empty()) {
        issues.add(csv.position(f), "", "empty column name in the header");
      } else if (idx < 0) {
        std::string msg = "unknown column " + quote_literal(name) + " for table " + table.name;
        const int trimmed = table.find_column(std::string(trim(name, " \t")));
        if (trimmed >= 0)
          msg += ": it has spaces around it; the column is " + table.columns[static_cast<std::size_t>(trimmed)].name;
        else if (auto hint = did_you_mean(name, all); !hint.empty())
          msg += "; " + hint;
        issues.add(csv.position(f), name, msg);
      } else {
        issues.add(csv.position(f), name, "column named twice in the header");
      }
    }
    map.field_to_column.push_back(idx < 0 ? 0 : static_cast<std::size_t>(idx));
  }
  for (std::size_t c = 0; c < table.columns.size(); ++c) {
    const auto& col = table.columns[c];
    // An INTEGER PRIMARY KEY is the rowid: SQLite fills it when left out.
    bool rowid_alias = col.pk_position > 0 && col.type == ColumnType::integer && table.primary_key().size() == 1;
    if (col.not_null && !col.has_default && !rowid_alias && !seen.count(c))
      issues.add({csv.record_line(), 1}, col.name,
                 "required column is missing from the header (it is NOT NULL and has no default)");
  }
  return map;
}

/// Turns SQLite's own foreign-key enforcement off for the scope of a load
/// and back on after. PRAGMA foreign_keys is a no-op inside a transaction,
/// so inside one (a build) this changes nothing and the caller's setting holds.
class ForeignKeyEnforcement {
 public:
  ForeignKeyEnforcement(sqlite3* db, bool enforce) : db_(db) {
    if (sqlite3_get_autocommit(db_) == 0) return;
    sqlite3_db_config(db_, SQLITE_DBCONFIG_ENABLE_FKEY, -1, &was_on_);
    sqlite3_db_config(db_, SQLITE_DBCONFIG_ENABLE_FKEY, enforce ? 1 : 0, nullptr);
    changed_ = true;
  }
  ~ForeignKeyEnforcement() {
    if (changed_) sqlite3_db_config(db_, SQLITE_DBCONFIG_ENABLE_FKEY, was_on_, nullptr);
  }
  ForeignKeyEnforcement(const ForeignKeyEnforcement&) = delete;
  ForeignKeyEnforcement& operator=(const ForeignKeyEnforcement&) = delete;

 private:
  sqlite3* db_;
  int was_on_ = 0;
  bool changed_ = false;
};

/// For a large load, the table's secondary indexes are dropped before the
/// rows go in and built again after, in the same transaction: inserting a
/// million rows into an index one by one touches its pages at random, while
/// CREATE INDEX sorts once, several times faster. Only plain (non-UNIQUE)
/// indexes are dropped, so every constraint is still checked row by row; a
/// failed load rolls the DROP back with everything else.
class IndexRebuild {
 public:
  /// Inputs below this size load faster into live indexes.
  static constexpr std::uint64_t kMinBytes = 16u << 20;

  IndexRebuild(sqlite3* db, const std::string& table, std::uint64_t input_bytes) : db_(db) {
    if (input_bytes < kMinBytes) return;
    // Rebuilding reads the whole table again: worth it only when the load
    // adds about as many rows as the table holds (at 64 bytes a row or more).
    {
      // Statements in a scope of their own: DROP INDEX fails while one still reads the table.
      Statement last(db, "SELECT coalesce(max(rowid), 0) FROM " + quote_identifier(table));
      if (last.step() && static_cast<std::uint64_t>(last.column_int64(0)) * 64 > input_bytes) return;
      Statement list(db,
                     "SELECT name, sql FROM sqlite_schema WHERE type = 'index' AND tbl_name = ?1 AND sql IS "
                     "NOT NULL AND upper(sql) NOT LIKE 'CREATE UNIQUE%' ORDER BY rowid");
      list.bind_text(1, table);
      while (list.step()) indexes_.emplace_back(list.column_string(0), list.column_string(1));
    }
    for (const auto& [name, sql] : indexes_) exec(db_, "DROP INDEX " + quote_identifier(name));
  }

  /// Builds the dropped indexes again, in their original order.
  void rebuild() {
    for (const auto& [name, sql] : indexes_) exec(db_, sql);
    indexes_.clear();
  }

 private:
  sqlite3* db_;
  std::vector<std::pair<std::string, std::string>> indexes_;
};

/// Reads the header record, or reports an empty file.
bool read_header(CsvReader& csv, IssueList& issues) {
  if (csv.next()) return true;
  issues.add({1, 1}, "", "the file is empty: expected a header row naming the columns");
  return false;
}

}  // namespace

LoadSummary load_table(sqlite3* db, CsvReader& csv, const std::string& table, const LoadOptions& options) {
  const TableInfo info = TableInfo::read(db, table);
  // aigc_meta tells the next build which rows and tables are the report's:
  // a row loaded there could make it treat what a user added as the
  // report's, to be dropped.
  if (ascii_lower(info.name) == "aigc_meta")
    throw UsageError(
        "aigc_meta is aigc's own record of how the warehouse was built; aigc load writes only the "
        "report's tables and tables you imported");
  IssueList issues(csv.name(), options.max_errors);
  if (!read_header(csv, issues)) issues.raise();
  check_width(db, csv, issues);
  if (!issues.empty()) issues.raise();
  HeaderMap header = map_header(csv, info, issues, options);
  if (!issues.empty()) issues.raise();
  // The loader checks every reference itself, row by row, so it can name the
  // line and column; SQLite checking each one again would double the work.
  // Its own check stays on only where the loader cannot see a value: a
  // referencing column left to its default.
  const bool loader_checks_all =
      std::all_of(info.foreign_keys.begin(), info.foreign_keys.end(), [&](const ForeignKey& fk) {
        return std::all_of(fk.child_columns.begin(), fk.child_columns.end(), [&](std::size_t c) {
          return !info.columns[c].has_default || std::find(header.field_to_column.begin(), header.field_to_column.end(),
                                                           c) != header.field_to_column.end();
        });
      });
  ForeignKeyEnforcement enforcement(db, !loader_checks_all);
  Savepoint savepoint(db, "aigc_load");
  // Where SQLite does check, defer it to commit so a row may refer to a row
  // further down the same file.
  exec(db, "PRAGMA defer_foreign_keys = ON");
  IndexRebuild indexes(db, table, options.dry_run ? 0 : csv.total_bytes());
  RowLoader loader(db, csv, info, options, issues);
  LoadSummary summary = loader.run(header);
  if (!issues.empty()) issues.raise();
  indexes.rebuild();
  if (!options.dry_run) savepoint.release();  // else its destructor rolls back
  return summary;
}

namespace {

/// Whether `name` resolves, in an empty database, to something: then it is
/// an eponymous virtual table (a table-valued function such as json_each,
/// whichever this build of SQLite has) or SQLite's own schema table.
bool names_builtin_table(const std::string& name) {
  sqlite3* mem = nullptr;
  if (sqlite3_open_v2(":memory:", &mem, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) != SQLITE_OK) {
    sqlite3_close(mem);
    throw DataError("cannot open an in-memory database to check the table name");
  }
  int rc;
  {
    Statement st;  // finalized before the connection closes
    rc = Statement::try_prepare(mem, "SELECT 1 FROM " + quote_identifier(name), st);
  }
  sqlite3_close(mem);
  return rc == SQLITE_OK;
}

bool has_control_character(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7F; });
}

}  // namespace

void check_import_name(const std::string& name, const std::vector<std::string>& reserved) {
  if (name.empty()) throw UsageError("the table name given with --as is empty");
  const std::string l = ascii_lower(name);
  if (l.rfind("sqlite_", 0) == 0)
    throw UsageError("--as " + name +
                     ": table names starting with sqlite_ (in any case) are reserved for SQLite's own tables");
  if (l.rfind("pragma_", 0) == 0)
    throw UsageError(
        "--as " + name +
        ": names starting with pragma_ are SQLite's table-valued PRAGMA functions (pragma_table_info, ...), "
        "which a table of that name would shadow");
  for (const auto& r : reserved)
    if (ascii_lower(r) == l)
      throw UsageError("--as " + name + ": " + r +
                       " is a warehouse table (created by schema/), which import never creates nor replaces; "
                       "choose another name" +
                       (l == "aigc_meta" ? std::string() : ", or add rows to it with: aigc load " + r + " FILE.csv"));
  if (has_control_character(name)) throw UsageError("--as: the table name holds a control character");
  if (names_builtin_table(name))
    throw UsageError("--as " + name + ": " + name +
                     " is one of SQLite's table-valued functions (eponymous virtual tables such as json_each), "
                     "which a table of that name would shadow");
}

LoadSummary import_table(sqlite3* db, CsvReader& csv, const std::string& name, const LoadOptions& options) {
  check_import_name(name, options.reserved_tables);
  IssueList issues(csv.name(), options.max_errors);
  Savepoint savepoint(db, "aigc_import");
  auto existing = table_names(db);
  bool exists = std::any_of(existing.begin(), existing.end(),
                            [&](const std::string& t) { return ascii_lower(t) == ascii_lower(name); });
  if (exists && !options.replace_table)
    throw UsageError("table " + name + " already exists; choose another name with --as, or pass --replace");
  if (!read_header(csv, issues)) issues.raise();
  check_width(db, csv, issues);
  if (auto hint = separator_hint(csv, options); !hint.empty()) issues.add(csv.position(0), "", hint);
  if (!issues.empty()) issues.raise();
  std::string ddl = "CREATE TABLE " + quote_identifier(name) + " (";
  // Names SQLite would take as one (case), or a reader would (spaces around).
  std::unordered_map<std::string, std::size_t> seen;
  for (std::size_t f = 0; f < csv.size(); ++f) {
    std::string col(csv.field(f));
    const bool bad = col.empty() || has_control_character(col);
    const auto [first, fresh] =
        bad ? std::pair{seen.end(), true} : seen.emplace(ascii_lower(std::string(trim(col, " \t"))), f);
    if ((bad || !fresh) && issues.accepting()) {
      if (col.empty())
        issues.add(csv.position(f), "", "empty column name in the header");
      else if (bad)
        issues.add(csv.position(f), col, "column name holds a control character (a line break, tab or the like)");
      else
        issues.add(csv.position(f), col,
                   "column named twice in the header (as header field " + std::to_string(first->second + 1) +
                       "; names are compared ignoring case and spaces around them)");
    }
    ddl += (f ? ", " : "") + quote_identifier(col) + " ANY";
  }
  ddl += ") STRICT";
  if (!issues.empty()) issues.raise();
  if (exists) exec(db, "DROP TABLE " + quote_identifier(name));
  exec(db, ddl);
  const TableInfo info = TableInfo::read(db, name);
  HeaderMap header;
  for (std::size_t f = 0; f < info.columns.size(); ++f) header.field_to_column.push_back(f);
  RowLoader loader(db, csv, info, options, issues);
  LoadSummary summary = loader.run(header);
  if (!issues.empty()) issues.raise();
  if (!options.dry_run) savepoint.release();  // else its destructor rolls back
  return summary;
}

}  // namespace aigc
