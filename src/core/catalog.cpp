#include "core/catalog.h"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "core/database.h"
#include "core/error.h"
#include "core/json.h"
#include "core/real_text.h"
#include "core/resources.h"
#include "core/suggest.h"
#include "core/value.h"

namespace aigc {

namespace {

std::string_view trim(std::string_view s) {
  const auto not_space = [](char c) { return c != ' ' && c != '\t' && c != '\r' && c != '\n'; };
  while (!s.empty() && !not_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && !not_space(s.back())) s.remove_suffix(1);
  return s;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_name_start(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool is_name_char(char c) { return is_name_start(c) || is_digit(c); }

/// [+-]? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?: a number as
/// people write one. "007" (an identifier, a zip code), ".5" and "5." are not.
bool is_plain_number(std::string_view t) {
  std::size_t p = 0, n = t.size();
  if (p < n && (t[p] == '+' || t[p] == '-')) ++p;
  if (p == n || !is_digit(t[p])) return false;
  if (t[p] == '0') {
    ++p;
  } else {
    while (p < n && is_digit(t[p])) ++p;
  }
  if (p < n && t[p] == '.') {
    ++p;
    if (p == n || !is_digit(t[p])) return false;
    while (p < n && is_digit(t[p])) ++p;
  }
  if (p < n && (t[p] == 'e' || t[p] == 'E')) {
    ++p;
    if (p < n && (t[p] == '+' || t[p] == '-')) ++p;
    if (p == n || !is_digit(t[p])) return false;
    while (p < n && is_digit(t[p])) ++p;
  }
  return p == n;
}

/// A plain number as an integer (when it has no fraction or exponent and
/// fits 64 bits) or a real; nullopt if it is not a plain number.
std::optional<ParamValue> number_value(std::string_view text) {
  if (!is_plain_number(text)) return std::nullopt;
  ParamValue v;
  if (text.find_first_of(".eE") == std::string_view::npos && parse_integer(text, v.i)) {
    v.kind = ParamValue::Kind::integer;
    return v;
  }
  if (parse_real(text, v.d)) {
    v.kind = ParamValue::Kind::real;
    return v;
  }
  return std::nullopt;  // beyond the range of a double
}

std::string join(const std::vector<std::string>& items, std::string_view sep) {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += sep;
    out += items[i];
  }
  return out;
}

void append_joined(std::string& to, std::string_view more) {
  if (!to.empty() && !more.empty()) to += ' ';
  to += more;
}

/// Parses the value of a "-- param:" line: NAME [= DEFAULT] [-- DESCRIPTION].
ParamDecl parse_param_line(std::string_view value, const std::string& where) {
  ParamDecl d;
  std::size_t p = 0;
  if (p < value.size() && (value[p] == ':' || value[p] == '@' || value[p] == '$')) ++p;
  const std::size_t name_start = p;
  if (p < value.size() && is_name_start(value[p]))
    while (p < value.size() && is_name_char(value[p])) ++p;
  d.name = std::string(value.substr(name_start, p - name_start));
  if (d.name.empty())
    throw DataError(where + ": param needs a name: -- param: NAME = DEFAULT -- description");
  auto skip_space = [&] {
    while (p < value.size() && (value[p] == ' ' || value[p] == '\t')) ++p;
  };
  skip_space();
  if (p < value.size() && value[p] == '=') {
    ++p;
    skip_space();
    if (p < value.size() && value[p] == '\'') {
      std::string s;
      bool closed = false;
      for (++p; p < value.size(); ++p) {
        if (value[p] == '\'') {
          if (p + 1 < value.size() && value[p + 1] == '\'') {
            s += '\'';
            ++p;
          } else {
            closed = true;
            ++p;
            break;
          }
        } else {
          s += value[p];
        }
      }
      if (!closed) throw DataError(where + ": param " + d.name + ": the quoted default has no closing quote");
      ParamValue v;
      v.kind = ParamValue::Kind::text;
      v.s = std::move(s);
      d.default_value = std::move(v);
    } else {
      std::size_t start = p;
      while (p < value.size() && value[p] != ' ' && value[p] != '\t' &&
             !(p > start && value.compare(p, 2, "--") == 0))
        ++p;
      std::string_view token = value.substr(start, p - start);
      std::string upper(token);
      for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      if (upper == "NULL") {
        d.default_value = ParamValue{};
      } else if (auto n = number_value(token)) {
        d.default_value = std::move(*n);
      } else {
        throw DataError(where + ": param " + d.name + ": default '" + std::string(token) +
                        "' is not a number, a 'single-quoted string' or NULL");
      }
    }
    skip_space();
  }
  if (p < value.size()) {
    if (value.compare(p, 2, "--") != 0)
      throw DataError(where + ": param " + d.name + ": unexpected '" + std::string(value.substr(p)) +
                      "'; write -- param: NAME = DEFAULT -- description");
    d.description = std::string(trim(value.substr(p + 2)));
  }
  return d;
}

}  // namespace

// ---------------------------------------------------------------------------
// ParamValue

ParamValue ParamValue::from_text(std::string_view text) {
  if (auto n = number_value(text)) return *n;
  ParamValue v;
  v.kind = Kind::text;
  v.s = std::string(text);
  return v;
}

std::string ParamValue::literal() const {
  switch (kind) {
    case Kind::null: return "NULL";
    case Kind::integer: return std::to_string(i);
    case Kind::real: {
      RealTextBuffer buf;
      return std::string(real_text(d, buf));
    }
    case Kind::text: return quote_literal(s);
  }
  return "NULL";
}

std::string ParamValue::json() const {
  switch (kind) {
    case Kind::null: return "null";
    case Kind::text: return json_string(s);
    default: return literal();
  }
}

void ParamValue::bind(sqlite3_stmt* stmt, int index) const {
  int rc = SQLITE_OK;
  switch (kind) {
    case Kind::null: rc = sqlite3_bind_null(stmt, index); break;
    case Kind::integer: rc = sqlite3_bind_int64(stmt, index, i); break;
    case Kind::real: rc = sqlite3_bind_double(stmt, index, d); break;
    case Kind::text:
      rc = sqlite3_bind_text64(stmt, index, s.data(), s.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
      break;
  }
  if (rc != SQLITE_OK) throw DataError(std::string("cannot bind a parameter: ") + sqlite3_errstr(rc));
}

// ---------------------------------------------------------------------------
// SavedQuery

SavedQuery SavedQuery::parse(std::string name, std::string file, std::string text) {
  SavedQuery q;
  q.name = std::move(name);
  q.file = std::move(file);
  if (text.rfind("\xEF\xBB\xBF", 0) == 0) text.erase(0, 3);  // SQLite would not skip a BOM
  std::string_view rest = text;
  std::uint64_t line_no = 0;
  while (!rest.empty()) {
    const std::size_t eol = rest.find('\n');
    const std::string_view line = trim(rest.substr(0, eol));
    rest = eol == std::string_view::npos ? std::string_view() : rest.substr(eol + 1);
    ++line_no;
    if (line.empty()) continue;
    if (line.compare(0, 2, "--") != 0) break;  // the SQL begins
    std::string_view body = trim(line.substr(2));
    std::size_t k = 0;
    while (k < body.size() && ((body[k] >= 'a' && body[k] <= 'z') || body[k] == '_')) ++k;
    if (k == 0 || k >= body.size() || body[k] != ':') continue;  // a free comment
    const std::string key(body.substr(0, k));
    const std::string_view value = trim(body.substr(k + 1));
    const std::string where = q.file + ":" + std::to_string(line_no);
    if (key == "title") {
      append_joined(q.title, value);
    } else if (key == "description") {
      append_joined(q.description, value);
    } else if (key == "section") {
      std::string_view list = value;
      while (!list.empty()) {
        const std::size_t comma = list.find(',');
        const std::string_view id = trim(list.substr(0, comma));
        if (!id.empty() && std::find(q.sections.begin(), q.sections.end(), id) == q.sections.end())
          q.sections.emplace_back(id);
        list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
      }
    } else if (key == "param") {
      ParamDecl d = parse_param_line(value, where);
      if (q.param(d.name)) throw DataError(where + ": param " + d.name + " is declared twice");
      d.line = line_no;
      q.params.push_back(std::move(d));
    } else {
      std::string msg = where + ": unknown header key '" + key + "'";
      std::string hint = did_you_mean(key, {"title", "description", "section", "param"});
      if (!hint.empty()) msg += " (" + hint + ")";
      throw DataError(msg + "; the keys are title, description, section and param (a free comment must not start "
                            "with 'word:')");
    }
  }
  q.sql = std::move(text);
  return q;
}

const ParamDecl* SavedQuery::param(std::string_view name) const {
  for (const auto& p : params)
    if (p.name == name) return &p;
  return nullptr;
}

// ---------------------------------------------------------------------------
// QueryCatalog

QueryCatalog QueryCatalog::embedded() {
  QueryCatalog c;
  c.origin_ = "embedded";
  for (const auto& r : embedded_files("queries/")) {
    fs::path p(r.path);
    if (p.extension() != ".sql") continue;
    c.queries_.push_back(SavedQuery::parse(p.stem().string(), std::string(r.path), std::string(r.data)));
  }
  return c;
}

QueryCatalog QueryCatalog::from_directory(const fs::path& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) throw UsageError("no directory of saved queries at " + dir.string());
  QueryCatalog c;
  c.origin_ = dir.string();
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (entry.path().extension() != ".sql" || !entry.is_regular_file(ec)) continue;
    files.push_back(entry.path());
  }
  if (ec) throw DataError("cannot list " + dir.string() + ": " + ec.message());
  std::sort(files.begin(), files.end());
  for (const auto& f : files) {
    std::ifstream in(f, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    if (!in && !in.eof()) throw DataError("cannot read " + f.string());
    c.queries_.push_back(SavedQuery::parse(f.stem().string(), f.string(), text.str()));
  }
  return c;
}

QueryCatalog QueryCatalog::resolve(const std::string& flag) {
  if (!flag.empty()) return from_directory(flag);
  if (const char* env = std::getenv("AIGC_QUERIES"); env && *env) return from_directory(env);
  return embedded();
}

std::vector<std::string> QueryCatalog::names() const {
  std::vector<std::string> out;
  for (const auto& q : queries_) out.push_back(q.name);
  return out;
}

const SavedQuery& QueryCatalog::find(std::string_view name) const {
  for (const auto& q : queries_)
    if (q.name == name) return q;
  if (queries_.empty())
    throw UsageError("no saved query named '" + std::string(name) + "': there are no saved queries in " + origin_);
  std::string msg = "no saved query named '" + std::string(name) + "'";
  std::string hint = did_you_mean(name, names());
  if (!hint.empty()) msg += "; " + hint;
  throw UsageError(msg + " ('aigc queries' lists them)");
}

// ---------------------------------------------------------------------------
// Parameters

ParamArgs parse_param_args(const std::vector<std::string>& assignments) {
  ParamArgs out;
  for (const auto& a : assignments) {
    const std::size_t eq = a.find('=');
    if (eq == std::string::npos || eq == 0)
      throw UsageError("--param '" + a + "' is not NAME=VALUE (for example --param fx_usd_cny=7.2)");
    std::string name = a.substr(0, eq);
    if (name[0] == ':' || name[0] == '@' || name[0] == '$') name.erase(0, 1);
    for (const auto& [n, v] : out)
      if (n == name) throw UsageError("--param " + name + " is given twice");
    out.emplace_back(std::move(name), a.substr(eq + 1));
  }
  return out;
}

std::string QueryParameter::summary() const {
  return default_value ? name + "=" + default_value->literal() : name + " (required)";
}

PreparedQuery::PreparedQuery(sqlite3* db, SavedQuery query) : query_(std::move(query)) {
  const std::string& sql = query_.sql;
  const char* tail = nullptr;
  int rc = sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()), 0, &stmt_, &tail);
  if (rc != SQLITE_OK) {
    std::string msg = sqlite3_errmsg(db);
    sqlite3_finalize(stmt_);
    stmt_ = nullptr;
    throw DataError(query_.file + ": " + msg);
  }
  // Everything after the statement must be comments or space. RAII from
  // here: a throw below finalizes through the guard.
  struct Guard {
    sqlite3_stmt*& s;
    bool armed = true;
    ~Guard() {
      if (armed) {
        sqlite3_finalize(s);
        s = nullptr;
      }
    }
  } guard{stmt_};
  if (!stmt_) throw DataError(query_.file + ": holds no SQL statement");
  {
    sqlite3_stmt* extra = nullptr;
    const auto remaining = static_cast<int>(sql.data() + sql.size() - tail);
    int rc2 = sqlite3_prepare_v3(db, tail, remaining, 0, &extra, nullptr);
    sqlite3_finalize(extra);
    if (rc2 != SQLITE_OK || extra)
      throw DataError(query_.file + ": holds more than one SQL statement; a saved query is exactly one");
  }
  if (!sqlite3_stmt_readonly(stmt_))
    throw DataError(query_.file + ": the statement would change the database; a saved query only reads");

  const int count = sqlite3_bind_parameter_count(stmt_);
  for (int i = 1; i <= count; ++i) {
    const char* raw = sqlite3_bind_parameter_name(stmt_, i);
    if (!raw || raw[0] == '?')
      throw DataError(query_.file + ": uses a positional parameter (?); name it (:name) so --param can set it");
    QueryParameter p;
    p.name = raw + 1;
    p.index = i;
    for (const auto& other : parameters_)
      if (other.name == p.name)
        throw DataError(query_.file + ": parameter " + p.name + " is written with two different prefixes (" +
                        sqlite3_bind_parameter_name(stmt_, other.index) + " and " + raw +
                        "), which SQLite takes as two parameters; use one");
    if (const ParamDecl* d = query_.param(p.name)) {
      p.default_value = d->default_value;
      p.description = d->description;
    }
    parameters_.push_back(std::move(p));
  }
  // Listed in the header's order (the author's), then the undeclared ones.
  auto declared_at = [&](const QueryParameter& p) {
    for (std::size_t i = 0; i < query_.params.size(); ++i)
      if (query_.params[i].name == p.name) return i;
    return query_.params.size();
  };
  std::stable_sort(parameters_.begin(), parameters_.end(),
                   [&](const auto& a, const auto& b) { return declared_at(a) < declared_at(b); });
  for (const auto& d : query_.params) {
    bool used = std::any_of(parameters_.begin(), parameters_.end(), [&](const auto& p) { return p.name == d.name; });
    if (!used)
      throw DataError(query_.file + ":" + std::to_string(d.line) + ": param " + d.name +
                      " is declared but the SQL does not use :" + d.name);
  }
  guard.armed = false;
}

PreparedQuery::~PreparedQuery() { sqlite3_finalize(stmt_); }

PreparedQuery::PreparedQuery(PreparedQuery&& other) noexcept
    : query_(std::move(other.query_)), stmt_(other.stmt_), parameters_(std::move(other.parameters_)) {
  other.stmt_ = nullptr;
}

std::vector<std::pair<std::string, ParamValue>> PreparedQuery::bind(const ParamArgs& args) {
  auto takes = [&] {
    std::vector<std::string> s;
    for (const auto& p : parameters_) s.push_back(p.summary());
    return s.empty() ? std::string("it takes no parameters") : "it takes: " + join(s, ", ");
  };
  std::vector<const std::string*> given(parameters_.size(), nullptr);
  for (const auto& arg : args) {
    // Not a structured binding: clang 14 (the fuzz build) cannot capture one in a lambda.
    const std::string& name = arg.first;
    const std::string& value = arg.second;
    auto it = std::find_if(parameters_.begin(), parameters_.end(), [&](const auto& p) { return p.name == name; });
    if (it == parameters_.end()) {
      std::vector<std::string> names;
      for (const auto& p : parameters_) names.push_back(p.name);
      std::string msg = "query " + query_.name + " has no parameter '" + name + "'";
      std::string hint = did_you_mean(name, names);
      if (!hint.empty()) msg += " (" + hint + ")";
      throw UsageError(msg + "; " + takes());
    }
    given[static_cast<std::size_t>(it - parameters_.begin())] = &value;
  }
  std::vector<std::string> missing;
  for (std::size_t i = 0; i < parameters_.size(); ++i)
    if (!given[i] && parameters_[i].required()) missing.push_back(parameters_[i].name);
  if (!missing.empty()) {
    std::vector<std::string> example;
    for (const auto& m : missing) example.push_back("--param " + m + "=VALUE");
    throw UsageError("query " + query_.name + " needs a value for " + join(missing, ", ") + ": pass " +
                     join(example, " ") + "; " + takes());
  }
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
  std::vector<std::pair<std::string, ParamValue>> bound;
  for (std::size_t i = 0; i < parameters_.size(); ++i) {
    const auto& p = parameters_[i];
    ParamValue v = given[i] ? ParamValue::from_text(*given[i]) : *p.default_value;
    v.bind(stmt_, p.index);
    bound.emplace_back(p.name, std::move(v));
  }
  return bound;
}

// ---------------------------------------------------------------------------
// Running and listing

std::uint64_t run_saved_query(sqlite3* db, const QueryCatalog& catalog, std::string_view name, const ParamArgs& args,
                              std::ostream& out, const RenderOptions& options) {
  PreparedQuery q(db, catalog.find(name));
  q.bind(args);
  try {
    return render_statement(q.get(), out, options);
  } catch (const DataError& e) {
    throw DataError("query " + q.query().name + ": " + e.what());
  }
}

std::uint64_t list_queries(sqlite3* db, const QueryCatalog& catalog, std::ostream& out, const RenderOptions& options) {
  // The listing is itself a result set, so it goes through the one renderer
  // and looks like every other result in every format.
  SQLite::Database mem(":memory:", SQLite::OPEN_READWRITE);
  harden_connection(mem.getHandle());
  mem.exec("CREATE TABLE q (name TEXT, title TEXT, parameters TEXT, section TEXT)");
  SQLite::Statement insert(mem, "INSERT INTO q VALUES (?, ?, ?, ?)");
  for (const auto& saved : catalog.queries()) {
    PreparedQuery q(db, saved);
    std::vector<std::string> params;
    for (const auto& p : q.parameters()) params.push_back(p.summary());
    insert.bind(1, saved.name);
    insert.bind(2, saved.title);
    insert.bind(3, join(params, ", "));
    insert.bind(4, join(saved.sections, ", "));
    insert.exec();
    insert.reset();
  }
  RawStatement select(mem.getHandle(), "SELECT name, title, parameters, section FROM q ORDER BY name");
  return render_statement(select.get(), out, options);
}

void describe_query(sqlite3* db, const SavedQuery& query, std::ostream& out) {
  PreparedQuery q(db, query);
  out << query.name << ": " << query.title << "\n";
  if (!query.description.empty()) out << "\n" << query.description << "\n";
  out << "\nsection:    " << (query.sections.empty() ? std::string("-") : join(query.sections, ", ")) << "\n";
  out << "file:       " << query.file << "\n";
  out << "parameters:";
  if (q.parameters().empty()) out << " none";
  out << "\n";
  std::string run = "aigc run " + query.name;
  for (const auto& p : q.parameters()) {
    out << "  " << p.summary();
    if (!p.description.empty()) out << "  -- " << p.description;
    out << "\n";
    if (p.required()) run += " --param " + p.name + "=VALUE";
  }
  out << "run:        " << run << "\n\n" << trim(query.sql) << "\n";
  if (!out) throw DataError("cannot write the output: the output stream failed");
}

}  // namespace aigc
