// A port of SQLite's sqlite3_complete() (src/complete.c) to a state
// machine fed one byte at a time; the token classes and the transition table
// are SQLite's, so both agree on where a statement ends, CREATE TRIGGER
// bodies (whose inner ';' do not end it) included.
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

/// SQLite's IdChar(): letters, digits, '_', '$' and every byte of a
/// multi-byte UTF-8 character.
bool is_id_char(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '$' ||
         c >= 0x80;
}

char to_lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

}  // namespace

bool StatementScanner::emit(int token) noexcept {
  state_ = kTransitions[state_][token];
  return token == kSemi && state_ == 1;
}

int StatementScanner::word_token() const noexcept {
  const std::string_view w(word_, word_length_ <= sizeof word_ ? word_length_ : 0);
  if (w == "create") return kCreate;
  if (w == "trigger") return kTrigger;
  if (w == "temp" || w == "temporary") return kTemp;
  if (w == "end") return kEnd;
  if (w == "explain") return kExplain;
  return kOther;
}

bool StatementScanner::feed(char ch) noexcept {
  const auto c = static_cast<unsigned char>(ch);
  bool ended = false;
  switch (mode_) {
    case Mode::word:
      if (is_id_char(c)) {
        if (word_length_ < sizeof word_) word_[word_length_] = to_lower(ch);
        ++word_length_;
        return false;
      }
      mode_ = Mode::normal;
      emit(word_token());
      break;  // then `c` starts a token of its own
    case Mode::slash:
      if (c == '*') {
        mode_ = Mode::block_comment;
        return false;
      }
      mode_ = Mode::normal;
      emit(kOther);
      break;
    case Mode::dash:
      if (c == '-') {
        mode_ = Mode::line_comment;
        return false;
      }
      mode_ = Mode::normal;
      emit(kOther);
      break;
    case Mode::block_comment:
      if (c == '*') mode_ = Mode::block_star;
      return false;
    case Mode::block_star:
      if (c == '/') {
        mode_ = Mode::normal;
        emit(kWhitespace);
      } else if (c != '*') {
        mode_ = Mode::block_comment;
      }
      return false;
    case Mode::line_comment:
      if (c == '\n') {
        mode_ = Mode::normal;
        emit(kWhitespace);
      }
      return false;
    case Mode::quoted:
      if (ch == quote_) {
        mode_ = Mode::normal;
        emit(kOther);
      }
      return false;
    case Mode::normal:
      break;
  }
  switch (c) {
    case ';':
      ended = emit(kSemi);
      break;
    case ' ': case '\r': case '\t': case '\n': case '\f':
      emit(kWhitespace);
      break;
    case '/':
      mode_ = Mode::slash;
      break;
    case '-':
      mode_ = Mode::dash;
      break;
    case '[':
      mode_ = Mode::quoted;
      quote_ = ']';
      break;
    case '`': case '"': case '\'':
      mode_ = Mode::quoted;
      quote_ = ch;
      break;
    default:
      if (is_id_char(c)) {
        mode_ = Mode::word;
        word_[0] = to_lower(ch);
        word_length_ = 1;
      } else {
        emit(kOther);
      }
  }
  return ended;
}

bool StatementScanner::complete() const noexcept {
  // Inside a word, '/' or '-' the text ends on a token that is not ';';
  // inside a quote or block comment sqlite3_complete() says no.
  return (mode_ == Mode::normal || mode_ == Mode::line_comment) && state_ == 1;
}

std::size_t first_statement_length(std::string_view sql) noexcept {
  StatementScanner scanner;
  for (std::size_t i = 0; i < sql.size(); ++i)
    if (scanner.feed(sql[i])) return i + 1;
  return sql.size();
}

}  // namespace aigc
