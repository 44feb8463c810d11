#include "web/limited_cursor.h"

#include "base/json.h"
#include "base/real_text.h"

namespace aigc::web {

bool LimitedCursor::step() {
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
          RealTextBuffer buffer;
          last_key_.append(real_text(c.real, buffer));
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
