#include "sqlite/savepoint.h"

#include <utility>

#include "sqlite/quote.h"
#include "sqlite/statement.h"

namespace aigc {

Savepoint::Savepoint(sqlite3* db, std::string name)
    : db_(db), name_(std::move(name)), outermost_(sqlite3_get_autocommit(db) != 0) {
  // The outermost one takes the write lock at once: a transaction that reads
  // first and writes later gets SQLITE_BUSY at once, without waiting out the
  // busy timeout, when another process is writing (SQLite's deadlock
  // avoidance). BEGIN IMMEDIATE waits for the lock instead.
  if (outermost_) exec(db_, "BEGIN IMMEDIATE");
  try {
    exec(db_, "SAVEPOINT " + quote_identifier(name_));
  } catch (...) {
    if (outermost_) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
}

Savepoint::~Savepoint() {
  if (done_) return;
  // Destructors never throw: a failed rollback leaves SQLite's own recovery
  // (the journal) to restore the file. When this savepoint opened the
  // transaction, a plain ROLLBACK ends it without writing: ROLLBACK TO then
  // RELEASE would commit an empty transaction and bump the file's change
  // counter, so the file would no longer be byte-identical.
  const std::string sql =
      outermost_ ? "ROLLBACK" : "ROLLBACK TO " + quote_identifier(name_) + "; RELEASE " + quote_identifier(name_);
  sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, nullptr);
}

void Savepoint::release() {
  exec(db_, "RELEASE " + quote_identifier(name_));
  if (outermost_) exec(db_, "COMMIT");  // if it fails, the destructor rolls back
  done_ = true;
}

}  // namespace aigc
