// The SQL tokenizer (core/sqlite/sql_tokenizer.h) and what is built on it:
// the statement splitter, CHECK expressions, the column finders and the
// shell's completion. Where SQLite itself can answer (sqlite3_complete),
// the tests ask it.
#include <doctest/doctest.h>

#include <SQLiteCpp/Database.h>
#include <sqlite3.h>

#include <chrono>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "base/error.h"
#include "csv/csv_reader.h"
#include "load/loader.h"
#include "query/sql_guard.h"
#include "query/sql_script.h"
#include "shell/completion.h"
#include "sqlite/sql_tokenizer.h"
#include "sqlite/statement_scanner.h"
#include "sqlite/table_info.h"
#include "support.h"

namespace {

using aigc::SqlToken;
using aigc::SqlTokenKind;
using K = SqlTokenKind;

/// Every token of `sql` as (kind, text), whitespace and comments included.
std::vector<std::pair<K, std::string>> tokens_of(std::string_view sql) {
  std::vector<std::pair<K, std::string>> out;
  aigc::SqlTokenizer t(sql);
  while (const SqlToken tok = t.next()) out.emplace_back(tok.kind, std::string(tok.text));
  return out;
}

/// The significant tokens of `sql`, as text.
std::vector<std::string> significant(std::string_view sql) {
  std::vector<std::string> out;
  aigc::SqlTokenizer t(sql);
  while (const SqlToken tok = t.next_significant()) out.emplace_back(tok.text);
  return out;
}

SqlToken only_token(std::string_view sql) {
  const SqlToken t = aigc::sql_token_at(sql, 0);
  CHECK(t.end() == sql.size());
  return t;
}

using Tokens = std::vector<std::pair<K, std::string>>;
using Words = std::vector<std::string>;

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

/// Texts that test the edges of every token kind, for the properties below.
const std::vector<std::string>& tricky_texts() {
  static const std::vector<std::string> texts = {
      "SELECT 'it''s', \"a\"\"b\", `c``d`, [e]]f] FROM t; -- done\n",
      "SELECT 1e+5, 1e-, 1.5e, .5, 5., 0x1Fg, 0x, 12abc, 1e5e FROM t;",
      "SELECT x'00ff', X'0', x'zz', x'ab; SELECT 2;",
      "SELECT ?, ?12, :name, @at, $d, #h, $a::b, :x:, $t(k;), : ;",
      "SELECT a->b, a->>'c', a||b, a<=b, a<>b, a!=b, a==b, a<<2, a>>2, !a, ~a, a&b, a|b;",
      "CREATE TEMP TRIGGER t AFTER INSERT ON x BEGIN SELECT ';'; /* ; */ END; SELECT 2;",
      "SELECT 名前, naïve FROM 表 /* 注释 */;",
      "SELECT 1 /* open",
      "SELECT 1 /*",
      "SELECT '",
      "SELECT [open",
      "SELECT -- no newline",
      "\t\n\v\f\r SELECT\v1;",
      "SELECT 1;;;  ;",
  };
  return texts;
}

}  // namespace

// ---------------------------------------------------------------------------
// Token kinds

TEST_CASE("sql tokenizer: every kind of token, with its text and offset") {
  const Tokens expected = {
      {K::word, "SELECT"},     {K::whitespace, " "},          {K::word, "a"},
      {K::punctuation, ","},   {K::whitespace, " "},          {K::quoted_identifier, "\"b c\""},
      {K::punctuation, ","},   {K::whitespace, " "},          {K::string, "'x'"},
      {K::punctuation, ","},   {K::whitespace, " "},          {K::blob, "x'0A'"},
      {K::punctuation, ","},   {K::whitespace, " "},          {K::number, "3.5e2"},
      {K::punctuation, "+"},   {K::parameter, ":p"},          {K::whitespace, " "},
      {K::comment, "-- note"}, {K::whitespace, "\n"},         {K::word, "FROM"},
      {K::comment, "/* c */"}, {K::quoted_identifier, "[t]"}, {K::semicolon, ";"},
  };
  const std::string sql = "SELECT a, \"b c\", 'x', x'0A', 3.5e2+:p -- note\nFROM/* c */[t];";
  CHECK(tokens_of(sql) == expected);
  SqlToken t = aigc::sql_token_at(sql, 7);
  CHECK(t.kind == K::word);
  CHECK(t.offset == 7);
  CHECK(t.text == "a");
  t = aigc::sql_token_at(sql, sql.size());
  CHECK(t.kind == K::end);
  CHECK_FALSE(t);
  CHECK(t.offset == sql.size());
}

TEST_CASE("sql tokenizer: doubled quotes stay inside, and a closing bracket is never doubled") {
  CHECK(only_token("'it''s'").kind == K::string);
  CHECK(only_token("\"a\"\"b\"").kind == K::quoted_identifier);
  CHECK(only_token("`a``b`").kind == K::quoted_identifier);
  CHECK(tokens_of("[a]]") == Tokens{{K::quoted_identifier, "[a]"}, {K::illegal, "]"}});
  CHECK(tokens_of("'a''''b'") == Tokens{{K::string, "'a''''b'"}});
  CHECK(tokens_of("'a' 'b'") == Tokens{{K::string, "'a'"}, {K::whitespace, " "}, {K::string, "'b'"}});
  CHECK(aigc::unquote_identifier("\"a\"\"b\"") == "a\"b");
  CHECK(aigc::unquote_identifier("`a``b`") == "a`b");
  CHECK(aigc::unquote_identifier("[a b]") == "a b");
  CHECK(aigc::unquote_identifier("[a\"\"b]") == "a\"\"b");
  CHECK(aigc::unquote_identifier("plain") == "plain");
  CHECK(aigc::unquote_identifier("\"open") == "open");
}

TEST_CASE("sql tokenizer: an unterminated string, quoted name, blob or comment runs to the end, not closed") {
  for (const char* text : {"'it''s", "\"name", "`name", "[name", "x'00", "/* comment", "/*"}) {
    CAPTURE(text);
    const SqlToken t = only_token(text);
    CHECK_FALSE(t.closed);
  }
  CHECK(only_token("'abc").kind == K::string);
  CHECK(only_token("[abc").kind == K::quoted_identifier);
  CHECK(only_token("x'00").kind == K::blob);
  CHECK(only_token("/* abc").kind == K::comment);
  // A line comment needs no end; it stops before its newline.
  CHECK(only_token("-- to the end").closed);
  CHECK(tokens_of("-- a\nb") == Tokens{{K::comment, "-- a"}, {K::whitespace, "\n"}, {K::word, "b"}});
  // "*/" alone closes nothing; "/*/" is not closed by its own '*'.
  CHECK_FALSE(only_token("/*/").closed);
  CHECK(only_token("/**/").closed);
}

TEST_CASE("sql tokenizer: numbers, blobs and illegal tokens as SQLite reads them") {
  for (const char* number : {"42", "3.5", ".5", "5.", "1e10", "1E+5", "2.5e-3", "0x1F", "0XaB"}) {
    CAPTURE(number);
    CHECK(only_token(number).kind == K::number);
  }
  for (const char* illegal : {"12abc", "1e", "1.5e", "0x", "x'0'", "x'zz'", "!", "\v"}) {
    CAPTURE(illegal);
    CHECK(only_token(illegal).kind == K::illegal);
  }
  CHECK(only_token(std::string_view("\0", 1)).kind == K::illegal);
  CHECK(tokens_of("1e+") == Tokens{{K::illegal, "1e"}, {K::punctuation, "+"}});
  CHECK(tokens_of("0x1Fg") == Tokens{{K::number, "0x1F"}, {K::word, "g"}});  // SQLite 3.40 stops at the g
  CHECK(tokens_of("a.b") == Tokens{{K::word, "a"}, {K::punctuation, "."}, {K::word, "b"}});
  CHECK(only_token("x'00fF'").kind == K::blob);
  CHECK(only_token("xyz").kind == K::word);
}

TEST_CASE("sql tokenizer: operators, longest first") {
  for (const char* op : {"->>", "->", "||", "<=", "<>", "!=", "==", "<<", ">>", ">=", "-", "/", "%", "&", "|", "~"}) {
    CAPTURE(op);
    CHECK(only_token(op).kind == K::punctuation);
  }
  CHECK(tokens_of("a-->b") == Tokens{{K::word, "a"}, {K::comment, "-->b"}});
}

TEST_CASE("sql tokenizer: parameters in every form SQLite takes") {
  for (const char* p : {"?", "?12", ":name", "@name", "$name", "#name", ":a::b", "$名"}) {
    CAPTURE(p);
    CHECK(only_token(p).kind == K::parameter);
  }
  CHECK(tokens_of("?a") == Tokens{{K::parameter, "?"}, {K::word, "a"}});
  CHECK(aigc::sql_token_at(": x", 0).kind == K::illegal);
  CHECK(tokens_of(":x:") == Tokens{{K::parameter, ":x"}, {K::illegal, ":"}});
  // The TCL form $a(b) is not read: its '(' ends the parameter (see the header).
  CHECK(tokens_of("$a(b)") ==
        Tokens{{K::parameter, "$a"}, {K::punctuation, "("}, {K::word, "b"}, {K::punctuation, ")"}});
}

TEST_CASE("sql tokenizer: identifiers may hold UTF-8, and keywords match in any case") {
  CHECK(significant("SELECT 名前, naïve, _x$1 FROM 表") ==
        Words{"SELECT", "名前", ",", "naïve", ",", "_x$1", "FROM", "表"});
  CHECK(only_token("名前").kind == K::word);
  CHECK(aigc::is_keyword(only_token("Check"), "CHECK"));
  CHECK(aigc::is_keyword(only_token("check"), "check"));
  CHECK_FALSE(aigc::is_keyword(only_token("\"check\""), "check"));  // a quoted name is never a keyword
  CHECK_FALSE(aigc::is_keyword(only_token("checks"), "check"));
  CHECK(aigc::iequals("ÉcHo", "Écho"));
  CHECK_FALSE(aigc::iequals("É", "é"));  // SQLite folds ASCII only
}

TEST_CASE("sql tokenizer: the next significant token skips whitespace and comments between keywords") {
  CHECK(significant("CREATE/*x*/TABLE--y\n t") == Words{"CREATE", "TABLE", "t"});
  CHECK(significant("  -- only\n /* comments */ ").empty());
  CHECK(aigc::next_significant_token("/* a */ -- b\n  SELECT").offset == 15);
  CHECK(aigc::next_significant_token("/* open SELECT").kind == K::end);
  CHECK(aigc::skip_sql_blanks("-- x\n/* y */ SELECT 1") == 13);
  CHECK(aigc::is_blank_sql("\n-- x\n/* y */"));
  CHECK_FALSE(aigc::is_blank_sql("/* y */ ;"));
}

TEST_CASE("sql tokenizer: continuing a token over more text reads as reading it afresh") {
  // For every prefix of every text, the last token read from the prefix,
  // continued over the whole text, is the token read from the whole text.
  std::vector<std::string> texts = tricky_texts();
  std::mt19937 rng(16);
  const std::vector<std::string> pieces = {"'", "\"", "[", "]", "`", "-", "/", "*",  "x", "e", "E",  "1", "0", ".",
                                           "+", ":",  "$", "?", "(", ";", " ", "\n", "a", "f", "名", ">", "<", "|"};
  for (int i = 0; i < 300; ++i) {
    std::string s;
    for (int j = 0; j < 24; ++j) s += pieces[rng() % pieces.size()];
    texts.push_back(s);
  }
  for (const auto& text : texts) {
    for (std::size_t cut = 1; cut < text.size(); ++cut) {
      const std::string_view prefix = std::string_view(text).substr(0, cut);
      SqlToken last;
      for (aigc::SqlTokenizer t(prefix); const SqlToken tok = t.next();) last = tok;
      const SqlToken continued = aigc::continue_sql_token(text, last);
      const SqlToken fresh = aigc::sql_token_at(text, last.offset);
      if (continued.kind != fresh.kind || continued.text != fresh.text || continued.closed != fresh.closed) {
        CAPTURE(text);
        CAPTURE(cut);
        CHECK(std::string(continued.text) == std::string(fresh.text));
        CHECK(static_cast<int>(continued.kind) == static_cast<int>(fresh.kind));
        CHECK(continued.closed == fresh.closed);
      }
    }
  }
}

// ---------------------------------------------------------------------------
// The statement splitter

TEST_CASE("statement splitter: agrees with sqlite3_complete, fed a byte at a time") {
  std::vector<std::string> texts = tricky_texts();
  std::mt19937 rng(1600);
  const std::vector<std::string> pieces = {";",       " ",     "\n",  "'",       "\"", "[",  "]", "`",      "-",
                                           "/",       "*",     "x",   "1",       "e",  "$a", "(", "CREATE", "TEMP",
                                           "TRIGGER", "BEGIN", "END", "EXPLAIN", ":",  "名", "@", "#",      "?"};
  for (int i = 0; i < 2000; ++i) {
    std::string s;
    const int n = 1 + static_cast<int>(rng() % 16);
    for (int j = 0; j < n; ++j) s += pieces[rng() % pieces.size()];
    texts.push_back(s);
  }
  for (const auto& text : texts) {
    if (text.find('\v') != std::string::npos) continue;  // see the notes: a leading \v differs
    aigc::StatementScanner scanner;
    std::size_t first_end = text.size();
    for (std::size_t i = 0; i < text.size(); ++i)
      if (scanner.feed(text[i]) && first_end == text.size()) first_end = i + 1;
    CAPTURE(text);
    CHECK(scanner.complete() == (sqlite3_complete(text.c_str()) != 0));
    CHECK(aigc::first_statement_length(text) == first_end);
  }
  // Asked after every byte, as the shell asks after every line.
  for (std::size_t t = 0; t < 300; ++t) {
    const std::string& text = texts[texts.size() - 1 - t];
    aigc::StatementScanner scanner;
    std::string fed;
    for (char c : text) {
      fed += c;
      if (scanner.feed(c)) {
        CHECK(sqlite3_complete(fed.c_str()));
        fed.clear();
        scanner.reset();
        continue;
      }
      CAPTURE(fed);
      CHECK(scanner.complete() == (sqlite3_complete(fed.c_str()) != 0));
    }
  }
}

TEST_CASE("statement splitter: a semicolon in a trigger body, a string or a comment ends nothing") {
  const std::string trigger =
      "CREATE TRIGGER t AFTER INSERT ON x BEGIN\n  INSERT INTO y VALUES (';');\n  SELECT 1; -- ;\nEND;";
  CHECK(aigc::first_statement_length(trigger + " SELECT 2;") == trigger.size());
  const std::string temp =
      "create temporary trigger t after insert on x begin select 1; select case when 1 then 2 end; end;";
  CHECK(aigc::first_statement_length(temp + "select 2;") == temp.size());
  // "end" in a name, string or comment does not close the body.
  const std::string names = "CREATE TRIGGER t AFTER INSERT ON x BEGIN SELECT 1; \"end\"; 'end'; /* end */; END;";
  CHECK(aigc::first_statement_length(names + " SELECT 2") == names.size());
  CHECK(aigc::first_statement_length("SELECT ';'; SELECT 2;") == 11);
  CHECK(aigc::first_statement_length("SELECT 1 /* ; */; SELECT 2") == 17);
  CHECK(aigc::first_statement_length("SELECT 1 -- ;\n; SELECT 2") == 15);
  CHECK(aigc::first_statement_length("SELECT [a;b], `c;d`, \"e;f\"; SELECT 2") == 27);
  CHECK(aigc::first_statement_length("SELECT 'open;") == 13);

  aigc::StatementScanner scanner;
  std::string fed;
  std::vector<std::size_t> ends;
  const std::string script = trigger + "\nSELECT 'a;b';\n/* x; */ SELECT 3;";
  for (char c : script) {
    fed += c;
    if (scanner.feed(c)) ends.push_back(fed.size());
  }
  CHECK(ends == std::vector<std::size_t>{trigger.size(), trigger.size() + 14, script.size()});
  CHECK(scanner.complete());
  CHECK_FALSE(scanner.blank());
  scanner.reset();
  for (char c : std::string(" -- only\n /* open")) scanner.feed(c);
  // Not blank while the comment is open: the shell would otherwise drop the
  // "/*" line and read the comment's next line as SQL.
  CHECK_FALSE(scanner.blank());
  CHECK_FALSE(scanner.complete());
  scanner.feed('*');
  scanner.feed('/');
  CHECK(scanner.blank());
  CHECK_FALSE(scanner.complete());  // nothing but comments is no statement
  scanner.feed('x');
  CHECK_FALSE(scanner.blank());
}

TEST_CASE("statement splitter: stays linear on a megabyte-long token fed a byte at a time") {
  for (const std::string& text :
       {"SELECT '" + std::string(1 << 20, ';') + "';", "SELECT 1" + std::string(1 << 20, '2') + ";",
        "SELECT :" + std::string(1 << 20, 'a') + ";", "SELECT /*" + std::string(1 << 20, '*') + "/;",
        "SELECT " + std::string(1 << 20, ' ') + "1;", "SELECT 1" + std::string(1 << 20, 'z') + ";"}) {
    const auto start = std::chrono::steady_clock::now();
    aigc::StatementScanner scanner;
    int ends = 0;
    for (char c : text) ends += scanner.feed(c) ? 1 : 0;
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    CAPTURE(text.substr(0, 12));
    CHECK(ends == 1);
    CHECK(seconds < 5.0);  // read again from its start per byte, it took minutes
  }
}

// ---------------------------------------------------------------------------
// CHECK expressions and the column finders

TEST_CASE("table info: a CHECK expression may hold comments and quoted parentheses") {
  const auto checks = aigc::check_expressions(
      "CREATE TABLE t (a INT CHECK /* why */ (a > 0 /* ) */), \"CHECK (x)\" TEXT, [b)] INT CHECK([b)] < 2))");
  REQUIRE(checks.size() == 2);
  CHECK(checks[0] == "a > 0 /* ) */");
  CHECK(checks[1] == "[b)] < 2");
}

TEST_CASE("sql tokenizer: identifiers_in finds names, unquoted, and skips qualifiers, strings and comments") {
  CHECK(aigc::identifiers_in(" t.a, t.b") == Words{"a", "b"});
  CHECK(aigc::identifiers_in("\"unit price\" >= 0 /* note */ AND 'note' <> [main].\"x\"") ==
        Words{"unit price", "AND", "x"});
  CHECK(aigc::identifiers_in("名前 > 0 -- 価格") == Words{"名前"});
}

TEST_CASE("loader: a broken CHECK is reported at the quoted column it names, not at one named in a comment") {
  // The column finder once read words alone: it skipped "unit price" (quoted,
  // with a space) and took `note` from the comment, so the error pointed at
  // the note column and its value.
  test::TempDir dir;
  const auto db_path = dir / "w.db";
  {
    SQLite::Database db(db_path.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    db.exec(
        "CREATE TABLE item (item_id TEXT PRIMARY KEY, note TEXT, \"unit price\" REAL,"
        " CHECK (/* a note: never negative */ \"unit price\" >= 0)) STRICT");
  }
  test::write_file(dir / "in.csv", "item_id,note,unit price\ni1,hello,-5\n");
  std::string error;
  {
    SQLite::Database db(db_path.string(), SQLite::OPEN_READWRITE);
    aigc::CsvReader reader((dir / "in.csv").string());
    try {
      aigc::load_table(db.getHandle(), reader, "item", {});
    } catch (const aigc::Error& e) {
      error = e.what();
    }
  }
  CAPTURE(error);
  CHECK(contains(error, "in.csv:2:10: column unit price: value -5 breaks the rule CHECK"));
  CHECK_FALSE(contains(error, "column note"));
}

TEST_CASE("shell completion: the word before the cursor is read past comments, never from inside a string") {
  aigc::shell::CompletionWords w;
  w.keywords = {"SELECT", "FROM"};
  w.tables = {"firm", "industry"};
  auto candidates = [&](std::string_view before) { return aigc::shell::complete_input(before, true, w).candidates; };
  CHECK(candidates("SELECT * FROM /* which */ fi") == Words{"firm"});
  CHECK(candidates("SELECT * FROM -- which\n ") == Words{"firm", "industry"});
  CHECK(candidates("SELECT 'a FROM ").empty());
}
