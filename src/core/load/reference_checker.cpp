#include "load/reference_checker.h"

#include "load/constraint_messages.h"
#include "sqlite/quote.h"

namespace aigc {

ReferenceChecker::ReferenceChecker(sqlite3* db, const TableInfo& table, const HeaderMap& header)
    : db_(db), table_(table), header_(header), found_parents_(table.foreign_keys.size()) {
  for (const auto& fk : table_.foreign_keys) {
    std::string where;
    for (std::size_t k = 0; k < fk.parent_columns.size(); ++k)
      where += std::string(k ? " AND " : "") + quote_identifier(fk.parent_columns[k]) + " = ?" + std::to_string(k + 1);
    lookups_.emplace_back(db_, "SELECT 1 FROM " + quote_identifier(fk.parent_table) + " WHERE " + where + " LIMIT 1",
                          Prepare::persistent);
  }
}

const std::vector<MissingReference>& ReferenceChecker::check(const Value* values, const std::uint8_t* bad) {
  missing_.clear();
  for (std::size_t k = 0; k < table_.foreign_keys.size(); ++k) {
    const auto& fk = table_.foreign_keys[k];
    std::vector<Value>& key = key_;
    key.clear();
    std::optional<std::size_t> first_field;
    bool has_null = false;
    for (auto c : fk.child_columns) {
      auto f = header_.field_of(c);
      if (!f || values[*f].kind == Value::Kind::null || bad[*f]) {
        has_null = true;  // a NULL (or defaulted, or already refused) reference: nothing to look up
        break;
      }
      if (!first_field) first_field = f;
      key.push_back(values[*f]);
    }
    if (has_null) continue;
    if (parent_has(k, key)) continue;
    missing_.push_back({k, *first_field, key});
  }
  return missing_;
}

bool ReferenceChecker::refers_to_own_table(const MissingReference& missing) const {
  // Compared as SQLite compares names: ignoring ASCII case.
  return sqlite3_stricmp(table_.foreign_keys[missing.foreign_key].parent_table.c_str(), table_.name.c_str()) == 0;
}

void ReferenceChecker::keep_for_end(const MissingReference& missing, FieldPos at) {
  KeptReference kept{missing.foreign_key, {}, at};
  for (const auto& v : missing.key) kept.values.push_back({v.kind, v.i, v.d, std::string(v.s)});
  kept_.push_back(std::move(kept));
}

std::vector<UnresolvedReference> ReferenceChecker::recheck_kept() {
  std::vector<UnresolvedReference> unresolved;
  for (const auto& kept : kept_) {
    std::vector<Value> key;
    for (const auto& v : kept.values) key.push_back(v.view());
    if (!parent_has(kept.foreign_key, key)) {
      const auto& fk = table_.foreign_keys[kept.foreign_key];
      unresolved.push_back({kept.at, table_.columns[fk.child_columns[0]].name, message(kept.foreign_key, key)});
    }
  }
  return unresolved;
}

const std::string& ReferenceChecker::column(const MissingReference& missing) const {
  return table_.columns[table_.foreign_keys[missing.foreign_key].child_columns[0]].name;
}

std::string ReferenceChecker::message(const MissingReference& missing) const {
  return message(missing.foreign_key, missing.key);
}

std::string ReferenceChecker::message(std::size_t k, const std::vector<Value>& key) const {
  const auto& fk = table_.foreign_keys[k];
  std::string cols, vals;
  for (std::size_t i = 0; i < key.size(); ++i) {
    cols += (i ? ", " : "") + fk.parent_columns[i];
    vals += (i ? ", " : "") + show_value(key[i]);
  }
  return "no " + fk.parent_table + " row has " + cols + " = " + vals + " (foreign key)";
}

bool ReferenceChecker::parent_has(std::size_t k, const std::vector<Value>& key) {
  // Remember the keys found: a load only inserts, so a parent found stays there.
  std::string& encoded = encoded_key_;
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
  ++database_lookups_;
  const bool found = st.step();  // a failed lookup throws, with SQLite's explanation
  st.reset();
  if (found && cache.size() < kCacheSize) cache.insert(encoded);
  return found;
}

}  // namespace aigc
