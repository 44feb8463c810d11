// SQLite's sqlite3_complete() (src/complete.c) over the tokens of
// sql_tokenizer.h, fed one byte at a time; the token classes and the
// transition table are SQLite's, so both agree on where a statement ends,
// CREATE TRIGGER bodies (whose inner ';' do not end it) included.
#include "sqlite/statement_scanner.h"

namespace aigc {

namespace {

enum Token { kSemi, kWhitespace, kOther, kExplain, kCreate, kTemp, kTrigger, kEnd };

constexpr std::uint8_t kTransitions[8][8] = {
    /* state         SEMI  WS  OTHER EXPLAIN CREATE TEMP TRIGGER END */
    /* 0 INVALID */ {1, 0, 2, 3, 4, 2, 2, 2},
    /* 1 START   */ {1, 1, 2, 3, 4, 2, 2, 2},
    /* 2 NORMAL  */ {1, 2, 2, 2, 2, 2, 2, 2},
    /* 3 EXPLAIN */ {1, 3, 3, 2, 4, 2, 2, 2},
    /* 4 CREATE  */ {1, 4, 2, 2, 2, 4, 5, 2},
    /* 5 TRIGGER */ {6, 5, 5, 5, 5, 5, 5, 5},
    /* 6 SEMI    */ {6, 6, 5, 5, 5, 5, 5, 7},
    /* 7 END     */ {1, 7, 5, 5, 5, 5, 5, 5},
};

/// The class sqlite3_complete() puts a token in: CREATE TRIGGER ... BEGIN
/// ... END bodies hold ';' that do not end the statement, so the words that
/// open and close one count; every other token is OTHER, whitespace or ';'.
int token_class(const SqlToken& t) noexcept {
  switch (t.kind) {
    case SqlTokenKind::semicolon: return kSemi;
    case SqlTokenKind::whitespace:
    case SqlTokenKind::comment:
    case SqlTokenKind::end: return kWhitespace;
    case SqlTokenKind::word:
      if (is_keyword(t, "create")) return kCreate;
      if (is_keyword(t, "trigger")) return kTrigger;
      if (is_keyword(t, "temp") || is_keyword(t, "temporary")) return kTemp;
      if (is_keyword(t, "end")) return kEnd;
      if (is_keyword(t, "explain")) return kExplain;
      return kOther;
    default: return kOther;
  }
}

/// The class of a word sqlite3_complete() reads inside a parameter.
int word_class(std::string_view word) noexcept {
  SqlToken t;
  t.kind = SqlTokenKind::word;
  t.text = word;
  return token_class(t);
}

/// Moves `state` past `t`; true if `t` is a ';' that ends a statement.
bool advance(std::uint8_t& state, const SqlToken& t) noexcept {
  const char first = t.text.empty() ? '\0' : t.text.front();
  if (t.kind == SqlTokenKind::parameter && (first == ':' || first == '@' || first == '#')) {
    // sqlite3_complete() reads ":create" as a ':' and the word "create",
    // and after EXPLAIN that word counts: so do the same, to agree with it.
    state = kTransitions[state][kOther];
    std::string_view rest = t.text.substr(1);
    while (!rest.empty()) {
      const std::size_t colon = rest.find(':');
      if (colon != 0) state = kTransitions[state][word_class(rest.substr(0, colon))];
      if (colon == std::string_view::npos) break;
      state = kTransitions[state][kOther];
      rest.remove_prefix(colon + 1);
    }
    return false;
  }
  const int token = token_class(t);
  state = kTransitions[state][token];
  return token == kSemi && state == 1;
}

}  // namespace

bool StatementScanner::read_pending() const noexcept {
  const std::string_view text = pending_;
  if (read_ == text.size()) return false;
  SqlToken t;
  if (read_ == 0) {
    t = sql_token_at(text, 0);
  } else {
    last_.text = text.substr(0, read_);
    t = continue_sql_token(text, last_);
  }
  bool ended = false;
  // A token followed by another is finished; a ';' is finished at once.
  while (t.end() < text.size() || t.kind == SqlTokenKind::semicolon) {
    ended = advance(state_, t) || ended;
    t = sql_token_at(text, t.end());
  }
  pending_.erase(0, t.offset);  // t is now the last token, and reaches the end
  read_ = pending_.size();
  last_ = t;
  last_.offset = 0;
  return ended;
}

bool StatementScanner::complete() const noexcept {
  read_pending();
  // The text ending inside a quote or block comment is not complete, as
  // sqlite3_complete() says; otherwise the last token counts as finished.
  if (pending_.empty()) return state_ == 1;
  if (!last_.closed) return false;
  SqlToken last = last_;
  last.text = pending_;
  std::uint8_t state = state_;
  advance(state, last);
  return state == 1;
}

bool StatementScanner::blank() const noexcept {
  read_pending();
  // A block comment still open ("/*" on a line of its own, the head of a
  // file's comment) is not blank: the lines after it belong to it.
  return state_ == 0 && (pending_.empty() || last_.kind == SqlTokenKind::whitespace ||
                         (last_.kind == SqlTokenKind::comment && last_.closed));
}

std::size_t first_statement_length(std::string_view sql) noexcept {
  std::uint8_t state = 0;
  SqlTokenizer tokens(sql);
  while (const SqlToken t = tokens.next())
    if (advance(state, t)) return t.end();
  return sql.size();
}

}  // namespace aigc
