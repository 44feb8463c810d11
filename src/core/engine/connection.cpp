#include "engine/connection.h"

#include "base/error.h"

namespace aigc::engine {

std::unique_ptr<Cursor> Connection::prepare(std::string_view sql) {
  std::string_view rest;
  auto cursor = prepare_first(sql, rest);
  if (!cursor) throw DataError("no SQL statement to prepare");
  std::string_view after;
  if (prepare_first(rest, after)) throw DataError("more than one SQL statement where one was expected");
  return cursor;
}

}  // namespace aigc::engine
