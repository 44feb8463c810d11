#include "sqlite/sqlite_error.h"

#include <cstring>

#include "base/environment.h"
#include "base/error.h"

namespace aigc {

std::string explain_sqlite_error(int extended_code, std::string_view message, int system_errno) {
  std::string out(message);
  if (system_errno != 0 && (extended_code & 0xff) == SQLITE_IOERR)
    out += std::string(" (") + std::strerror(system_errno) + ")";
  switch (extended_code & 0xff) {
    case SQLITE_FULL: return out + ": the disk is full; free some space and try again";
    case SQLITE_IOERR:
      return out +
             ": reading or writing the file failed; check that the disk has room (and no file size limit applies) "
             "and works";
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return out + ": another process is writing to it (waited " + std::to_string(busy_timeout_ms()) +
             " ms); try again when it has finished, or wait longer with AIGC_BUSY_TIMEOUT=MILLISECONDS";
    case SQLITE_READONLY:
      if (extended_code == SQLITE_READONLY_ROLLBACK)
        return out +
               ": an interrupted write left a journal that must be rolled back, which needs write access to the "
               "file and its directory";
      // SQLite refuses to write to a file renamed away while it was open:
      // here, a warehouse that `aigc build` replaced while this command
      // waited for its lock. Nothing was written; the new file has the lock free.
      if (extended_code == SQLITE_READONLY_DBMOVED)
        return out +
               ": the warehouse was replaced (by aigc build) while this command waited for it; nothing was "
               "written, run the command again";
      return out + ": the file or its directory is not writable";
    case SQLITE_CANTOPEN: return out + ": check that the path and its directory exist and are accessible";
    case SQLITE_CORRUPT:
      return out +
             ": the file is damaged; restore a copy, or rebuild it with 'aigc build --discard-user-data' (rows "
             "you added are lost)";
    case SQLITE_NOTADB: return out + ": the file is not a SQLite database (is --db or AIGC_DB the right path?)";
    default: return out;
  }
}

std::string explain_sqlite_error(sqlite3* db) {
  return explain_sqlite_error(sqlite3_extended_errcode(db), sqlite3_errmsg(db), sqlite3_system_errno(db));
}

std::string explain_sqlite_error(const SQLite::Exception& e) {
  return explain_sqlite_error(e.getExtendedErrorCode(), e.what());
}

void throw_sqlite_error(sqlite3* db, std::string_view context) {
  std::string message = explain_sqlite_error(db);
  if (!context.empty()) message = std::string(context) + ": " + message;
  throw DataError(message);
}

}  // namespace aigc
