#include "warehouse/user_data.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <set>
#include <sstream>

#include "base/error.h"
#include "base/text.h"
#include "sqlite/quote.h"
#include "sqlite/sqlite_error.h"
#include "sqlite/statement.h"

namespace aigc {

namespace {

constexpr const char* kSeedRowsKey = "seed_rows:";

/// FNV-1a, 64 bits: fixed by its definition (std::hash is not), so a
/// fingerprint written by one build of aigc is read the same by the next.
std::uint64_t fnv1a(const unsigned char* p, int n) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (int i = 0; i < n; ++i) h = (h ^ p[i]) * 0x100000001b3ULL;
  return h;
}

std::string hex(std::uint64_t v) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
  return buf;
}

/// Prepares `sql`, naming (the start of) it when it does not compile: these
/// statements are built from the old warehouse's own schema.
Statement prepare(sqlite3* db, const std::string& sql) {
  Statement s;
  if (Statement::try_prepare(db, sql, s) != SQLITE_OK)
    throw DataError(explain_sqlite_error(db) + " (in: " + sql.substr(0, 200) + ")");
  return s;
}

/// A column as text up to its first NUL ("" for NULL), as keys and SQL are read.
std::string text(const Statement& s, int i) {
  const std::string_view t = s.column_text(i);
  return std::string(t.substr(0, t.find('\0')));
}

std::uint64_t fnv1a(std::string_view bytes) {
  return fnv1a(reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(bytes.size()));
}

struct Column {
  std::string name;
  std::string type;
  int pk = 0;
};

std::vector<Column> columns_of(sqlite3* db, const std::string& schema, const std::string& table) {
  auto s = prepare(db, "SELECT name, upper(type), pk FROM pragma_table_info(?1, ?2) ORDER BY cid");
  s.bind_text(1, table);
  s.bind_text(2, schema);
  std::vector<Column> out;
  while (s.step()) out.push_back({text(s, 0), text(s, 1), s.column_int(2)});
  return out;
}

/// One row as text: its values in the order of `names` (sorted, lower-case),
/// each quote()d, so every value and type counts and column order does not.
std::string canonical_expr(const std::vector<std::string>& names) {
  std::string e;
  for (const auto& n : names) e += (e.empty() ? "quote(" : "||char(31)||quote(") + quote_identifier(n) + ")";
  return e;
}

std::vector<std::string> sorted_names(const std::vector<Column>& cols) {
  std::vector<std::string> names;
  for (const auto& c : cols) names.push_back(ascii_lower(c.name));
  std::sort(names.begin(), names.end());
  return names;
}

/// Fingerprints of the rows of schema.table over the columns `names`.
std::set<std::uint64_t> fingerprints(sqlite3* db, const std::string& schema, const std::string& table,
                                     const std::vector<std::string>& names) {
  std::set<std::uint64_t> out;
  auto s = prepare(
      db, "SELECT " + canonical_expr(names) + " FROM " + quote_identifier(schema) + "." + quote_identifier(table));
  while (s.step()) out.insert(fnv1a(s.column_text(0)));
  return out;
}

/// "price_id='x'" for a key, or "rowid 7" for a table without one.
std::string key_expr(const std::vector<Column>& cols) {
  std::vector<const Column*> pk;
  for (const auto& c : cols)
    if (c.pk > 0) pk.push_back(&c);
  std::sort(pk.begin(), pk.end(), [](const Column* a, const Column* b) { return a->pk < b->pk; });
  if (pk.empty()) return "'rowid ' || rowid";
  std::string e;
  for (const auto* c : pk) {
    std::string lit = quote_identifier(c->name);
    std::string label;
    for (char ch : c->name) label += ch == '\'' ? std::string("''") : std::string(1, ch);
    e += (e.empty() ? "'" : "||', ") + label + "='||quote(" + lit + ")";
  }
  return e;
}

struct Problem {
  std::string table;
  std::string key;
  std::string rule;
};

struct OldMeta {
  std::map<std::string, std::string> values;
  bool has_fingerprints = false;
  std::set<std::string> report_tables;                       ///< lower-case
  std::map<std::string, std::set<std::uint64_t>> seed_rows;  ///< lower-case table
};

OldMeta read_old_meta(sqlite3* db) {
  OldMeta m;
  auto s = prepare(db, "SELECT key, value FROM old.aigc_meta");
  while (s.step()) {
    std::string key = text(s, 0), value = text(s, 1);
    if (key.rfind(kSeedRowsKey, 0) == 0) {
      m.has_fingerprints = true;
      std::string table = ascii_lower(key.substr(std::string(kSeedRowsKey).size()));
      m.report_tables.insert(table);
      auto& set = m.seed_rows[table];
      std::istringstream in(value);
      // Written by aigc, but aigc sql --write can change it: a word that is
      // not a fingerprint matches no row, so its rows count as the user's.
      for (std::string h; in >> h;) {
        char* end = nullptr;
        const auto v = std::strtoull(h.c_str(), &end, 16);
        if (end && *end == '\0') set.insert(v);
      }
    }
    m.values[key] = value;
  }
  return m;
}

std::string meta_value(sqlite3* db, const std::string& schema, const std::string& key) {
  auto s = prepare(db, "SELECT value FROM " + schema + ".aigc_meta WHERE key = ?1");
  s.bind_text(1, key);
  return s.step() ? text(s, 0) : std::string();
}

class Carrier {
 public:
  Carrier(sqlite3* db, bool discard) : db_(db), discard_(discard) {}

  CarryResult run() {
    const OldMeta meta = read_old_meta(db_);
    // A warehouse built before fingerprints were recorded: its own seeds are
    // unknown. Rows equal to a new seed row are the report's; if it was built
    // from other seeds, so are rows that cite a report page (section_id) and
    // name no other origin (source_note), since the schema asks rows loaded
    // from elsewhere to name their origin in source_note.
    const bool legacy = !meta.has_fingerprints;
    const bool same_seeds =
        meta.values.count("seed_digest") && meta.values.at("seed_digest") == meta_value(db_, "main", "seed_digest");
    std::set<std::string> new_tables;
    {
      auto s = prepare(db_, "SELECT lower(name) FROM main.sqlite_schema WHERE type = 'table'");
      while (s.step()) new_tables.insert(text(s, 0));
    }
    std::vector<std::pair<std::string, std::string>> old_tables;  // name, type
    {
      auto s = prepare(db_, "PRAGMA old.table_list");
      while (s.step()) {
        std::string name = text(s, 1), type = text(s, 2);
        if (type != "table" && type != "virtual") continue;  // views later; shadow tables go with theirs
        if (ascii_lower(name).rfind("sqlite_", 0) == 0 || ascii_lower(name) == "aigc_meta") continue;
        old_tables.emplace_back(name, type);
      }
      std::sort(old_tables.begin(), old_tables.end());
    }
    for (const auto& [name, type] : old_tables) {
      const auto cols = columns_of(db_, "old", name);
      const bool in_new = new_tables.count(ascii_lower(name)) > 0;
      bool report;
      if (!legacy)
        report = meta.report_tables.count(ascii_lower(name)) > 0;
      else  // `aigc import` declares every column ANY; the report's tables are typed
        report =
            type == "table" && std::any_of(cols.begin(), cols.end(), [](const Column& c) { return c.type != "ANY"; });
      if (report) {
        auto it = meta.seed_rows.find(ascii_lower(name));
        static const std::set<std::uint64_t> none;
        carry_rows(name, cols, in_new, it == meta.seed_rows.end() ? none : it->second, legacy && !same_seeds);
      } else {
        carry_table(name, in_new);
      }
    }
    carry_schema_objects();
    check_foreign_keys();
    if (!problems_.empty() && !discard_) throw_problems();
    CarryResult r;
    for (const auto& [t, n] : kept_) r.kept.push_back({t, n.first, n.second});
    for (const auto& [t, n] : discarded_) r.discarded.push_back({t, n, false});
    return r;
  }

 private:
  /// User rows of a report table: every row that is not one of the old
  /// seeds' rows (by fingerprint) nor equal to a row of the new seeds.
  void carry_rows(const std::string& table, const std::vector<Column>& old_cols, bool in_new,
                  const std::set<std::uint64_t>& old_seed_rows, bool by_provenance) {
    const auto names = sorted_names(old_cols);
    std::vector<Column> new_cols = in_new ? columns_of(db_, "main", table) : std::vector<Column>{};
    std::set<std::string> new_names;
    for (const auto& c : new_cols) new_names.insert(ascii_lower(c.name));
    const bool comparable =
        in_new && std::all_of(names.begin(), names.end(), [&](const std::string& n) { return new_names.count(n); });
    const auto new_seed_rows = comparable ? fingerprints(db_, "main", table, names) : std::set<std::uint64_t>{};
    std::set<std::string> old_names(names.begin(), names.end());
    const bool has_provenance = old_names.count("section_id") && old_names.count("source_note");

    std::string select = "SELECT " + canonical_expr(names) + ", " + key_expr(old_cols) + ", " +
                         (has_provenance ? "section_id IS NOT NULL AND source_note IS NULL" : "0");
    std::string insert_cols, params;
    std::vector<std::string> dropped_cols;  // old columns the new table lacks
    for (const auto& c : old_cols) {
      select += ", " + quote_identifier(c.name);
      if (new_names.count(ascii_lower(c.name))) {
        insert_cols += (insert_cols.empty() ? "" : ", ") + quote_identifier(c.name);
        params += params.empty() ? "?" : ", ?";
      }
    }
    select += " FROM old." + quote_identifier(table);
    auto sel = prepare(db_, select);
    Statement ins;
    if (in_new && !insert_cols.empty())
      ins = prepare(db_,
                    "INSERT INTO main." + quote_identifier(table) + " (" + insert_cols + ") VALUES (" + params + ")");
    while (sel.step()) {
      const auto h = fnv1a(sel.column_text(0));
      if (old_seed_rows.count(h) || new_seed_rows.count(h)) continue;  // the report's row, rebuilt from seeds
      if (by_provenance && sel.column_int(2)) continue;
      const std::string key = text(sel, 1);
      if (!ins) {
        add_problem(table, key, "table " + table + " is no longer in the report's schema");
        continue;
      }
      std::string lost;
      int p = 1;
      for (std::size_t i = 0; i < old_cols.size(); ++i) {
        sqlite3_value* v = sqlite3_column_value(sel.get(), static_cast<int>(i) + 3);
        if (new_names.count(ascii_lower(old_cols[i].name)))
          sqlite3_bind_value(ins.get(), p++, v);
        else if (sqlite3_value_type(v) != SQLITE_NULL)
          lost += (lost.empty() ? "" : ", ") + old_cols[i].name;
      }
      if (!lost.empty()) {
        ins.reset();
        add_problem(table, key,
                    "column " + lost + " is no longer in table " + table + ", and this row has a value there");
        continue;
      }
      // Not step(): a constraint failure is this row's problem, not the build's.
      const int rc = ins.try_step();
      if (rc == SQLITE_DONE) {
        user_rows_[ascii_lower(table)][sqlite3_last_insert_rowid(db_)] = key;
        kept_[table].first++;
      } else {
        if ((rc & 0xff) != SQLITE_CONSTRAINT) check(rc, db_);  // not this row's fault: the build fails
        std::string rule = sqlite3_errmsg(db_);
        const int ext = sqlite3_extended_errcode(db_);
        if (ext == SQLITE_CONSTRAINT_PRIMARYKEY || ext == SQLITE_CONSTRAINT_UNIQUE)
          rule += " (the new seeds have a row with this key; yours is not overwritten: change its key or drop it)";
        add_problem(table, key, rule);
      }
      ins.reset();
      ins.clear_bindings();
    }
  }

  /// A table made by `aigc import` (or by SQL): recreated as it was, rows and all.
  void carry_table(const std::string& table, bool in_new) {
    std::uint64_t rows = 0;
    {
      auto c = prepare(db_, "SELECT count(*) FROM old." + quote_identifier(table));
      if (c.step()) rows = static_cast<std::uint64_t>(c.column_int64(0));
    }
    if (in_new) {
      add_problem(table, "(whole table, " + std::to_string(rows) + " rows)",
                  "a table you imported has the name of a report table in the new schema; export it and import it "
                  "under another name (aigc export, aigc import --as)",
                  rows, true);
      return;
    }
    auto s = prepare(db_, "SELECT sql FROM old.sqlite_schema WHERE type = 'table' AND name = ?1");
    s.bind_text(1, table);
    if (!s.step()) return;
    const std::string sql = text(s, 0);
    exec(db_, "SAVEPOINT aigc_carry");
    try {
      exec(db_, sql);
      exec(db_, "INSERT INTO main." + quote_identifier(table) + " SELECT * FROM old." + quote_identifier(table));
      exec(db_, "RELEASE aigc_carry");
      kept_[table] = {rows, true};
    } catch (const DataError& e) {
      exec(db_, "ROLLBACK TO aigc_carry");
      exec(db_, "RELEASE aigc_carry");
      add_problem(table, "(whole table, " + std::to_string(rows) + " rows)", e.what(), rows, true);
    }
  }

  /// Indexes, triggers and views users made: kept where what they need is.
  void carry_schema_objects() {
    auto s = prepare(db_,
                     "SELECT type, name, tbl_name, sql FROM old.sqlite_schema WHERE sql IS NOT NULL AND type IN "
                     "('index', 'trigger', 'view') AND lower(name) NOT IN (SELECT lower(name) FROM main.sqlite_schema) "
                     "ORDER BY type = 'view', rowid");
    while (s.step()) {
      const std::string type = text(s, 0), name = text(s, 1), table = text(s, 2);
      if (dropped_tables_.count(ascii_lower(table))) continue;
      try {
        exec(db_, text(s, 3));
      } catch (const DataError& e) {
        add_problem(table, type + " " + name, e.what(), 0);
      }
    }
  }

  /// Each carried row must still find the rows it refers to.
  void check_foreign_keys() {
    for (int round = 0; round < 1000; ++round) {
      std::vector<std::tuple<std::string, std::int64_t, std::string>> bad;
      {
        auto s = prepare(db_, "PRAGMA main.foreign_key_check");
        while (s.step()) bad.emplace_back(text(s, 0), s.column_int64(1), text(s, 2));
      }
      if (bad.empty()) return;
      std::set<std::pair<std::string, std::int64_t>> seen;
      for (const auto& [table, rowid, parent] : bad) {
        if (!seen.insert({table, rowid}).second) continue;
        auto& rows = user_rows_[ascii_lower(table)];
        auto it = rows.find(rowid);
        const std::string key = it != rows.end() ? it->second : "rowid " + std::to_string(rowid);
        add_problem(table, key,
                    "FOREIGN KEY constraint failed: refers to a " + parent + " row that is not in the new warehouse");
        if (it != rows.end()) rows.erase(it);
        if (auto k = kept_.find(table);
            k != kept_.end() && k->second.first > 0 && --k->second.first == 0 && !k->second.second)
          kept_.erase(k);
        if (!discard_) continue;
        exec(db_, "DELETE FROM main." + quote_identifier(table) + " WHERE rowid = " + std::to_string(rowid));
      }
      if (!discard_) return;  // listed; deleting them could uncover more, reported on the next run
    }
  }

  /// `rows`: how many rows the problem drops (a whole table's, for a table).
  void add_problem(const std::string& table, const std::string& key, const std::string& rule, std::uint64_t rows = 1,
                   bool whole_table = false) {
    problems_.push_back({table, key, rule});
    discarded_[table] += rows;
    if (whole_table) dropped_tables_.insert(ascii_lower(table));
  }

  [[noreturn]] void throw_problems() const {
    std::string msg = std::to_string(problems_.size()) +
                      (problems_.size() == 1 ? " row you added no longer fits" : " rows you added no longer fit") +
                      " the new warehouse, so nothing was changed:";
    std::size_t shown = 0;
    for (const auto& p : problems_) {
      if (++shown > 200) {
        msg += "\n  ... and " + std::to_string(problems_.size() - 200) + " more";
        break;
      }
      msg += "\n  " + p.table + " " + p.key + ": " + p.rule;
    }
    msg +=
        "\nFix or delete them (aigc sql --write), or run aigc build --discard-user-data to build without them "
        "(the rows that fit are kept).";
    throw DataError(msg);
  }

  sqlite3* db_;
  bool discard_;
  std::vector<Problem> problems_;
  std::map<std::string, std::pair<std::uint64_t, bool>> kept_;  // table -> rows, imported
  std::map<std::string, std::uint64_t> discarded_;
  std::set<std::string> dropped_tables_;
  std::map<std::string, std::map<std::int64_t, std::string>> user_rows_;  // lower table -> rowid -> key
};

}  // namespace

void record_seed_fingerprints(sqlite3* db, const std::vector<std::string>& seed_tables) {
  auto ins = prepare(db, "INSERT INTO aigc_meta (key, value) VALUES (?1, ?2)");
  for (const auto& table : seed_tables) {
    std::string value;
    for (auto h : fingerprints(db, "main", table, sorted_names(columns_of(db, "main", table))))
      value += (value.empty() ? "" : " ") + hex(h);
    const std::string key = kSeedRowsKey + table;
    ins.bind_text(1, key);
    ins.bind_text(2, value);
    ins.step();
    ins.reset();
  }
}

CarryResult carry_user_data(sqlite3* db, bool discard) { return Carrier(db, discard).run(); }

}  // namespace aigc
