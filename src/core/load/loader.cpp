#include "load/loader.h"

#include <algorithm>
#include <cctype>
#include <optional>
#include <set>
#include <tuple>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "load/check_probe.h"
#include "sqlite/database.h"
#include "base/error.h"
#include "load/multi_row_insert.h"
#include "load/upsert_keys.h"
#include "base/suggest.h"
#include "sqlite/table_info.h"
#include "load/row_pipeline.h"
#include "sqlite/value.h"

namespace aigc {

namespace {

constexpr std::uint64_t kProgressEvery = 16384;
constexpr std::size_t kParentCacheSize = 65536;  ///< parent keys remembered per foreign key

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

/// Collects issues up to the limit.
class IssueList {
 public:
  IssueList(std::string file, std::size_t limit) : file_(std::move(file)), limit_(limit) {}
  void add(FieldPos pos, std::string column, std::string message) {
    add(DataIssue{{file_, pos.line, pos.column}, std::move(column), std::move(message)});
  }
  void add(DataIssue issue) {
    if (full()) {
      stopped_ = true;
      return;
    }
    issues_.push_back(std::move(issue));
  }
  bool full() const { return issues_.size() >= limit_; }
  /// Whether another issue would be kept; when not, notes that reading
  /// stopped early. Lets a caller skip the cost of locating an issue that
  /// would be dropped: a header of 100,000 bad names costs linear time.
  bool accepting() {
    if (full()) stopped_ = true;
    return !full();
  }
  bool empty() const { return issues_.empty(); }
  std::size_t size() const { return issues_.size(); }
  [[noreturn]] void raise() {
    std::stable_sort(issues_.begin(), issues_.end(), [](const DataIssue& a, const DataIssue& b) {
      return std::tie(a.where.line, a.where.column) < std::tie(b.where.line, b.where.column);
    });
    throw LoadError(std::move(issues_), stopped_ || full());
  }

 private:
  std::string file_;
  std::size_t limit_;
  std::vector<DataIssue> issues_;
  bool stopped_ = false;
};

/// The header mapped onto a table: for each CSV field, the column index.
struct HeaderMap {
  std::vector<std::size_t> field_to_column;
};

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

/// A header wider than SQLite allows a table is refused at its first column
/// too many, naming the limit (rather than SQLite's bare "too many columns").
void check_width(sqlite3* db, CsvReader& csv, IssueList& issues) {
  const int limit = sqlite3_limit(db, SQLITE_LIMIT_COLUMN, -1);
  if (limit <= 0 || csv.size() <= static_cast<std::size_t>(limit)) return;
  issues.add(csv.position(static_cast<std::size_t>(limit)), "",
             "the header has " + std::to_string(csv.size()) + " columns; SQLite allows at most " + std::to_string(limit) +
                 " columns in a table (SQLITE_MAX_COLUMN)");
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
        const int trimmed = table.find_column(std::string(trim(name)));
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
      issues.add({csv.record_line(), 1}, col.name, "required column is missing from the header (it is NOT NULL and has no default)");
  }
  return map;
}

std::string render(const Value& v) {
  switch (v.kind) {
    case Value::Kind::null: return "NULL";
    case Value::Kind::integer: return std::to_string(v.i);
    case Value::Kind::real: {
      char buf[32];
      snprintf(buf, sizeof buf, "%.15g", v.d);
      return buf;
    }
    case Value::Kind::text: return show_value(v.s);
  }
  return "";
}

/// A value kept past the current record (a forward reference to re-check).
struct OwnedValue {
  Value::Kind kind;
  std::int64_t i;
  double d;
  std::string s;
  Value view() const { return Value{kind, i, d, s}; }
};

/// A row's reference to a row of the same table not yet seen.
struct PendingReference {
  std::size_t fk;
  std::vector<OwnedValue> values;
  FieldPos pos;
};

/// Column names named in an SQLite constraint message ("UNIQUE constraint
/// failed: t.a, t.b"), or every column identifier inside a CHECK expression.
std::vector<std::size_t> columns_in(const std::string& text, const TableInfo& table) {
  std::vector<std::size_t> found;
  std::string word;
  auto flush = [&] {
    if (word.empty()) return;
    auto dot = word.rfind('.');
    std::string name = dot == std::string::npos ? word : word.substr(dot + 1);
    int idx = table.find_column(name);
    if (idx >= 0 && std::find(found.begin(), found.end(), static_cast<std::size_t>(idx)) == found.end())
      found.push_back(static_cast<std::size_t>(idx));
    word.clear();
  };
  bool in_string = false;
  for (char c : text) {
    if (c == '\'') {
      in_string = !in_string;
      word.clear();
      continue;
    }
    if (in_string) continue;
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || (static_cast<unsigned char>(c) >= 0x80))
      word += c;
    else
      flush();
  }
  flush();
  return found;
}

/// The shared row loop of load and import.
class RowLoader {
 public:
  RowLoader(sqlite3* db, CsvReader& csv, const TableInfo& table, const LoadOptions& options, IssueList& issues)
      : db_(db), csv_(csv), table_(table), options_(options), issues_(issues) {}

  LoadSummary run(const HeaderMap& header) {
    header_ = header;
    prepare();
    LoadSummary summary;
    summary.table = table_.name;
    std::vector<const TableColumn*> columns;
    for (auto c : header_.field_to_column) columns.push_back(&table_.columns[c]);
    RowPipeline pipeline(csv_, std::move(columns));
    pipeline_ = &pipeline;
    std::vector<DataIssue> read_issues;
    ParsedRow row;
    while (!issues_.full() && pipeline.next(row, read_issues)) {
      for (auto& i : read_issues) issues_.add(std::move(i));
      read_issues.clear();
      ++summary.rows;
      if (summary.rows % kProgressEvery == 0 && options_.progress)
        options_.progress({summary.rows, pipeline.bytes_read(), pipeline.total_bytes()});
      load_row(row, summary);
      // The pipeline recycles the memory of a batch's rows on the next call.
      if (row.last_in_batch) flush(summary);
    }
    flush(summary);
    for (auto& i : read_issues) issues_.add(std::move(i));
    recheck_pending();
    if (options_.progress) options_.progress({summary.rows, pipeline.bytes_read(), pipeline.total_bytes()});
    pipeline_ = nullptr;
    return summary;
  }

 private:
  /// A row waiting in the batch for the multi-row insert.
  struct BatchedRow {
    ParsedRow row;
    bool referenced;
  };

  void load_row(const ParsedRow& row, LoadSummary& summary) {
    if (row.ragged) return;  // reported; nothing to check further
    row_ = &row;
    const bool converted = std::none_of(row.bad, row.bad + row.size, [](std::uint8_t b) { return b != 0; });
    const bool referenced = check_references(row.values);
    if (!converted) return;
    // Inserted even when a reference is missing, so that SQLite's own
    // constraints on the row are reported in the same pass; the file is
    // refused as a whole anyway.
    if (!multi_) {
      insert_one(row, referenced, summary);
      return;
    }
    batch_.push_back({row, referenced});
    if (batch_.size() == multi_->capacity()) flush(summary);
  }

  /// Inserts the batched rows: a full batch in one statement; a short one,
  /// or one SQLite refused, row by row, so that each broken row is reported
  /// at its own line as if there were no batching.
  void flush(LoadSummary& summary) {
    if (batch_.empty()) return;
    if (batch_.size() == multi_->capacity()) {
      batch_values_.clear();
      for (const auto& b : batch_) batch_values_.push_back(b.row.values);
      const int rc = multi_->insert(batch_values_);
      if (rc == SQLITE_DONE) {
        for (const auto& b : batch_) summary.added += b.referenced;
        batch_.clear();
        return;
      }
      // Only refused rows are replayed; any other error (a full disk, an
      // I/O error) ends the load here, at the batch's first line.
      row_ = &batch_.front().row;
      if ((rc & 0xff) != SQLITE_CONSTRAINT) report_step_error(rc, row_->values);
      ensure_transaction(rc);
    }
    for (const auto& b : batch_) insert_one(b.row, b.referenced, summary);
    batch_.clear();
  }

  void insert_one(const ParsedRow& row, bool referenced, LoadSummary& summary) {
    row_ = &row;
    if (upsert_keys_) {
      if (const std::uint64_t first = upsert_keys_->first_line_of(row.values, row.line)) {
        report_repeated_key(first, row.values);
        return;
      }
    }
    const bool existed = options_.upsert && exists(row.values);
    const int rc = insert(row.values);
    if (rc != SQLITE_DONE)
      report_step_error(rc, row.values);
    else if (referenced)
      (existed ? summary.replaced : summary.added) += 1;
  }

  void prepare() {
    std::string cols, params, update;
    std::vector<std::string> quoted;
    for (std::size_t f = 0; f < header_.field_to_column.size(); ++f) {
      const auto& name = quote_identifier(table_.columns[header_.field_to_column[f]].name);
      quoted.push_back(name);
      cols += (f ? ", " : "") + name;
      params += (f ? ", ?" : "?") + std::to_string(f + 1);
      update += (update.empty() ? "" : ", ") + name + " = excluded." + name;
    }
    if (!options_.upsert) {
      multi_.emplace(db_, table_.name, quoted);
      if (multi_->capacity() < 2) multi_.reset();
    }
    std::string sql = "INSERT INTO " + quote_identifier(table_.name) + " (" + cols + ") VALUES (" + params + ")";
    if (options_.upsert) {
      auto pk = table_.primary_key();
      std::string key, where;
      std::vector<std::size_t> key_fields;
      for (std::size_t k = 0; k < pk.size(); ++k) {
        auto field = field_of(pk[k]);
        if (!field) throw UsageError("--upsert needs the key column " + table_.columns[pk[k]].name + " in the header");
        key_fields.push_back(*field);
        key += (k ? ", " : "") + quote_identifier(table_.columns[pk[k]].name);
        where += std::string(k ? " AND " : "") + quote_identifier(table_.columns[pk[k]].name) + " = ?" +
                 std::to_string(*field + 1);
      }
      if (pk.empty()) throw UsageError("--upsert needs a primary key; table " + table_.name + " has none");
      sql += " ON CONFLICT (" + key + ") DO UPDATE SET " + update;
      exists_.emplace(db_, "SELECT 1 FROM " + quote_identifier(table_.name) + " WHERE " + where);
      upsert_keys_.emplace(db_, std::move(key_fields));
    }
    insert_.emplace(db_, sql);
    for (const auto& fk : table_.foreign_keys) {
      std::string where;
      for (std::size_t k = 0; k < fk.parent_columns.size(); ++k)
        where += std::string(k ? " AND " : "") + quote_identifier(fk.parent_columns[k]) + " = ?" + std::to_string(k + 1);
      lookups_.emplace_back(db_, "SELECT 1 FROM " + quote_identifier(fk.parent_table) + " WHERE " + where + " LIMIT 1");
    }
  }

  std::optional<std::size_t> field_of(std::size_t column) const {
    for (std::size_t f = 0; f < header_.field_to_column.size(); ++f)
      if (header_.field_to_column[f] == column) return f;
    return std::nullopt;
  }

  /// Where field f of the current row starts.
  FieldPos where(std::size_t f) const { return pipeline_->locate(*row_, f); }

  /// Foreign keys are checked here, row by row, so a dangling reference is
  /// reported at its own line and column (SQLite's own check would only say
  /// that some row somewhere is wrong).
  bool check_references(const Value* values) {
    bool ok = true;
    for (std::size_t k = 0; k < table_.foreign_keys.size(); ++k) {
      const auto& fk = table_.foreign_keys[k];
      std::vector<Value>& key = key_values_;  // reused: no allocation per row
      key.clear();
      std::optional<std::size_t> first_field;
      bool has_null = false;
      for (auto c : fk.child_columns) {
        auto f = field_of(c);
        if (!f || values[*f].kind == Value::Kind::null || row_->bad[*f]) {
          has_null = true;  // a NULL (or defaulted, or already refused) reference: nothing to look up
          break;
        }
        if (!first_field) first_field = f;
        key.push_back(values[*f]);
      }
      if (has_null) continue;
      if (parent_has(k, key)) continue;
      if (lower(fk.parent_table) == lower(table_.name)) {
        // May refer to a row further down the file: check again at the end.
        PendingReference p{k, {}, where(*first_field)};
        for (const auto& v : key) p.values.push_back({v.kind, v.i, v.d, std::string(v.s)});
        pending_.push_back(std::move(p));
        continue;
      }
      issues_.add(where(*first_field), table_.columns[fk.child_columns[0]].name, missing_parent(fk, key));
      ok = false;
    }
    return ok;
  }

  bool parent_has(std::size_t k, const std::vector<Value>& key) {
    // Most files refer to a few parents many times: remember the keys found
    // (a load only inserts, so a parent found stays there). Bounded memory.
    std::string& encoded = key_buffer_;
    encoded.clear();
    for (const auto& v : key) {
      encoded += static_cast<char>('0' + static_cast<int>(v.kind));
      switch (v.kind) {
        case Value::Kind::integer: encoded.append(reinterpret_cast<const char*>(&v.i), sizeof v.i); break;
        case Value::Kind::real: encoded.append(reinterpret_cast<const char*>(&v.d), sizeof v.d); break;
        case Value::Kind::text: encoded.append(v.s); break;
        case Value::Kind::null: break;
      }
      encoded += '\x1f';
    }
    auto& cache = found_parents_[k];
    if (cache.count(encoded)) return true;
    auto& st = lookups_[k];
    for (std::size_t i = 0; i < key.size(); ++i) bind_value(st, static_cast<int>(i + 1), key[i]);
    int rc = st.step();
    st.reset();
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) throw DataError(explain_sqlite_error(db_));
    if (rc == SQLITE_ROW && cache.size() < kParentCacheSize) cache.insert(encoded);
    return rc == SQLITE_ROW;
  }

  std::string missing_parent(const ForeignKey& fk, const std::vector<Value>& key) const {
    std::string cols, vals;
    for (std::size_t i = 0; i < key.size(); ++i) {
      cols += (i ? ", " : "") + fk.parent_columns[i];
      vals += (i ? ", " : "") + render(key[i]);
    }
    return "no " + fk.parent_table + " row has " + cols + " = " + vals + " (foreign key)";
  }

  void recheck_pending() {
    for (const auto& p : pending_) {
      std::vector<Value> key;
      for (const auto& v : p.values) key.push_back(v.view());
      if (!parent_has(p.fk, key)) {
        const auto& fk = table_.foreign_keys[p.fk];
        issues_.add(p.pos, table_.columns[fk.child_columns[0]].name, missing_parent(fk, key));
      }
    }
  }

  bool exists(const Value* values) {
    // The lookup names only the key's fields (?N = field N), so bind those.
    const int params = sqlite3_bind_parameter_count(exists_->get());
    for (int f = 0; f < params; ++f) bind_value(*exists_, f + 1, values[static_cast<std::size_t>(f)]);
    int rc = exists_->step();
    exists_->reset();
    return rc == SQLITE_ROW;
  }

  int insert(const Value* values) {
    for (std::size_t f = 0; f < row_->size; ++f) bind_value(*insert_, static_cast<int>(f + 1), values[f]);
    int rc = insert_->step();
    insert_->reset();
    return rc;
  }

  /// After a failed step: SQLite may have rolled back the whole transaction
  /// (an ON CONFLICT ROLLBACK rule, an I/O error). Going on would write rows
  /// outside it, so the load stops; nothing of it was kept.
  void ensure_transaction(int rc) const {
    if (sqlite3_get_autocommit(db_) == 0) return;
    throw DataError(csv_.name() + ":" + std::to_string(row_->line) + ": SQLite rolled back the load (" +
                    sqlite3_errstr(rc) + "); nothing of this file was written");
  }

  void report_step_error(int rc, const Value* values) {
    const int ext = sqlite3_extended_errcode(db_);
    const std::string msg = sqlite3_errmsg(db_);
    if ((rc & 0xff) == SQLITE_CONSTRAINT) ensure_transaction(rc);
    if ((rc & 0xff) != SQLITE_CONSTRAINT)
      throw DataError(csv_.name() + ":" + std::to_string(row_->line) + ": cannot write to the warehouse: " +
                      explain_sqlite_error(ext, msg, sqlite3_system_errno(db_)));
    auto cols = columns_in(msg.substr(msg.find(':') == std::string::npos ? 0 : msg.find(':') + 1), table_);
    // A plain index rather than std::optional: g++ 12 warns falsely on the latter here.
    constexpr std::size_t none = static_cast<std::size_t>(-1);
    std::size_t field = none;
    if (!cols.empty())
      if (auto f = field_of(cols[0])) field = *f;
    FieldPos at = field != none ? where(field) : FieldPos{row_->line, 1};
    std::string column = cols.empty() ? "" : table_.columns[cols[0]].name;
    std::string what;
    if (ext == SQLITE_CONSTRAINT_PRIMARYKEY || ext == SQLITE_CONSTRAINT_UNIQUE) {
      std::string names, vals;
      for (std::size_t i = 0; i < cols.size(); ++i) {
        auto f = field_of(cols[i]);
        names += (i ? ", " : "") + table_.columns[cols[i]].name;
        vals += (i ? ", " : "") + (f ? render(values[*f]) : "?");
      }
      what = "duplicate key: a row with " + names + " = " + vals + " already exists";
    } else if (ext == SQLITE_CONSTRAINT_CHECK) {
      // SQLite names only the first rule broken; name them all, so the file
      // can be fixed in one pass.
      if (!probe_) probe_.emplace(db_, table_, header_.field_to_column);
      auto failing = probe_->failing(values);
      if (failing.empty()) {
        report_check(msg.substr(msg.find(':') + 2), values);
      } else {
        for (auto k : failing) report_check(table_.checks[k], values);
      }
      return;
    } else if (ext == SQLITE_CONSTRAINT_NOTNULL) {
      what = "a value is required (the column is NOT NULL)";
    } else {
      what = msg;
    }
    issues_.add(at, column, what);
  }

  /// A key given a second time in an --upsert file, reported at this row.
  void report_repeated_key(std::uint64_t first_line, const Value* values) {
    std::string names, vals;
    const auto pk = table_.primary_key();
    std::size_t first_field = 0;
    for (std::size_t k = 0; k < pk.size(); ++k) {
      const std::size_t f = *field_of(pk[k]);  // --upsert requires every key column in the header
      if (k == 0) first_field = f;
      names += (k ? ", " : "") + table_.columns[pk[k]].name;
      vals += (k ? ", " : "") + render(values[f]);
    }
    issues_.add(where(first_field), table_.columns[pk[0]].name,
                "key " + names + " = " + vals + " is also at line " + std::to_string(first_line) +
                    "; with --upsert each key may appear once in a file");
  }

  /// One broken CHECK, reported at the first column it names.
  void report_check(const std::string& expr, const Value* values) {
    std::size_t field = static_cast<std::size_t>(-1);
    std::string column;
    for (auto c : columns_in(expr, table_)) {
      if (auto f = field_of(c)) {
        field = *f;
        column = table_.columns[c].name;
        break;
      }
    }
    const bool known = field != static_cast<std::size_t>(-1);
    issues_.add(known ? where(field) : FieldPos{row_->line, 1}, column,
                (known ? "value " + render(values[field]) + " breaks" : std::string("breaks")) + " the rule CHECK (" + expr + ")");
  }

  sqlite3* db_;
  CsvReader& csv_;
  const TableInfo& table_;
  const LoadOptions& options_;
  IssueList& issues_;
  HeaderMap header_;
  std::optional<RawStatement> insert_;
  std::optional<MultiRowInsert> multi_;  ///< unless --upsert, or too many columns
  std::vector<BatchedRow> batch_;
  std::vector<const Value*> batch_values_;
  std::optional<RawStatement> exists_;
  std::optional<UpsertKeys> upsert_keys_;  ///< with --upsert
  std::optional<CheckProbe> probe_;  ///< prepared when a first CHECK fails
  std::vector<RawStatement> lookups_;
  std::vector<PendingReference> pending_;
  RowPipeline* pipeline_ = nullptr;
  const ParsedRow* row_ = nullptr;  ///< the row being loaded
  std::vector<std::unordered_set<std::string>> found_parents_ =
      std::vector<std::unordered_set<std::string>>(table_.foreign_keys.size());
  std::string key_buffer_;
  std::vector<Value> key_values_;
};

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
      RawStatement last(db, "SELECT coalesce(max(rowid), 0) FROM " + quote_identifier(table));
      if (last.step() == SQLITE_ROW && static_cast<std::uint64_t>(sqlite3_column_int64(last.get(), 0)) * 64 > input_bytes)
        return;
      RawStatement list(db, "SELECT name, sql FROM sqlite_schema WHERE type = 'index' AND tbl_name = ?1 AND sql IS "
                            "NOT NULL AND upper(sql) NOT LIKE 'CREATE UNIQUE%' ORDER BY rowid");
      list.bind_text(1, table);
      while (list.step() == SQLITE_ROW) {
        indexes_.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(list.get(), 0)),
                              reinterpret_cast<const char*>(sqlite3_column_text(list.get(), 1)));
      }
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
  if (lower(info.name) == "aigc_meta")
    throw UsageError("aigc_meta is aigc's own record of how the warehouse was built; aigc load writes only the "
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
  const bool loader_checks_all = std::all_of(info.foreign_keys.begin(), info.foreign_keys.end(), [&](const ForeignKey& fk) {
    return std::all_of(fk.child_columns.begin(), fk.child_columns.end(), [&](std::size_t c) {
      return !info.columns[c].has_default ||
             std::find(header.field_to_column.begin(), header.field_to_column.end(), c) != header.field_to_column.end();
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
  sqlite3_stmt* st = nullptr;
  const std::string sql = "SELECT 1 FROM " + quote_identifier(name);
  const int rc = sqlite3_prepare_v2(mem, sql.c_str(), -1, &st, nullptr);
  sqlite3_finalize(st);
  sqlite3_close(mem);
  return rc == SQLITE_OK;
}

bool has_control_character(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7F; });
}

}  // namespace

void check_import_name(const std::string& name, const std::vector<std::string>& reserved) {
  if (name.empty()) throw UsageError("the table name given with --as is empty");
  const std::string l = lower(name);
  if (l.rfind("sqlite_", 0) == 0)
    throw UsageError("--as " + name + ": table names starting with sqlite_ (in any case) are reserved for SQLite's own tables");
  if (l.rfind("pragma_", 0) == 0)
    throw UsageError("--as " + name +
                     ": names starting with pragma_ are SQLite's table-valued PRAGMA functions (pragma_table_info, ...), "
                     "which a table of that name would shadow");
  for (const auto& r : reserved)
    if (lower(r) == l)
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
  bool exists = std::any_of(existing.begin(), existing.end(), [&](const std::string& t) { return lower(t) == lower(name); });
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
    const auto [first, fresh] = bad ? std::pair{seen.end(), true} : seen.emplace(lower(std::string(trim(col))), f);
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
