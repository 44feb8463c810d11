#include "load/row_pipeline.h"

#include <cmath>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <exception>
#include <mutex>
#include <thread>

#include "sqlite/quote.h"

namespace aigc {

bool convert_field(std::string_view text, bool quoted, const TableColumn& col, Value& v, std::string& why) {
  v = Value{};
  if (text.empty() && (!quoted || col.type == ColumnType::integer || col.type == ColumnType::real)) {
    if (col.not_null) {
      why = "a value is required (the column is NOT NULL)";
      return false;
    }
    return true;  // NULL
  }
  switch (col.type) {
    case ColumnType::integer: {
      if (parse_integer(text, v.i)) {
        v.kind = Value::Kind::integer;
        return true;
      }
      double d;
      if (parse_real(text, d) && std::abs(d) < 9.2e18 && d == static_cast<double>(static_cast<std::int64_t>(d))) {
        v.kind = Value::Kind::integer;
        v.i = static_cast<std::int64_t>(d);
        return true;
      }
      why = "expected an integer, got " + show_value(text);
      return false;
    }
    case ColumnType::real:
      if (parse_real(text, v.d)) {
        v.kind = Value::Kind::real;
        return true;
      }
      why = "expected a number, got " + show_value(text);
      return false;
    case ColumnType::any: v = exact_value(text); return true;
    case ColumnType::text:
    case ColumnType::blob:
      v.kind = Value::Kind::text;
      v.s = text;
      return true;
  }
  return true;
}

std::string show_value(std::string_view v) {
  constexpr std::size_t kMax = 180;
  if (v.size() <= kMax) return quote_literal(v);
  std::size_t cut = kMax;
  // Do not cut a UTF-8 sequence in half: back up to a lead byte.
  while (cut > 0 && (static_cast<unsigned char>(v[cut]) & 0xC0) == 0x80) --cut;
  return quote_literal(v.substr(0, cut)) + "...";
}

namespace {

constexpr std::size_t kBatchRows = 4096;
constexpr std::size_t kBatchBytes = 1 << 20;
constexpr std::size_t kBatches = 3;  ///< in flight: one filling, one being inserted, one spare

/// Bytes that stay put once written (chunks are never moved), reused batch
/// after batch.
class Arena {
 public:
  /// A copy of `s` that stays put until reset().
  const char* copy(std::string_view s) {
    if (s.empty()) return "";
    if (chunks_.empty() || used_ + s.size() > chunks_[current_].size) advance(s.size());
    char* p = chunks_[current_].data.get() + used_;
    std::memcpy(p, s.data(), s.size());
    used_ += s.size();
    total_ += s.size();
    return p;
  }
  std::size_t bytes() const { return total_; }
  void reset() {
    current_ = 0;
    used_ = 0;
    total_ = 0;
  }

 private:
  /// Moves to the next chunk with room for `need` bytes, allocating one if none.
  void advance(std::size_t need) {
    while (!chunks_.empty() && ++current_ < chunks_.size()) {
      if (chunks_[current_].size >= need) {
        used_ = 0;
        return;
      }
    }
    const std::size_t size = std::max(kBatchBytes, need);
    chunks_.push_back({std::make_unique<char[]>(size), size});
    current_ = chunks_.size() - 1;
    used_ = 0;
  }

  struct Chunk {
    std::unique_ptr<char[]> data;
    std::size_t size;
  };
  std::vector<Chunk> chunks_;
  std::size_t current_ = 0;
  std::size_t used_ = 0;
  std::size_t total_ = 0;
};

struct RowMeta {
  std::uint64_t line;
  const char* raw;
  std::size_t raw_len;
  std::size_t first;  ///< index of the row's first value
  std::size_t size;
  bool ragged;
  std::size_t issues_end;  ///< batch issues up to this index belong to rows up to this one
};

struct Batch {
  Arena arena;
  std::vector<RowMeta> rows;
  std::vector<Value> values;
  std::vector<std::uint8_t> bad;
  std::vector<DataIssue> issues;
  std::uint64_t bytes_read = 0;
  std::exception_ptr error;  ///< reading failed after these rows
  bool last = false;
  void clear() {
    arena.reset();
    rows.clear();
    values.clear();
    bad.clear();
    issues.clear();
    error = nullptr;
    last = false;
  }
};

/// A bounded hand-over of batches between the two threads.
class Channel {
 public:
  void push(Batch* b) {
    {
      std::lock_guard lock(mutex_);
      items_.push_back(b);
    }
    cv_.notify_one();
  }
  /// nullptr once closed.
  Batch* pop() {
    std::unique_lock lock(mutex_);
    cv_.wait(lock, [&] { return !items_.empty() || closed_; });
    if (items_.empty()) return nullptr;
    Batch* b = items_.front();
    items_.pop_front();
    return b;
  }
  void close() {
    {
      std::lock_guard lock(mutex_);
      closed_ = true;
    }
    cv_.notify_all();
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<Batch*> items_;
  bool closed_ = false;
};

}  // namespace

struct RowPipeline::Impl {
  CsvReader& csv;
  std::vector<const TableColumn*> columns;
  Batch batches[kBatches];
  Channel full, free;
  Batch* current = nullptr;  ///< the batch the consumer reads
  std::size_t next_row = 0;
  std::size_t issues_given = 0;
  std::uint64_t bytes_done = 0;
  std::jthread producer;

  Impl(CsvReader& c, std::vector<const TableColumn*> cols) : csv(c), columns(std::move(cols)) {
    for (auto& b : batches) free.push(&b);
    producer = std::jthread([this](std::stop_token stop) { produce(stop); });
  }

  void produce(std::stop_token stop) {
    std::string why;
    for (;;) {
      Batch* b = free.pop();
      if (b == nullptr) return;
      b->clear();
      try {
        while (b->rows.size() < kBatchRows && b->arena.bytes() < kBatchBytes) {
          if (stop.stop_requested() || !csv.next()) {
            b->last = true;
            break;
          }
          read_row(*b, why);
        }
      } catch (...) {
        b->error = std::current_exception();
        b->last = true;
      }
      b->bytes_read = csv.bytes_read();
      const bool last = b->last;
      full.push(b);
      if (last) return;
    }
  }

  void read_row(Batch& b, std::string& why) {
    RowMeta m{};
    m.line = csv.record_line();
    auto raw = csv.raw_record();
    m.raw = b.arena.copy(raw);
    m.raw_len = raw.size();
    m.first = b.values.size();
    m.size = csv.size();
    const std::size_t expected = columns.size();
    if (m.size != expected) {
      m.ragged = true;
      bool blank = m.size == 1 && csv.field(0).empty() && !csv.quoted(0);
      FieldPos where = m.size > expected ? csv.position(expected) : csv.position(m.size - 1);
      b.issues.push_back({{csv.name(), where.line, where.column},
                          "",
                          blank ? "empty line; expected " + std::to_string(expected) + " fields"
                                : "expected " + std::to_string(expected) + " fields as in the header, found " +
                                      std::to_string(m.size)});
    } else {
      for (std::size_t f = 0; f < expected; ++f) {
        std::string_view text = csv.field(f);
        Value v;
        bool ok = convert_field(text, csv.quoted(f), *columns[f], v, why);
        if (v.kind == Value::Kind::text) v.s = std::string_view(b.arena.copy(v.s), v.s.size());
        b.values.push_back(v);
        b.bad.push_back(ok ? 0 : 1);
        if (!ok) {
          FieldPos p = csv.position(f);
          b.issues.push_back({{csv.name(), p.line, p.column}, columns[f]->name, why});
        }
      }
    }
    m.issues_end = b.issues.size();
    b.rows.push_back(m);
  }

  void stop() {
    producer.request_stop();
    free.close();
    // Unblock the producer if it waits for a free batch; it then sees the
    // stop request or the closed channel and returns.
    if (producer.joinable()) producer.join();
  }
};

RowPipeline::RowPipeline(CsvReader& csv, std::vector<const TableColumn*> columns)
    : impl_(std::make_unique<Impl>(csv, std::move(columns))) {}

RowPipeline::~RowPipeline() { impl_->stop(); }

bool RowPipeline::next(ParsedRow& row, std::vector<DataIssue>& issues) {
  Impl& m = *impl_;
  for (;;) {
    if (m.current != nullptr && m.next_row < m.current->rows.size()) break;
    if (m.current != nullptr) {
      // Issues after the last row (none today) and the end of a batch.
      Batch* done = m.current;
      for (; m.issues_given < done->issues.size(); ++m.issues_given) issues.push_back(done->issues[m.issues_given]);
      m.bytes_done = done->bytes_read;
      const bool last = done->last;
      std::exception_ptr error = done->error;
      m.current = nullptr;
      if (error) {
        m.free.push(done);
        std::rethrow_exception(error);
      }
      if (last) {
        m.free.push(done);
        return false;
      }
      m.free.push(done);
    }
    m.current = m.full.pop();
    if (m.current == nullptr) return false;
    m.next_row = 0;
    m.issues_given = 0;
  }
  Batch& b = *m.current;
  const RowMeta& meta = b.rows[m.next_row++];
  for (; m.issues_given < meta.issues_end; ++m.issues_given) issues.push_back(b.issues[m.issues_given]);
  row.line = meta.line;
  row.raw = std::string_view(meta.raw, meta.raw_len);
  row.size = meta.size;
  row.ragged = meta.ragged;
  row.last_in_batch = m.next_row == b.rows.size();
  row.values = meta.ragged ? nullptr : b.values.data() + meta.first;
  row.bad = meta.ragged ? nullptr : b.bad.data() + meta.first;
  return true;
}

FieldPos RowPipeline::locate(const ParsedRow& row, std::size_t field) const {
  // The record's own bytes parse to the same fields; only the line is relative.
  CsvOptions options = impl_->csv.options();
  options.start_of_file = false;  // a record starting with "PK\3\4" or a BOM is data here
  CsvReader again(row.raw, impl_->csv.name(), options);
  if (!again.next() || field >= again.size()) return {row.line, 1};
  FieldPos p = again.position(field);
  p.line += row.line - 1;
  return p;
}

std::uint64_t RowPipeline::bytes_read() const { return impl_->bytes_done; }
std::uint64_t RowPipeline::total_bytes() const { return impl_->csv.total_bytes(); }

}  // namespace aigc
