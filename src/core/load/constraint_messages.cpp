#include "load/constraint_messages.h"

#include <algorithm>
#include <cctype>
#include <cstdio>

#include "load/row_pipeline.h"
#include "sqlite/sql_tokenizer.h"

namespace aigc {

namespace {

/// Column names named in an SQLite constraint message ("UNIQUE constraint
/// failed: t.a, t.b"), or every column identifier inside a CHECK expression.
std::vector<std::size_t> columns_in(const std::string& text, const TableInfo& table) {
  std::vector<std::size_t> found;
  for (const auto& name : identifiers_in(text)) {
    int idx = table.find_column(name);
    if (idx >= 0 && std::find(found.begin(), found.end(), static_cast<std::size_t>(idx)) == found.end())
      found.push_back(static_cast<std::size_t>(idx));
  }
  return found;
}

}  // namespace

std::string show_value(const Value& v) {
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

ConstraintMessages::ConstraintMessages(sqlite3* db, const TableInfo& table, const HeaderMap& header)
    : db_(db), table_(table), header_(header) {}

void ConstraintMessages::explain(int ext, const std::string& msg, const Value* values, std::vector<RowIssue>& out) {
  auto cols = columns_in(msg.substr(msg.find(':') == std::string::npos ? 0 : msg.find(':') + 1), table_);
  RowIssue issue;
  if (!cols.empty()) {
    if (auto f = header_.field_of(cols[0])) issue.field = *f;
    issue.column = table_.columns[cols[0]].name;
  }
  if (ext == SQLITE_CONSTRAINT_PRIMARYKEY || ext == SQLITE_CONSTRAINT_UNIQUE) {
    std::string names, vals;
    for (std::size_t i = 0; i < cols.size(); ++i) {
      auto f = header_.field_of(cols[i]);
      names += (i ? ", " : "") + table_.columns[cols[i]].name;
      vals += (i ? ", " : "") + (f ? show_value(values[*f]) : "?");
    }
    issue.message = "duplicate key: a row with " + names + " = " + vals + " already exists";
  } else if (ext == SQLITE_CONSTRAINT_CHECK) {
    // SQLite names only the first rule broken; name them all, so the file
    // can be fixed in one pass.
    if (!probe_) probe_.emplace(db_, table_, header_.field_to_column);
    auto failing = probe_->failing(values);
    if (failing.empty()) {
      out.push_back(broken_check(msg.substr(msg.find(':') + 2), values));
    } else {
      for (auto k : failing) out.push_back(broken_check(table_.checks[k], values));
    }
    return;
  } else if (ext == SQLITE_CONSTRAINT_NOTNULL) {
    issue.message = "a value is required (the column is NOT NULL)";
  } else {
    issue.message = msg;
  }
  out.push_back(std::move(issue));
}

RowIssue ConstraintMessages::repeated_key(std::uint64_t first_line, const Value* values) const {
  std::string names, vals;
  const auto pk = table_.primary_key();
  std::size_t first_field = 0;
  for (std::size_t k = 0; k < pk.size(); ++k) {
    const std::size_t f = *header_.field_of(pk[k]);  // --upsert requires every key column in the header
    if (k == 0) first_field = f;
    names += (k ? ", " : "") + table_.columns[pk[k]].name;
    vals += (k ? ", " : "") + show_value(values[f]);
  }
  return {first_field, table_.columns[pk[0]].name,
          "key " + names + " = " + vals + " is also at line " + std::to_string(first_line) +
              "; with --upsert each key may appear once in a file"};
}

/// One broken CHECK, reported at the first column it names.
RowIssue ConstraintMessages::broken_check(const std::string& expr, const Value* values) const {
  RowIssue issue;
  for (auto c : columns_in(expr, table_)) {
    if (auto f = header_.field_of(c)) {
      issue.field = *f;
      issue.column = table_.columns[c].name;
      break;
    }
  }
  const bool known = issue.field != RowIssue::kRowStart;
  issue.message = (known ? "value " + show_value(values[issue.field]) + " breaks" : std::string("breaks")) +
                  " the rule CHECK (" + expr + ")";
  return issue;
}

}  // namespace aigc
