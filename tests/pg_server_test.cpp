// The PostgreSQL test server itself: it starts, refuses a wrong password,
// and libpq (opened by aigc's own loader) reaches it.
#include <doctest/doctest.h>

#include "pg_server.h"
#include "postgres/libpq_library.h"

using aigc::test::PgServer;

TEST_CASE("postgres: the tests' server runs PostgreSQL 15 on its socket, and libpq reaches it") {
  PgServer& pg = PgServer::shared();
  CHECK(pg.psql("SELECT current_setting('server_version_num')::int / 10000").substr(0, 2) == "15");
  const aigc::LibPq& pq = aigc::libpq();
  PGconn* conn = pq.PQconnectdb(pg.conninfo().c_str());
  REQUIRE(conn);
  CHECK(pq.PQstatus(conn) == CONNECTION_OK);
  CHECK(pq.PQserverVersion(conn) / 10000 == 15);
  pq.PQfinish(conn);
  // A role with a password is refused without it.
  PGconn* refused = pq.PQconnectdb((pg.conninfo("postgres", "aigc_pw") + " password=wrong").c_str());
  CHECK(pq.PQstatus(refused) == CONNECTION_BAD);
  CHECK(std::string(pq.PQerrorMessage(refused)).find("password authentication failed") != std::string::npos);
  pq.PQfinish(refused);
}
