#pragma once
/// Foreign keys checked by the loader itself, row by row, so that a dangling
/// reference is reported at its own line and column (SQLite's own check
/// would only say that some row somewhere is wrong).
#include <sqlite3.h>

#include <cstdint>
#include <string>
#include <unordered_set>
#include <vector>

#include "csv/csv_reader.h"
#include "load/header_map.h"
#include "sqlite/statement.h"
#include "sqlite/table_info.h"
#include "sqlite/value.h"

namespace aigc {

/// A row's reference that names no row of the table it refers to.
struct MissingReference {
  std::size_t foreign_key;  ///< index into TableInfo::foreign_keys
  std::size_t field;        ///< the CSV field where the reference starts
  std::vector<Value> key;   ///< the values looked up; text points into the row
};

/// A reference still missing when the whole file has been read.
struct UnresolvedReference {
  FieldPos at;
  std::string column;
  std::string message;
};

class ReferenceChecker {
 public:
  /// Parent keys remembered per foreign key: most files refer to a few
  /// parents many times. Bounds the cache's memory.
  static constexpr std::size_t kCacheSize = 65536;

  /// Prepares one lookup per foreign key of `table`. `table` and `header`
  /// must outlive the checker.
  ReferenceChecker(sqlite3* db, const TableInfo& table, const HeaderMap& header);

  /// Looks up every reference of a row whose columns are all in the header,
  /// not NULL and not refused (`bad[f]` set). Returns those that name no
  /// row, in foreign-key order: empty when all are found. Valid until the
  /// next call.
  const std::vector<MissingReference>& check(const Value* values, const std::uint8_t* bad);

  /// Whether `missing` refers to the row's own table: a row further down the
  /// file may still add the key, so it is kept (keep_for_end) rather than reported.
  bool refers_to_own_table(const MissingReference& missing) const;
  /// Keeps a reference to the row's own table, to look up again once every row is in.
  void keep_for_end(const MissingReference& missing, FieldPos at);
  /// Looks up the kept references again; returns those still missing.
  std::vector<UnresolvedReference> recheck_kept();

  /// The column a missing reference is reported under (the first of its key).
  const std::string& column(const MissingReference& missing) const;
  /// What is wrong: "no product row has product_id = 'x' (foreign key)".
  std::string message(const MissingReference& missing) const;

  /// Lookups that reached the database, those answered from the cache not
  /// counted.
  std::uint64_t database_lookups() const noexcept { return database_lookups_; }

 private:
  /// A kept key, owning its text: the row it came from is gone by the end.
  struct OwnedValue {
    Value::Kind kind;
    std::int64_t i;
    double d;
    std::string s;
    Value view() const { return Value{kind, i, d, s}; }
  };
  struct KeptReference {
    std::size_t foreign_key;
    std::vector<OwnedValue> values;
    FieldPos at;
  };

  bool parent_has(std::size_t k, const std::vector<Value>& key);
  std::string message(std::size_t k, const std::vector<Value>& key) const;

  sqlite3* db_;
  const TableInfo& table_;
  const HeaderMap& header_;
  std::vector<Statement> lookups_;
  std::vector<std::unordered_set<std::string>> found_parents_;
  std::vector<MissingReference> missing_;
  std::vector<KeptReference> kept_;
  std::vector<Value> key_;   ///< reused: no allocation per row
  std::string encoded_key_;  ///< reused: no allocation per row
  std::uint64_t database_lookups_ = 0;
};

}  // namespace aigc
