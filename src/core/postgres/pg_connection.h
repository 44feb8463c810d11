#pragma once
/// PgConnection::open, by the name the issue-15 contract gives it; the
/// classes live in postgres/pg_engine.h.
#include "postgres/conninfo.h"
#include "postgres/pg_engine.h"
