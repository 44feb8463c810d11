#include "shell/completion.h"
#include "base/text.h"

#include <algorithm>
#include <cctype>
#include <set>

#include "sqlite/sql_tokenizer.h"

namespace aigc::shell {

namespace {

bool is_word_byte(char c) {
  auto u = static_cast<unsigned char>(c);
  return std::isalnum(u) || c == '_' || c == '$' || c == '.' || u >= 0x80;
}

bool starts_with_nocase(std::string_view word, std::string_view prefix) {
  if (prefix.size() > word.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(word[i])) != std::tolower(static_cast<unsigned char>(prefix[i])))
      return false;
  return true;
}

/// Splits on whitespace.
std::vector<std::string_view> tokens(std::string_view s) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
    std::size_t j = i;
    while (j < s.size() && !std::isspace(static_cast<unsigned char>(s[j]))) ++j;
    if (j > i) out.push_back(s.substr(i, j - i));
    i = j;
  }
  return out;
}

/// Collects matches in order, without duplicates.
class Matches {
 public:
  explicit Matches(std::string_view prefix) : prefix_(prefix) {}
  void add(const std::string& word, const std::string& spelled) {
    if (starts_with_nocase(word, prefix_) && seen_.insert(spelled).second) out_.push_back(spelled);
  }
  void add(const std::vector<std::string>& words) {
    for (const auto& w : words) add(w, w);
  }
  std::vector<std::string> take() {
    std::sort(out_.begin(), out_.end());
    return std::move(out_);
  }

 private:
  std::string_view prefix_;
  std::set<std::string> seen_;
  std::vector<std::string> out_;
};

CompletionReply complete_dot_command(std::string_view line, std::string_view word, const CompletionWords& words) {
  auto toks = tokens(line);
  const bool first_word = toks.empty() || (toks.size() == 1 && !word.empty());
  Matches m(word);
  if (first_word) {
    m.add(words.dot_commands);
    return {word.size(), m.take()};
  }
  const std::string command = ascii_lower(toks.front());
  const std::size_t argument = toks.size() - (word.empty() ? 0 : 1);  // 1-based index of the word being typed
  if (argument == 1) {
    if (command == ".run" || command == ".export") m.add(words.queries);
    if (command == ".schema") m.add(words.tables);
    if (command == ".mode") m.add(words.formats);
    if (command == ".timer") m.add({"on", "off"});
    if (command == ".output") m.add({"stdout"});
    if (command == ".help")
      for (const auto& d : words.dot_commands) m.add(d.substr(1), d.substr(1));
  }
  return {word.size(), m.take()};
}

CompletionReply complete_sql(std::string_view before, std::string_view word, const CompletionWords& words) {
  if (auto dot = word.rfind('.'); dot != std::string_view::npos) {
    const std::string qualifier(word.substr(0, dot));
    const std::string_view column_prefix = word.substr(dot + 1);
    Matches m(column_prefix);
    auto found = words.columns.find(ascii_lower(qualifier));
    // An unknown qualifier is probably an alias: offer every column.
    for (const auto& [table, columns] : words.columns) {
      if (found != words.columns.end() && table != found->first) continue;
      for (const auto& c : columns) m.add(c, qualifier + "." + c);
    }
    return {word.size(), m.take()};
  }
  // The word before this one, as SQL reads it: past comments, and never a
  // word inside a string.
  SqlTokenizer sql(before.substr(0, before.size() - word.size()));
  std::string previous;
  while (const SqlToken t = sql.next_significant()) previous = ascii_upper(t.text);
  Matches m(word);
  if (previous == "FROM" || previous == "JOIN" || previous == "INTO" || previous == "UPDATE" || previous == "TABLE") {
    m.add(words.tables);
    return {word.size(), m.take()};
  }
  if (word.empty()) return {0, {}};  // everything would be a wall of words
  const bool lower_case =
      std::any_of(word.begin(), word.end(), [](char c) { return std::islower(static_cast<unsigned char>(c)); }) &&
      !std::any_of(word.begin(), word.end(), [](char c) { return std::isupper(static_cast<unsigned char>(c)); });
  for (const auto& k : words.keywords) m.add(k, lower_case ? ascii_lower(k) : k);
  m.add(words.tables);
  for (const auto& [table, columns] : words.columns) m.add(columns);
  return {word.size(), m.take()};
}

}  // namespace

CompletionReply complete_input(std::string_view before_cursor, bool in_statement, const CompletionWords& words) {
  std::size_t start = before_cursor.size();
  while (start > 0 && is_word_byte(before_cursor[start - 1])) --start;
  const std::string_view word = before_cursor.substr(start);
  const auto first = before_cursor.find_first_not_of(" \t");
  if (!in_statement && first != std::string_view::npos && before_cursor[first] == '.')
    return complete_dot_command(before_cursor, word, words);
  return complete_sql(before_cursor, word, words);
}

}  // namespace aigc::shell
