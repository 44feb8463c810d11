#include "db_digest.h"

#include <sstream>
#include <stdexcept>
#include <vector>

namespace test {

namespace {

/// Prepared statement owned for one scope.
class Stmt {
 public:
  Stmt(sqlite3* db, const std::string& sql) : db_(db) {
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt_, nullptr) != SQLITE_OK) {
      std::string msg = sqlite3_errmsg(db);
      sqlite3_finalize(stmt_);
      throw std::runtime_error(msg + " in: " + sql);
    }
  }
  ~Stmt() { sqlite3_finalize(stmt_); }
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  sqlite3_stmt* get() const { return stmt_; }
  /// true for a row, false when done; throws on an error.
  bool step() {
    int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    throw std::runtime_error(sqlite3_errmsg(db_));
  }

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

struct Fnv {
  std::uint64_t h = 14695981039346656037ull;
  void add(const void* data, std::size_t n) {
    const auto* p = static_cast<const unsigned char*>(data);
    for (std::size_t i = 0; i < n; ++i) {
      h ^= p[i];
      h *= 1099511628211ull;
    }
  }
};

std::string quote_identifier(const std::string& name) {
  std::string out = "\"";
  for (char c : name) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

TableDigest digest_query(sqlite3* db, const std::string& sql) {
  Stmt st(db, sql);
  TableDigest d;
  Fnv fnv;
  const int n = sqlite3_column_count(st.get());
  while (st.step()) {
    ++d.rows;
    for (int i = 0; i < n; ++i) {
      const int type = sqlite3_column_type(st.get(), i);
      const unsigned char tag = static_cast<unsigned char>(type);
      fnv.add(&tag, 1);
      switch (type) {
        case SQLITE_INTEGER: {
          const sqlite3_int64 v = sqlite3_column_int64(st.get(), i);
          fnv.add(&v, sizeof v);
          break;
        }
        case SQLITE_FLOAT: {
          const double v = sqlite3_column_double(st.get(), i);
          fnv.add(&v, sizeof v);
          break;
        }
        case SQLITE_TEXT:
        case SQLITE_BLOB: {
          const void* p = type == SQLITE_TEXT ? static_cast<const void*>(sqlite3_column_text(st.get(), i))
                                              : sqlite3_column_blob(st.get(), i);
          const auto len = static_cast<std::uint64_t>(sqlite3_column_bytes(st.get(), i));
          fnv.add(&len, sizeof len);
          if (len) fnv.add(p, len);
          break;
        }
        default: break;
      }
    }
  }
  d.hash = fnv.h;
  return d;
}

}  // namespace

TableDigest table_digest(sqlite3* db, const std::string& table) {
  return digest_query(db, "SELECT * FROM " + quote_identifier(table) + " ORDER BY rowid");
}

std::map<std::string, TableDigest> database_digest(sqlite3* db) {
  std::map<std::string, TableDigest> out;
  out["sqlite_schema"] = digest_query(db, "SELECT type, name, tbl_name, sql FROM sqlite_schema ORDER BY type, name");
  std::vector<std::string> tables;
  {
    Stmt st(db, "SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name");
    while (st.step()) tables.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(st.get(), 0)));
  }
  for (const auto& t : tables) out[t] = table_digest(db, t);
  return out;
}

std::string integrity_check(sqlite3* db) {
  Stmt st(db, "PRAGMA integrity_check");
  std::string out;
  while (st.step()) {
    const auto* t = sqlite3_column_text(st.get(), 0);
    if (!out.empty()) out += '\n';
    out += t ? reinterpret_cast<const char*>(t) : "NULL";
  }
  return out;
}

std::string describe(const std::map<std::string, TableDigest>& digests) {
  std::ostringstream ss;
  for (const auto& [name, d] : digests)
    ss << name << ": " << d.rows << " rows, hash " << std::hex << d.hash << std::dec << "\n";
  return ss.str();
}

}  // namespace test
