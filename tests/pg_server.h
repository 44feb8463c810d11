#pragma once
/// A real PostgreSQL 15 server for the tests (issue 15), from Debian's
/// postgresql-15 package: initdb in a temporary directory, run as an
/// unprivileged user (nobody, when the tests run as root, since PostgreSQL
/// refuses root), listening only on a Unix socket in that directory, and
/// stopped (and the directory removed) when the test process ends.
///
/// Roles: "aigc" (superuser, trusted on the socket) and "aigc_pw" (login with
/// the password "s3cret-pw", checked with scram-sha-256), for the tests of a
/// refused authentication.
#include <filesystem>
#include <string>

namespace aigc::test {

class PgServer {
 public:
  /// The one server of this test process, started on first use. Throws
  /// std::runtime_error saying what is missing or what failed.
  static PgServer& shared();

  /// "host=DIR port=PORT dbname=DB user=aigc", for libpq.
  std::string conninfo(const std::string& db = "postgres", const std::string& user = "aigc") const;
  /// postgresql://aigc@/DB?host=DIR&port=PORT (the socket directory URL-encoded).
  std::string url(const std::string& db = "postgres", const std::string& user = "aigc") const;
  /// Runs `sql` with psql as aigc on `db`; returns its output (-At: unaligned,
  /// tuples only). Throws with psql's message if it fails.
  std::string psql(const std::string& sql, const std::string& db = "postgres") const;
  /// A fresh empty database (dropped first if it exists).
  void create_database(const std::string& db) const;

  const std::filesystem::path& socket_dir() const noexcept { return dir_; }
  int port() const noexcept { return port_; }

  ~PgServer();
  PgServer(const PgServer&) = delete;
  PgServer& operator=(const PgServer&) = delete;

 private:
  PgServer();
  std::filesystem::path dir_;
  std::filesystem::path data_;
  int port_ = 5432;
};

/// Where Debian's postgresql-15 puts initdb, pg_ctl and postgres.
std::filesystem::path pg_bin_dir();

}  // namespace aigc::test
