#pragma once
/// A cursor that shows at most `limit` rows of another, and stops early once
/// the rows read hold more than `max_bytes` of text and BLOBs: the caps of
/// the SQL page and the page size of the table browser. It looks one row
/// past the limit, so it can tell whether rows were left out, and keeps the
/// key columns' values of the last row it showed (the table browser's next
/// key). With `hide_last`, the statement's last column (a rowid selected
/// for paging) is read for the key but not shown.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "engine/cursor.h"

namespace aigc::web {

class LimitedCursor final : public engine::Cursor {
 public:
  /// `key_columns`: columns whose values of the last row shown are kept.
  LimitedCursor(engine::Cursor& rows, std::uint64_t limit, std::vector<int> key_columns = {}, bool hide_last = false,
                std::uint64_t max_bytes = kDefaultMaxBytes)
      : rows_(rows),
        limit_(limit),
        max_bytes_(max_bytes),
        key_columns_(std::move(key_columns)),
        hide_last_(hide_last) {}

  /// What a page or an ad-hoc result may hold in text and BLOBs.
  static constexpr std::uint64_t kDefaultMaxBytes = 32u << 20;

  /// Whether the statement had more rows than the limit (known once step() returned false).
  bool truncated() const noexcept { return truncated_; }
  std::uint64_t shown() const noexcept { return shown_; }
  /// The key columns of the last row shown, as a JSON array ([1], ["baidu", 2];
  /// a BLOB as {"hex":"00FF"}, an infinite REAL as 1e999 or -1e999).
  const std::string& last_key_json() const noexcept { return last_key_; }

  int parameter_count() const override { return rows_.parameter_count(); }
  std::string_view parameter_name(int index) const override { return rows_.parameter_name(index); }
  void bind_null(int index) override { rows_.bind_null(index); }
  void bind_int64(int index, std::int64_t value) override { rows_.bind_int64(index, value); }
  void bind_double(int index, double value) override { rows_.bind_double(index, value); }
  void bind_text(int index, std::string_view value) override { rows_.bind_text(index, value); }
  bool step() override;
  void reset() override {
    rows_.reset();
    shown_ = 0;
    bytes_ = 0;
    truncated_ = false;
  }
  bool read_only() const override { return rows_.read_only(); }
  int column_count() const override { return rows_.column_count() - (hide_last_ ? 1 : 0); }
  std::string_view column_name(int i) const override { return rows_.column_name(i); }
  engine::ColumnType column_type(int i) override { return rows_.column_type(i); }
  std::int64_t column_int64(int i) override { return rows_.column_int64(i); }
  double column_double(int i) override { return rows_.column_double(i); }
  std::string_view column_text(int i) override { return counted(rows_.column_text(i)); }
  std::string_view column_blob(int i) override { return counted(rows_.column_blob(i)); }
  engine::Cell cell(int i) override;
  void read_row(std::span<engine::Cell> cells) override;

 private:
  std::string_view counted(std::string_view bytes) {
    bytes_ += bytes.size();
    return bytes;
  }

  engine::Cursor& rows_;
  std::uint64_t limit_;
  std::uint64_t max_bytes_;
  std::vector<int> key_columns_;
  bool hide_last_;
  std::vector<engine::Cell> row_;  ///< a whole row, when the last column is hidden
  std::uint64_t bytes_ = 0;
  std::uint64_t shown_ = 0;
  bool truncated_ = false;
  std::string last_key_;
};

}  // namespace aigc::web
