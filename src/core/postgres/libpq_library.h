#pragma once
/// libpq, PostgreSQL's client library, opened when a command first talks to
/// a server (aigc publish, --on URL) rather than when the program starts.
///
/// Why: libpq brings OpenSSL, GSSAPI and LDAP with it; loaded at start-up,
/// the dynamic loader would bind their symbols before every command, and
/// most commands never leave the SQLite file (see export/xlsxwriter_library.h,
/// which does the same for libxlsxwriter).
#include <libpq-fe.h>

namespace aigc {

/// The libpq functions aigc calls: one list for the table of pointers below
/// and for binding it (libpq_library.cpp).
#define AIGC_LIBPQ_FUNCTIONS(X) \
  X(PQconnectdb)                \
  X(PQconnectdbParams)          \
  X(PQconninfoParse)            \
  X(PQconninfoFree)             \
  X(PQconninfo)                 \
  X(PQstatus)                   \
  X(PQerrorMessage)             \
  X(PQfinish)                   \
  X(PQserverVersion)            \
  X(PQparameterStatus)          \
  X(PQdb)                       \
  X(PQuser)                     \
  X(PQhost)                     \
  X(PQport)                     \
  X(PQexec)                     \
  X(PQexecParams)               \
  X(PQprepare)                  \
  X(PQexecPrepared)             \
  X(PQdescribePrepared)         \
  X(PQsendQueryParams)          \
  X(PQsendQueryPrepared)        \
  X(PQsetSingleRowMode)         \
  X(PQgetResult)                \
  X(PQresultStatus)             \
  X(PQresultErrorMessage)       \
  X(PQresultErrorField)         \
  X(PQntuples)                  \
  X(PQnfields)                  \
  X(PQnparams)                  \
  X(PQparamtype)                \
  X(PQfname)                    \
  X(PQftype)                    \
  X(PQgetvalue)                 \
  X(PQgetisnull)                \
  X(PQgetlength)                \
  X(PQcmdTuples)                \
  X(PQclear)                    \
  X(PQputCopyData)              \
  X(PQputCopyEnd)               \
  X(PQescapeIdentifier)         \
  X(PQescapeLiteral)            \
  X(PQfreemem)                  \
  X(PQgetCancel)                \
  X(PQfreeCancel)               \
  X(PQcancel)                   \
  X(PQlibVersion)

/// Each function with the library's own signature.
struct LibPq {
#define AIGC_LIBPQ_SLOT(name) decltype(&::name) name;
  AIGC_LIBPQ_FUNCTIONS(AIGC_LIBPQ_SLOT)
#undef AIGC_LIBPQ_SLOT
};

/// The library, opened on the first call and kept for the process's life.
/// Throws DataError naming the library and the package to install when it
/// cannot be opened or lacks a function.
const LibPq& libpq();

}  // namespace aigc
