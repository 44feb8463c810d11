#include "pg_server.h"

#include <pwd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <stdexcept>
#include <vector>

namespace aigc::test {

namespace fs = std::filesystem;

namespace {

/// Runs argv (as `user` when not empty, through runuser), returning its
/// output; throws with the output when it fails.
std::string run(const std::vector<std::string>& argv, const std::string& user = {}) {
  std::string cmd;
  if (!user.empty()) cmd = "runuser -u " + user + " -- ";
  for (const auto& a : argv) {
    std::string q = "'";
    for (char c : a) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
    cmd += q + "' ";
  }
  cmd += "2>&1";
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(::popen(cmd.c_str(), "r"), ::pclose);
  if (!pipe) throw std::runtime_error("cannot run " + cmd);
  std::string out;
  char buf[4096];
  while (std::size_t n = std::fread(buf, 1, sizeof buf, pipe.get())) out.append(buf, n);
  const int status = ::pclose(pipe.release());
  if (status != 0) throw std::runtime_error(cmd + " failed:\n" + out);
  return out;
}

std::string encoded(const std::string& s) {
  std::string out;
  static const char* hex = "0123456789ABCDEF";
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

}  // namespace

fs::path pg_bin_dir() { return "/usr/lib/postgresql/15/bin"; }

PgServer& PgServer::shared() {
  static PgServer server;
  return server;
}

PgServer::PgServer() {
  if (!fs::exists(pg_bin_dir() / "initdb"))
    throw std::runtime_error("PostgreSQL 15 is not installed (" + (pg_bin_dir() / "initdb").string() +
                             "): apt-get install postgresql-15 (.ci/setup does)");
  char tmpl[] = "/tmp/aigc-pg-XXXXXX";
  if (!::mkdtemp(tmpl)) throw std::runtime_error("cannot make a temporary directory");
  dir_ = tmpl;
  data_ = dir_ / "data";
  // PostgreSQL refuses to run as root: the server runs as nobody, who owns the directory.
  std::string user;
  if (::getuid() == 0) {
    user = "nobody";
    const passwd* pw = ::getpwnam(user.c_str());
    if (!pw) throw std::runtime_error("no user nobody to run PostgreSQL as");
    if (::chown(dir_.c_str(), pw->pw_uid, pw->pw_gid) != 0) throw std::runtime_error("cannot chown " + dir_.string());
  }
  ::chmod(dir_.c_str(), 0755);
  {
    std::ofstream pw(dir_ / "pwfile");
    pw << "unused-superuser-password\n";
  }
  if (!user.empty()) run({"chown", user, (dir_ / "pwfile").string()});
  run({(pg_bin_dir() / "initdb").string(), "-D", data_.string(), "-U", "aigc", "--auth-local=trust",
       "--auth-host=scram-sha-256", "--pwfile", (dir_ / "pwfile").string(), "-E", "UTF8", "--locale=C.UTF-8"},
      user);
  {
    std::ofstream conf(data_ / "postgresql.conf", std::ios::app);
    conf << "listen_addresses = ''\n"
         << "unix_socket_directories = '" << dir_.string() << "'\n"
         << "port = " << port_ << "\n"
         << "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n"
         << "max_connections = 40\nshared_buffers = 64MB\n";
  }
  {
    // aigc is trusted on the socket; every other role proves its password.
    std::ofstream hba(data_ / "pg_hba.conf", std::ios::trunc);
    hba << "local all aigc trust\nlocal all all scram-sha-256\n";
  }
  run({(pg_bin_dir() / "pg_ctl").string(), "-D", data_.string(), "-l", (dir_ / "server.log").string(), "-w", "-t", "30",
       "start"},
      user);
  psql("CREATE ROLE aigc_pw LOGIN PASSWORD 's3cret-pw'");
}

PgServer::~PgServer() {
  try {
    const std::string user = ::getuid() == 0 ? "nobody" : "";
    run({(pg_bin_dir() / "pg_ctl").string(), "-D", data_.string(), "-m", "immediate", "-w", "stop"}, user);
  } catch (...) {
  }
  std::error_code ec;
  fs::remove_all(dir_, ec);
}

std::string PgServer::conninfo(const std::string& db, const std::string& user) const {
  return "host=" + dir_.string() + " port=" + std::to_string(port_) + " dbname=" + db + " user=" + user;
}

std::string PgServer::url(const std::string& db, const std::string& user) const {
  return "postgresql://" + user + "@/" + db + "?host=" + encoded(dir_.string()) + "&port=" + std::to_string(port_);
}

std::string PgServer::psql(const std::string& sql, const std::string& db) const {
  return run({"psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-At", "-d", conninfo(db), "-c", sql});
}

void PgServer::create_database(const std::string& db) const {
  psql("DROP DATABASE IF EXISTS \"" + db + "\" WITH (FORCE)");
  psql("CREATE DATABASE \"" + db + "\"");
}

}  // namespace aigc::test
