#pragma once
/// Whether a connection may change the database: shared by every engine's
/// way of opening one (sqlite/connection.h, postgres/pg_engine.h).
namespace aigc {

enum class Access { read_only, read_write };

}  // namespace aigc
