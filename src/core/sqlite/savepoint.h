#pragma once
/// A scoped savepoint: all or nothing for a block of writes, composing with
/// a transaction the caller may already have open.
#include <sqlite3.h>

#include <string>

namespace aigc {

/// A savepoint that rolls back on destruction unless released. Outside a
/// transaction it begins one with BEGIN IMMEDIATE, waiting (busy timeout)
/// for another writer to finish rather than failing halfway through; inside
/// one it nests, and the caller's transaction decides in the end.
class Savepoint {
 public:
  Savepoint(sqlite3* db, std::string name);
  ~Savepoint();
  Savepoint(const Savepoint&) = delete;
  Savepoint& operator=(const Savepoint&) = delete;
  /// Keeps the changes (commits, when this savepoint began the transaction).
  void release();

 private:
  sqlite3* db_;
  std::string name_;
  bool outermost_;  ///< this savepoint began the transaction
  bool done_ = false;
};

}  // namespace aigc
