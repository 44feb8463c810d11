#include "shell/session.h"

#include <sqlite3.h>

#include <algorithm>
#include <cctype>
#include <climits>
#include <cstdint>
#include <cstdio>
#include <utility>

#include "base/error.h"
#include "base/output_file.h"
#include "base/suggest.h"
#include "base/text.h"
#include "export/export.h"
#include "query/sql_script.h"
#include "shell/line_reader.h"
#include "sqlite/connection.h"
#include "sqlite/statement.h"

namespace aigc::shell {

namespace {

constexpr std::size_t any_number = SIZE_MAX;
constexpr int max_read_depth = 8;

/// Runs a query on the raw connection and collects the first column.
std::vector<std::string> first_column(sqlite3* db, const std::string& sql, const std::string& bind = {}) {
  Statement st(db, sql);
  if (!bind.empty()) st.bind_text(1, bind);
  std::vector<std::string> out;
  while (st.step()) out.emplace_back(st.column_text(0));
  return out;
}

std::vector<std::string> table_and_view_names(sqlite3* db) {
  return first_column(db,
                      "SELECT name FROM sqlite_schema WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite_%' "
                      "ORDER BY name");
}

/// The format a file's extension asks for, if it names one.
std::optional<Format> format_for_extension(const fs::path& path) {
  const std::string ext = ascii_lower(path.extension().string());
  if (ext == ".csv") return Format::csv;
  if (ext == ".json") return Format::json;
  if (ext == ".jsonl" || ext == ".ndjson") return Format::jsonl;
  if (ext == ".md" || ext == ".markdown") return Format::markdown;
  if (ext == ".txt") return Format::table;
  return std::nullopt;
}

}  // namespace

// ---------------------------------------------------------------------------
// Input assembly

std::optional<Input> InputAssembler::add_line(std::string_view line, std::size_t line_number) {
  if (buffer_.empty()) {
    std::string_view t = trim(line);
    if (!t.empty() && t.front() == '.') return Input{Input::Kind::dot_command, std::string(t), line_number};
    first_line_ = line_number;
  }
  if (buffer_.size() + line.size() + 1 > kMaxStatementBytes) {
    const std::size_t first = first_line_;
    clear();
    throw DataError("line " + std::to_string(first) + ": the statement is longer than " +
                    std::to_string(kMaxStatementBytes) +
                    " bytes (1 MiB), the limit for one statement; does a ';' end "
                    "each statement?");
  }
  buffer_.append(line);
  buffer_ += '\n';
  // Fed only the new line: asking sqlite3_complete() about the whole buffer
  // on every line would be quadratic in a long statement.
  for (char c : line) scanner_.feed(c);
  scanner_.feed('\n');
  if (scanner_.blank()) {
    clear();
    return std::nullopt;
  }
  if (!scanner_.complete()) return std::nullopt;
  Input input{Input::Kind::sql, std::move(buffer_), first_line_};
  clear();
  return input;
}

std::optional<Input> InputAssembler::finish() {
  if (buffer_.empty()) return std::nullopt;
  Input input{Input::Kind::sql, std::move(buffer_), first_line_};
  clear();
  return input;
}

std::vector<std::string> split_dot_command(std::string_view line) {
  std::vector<std::string> words;
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && std::isspace(static_cast<unsigned char>(line[i]))) ++i;
    if (i >= line.size()) break;
    std::string word;
    if (line[i] == '\'' || line[i] == '"') {
      const char quote = line[i++];
      for (;;) {
        if (i >= line.size()) throw UsageError("unterminated quote in: " + std::string(line));
        if (line[i] == quote) {
          if (i + 1 < line.size() && line[i + 1] == quote) {
            word += quote;
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        word += line[i++];
      }
    } else {
      while (i < line.size() && !std::isspace(static_cast<unsigned char>(line[i]))) word += line[i++];
    }
    words.push_back(std::move(word));
  }
  return words;
}

// ---------------------------------------------------------------------------
// The dot-command table

const std::vector<DotCommand>& Session::dot_commands() {
  static const std::vector<DotCommand> table = {
      {".help", "[COMMAND]", "Show this help, or one command's", 0, 1, &Session::cmd_help},
      {".tables", "", "List the tables and views", 0, 0, &Session::cmd_tables},
      {".schema", "[TABLE]", "Show the CREATE statements of all tables, or of TABLE and its indexes", 0, 1,
       &Session::cmd_schema},
      {".queries", "", "List the saved queries with their parameters", 0, 0, &Session::cmd_queries},
      {".run", "NAME [key=value ...]", "Run saved query NAME, setting parameters", 1, any_number, &Session::cmd_run},
      {".mode", "[FORMAT]", "Show or set the result format: table, csv, json, jsonl, markdown", 0, 1,
       &Session::cmd_mode},
      {".output", "[FILE|stdout]",
       "Send results to FILE (replaced once complete: when output is switched or the shell ends), or back "
       "to the terminal",
       0, 1, &Session::cmd_output},
      {".export", "NAME FILE [key=value ...]",
       "Write saved query NAME's result to FILE (format from .csv/.json/.md, else the mode; - for the current "
       "output)",
       2, any_number, &Session::cmd_export},
      {".timer", "on|off", "Show how long each statement took", 1, 1, &Session::cmd_timer},
      {".read", "FILE", "Run the statements and dot-commands in FILE (stops at the first error)", 1, 1,
       &Session::cmd_read},
      {".quit", "", "Leave the shell (Ctrl-D does too)", 0, 0, &Session::cmd_quit},
      {".exit", "", "Same as .quit", 0, 0, &Session::cmd_quit},
  };
  return table;
}

std::string Session::help_text() {
  std::size_t widest = 0;
  for (const auto& c : dot_commands()) widest = std::max(widest, c.name.size() + 1 + c.args.size());
  std::string out;
  for (const auto& c : dot_commands()) {
    std::string usage = std::string(c.name) + (c.args.empty() ? "" : " " + std::string(c.args));
    out += usage + std::string(widest + 2 - usage.size(), ' ') + std::string(c.help) + "\n";
  }
  out +=
      "\nSQL statements end with ';' and may span lines. Tab completes keywords, names and commands;\n"
      "Ctrl-C stops a running statement or clears the line; Ctrl-D leaves.\n";
  return out;
}

// ---------------------------------------------------------------------------
// Session

Session::Session(GuardedConnection& conn, QueryCatalog catalog, std::ostream& out, std::ostream& messages,
                 RenderOptions render)
    : conn_(conn),
      catalog_(std::move(catalog)),
      default_out_(out),
      messages_(messages),
      render_(std::move(render)),
      warehouse_(database_file(conn.handle())) {}

Session::~Session() = default;

void Session::execute(const Input& input) {
  if (input.kind == Input::Kind::dot_command)
    run_dot_command(input);
  else
    run_sql(input);
  out().flush();
  check_output();
}

void Session::check_output() {
  if (!output_file_ || output_file_->stream()) return;
  // The OutputFile's commit says why (the system's reason); the file is left as it was.
  std::unique_ptr<OutputFile> failed = std::move(output_file_);
  failed->commit();
  throw DataError("cannot write " + failed->named().string());
}

void Session::close_output() {
  if (!output_file_) return;
  std::unique_ptr<OutputFile> file = std::move(output_file_);
  file->commit();
}

void Session::run_sql(const Input& input) {
  ScriptOptions options;
  options.render = render_for_output();
  options.first_line = input.first_line;
  options.first_ordinal = statements_run_ + 1;
  options.on_statement = [&](const StatementOutcome& o) {
    ++statements_run_;
    if (timer_) {
      char line[64];
      std::snprintf(line, sizeof line, "time: %.3f s\n", o.elapsed.count());
      out().flush();
      messages_ << line << std::flush;
    }
  };
  // With --write, statements may create or drop tables: completion reads
  // the names again next time, whether or not this run succeeds.
  struct ForgetWords {
    std::optional<CompletionWords>* words;
    ~ForgetWords() {
      if (words) words->reset();
    }
  } forget{conn_.access() == Access::read_write ? &words_ : nullptr};
  run_script(conn_, input.text, out(), options);
}

void Session::run_dot_command(const Input& input) {
  auto words = split_dot_command(input.text);
  if (words.empty()) return;
  const std::string name = ascii_lower(words.front());
  const auto& table = dot_commands();
  auto it = std::find_if(table.begin(), table.end(), [&](const DotCommand& c) { return c.name == name; });
  if (it == table.end()) {
    std::vector<std::string> names;
    for (const auto& c : table) names.emplace_back(c.name);
    std::string hint = did_you_mean(name, names);
    throw UsageError("unknown command " + words.front() + (hint.empty() ? "" : "; " + hint) + " (see .help)");
  }
  std::vector<std::string> args(words.begin() + 1, words.end());
  if (args.size() < it->min_args || args.size() > it->max_args)
    throw UsageError("usage: " + std::string(it->name) + (it->args.empty() ? "" : " " + std::string(it->args)));
  (this->*(it->run))(args);
}

const CompletionWords& Session::completion_words() {
  if (words_) return *words_;
  CompletionWords w;
  for (int i = 0, n = sqlite3_keyword_count(); i < n; ++i) {
    const char* z = nullptr;
    int len = 0;
    if (sqlite3_keyword_name(i, &z, &len) == SQLITE_OK) w.keywords.emplace_back(z, static_cast<std::size_t>(len));
  }
  sqlite3* db = conn_.handle();
  w.tables = table_and_view_names(db);
  for (const auto& t : w.tables)
    w.columns[ascii_lower(t)] = first_column(db, "SELECT name FROM pragma_table_info(?1)", t);
  w.queries = catalog_.names();
  for (const auto& c : dot_commands()) w.dot_commands.emplace_back(c.name);
  w.formats = {"table", "csv", "json", "jsonl", "markdown"};
  words_ = std::move(w);
  return *words_;
}

namespace {

/// std::getline with a bound: a line longer than one statement may be is an
/// error, not an endless allocation (`tr -d '\n' < /dev/zero | aigc shell`).
bool read_line(std::istream& in, std::string& line, std::size_t number) {
  line.clear();
  std::streambuf* buf = in.rdbuf();
  int c = buf->sbumpc();
  if (c == std::char_traits<char>::eof()) return false;
  for (; c != std::char_traits<char>::eof() && c != '\n'; c = buf->sbumpc()) {
    if (line.size() >= kMaxStatementBytes)
      throw DataError("line " + std::to_string(number) + " is longer than " + std::to_string(kMaxStatementBytes) +
                      " bytes (1 MiB), the limit for one statement");
    line += static_cast<char>(c);
  }
  return true;
}

}  // namespace

void Session::run_stream(std::istream& in, const std::string& source) {
  // Statements are numbered within each stream, so a .read file's count
  // starts at 1 and the caller's resumes after it.
  struct Numbering {
    std::size_t& counter;
    std::size_t saved;
    ~Numbering() { counter = saved; }
  } numbering{statements_run_, std::exchange(statements_run_, 0)};
  InputAssembler assembler;
  std::string line;
  std::size_t number = 0;
  auto run = [&](const Input& input) {
    try {
      execute(input);
    } catch (const UsageError& e) {
      // Dot-command errors carry no position of their own.
      std::string where = source.empty() ? "" : source + ":";
      throw UsageError(where + "line " + std::to_string(input.first_line) + ": " + e.what());
    } catch (const DataError& e) {
      if (source.empty()) throw;
      throw DataError(source + ": " + e.what());
    }
  };
  while (!quit_ && read_line(in, line, number + 1)) {
    ++number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (auto input = assembler.add_line(line, number)) run(*input);
  }
  if (in.bad()) throw DataError("cannot read " + (source.empty() ? std::string("standard input") : source));
  if (!quit_)
    if (auto input = assembler.finish()) run(*input);
}

// ---------------------------------------------------------------------------
// Dot-commands

void Session::cmd_help(const std::vector<std::string>& args) {
  if (args.empty()) {
    out() << help_text();
    return;
  }
  std::string name = ascii_lower(args[0]);
  if (name.front() != '.') name.insert(name.begin(), '.');
  for (const auto& c : dot_commands())
    if (c.name == name) {
      out() << c.name << (c.args.empty() ? "" : " ") << c.args << "\n  " << c.help << "\n";
      return;
    }
  throw UsageError("no command " + name + " (see .help)");
}

void Session::cmd_tables(const std::vector<std::string>&) {
  auto names = table_and_view_names(conn_.handle());
  if (!names.empty()) out() << format_columns(names, 80);
}

void Session::cmd_schema(const std::vector<std::string>& args) {
  sqlite3* db = conn_.handle();
  const std::string sql =
      "SELECT sql FROM sqlite_schema WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' "
      "AND (?1 IS NULL OR tbl_name = ?1 COLLATE NOCASE) ORDER BY tbl_name, type <> 'table', name";
  Statement st(db, sql);
  if (!args.empty()) st.bind_text(1, args[0]);
  std::size_t found = 0;
  while (st.step()) {
    out() << st.column_text(0) << ";\n";
    ++found;
  }
  if (found == 0 && !args.empty()) {
    std::string hint = did_you_mean(args[0], table_and_view_names(db));
    throw UsageError("no table named " + args[0] + (hint.empty() ? "" : "; " + hint));
  }
}

void Session::cmd_queries(const std::vector<std::string>&) {
  list_queries(conn_.handle(), catalog_, out(), render_for_output());
}

RenderOptions Session::render_for_output() const {
  RenderOptions r = render_;
  if (output_file_) r.max_width = 0;  // a file is not a terminal: never cut cells
  return r;
}

void Session::cmd_run(const std::vector<std::string>& args) {
  const ParamArgs params = parse_param_args({args.begin() + 1, args.end()});
  GuardedConnection::StatementScope scope(conn_);
  try {
    run_saved_query(conn_.handle(), catalog_, args[0], params, out(), render_for_output());
  } catch (const DataError& e) {
    throw DataError(conn_.explain_failure(e.what()));
  }
}

void Session::cmd_mode(const std::vector<std::string>& args) {
  if (args.empty()) {
    out() << format_name(render_.format) << "\n";
    return;
  }
  render_.format = parse_format(ascii_lower(args[0]));
}

void Session::cmd_output(const std::vector<std::string>& args) {
  if (!args.empty() && args[0] != "stdout" && args[0] != "-")
    check_output_path(args[0], warehouse_);  // a refused name keeps the current output
  close_output();
  if (args.empty() || args[0] == "stdout" || args[0] == "-") return;
  // Written under a temporary name and renamed over FILE when output is
  // switched again or the shell ends (a device or FIFO in place).
  output_file_ = std::make_unique<OutputFile>(args[0], warehouse_);
}

void Session::cmd_export(const std::vector<std::string>& args) {
  const SavedQuery& query = catalog_.find(args[0]);  // an unknown name is reported before a file is created
  const fs::path file = args[1];
  ExportOptions options;
  options.render = render_;
  options.render.format = format_for_extension(file).value_or(render_.format);
  options.params = parse_param_args({args.begin() + 2, args.end()});
  options.standard_output = &out();  // ".export NAME -": where results go now
  ExportedQuery exported;
  {
    GuardedConnection::StatementScope scope(conn_);
    try {
      exported = export_query(conn_.handle(), query, file, options);
    } catch (const DataError& e) {
      throw DataError(conn_.explain_failure(e.what()));
    }
  }
  messages_ << "exported " << exported.name << " (" << exported.rows << (exported.rows == 1 ? " row" : " rows") << ", "
            << format_name(options.render.format) << ") to " << exported.file.string() << "\n";
}

void Session::cmd_timer(const std::vector<std::string>& args) {
  const std::string v = ascii_lower(args[0]);
  if (v == "on")
    timer_ = true;
  else if (v == "off")
    timer_ = false;
  else
    throw UsageError("usage: .timer on|off");
}

void Session::cmd_read(const std::vector<std::string>& args) {
  if (read_depth_ >= max_read_depth) throw UsageError(".read nested too deeply (a file that reads itself?)");
  std::ifstream in(args[0], std::ios::binary);
  if (!in) throw DataError("cannot read " + args[0]);
  ++read_depth_;
  struct Depth {
    int& d;
    ~Depth() { --d; }
  } depth{read_depth_};
  run_stream(in, args[0]);
}

void Session::cmd_quit(const std::vector<std::string>&) { quit_ = true; }

}  // namespace aigc::shell
