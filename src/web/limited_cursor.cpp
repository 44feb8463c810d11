#include "web/limited_cursor.h"

#include <algorithm>
#include <cmath>

#include "base/json.h"
#include "base/real_text.h"
#include "render/render.h"

namespace aigc::web {

engine::Cell LimitedCursor::cell(int i) {
  engine::Cell c = rows_.cell(i);
  bytes_ += c.bytes.size();
  return c;
}

void LimitedCursor::read_row(std::span<engine::Cell> cells) {
  if (hide_last_) {
    row_.resize(cells.size() + 1);
    rows_.read_row(row_);
    std::copy(row_.begin(), row_.end() - 1, cells.begin());
  } else {
    rows_.read_row(cells);
  }
  for (const auto& c : cells) bytes_ += c.bytes.size();
}

bool LimitedCursor::step() {
  if (bytes_ > max_bytes_) {
    // The rows shown so far are as much as a page may hold: the rest is cut.
    truncated_ = true;
    return false;
  }
  if (shown_ >= limit_) {
    // One more step tells whether the limit cut anything off.
    if (!truncated_ && shown_ == limit_ && rows_.step()) truncated_ = true;
    return false;
  }
  if (!rows_.step()) return false;
  ++shown_;
  if (!key_columns_.empty()) {
    last_key_.clear();
    last_key_.push_back('[');
    for (std::size_t k = 0; k < key_columns_.size(); ++k) {
      if (k) last_key_.push_back(',');
      const engine::Cell c = rows_.cell(key_columns_[k]);
      switch (c.type) {
        case engine::ColumnType::integer: last_key_.append(std::to_string(c.integer)); break;
        case engine::ColumnType::real: {
          // JSON has no infinity; SQLite's JSON reader takes 1e999 as one.
          if (std::isinf(c.real)) {
            last_key_.append(c.real > 0 ? "1e999" : "-1e999");
          } else {
            RealTextBuffer buffer;
            last_key_.append(real_text(c.real, buffer));
          }
          break;
        }
        case engine::ColumnType::blob: {
          // Tagged, so that it is bound back as a BLOB: every BLOB sorts after every text.
          last_key_.append("{\"hex\":\"");
          append_hex(last_key_, c.bytes);
          last_key_.append("\"}");
          break;
        }
        case engine::ColumnType::null: last_key_.append("null", 4); break;
        default: append_json_string(last_key_, c.bytes); break;
      }
    }
    last_key_.push_back(']');
  }
  return true;
}

}  // namespace aigc::web
