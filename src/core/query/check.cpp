// Data checks. Each check is data: a name, a description and SQL returning
// the rows that break it (see check.h for the columns). Checks that follow
// from each table's own schema (keys, CHECK rules, references) build their
// SQL per table from what SQLite reports about it; the others are SQL
// written out below.
#include "query/check.h"

#include <SQLiteCpp/Database.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <memory>
#include <optional>
#include <unordered_map>
#include <utility>

#include "base/error.h"
#include "base/resources.h"
#include "base/suggest.h"
#include "base/text.h"
#include "csv/csv_reader.h"
#include "sqlite/connection.h"
#include "sqlite/quote.h"
#include "sqlite/sql_tokenizer.h"
#include "sqlite/sqlite_error.h"
#include "sqlite/statement.h"
#include "sqlite/table_info.h"

namespace aigc {

namespace {

// ---------------------------------------------------------------- helpers

/// Runs `sql` binding `arg` (if not empty) to ?1 and hands each row to `fn`.
template <typename Fn>
void each_row(sqlite3* db, const std::string& sql, const std::string& arg, Fn fn) {
  Statement st(db, sql);
  if (!arg.empty()) st.bind_text(1, arg);
  while (st.step()) fn(std::as_const(st));
}

struct ColumnFacts {
  std::string name;
  bool not_null = false;
  int pk = 0;
};

/// What the per-table checks need to know about a table.
struct TableFacts {
  bool ordinary = false;  ///< an ordinary rowid table (not virtual, shadow or WITHOUT ROWID)
  std::string sql;
  std::vector<ColumnFacts> columns;

  const ColumnFacts* column(std::string_view name) const {
    for (const auto& c : columns)
      if (iequals(c.name, name)) return &c;
    return nullptr;
  }
};

TableFacts facts_of(sqlite3* db, const std::string& table) {
  TableFacts f;
  each_row(db, "SELECT type = 'table' AND wr = 0 FROM pragma_table_list WHERE name = ?1 AND schema = 'main'", table,
           [&](const Statement& st) { f.ordinary = st.column_int(0) != 0; });
  each_row(db, "SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = ?1", table,
           [&](const Statement& st) { f.sql = st.column_string(0); });
  each_row(db, "SELECT name, \"notnull\", pk FROM pragma_table_info(?1) ORDER BY cid", table, [&](const Statement& st) {
    f.columns.push_back({st.column_string(0), st.column_int(1) != 0, st.column_int(2)});
  });
  return f;
}

/// `name = ' || quote("name") || '` pieces: SQL text building "a = 'x', b = 3".
std::string values_sql(const std::vector<std::string>& columns, const std::string& alias = "") {
  std::string out;
  for (std::size_t i = 0; i < columns.size(); ++i) {
    out += (i ? " || ', ' || " : "") + quote_literal(columns[i] + " = ") + " || quote(" + alias +
           quote_identifier(columns[i]) + ")";
  }
  return out;
}

/// Columns of `t` named in `expr`, each once, in order of appearance:
/// words and quoted identifiers, never strings or comments.
std::vector<std::string> columns_named(std::string_view expr, const TableFacts& t) {
  std::vector<std::string> found;
  auto add = [&](std::string_view word) {
    if (const auto* c = t.column(word); c && std::find(found.begin(), found.end(), c->name) == found.end())
      found.push_back(c->name);
  };
  for (const auto& name : identifiers_in(expr)) add(name);
  return found;
}

// ------------------------------------------------- checks built per table

/// References to a missing parent row, as PRAGMA foreign_key_check finds
/// them, with the referencing values.
std::vector<std::string> foreign_key_queries(sqlite3* db, const std::string& table) {
  const TableFacts t = facts_of(db, table);
  if (!t.ordinary) return {};
  struct Fk {
    std::string parent;
    std::vector<std::string> from, to;
  };
  std::map<int, Fk> fks;
  each_row(db, "SELECT id, \"table\", \"from\", \"to\" FROM pragma_foreign_key_list(?1) ORDER BY id, seq", table,
           [&](const Statement& st) {
             auto& fk = fks[st.column_int(0)];
             fk.parent = st.column_string(1);
             fk.from.push_back(st.column_string(2));
             fk.to.push_back(st.column_string(3));
           });
  std::vector<std::string> out;
  for (auto& [id, fk] : fks) {
    if (std::any_of(fk.to.begin(), fk.to.end(), [](const std::string& s) { return s.empty(); })) {
      // No parent columns named: the parent's primary key.
      std::vector<std::string> pk;
      each_row(db, "SELECT name FROM pragma_table_info(?1) WHERE pk > 0 ORDER BY pk", fk.parent,
               [&](const Statement& st) { pk.push_back(st.column_string(0)); });
      fk.to = pk.size() == fk.from.size() ? pk : fk.from;
    }
    std::string to_list;
    for (std::size_t i = 0; i < fk.to.size(); ++i) to_list += (i ? ", " : "") + fk.to[i];
    out.push_back("SELECT " + quote_literal(table) + ", c.rowid, " + values_sql(fk.from, "c.") + " || " +
                  quote_literal(": no " + fk.parent + " row has " + to_list + " like that") +
                  " FROM pragma_foreign_key_check(" + quote_literal(table) + ") AS f JOIN " + quote_identifier(table) +
                  " AS c ON c.rowid = f.rowid WHERE f.fkid = " + std::to_string(id) + " ORDER BY c.rowid");
  }
  return out;
}

/// Rows sharing a primary or unique key, read from the table itself (NOT
/// INDEXED), so a damaged index cannot hide them.
std::vector<std::string> unique_key_queries(sqlite3* db, const std::string& table) {
  const TableFacts t = facts_of(db, table);
  if (!t.ordinary) return {};
  std::vector<std::string> indexes;
  each_row(db, "SELECT name FROM pragma_index_list(?1) WHERE \"unique\" AND NOT partial ORDER BY seq", table,
           [&](const Statement& st) { indexes.push_back(st.column_string(0)); });
  std::vector<std::string> out;
  for (const auto& index : indexes) {
    std::vector<std::string> cols, keyed;
    bool expression = false;
    each_row(
        db, "SELECT cid, name, coll FROM pragma_index_xinfo(?1) WHERE key ORDER BY seqno", index,
        [&](const Statement& st) {
          if (st.column_int(0) < 0) {
            expression = true;
            return;
          }
          cols.push_back(st.column_string(1));
          keyed.push_back(quote_identifier(st.column_string(1)) + " COLLATE " + quote_identifier(st.column_string(2)));
        });
    if (expression || cols.empty()) continue;
    std::string list, not_null;
    for (std::size_t i = 0; i < cols.size(); ++i) {
      list += (i ? ", " : "") + keyed[i];
      not_null += (i ? " AND " : "") + quote_identifier(cols[i]) + " IS NOT NULL";
    }
    const std::string tbl = quote_identifier(table) + " NOT INDEXED";
    out.push_back("SELECT " + quote_literal(table) + ", rowid, 'duplicate key: ' || " + values_sql(cols) +
                  " || ' is in more than one row' FROM " + tbl + " WHERE (" + list + ") IN (SELECT " + list + " FROM " +
                  tbl + " WHERE " + not_null + " GROUP BY " + list + " HAVING count(*) > 1) ORDER BY " + list +
                  ", rowid");
  }
  return out;
}

/// Values the schema's CHECK and NOT NULL rules refuse. SQLite enforces
/// them on insert, but PRAGMA ignore_check_constraints, an edited schema or
/// another tool can bypass that, and PRAGMA integrity_check does not look.
std::vector<std::string> accepted_value_queries(sqlite3* db, const std::string& table) {
  const TableFacts t = facts_of(db, table);
  if (!t.ordinary) return {};
  std::vector<std::string> out;
  for (const auto& expr : check_expressions(t.sql)) {
    const auto cols = columns_named(expr, t);
    const std::string shown = cols.empty() ? "'the row'" : values_sql(cols);
    out.push_back("SELECT " + quote_literal(table) + ", rowid, " + shown + " || " +
                  quote_literal(" breaks the rule CHECK (" + expr + ")") + " FROM " + quote_identifier(table) +
                  " WHERE NOT (" + expr + ") ORDER BY rowid");
  }
  for (const auto& c : t.columns) {
    if (!c.not_null) continue;
    out.push_back("SELECT " + quote_literal(table) + ", rowid, " +
                  quote_literal(c.name + " is NULL, but the column is NOT NULL") + " FROM " + quote_identifier(table) +
                  " WHERE " + quote_identifier(c.name) + " IS NULL ORDER BY rowid");
  }
  return out;
}

/// Rows that do not say where they come from: tables with provenance
/// columns need section_id or source_note, and a section_id needs its
/// source_line.
std::vector<std::string> provenance_queries(sqlite3* db, const std::string& table) {
  const TableFacts t = facts_of(db, table);
  if (!t.ordinary || !t.column("section_id") || !t.column("source_note")) return {};
  const std::string tbl = quote_identifier(table), name = quote_literal(table);
  std::vector<std::string> out = {"SELECT " + name +
                                  ", rowid, 'no provenance: neither section_id nor source_note is set' FROM " + tbl +
                                  " WHERE section_id IS NULL AND source_note IS NULL ORDER BY rowid"};
  if (t.column("source_line"))
    out.push_back("SELECT " + name + ", rowid, 'section_id ' || quote(section_id) || ' without its source_line' FROM " +
                  tbl + " WHERE section_id IS NOT NULL AND source_line IS NULL ORDER BY rowid");
  return out;
}

/// The lines rows cite, as SQL: "SELECT tbl, line" over every INTEGER
/// column named source_line or ending in _line (a section's start_line, the
/// second line of a list item) of every table but the ledger and the text's
/// own description.
std::string cited_lines_sql(sqlite3* db) {
  std::string sql = "SELECT NULL AS tbl, NULL AS line WHERE 0";
  each_row(db,
           "SELECT m.name, c.name FROM sqlite_schema AS m, pragma_table_info(m.name) AS c "
           "WHERE m.type = 'table' AND m.name NOT IN ('text_line', 'report_text') "
           "AND c.name LIKE '%\\_line' ESCAPE '\\' AND c.type = 'INTEGER' ORDER BY m.name, c.cid",
           "", [&](const Statement& st) {
             const std::string t = st.column_string(0), c = st.column_string(1);
             sql += " UNION ALL SELECT " + quote_literal(t) + ", " + quote_identifier(c) + " FROM " +
                    quote_identifier(t) + " WHERE " + quote_identifier(c) + " IS NOT NULL";
           });
  return sql;
}

bool has_table(sqlite3* db, const std::string& table) {
  bool found = false;
  each_row(db, "SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?1", table,
           [&](const Statement&) { found = true; });
  return found;
}

/// The coverage ledger (schema/007_coverage.sql): every non-blank line of
/// the report is cited by a row or listed in text_line, and the ledger says
/// nothing a row contradicts. Lines listed as not yet extracted are a
/// warning, documented by their known_gap.
std::vector<std::string> coverage_queries(sqlite3* db, const std::string& table) {
  if ((table != "report_text" && table != "text_line") || !has_table(db, "report_section") ||
      !has_table(db, "report_text") || !has_table(db, "text_line"))
    return {};
  const std::string cited = "WITH cited AS (" + cited_lines_sql(db) + ") ";
  if (table == "report_text")
    return {cited +
            "SELECT 'report_text', r.rowid, 'line ' || j.value || ' of ' || r.file || "
            "' is neither cited by a row nor listed in text_line' "
            "FROM report_text AS r, json_each(r.nonblank_lines) AS j "
            "WHERE j.value NOT IN (SELECT line FROM cited) "
            "AND NOT EXISTS (SELECT 1 FROM text_line AS t WHERE j.value BETWEEN t.first_line AND t.last_line) "
            "ORDER BY r.rowid, j.value"};
  return {
      "SELECT 'text_line', a.rowid, 'lines ' || a.first_line || '-' || a.last_line || ' overlap the range from line ' "
      "|| "
      "b.first_line FROM text_line AS a JOIN text_line AS b ON b.first_line > a.first_line AND b.first_line <= "
      "a.last_line "
      "ORDER BY a.first_line, b.first_line",
      cited +
          "SELECT 'text_line', t.rowid, 'line ' || c.line || ' is listed as ' || t.reason || ' but ' || c.tbl || "
          "' cites it' FROM text_line AS t JOIN (SELECT DISTINCT tbl, line FROM cited) AS c "
          "ON c.line BETWEEN t.first_line AND t.last_line ORDER BY t.first_line, c.line, c.tbl",
      cited +
          "SELECT 'text_line', t.rowid, 'line ' || t.first_line || ' (' || t.reason || ') refers to line ' || "
          "t.see_line || ', which no row cites' FROM text_line AS t WHERE t.see_line IS NOT NULL "
          "AND t.see_line NOT IN (SELECT line FROM cited) ORDER BY t.first_line",
      "SELECT 'text_line', t.rowid, 'lines ' || t.first_line || '-' || t.last_line || ' begin or end on a blank line' "
      "FROM text_line AS t WHERE EXISTS (SELECT 1 FROM report_text) AND (t.first_line NOT IN "
      "(SELECT j.value FROM report_text AS r, json_each(r.nonblank_lines) AS j) OR t.last_line NOT IN "
      "(SELECT j.value FROM report_text AS r, json_each(r.nonblank_lines) AS j)) ORDER BY t.first_line",
      "SELECT 'text_line', t.rowid, 'lines ' || t.first_line || '-' || t.last_line || "
      "' hold facts no row holds yet', t.gap_id FROM text_line AS t WHERE t.reason = 'not yet extracted' "
      "ORDER BY t.first_line"};
}

/// The report's extracted text (report/*.txt, embedded), one entry per line.
const std::vector<std::string_view>& report_lines() {
  static const std::vector<std::string_view> lines = [] {
    std::vector<std::string_view> out;
    const auto files = embedded_files("report/");
    if (files.empty()) return out;
    std::string_view text = files.front().data;
    while (!text.empty()) {
      const std::size_t eol = text.find('\n');
      out.push_back(text.substr(0, eol));
      text = eol == std::string_view::npos ? std::string_view() : text.substr(eol + 1);
    }
    return out;
  }();
  return lines;
}

/// SQL function aigc_report_line(N): line N of the report's text, or NULL
/// past its end. A function rather than a table, so the check needs no
/// write to a database it opens read only.
void report_line_function(sqlite3_context* ctx, int, sqlite3_value** argv) {
  const auto& lines = report_lines();
  const sqlite3_int64 n = sqlite3_value_int64(argv[0]);
  if (sqlite3_value_type(argv[0]) != SQLITE_INTEGER || n < 1 || static_cast<std::uint64_t>(n) > lines.size()) {
    sqlite3_result_null(ctx);
    return;
  }
  const auto line = lines[static_cast<std::size_t>(n - 1)];
  sqlite3_result_text64(ctx, line.data(), line.size(), SQLITE_STATIC, SQLITE_UTF8);
}

/// Rows citing a report line (source_line) whose text is not there: a
/// source_quote the line does not contain, or a line past the report's end.
/// Provenance must never say the report holds what it does not.
std::vector<std::string> quote_queries(sqlite3* db, const std::string& table) {
  const TableFacts t = facts_of(db, table);
  if (!t.ordinary || !t.column("source_line") || !t.column("source_quote")) return {};
  check(sqlite3_create_function_v2(db, "aigc_report_line", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, nullptr,
                                   report_line_function, nullptr, nullptr, nullptr),
        db);
  const std::string tbl = quote_identifier(table), name = quote_literal(table);
  const std::string count = std::to_string(report_lines().size());
  return {"SELECT " + name +
          ", rowid, CASE WHEN aigc_report_line(source_line) IS NULL THEN 'source_line ' || "
          "source_line || ' is not a line of the report (it has " +
          count +
          " lines)' ELSE 'source_quote ' || "
          "quote(source_quote) || ' is not on the report''s line ' || source_line || ': ' || "
          "quote(substr(aigc_report_line(source_line), 1, 80)) END FROM " +
          tbl +
          " WHERE source_line IS NOT NULL AND (aigc_report_line(source_line) IS NULL OR (source_quote IS NOT NULL AND "
          "instr(aigc_report_line(source_line), source_quote) = 0)) ORDER BY rowid"};
}

// ---------------------------------------------------------- the checks

const std::vector<CheckSpec> kChecks = {
    {"integrity", "the file's structure, indexes and column types are sound (PRAGMA integrity_check)",
     "SELECT NULL, NULL, integrity_check FROM pragma_integrity_check WHERE integrity_check <> 'ok'"},
    {"foreign_keys", "every reference names an existing row (PRAGMA foreign_key_check)", "", foreign_key_queries},
    {"unique_keys", "no two rows share a primary or unique key", "", unique_key_queries},
    {"accepted_values", "every value is one the schema's CHECK and NOT NULL rules accept", "", accepted_value_queries},
    {"min_le_max", "a range's minimum is not above its maximum",
     "SELECT 'pricing', rowid, 'price_min ' || price_min || ' > price_max ' || price_max FROM pricing "
     "WHERE price_min > price_max "
     "UNION ALL SELECT 'deployment_cost', rowid, 'amount_min ' || amount_min || ' > amount_max ' || amount_max "
     "FROM deployment_cost WHERE amount_min > amount_max "
     "UNION ALL SELECT 'key_figure', rowid, 'value_min ' || value_min || ' > value_max ' || value_max "
     "FROM key_figure WHERE value_min > value_max"},
    // The report's list declares TOP30 but the text names 28 firms: a gap
    // documented in known_gap (on the list's own section), so a warning.
    {"declared_counts", "a list holds as many entries as it declares",
     "SELECT 'leader_list', l.rowid, 'declares ' || l.declared_size || ' entries, has ' || "
     "(SELECT count(*) FROM leader_entry e WHERE e.list_id = l.list_id), "
     "(SELECT g.gap_id FROM known_gap g WHERE g.gap_id = 'leader_list_two_missing' AND g.section_id = l.section_id) "
     "FROM leader_list l WHERE l.declared_size <> (SELECT count(*) FROM leader_entry e WHERE e.list_id = l.list_id) "
     "ORDER BY l.rowid"},
    {"provenance", "every row says where it comes from (section_id with source_line, or source_note)", "",
     provenance_queries},
    {"coverage", "every non-blank line of the report is cited by a row or listed in text_line with its reason", "",
     coverage_queries},
    {"quotes", "a row citing a line of the report quotes text that line holds", "", quote_queries},
};

// ---------------------------------------------------- locating failing rows

/// Finds a failing row's key and, for seed rows, its seed file and line.
class RowLocator {
 public:
  RowLocator(sqlite3* db, const std::vector<SourceFile>& seeds) : db_(db), seeds_(seeds) {}

  void locate(const std::string& table, sqlite3_int64 rowid, CheckFinding& f) {
    Table& t = table_for(table);
    if (!t.key) {
      f.key = "rowid = " + std::to_string(rowid);
      return;
    }
    t.key->reset();
    t.key->bind_int64(1, rowid);
    if (t.key->try_step() != SQLITE_ROW) {  // no such row, or it cannot be read: shown by rowid
      f.key = "rowid = " + std::to_string(rowid);
      t.key->reset();
      return;
    }
    std::string raw;
    for (std::size_t i = 0; i < t.pk.size(); ++i) {
      f.key += (i ? ", " : "") + t.pk[i] + " = " + t.key->column_string(static_cast<int>(i));
      raw += t.key->column_string(static_cast<int>(i + t.pk.size())) + '\x1f';
    }
    t.key->reset();
    if (auto it = t.seed_lines.find(raw); it != t.seed_lines.end())
      f.source = t.seed_file + ":" + std::to_string(it->second);
  }

 private:
  struct Table {
    std::vector<std::string> pk;
    std::optional<Statement> key;  ///< quote(pk...), pk... for a rowid
    std::string seed_file;
    std::unordered_map<std::string, std::uint64_t> seed_lines;  ///< raw key -> line
  };

  Table& table_for(const std::string& table) {
    auto [it, inserted] = tables_.try_emplace(table);
    if (!inserted) return it->second;
    Table& t = it->second;
    try {
      each_row(db_, "SELECT name FROM pragma_table_info(?1) WHERE pk > 0 ORDER BY pk", table,
               [&](const Statement& st) { t.pk.push_back(st.column_string(0)); });
      if (t.pk.empty()) return t;
      std::string quoted, plain;
      for (std::size_t i = 0; i < t.pk.size(); ++i) {
        quoted += (i ? ", quote(" : "quote(") + quote_identifier(t.pk[i]) + ")";
        plain += ", " + quote_identifier(t.pk[i]);
      }
      t.key.emplace(db_, "SELECT " + quoted + plain + " FROM " + quote_identifier(table) + " WHERE rowid = ?1");
      index_seed(table, t);
    } catch (const DataError&) {
      t.key.reset();  // a table we cannot read keys from: rows are shown by rowid
    }
    return t;
  }

  void index_seed(const std::string& table, Table& t) {
    for (const auto& file : seeds_) {
      auto slash = file.name.find_last_of('/');
      std::string base = slash == std::string::npos ? file.name : file.name.substr(slash + 1);
      if (!iequals(base, table + ".csv")) continue;
      try {
        CsvReader csv(file.data, file.name);
        if (!csv.next()) return;
        std::vector<std::size_t> fields;
        for (const auto& col : t.pk) {
          std::optional<std::size_t> at;
          for (std::size_t i = 0; i < csv.size(); ++i)
            if (iequals(csv.field(i), col)) at = i;
          if (!at) return;  // the seed does not give the key: cannot match rows
          fields.push_back(*at);
        }
        while (csv.next()) {
          std::string raw;
          for (auto i : fields) raw += std::string(i < csv.size() ? csv.field(i) : std::string_view{}) + '\x1f';
          t.seed_lines.emplace(std::move(raw), csv.record_line());
        }
        t.seed_file = file.name;
      } catch (const DataError&) {
        t.seed_lines.clear();  // an unreadable seed locates nothing
      }
      return;
    }
  }

  sqlite3* db_;
  const std::vector<SourceFile>& seeds_;
  std::map<std::string, Table> tables_;
};

void run_query(sqlite3* db, const std::string& sql, CheckResult& result, RowLocator& locator,
               std::size_t max_findings) {
  Statement st(db, sql);
  const int columns = st.column_count();
  if (columns < 3) throw DataError("a check's query must return table, rowid and detail");
  while (st.step()) {
    CheckFinding f;
    const bool located = !st.column_is_null(0);
    f.table = st.column_string(0);
    f.detail = st.column_string(2);
    if (columns > 3) f.known_gap = st.column_string(3);
    ++result.total;
    if (!f.known_gap.empty()) ++result.known_gaps;
    if (result.findings.size() >= max_findings) continue;
    if (located && !st.column_is_null(1)) locator.locate(f.table, st.column_int64(1), f);
    result.findings.push_back(std::move(f));
  }
}

std::string_view status_of(const CheckResult& r) { return r.failed() ? "FAIL" : r.warned() ? "warn" : "ok"; }

std::string plural(std::uint64_t n, const std::string& one, const std::string& many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

}  // namespace

const std::vector<CheckSpec>& data_checks() { return kChecks; }

std::size_t CheckReport::failed() const noexcept {
  return static_cast<std::size_t>(
      std::count_if(results.begin(), results.end(), [](const auto& r) { return r.failed(); }));
}

std::size_t CheckReport::warned() const noexcept {
  return static_cast<std::size_t>(
      std::count_if(results.begin(), results.end(), [](const auto& r) { return r.warned(); }));
}

CheckReport run_checks(sqlite3* db, const CheckOptions& options) {
  std::vector<std::string> names;
  for (const auto& c : kChecks) names.emplace_back(c.name);
  for (const auto& want : options.only) {
    if (std::find(names.begin(), names.end(), want) != names.end()) continue;
    std::string msg = "no check named " + want;
    if (auto hint = did_you_mean(want, names); !hint.empty()) msg += "; " + hint;
    throw UsageError(msg + " (aigc check --list shows them)");
  }
  RowLocator locator(db, options.seeds);
  const auto tables = table_names(db);
  CheckReport report;
  for (const auto& spec : kChecks) {
    if (!options.only.empty() && std::find(options.only.begin(), options.only.end(), spec.name) == options.only.end())
      continue;
    CheckResult r;
    r.name = spec.name;
    r.description = spec.description;
    try {
      if (spec.per_table) {
        for (const auto& table : tables)
          for (const auto& sql : spec.per_table(db, table)) run_query(db, sql, r, locator, options.max_findings);
      } else {
        run_query(db, std::string(spec.sql), r, locator, options.max_findings);
      }
    } catch (const DataError& e) {
      r.error = std::string("could not run: ") + e.what();
    }
    report.results.push_back(std::move(r));
  }
  return report;
}

std::vector<SourceFile> warehouse_seeds(sqlite3* db) {
  std::string origin;
  try {
    each_row(db, "SELECT value FROM aigc_meta WHERE key = 'seed_origin'", "",
             [&](const Statement& st) { origin = st.column_string(0); });
  } catch (const DataError&) {
    // Not built by aigc: no aigc_meta. Locate rows in the embedded seeds.
  }
  std::error_code ec;
  if (!origin.empty() && origin != "embedded" && fs::is_directory(fs::path(origin) / "seeds", ec)) {
    try {
      auto seeds = BuildSources::from_directory(origin).seeds;
      for (auto& s : seeds) s.name = (fs::path(origin) / s.name).string();
      return seeds;
    } catch (const Error&) {
      // The directory changed since the build: fall back to the embedded seeds.
    }
  }
  return BuildSources::embedded().seeds;
}

void write_check_report(const CheckReport& report, std::ostream& out) {
  std::size_t width = 0;
  for (const auto& r : report.results) width = std::max(width, r.name.size());
  for (const auto& r : report.results) {
    out << status_of(r) << std::string(6 - status_of(r).size(), ' ') << r.name
        << std::string(width + 2 - r.name.size(), ' ') << r.description;
    if (!r.error.empty())
      out << ": " << r.error;
    else if (r.failed())
      out << ": " << plural(r.total - r.known_gaps, "failing row", "failing rows");
    if (r.known_gaps) out << (r.failed() ? ", " : ": ") << plural(r.known_gaps, "known gap", "known gaps");
    out << "\n";
    for (const auto& f : r.findings) {
      out << "      " << (f.table.empty() ? "(database)" : f.table);
      if (!f.key.empty()) out << ": " << f.key;
      if (!f.source.empty()) out << " (" << f.source << ")";
      out << ": " << f.detail;
      if (!f.known_gap.empty()) out << " [known gap " << f.known_gap << "]";
      out << "\n";
    }
    if (r.total > r.findings.size()) out << "      ... and " << (r.total - r.findings.size()) << " more\n";
  }
  const std::size_t failed = report.failed(), warned = report.warned();
  out << plural(report.results.size(), "check", "checks") << ": " << (report.results.size() - failed - warned)
      << " passed, " << failed << " failed";
  if (warned) out << ", " << warned << " passed with known gaps";
  out << "\n";
}

void render_check_report(const CheckReport& report, std::ostream& out, const RenderOptions& options) {
  // The renderer reads rows from a statement: the findings go through a
  // table in a private in-memory database.
  SQLite::Database mem(":memory:", SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
  harden_connection(mem.getHandle());
  mem.exec(
      "CREATE TABLE finding (seq INTEGER PRIMARY KEY, \"check\" TEXT, status TEXT, \"table\" TEXT, \"key\" TEXT, "
      "source TEXT, detail TEXT, known_gap TEXT)");
  Statement insert(mem.getHandle(),
                   "INSERT INTO finding (\"check\", status, \"table\", \"key\", source, detail, known_gap) "
                   "VALUES (?, ?, ?, ?, ?, ?, ?)",
                   Prepare::persistent);
  // The strings bound are alive until the row is written by step().
  auto add = [&](const std::string& check, const std::string& status, const CheckFinding& f) {
    auto text_or_null = [&](int i, const std::string& s) {
      if (s.empty())
        insert.bind_null(i);
      else
        insert.bind_text(i, s);
    };
    insert.bind_text(1, check);
    insert.bind_text(2, status);
    text_or_null(3, f.table);
    text_or_null(4, f.key);
    text_or_null(5, f.source);
    insert.bind_text(6, f.detail);
    text_or_null(7, f.known_gap);
    insert.step();
    insert.reset();
  };
  for (const auto& r : report.results) {
    if (!r.error.empty()) add(r.name, "error", CheckFinding{"", "", "", r.error, ""});
    for (const auto& f : r.findings) add(r.name, f.known_gap.empty() ? "fail" : "warn", f);
  }
  Statement select(mem.getHandle(),
                   "SELECT \"check\", status, \"table\", \"key\", source, detail, known_gap FROM finding ORDER BY seq");
  render_statement(select.get(), out, options);
}

}  // namespace aigc
