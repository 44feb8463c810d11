#pragma once
/// Deprecated umbrella: include the header that holds what you use.
///   base/environment.h     warehouse path, busy timeout
///   sqlite/connection.h    opening, hardening, limits
///   sqlite/sqlite_error.h  check(rc), explain_sqlite_error
///   sqlite/quote.h         quote_identifier, quote_literal
///   sqlite/statement.h     Statement, exec
/// Kept while files owned by other refactors still include it.
#include "base/environment.h"
#include "sqlite/connection.h"
#include "sqlite/quote.h"
#include "sqlite/sqlite_error.h"
#include "sqlite/statement.h"
