#include "load/upsert_keys.h"

#include <string>

#include "sqlite/sqlite_error.h"

namespace aigc {

namespace {
constexpr const char* kTable = "temp.aigc_upsert_keys";
}  // namespace

UpsertKeys::UpsertKeys(sqlite3* db, std::vector<std::size_t> key_fields) : db_(db), key_fields_(std::move(key_fields)) {
  // Columns without a declared type compare values as bound: the loader has
  // already converted each to its column's type.
  std::string columns, params, match;
  for (std::size_t k = 0; k < key_fields_.size(); ++k) {
    const std::string col = "k" + std::to_string(k + 1), param = "?" + std::to_string(k + 1);
    columns += col + ", ";
    params += param + ", ";
    match += (k ? " AND " : "") + col + " = " + param;
  }
  std::string keys = columns.substr(0, columns.size() - 2);
  const std::string line_param = "?" + std::to_string(key_fields_.size() + 1);
  exec(db_, std::string("DROP TABLE IF EXISTS ") + kTable);
  exec(db_, std::string("CREATE TABLE ") + kTable + " (" + columns + "line INTEGER NOT NULL, PRIMARY KEY (" + keys +
                ")) WITHOUT ROWID");
  insert_.emplace(db_,
                  std::string("INSERT INTO ") + kTable + " VALUES (" + params + line_param + ") ON CONFLICT DO NOTHING",
                  Prepare::persistent);
  lookup_.emplace(db_, std::string("SELECT line FROM ") + kTable + " WHERE " + match, Prepare::persistent);
}

UpsertKeys::~UpsertKeys() {
  insert_.reset();
  lookup_.reset();
  sqlite3_exec(db_, (std::string("DROP TABLE IF EXISTS ") + kTable).c_str(), nullptr, nullptr, nullptr);
}

std::uint64_t UpsertKeys::first_line_of(const Value* values, std::uint64_t line) {
  for (std::size_t k = 0; k < key_fields_.size(); ++k) {
    const Value& v = values[key_fields_[k]];
    if (v.kind == Value::Kind::null) return 0;
    bind_value(*insert_, static_cast<int>(k + 1), v);
  }
  insert_->bind_int64(static_cast<int>(key_fields_.size() + 1), static_cast<std::int64_t>(line));
  check(insert_->try_step(), db_, "cannot record an --upsert key");
  insert_->reset();
  if (sqlite3_changes(db_) > 0) return 0;
  // A repeat, the rare case: only now look up where the key came first.
  for (std::size_t k = 0; k < key_fields_.size(); ++k)
    bind_value(*lookup_, static_cast<int>(k + 1), values[key_fields_[k]]);
  std::uint64_t first = 0;
  if (lookup_->step()) first = static_cast<std::uint64_t>(lookup_->column_int64(0));
  lookup_->reset();
  return first;
}

}  // namespace aigc
