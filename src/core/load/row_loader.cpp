#include "load/row_loader.h"

#include <algorithm>
#include <string>

#include "base/error.h"
#include "sqlite/quote.h"
#include "sqlite/sqlite_error.h"

namespace aigc {

namespace {

constexpr std::uint64_t kProgressEvery = 16384;

}  // namespace

LoadSummary RowLoader::run(const HeaderMap& header) {
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

void RowLoader::load_row(const ParsedRow& row, LoadSummary& summary) {
  if (row.ragged) return;  // reported; nothing to check further
  row_ = &row;
  const bool converted = std::none_of(row.bad, row.bad + row.size, [](std::uint8_t b) { return b != 0; });
  const bool referenced = check_references(row);
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

void RowLoader::flush(LoadSummary& summary) {
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

void RowLoader::insert_one(const ParsedRow& row, bool referenced, LoadSummary& summary) {
  row_ = &row;
  if (upsert_keys_) {
    if (const std::uint64_t first = upsert_keys_->first_line_of(row.values, row.line)) {
      row_issues_.push_back(messages_->repeated_key(first, row.values));
      add(row_issues_);
      return;
    }
  }
  const bool existed = options_.upsert && exists(row.values);
  if (existed && existing_is_report_row_) {
    // The report's tables stay the report's: --upsert replaces a user's own
    // row, never one of the report's facts (which would then carry the
    // user's values under the report's section and quote).
    row_issues_.push_back(RowIssue{key_field_, table_.columns[header_.field_to_column[key_field_]].name,
                                   "this key is a row of the report (it cites a section and has no source_note), "
                                   "which --upsert never replaces; load yours under another key"});
    add(row_issues_);
    return;
  }
  const int rc = insert(row.values);
  if (rc != SQLITE_DONE)
    report_step_error(rc, row.values);
  else if (referenced)
    (existed ? summary.replaced : summary.added) += 1;
}

void RowLoader::prepare() {
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
      auto field = header_.field_of(pk[k]);
      if (!field) throw UsageError("--upsert needs the key column " + table_.columns[pk[k]].name + " in the header");
      key_fields.push_back(*field);
      key += (k ? ", " : "") + quote_identifier(table_.columns[pk[k]].name);
      where += std::string(k ? " AND " : "") + quote_identifier(table_.columns[pk[k]].name) + " = ?" +
               std::to_string(*field + 1);
    }
    if (pk.empty()) throw UsageError("--upsert needs a primary key; table " + table_.name + " has none");
    sql += " ON CONFLICT (" + key + ") DO UPDATE SET " + update;
    // In a table with provenance, the lookup also says whether the row it
    // finds is the report's: it cites a section and names no other source.
    const bool provenance = table_.find_column("section_id") >= 0 && table_.find_column("source_note") >= 0;
    const std::string found = provenance ? "section_id IS NOT NULL AND source_note IS NULL" : "0";
    exists_.emplace(db_, "SELECT " + found + " FROM " + quote_identifier(table_.name) + " WHERE " + where,
                    Prepare::persistent);
    key_field_ = key_fields.front();
    upsert_keys_.emplace(db_, std::move(key_fields));
  }
  insert_.emplace(db_, sql, Prepare::persistent);
  references_.emplace(db_, table_, header_);
  messages_.emplace(db_, table_, header_);
}

bool RowLoader::check_references(const ParsedRow& row) {
  bool ok = true;
  for (const MissingReference& missing : references_->check(row.values, row.bad)) {
    if (references_->refers_to_own_table(missing)) {
      references_->keep_for_end(missing, where(missing.field));
      continue;
    }
    issues_.add(where(missing.field), references_->column(missing), references_->message(missing));
    ok = false;
  }
  return ok;
}

void RowLoader::recheck_pending() {
  for (auto& r : references_->recheck_kept()) issues_.add(r.at, std::move(r.column), std::move(r.message));
}

void RowLoader::add(std::vector<RowIssue>& found) {
  for (auto& i : found)
    issues_.add(i.field != RowIssue::kRowStart ? where(i.field) : FieldPos{row_->line, 1}, std::move(i.column),
                std::move(i.message));
  found.clear();
}

bool RowLoader::exists(const Value* values) {
  // The lookup names only the key's fields (?N = field N), so bind those.
  const int params = exists_->parameter_count();
  for (int f = 0; f < params; ++f) bind_value(*exists_, f + 1, values[static_cast<std::size_t>(f)]);
  // A failed lookup is left to the insert that follows, which fails alike
  // and reports it at the row's line.
  const bool found = exists_->try_step() == SQLITE_ROW;
  existing_is_report_row_ = found && sqlite3_column_int(exists_->get(), 0) != 0;
  exists_->reset();
  return found;
}

int RowLoader::insert(const Value* values) {
  for (std::size_t f = 0; f < row_->size; ++f) bind_value(*insert_, static_cast<int>(f + 1), values[f]);
  const int rc = insert_->try_step();  // a refused row is the caller's to word
  insert_->reset();
  return rc;
}

void RowLoader::ensure_transaction(int rc) const {
  if (sqlite3_get_autocommit(db_) == 0) return;
  throw DataError(csv_.name() + ":" + std::to_string(row_->line) + ": SQLite rolled back the load (" +
                  sqlite3_errstr(rc) + "); nothing of this file was written");
}

void RowLoader::report_step_error(int rc, const Value* values) {
  const int ext = sqlite3_extended_errcode(db_);
  const std::string msg = sqlite3_errmsg(db_);
  if ((rc & 0xff) == SQLITE_CONSTRAINT) ensure_transaction(rc);
  if ((rc & 0xff) != SQLITE_CONSTRAINT)
    throw DataError(csv_.name() + ":" + std::to_string(row_->line) +
                    ": cannot write to the warehouse: " + explain_sqlite_error(ext, msg, sqlite3_system_errno(db_)));
  messages_->explain(ext, msg, values, row_issues_);
  add(row_issues_);
}

}  // namespace aigc
