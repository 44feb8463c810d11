#pragma once
// An invariant of a fuzz target: when it does not hold, say which and abort,
// so libFuzzer saves the input as a crash.
#include <sqlite3.h>

#include <cstdio>
#include <cstdlib>

#define FUZZ_CHECK(cond)                                                                \
  do {                                                                                  \
    if (!(cond)) {                                                                      \
      std::fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #cond); \
      std::abort();                                                                     \
    }                                                                                   \
  } while (0)

/// An in-memory database, with `schema` run on it if given; closed on destruction.
class FuzzDb {
 public:
  explicit FuzzDb(const char* schema = nullptr) {
    FUZZ_CHECK(sqlite3_open(":memory:", &db_) == SQLITE_OK);
    if (schema) FUZZ_CHECK(sqlite3_exec(db_, schema, nullptr, nullptr, nullptr) == SQLITE_OK);
  }
  ~FuzzDb() { sqlite3_close(db_); }
  FuzzDb(const FuzzDb&) = delete;
  FuzzDb& operator=(const FuzzDb&) = delete;
  sqlite3* get() const { return db_; }

 private:
  sqlite3* db_ = nullptr;
};
