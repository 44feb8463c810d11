#include "shell/line_reader.h"

#include <iostream>

#include <histedit.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>

#include "render/render.h"

namespace aigc::shell {

namespace {

std::size_t terminal_width() {
  winsize ws{};
  if (::ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) return ws.ws_col;
  return 80;
}

/// Longest prefix all candidates share, compared case-insensitively (ASCII)
/// and cut back to a whole UTF-8 character; spelled as in the first one.
std::string common_prefix(const std::vector<std::string>& words) {
  std::string prefix = words.front();
  for (const auto& w : words) {
    std::size_t n = 0;
    while (n < prefix.size() && n < w.size() &&
           std::tolower(static_cast<unsigned char>(prefix[n])) == std::tolower(static_cast<unsigned char>(w[n])))
      ++n;
    prefix.resize(n);
  }
  while (!prefix.empty() && (static_cast<unsigned char>(prefix.back()) & 0xC0) == 0x80) prefix.pop_back();
  if (!prefix.empty() && (static_cast<unsigned char>(prefix.back()) & 0x80)) prefix.pop_back();  // a lead byte
  return prefix;
}

}  // namespace

std::string format_columns(const std::vector<std::string>& candidates, std::size_t width) {
  std::size_t widest = 0;
  for (const auto& c : candidates) widest = std::max(widest, display_width(c));
  const std::size_t column = widest + 2;
  const std::size_t per_line = std::max<std::size_t>(1, width / column);
  const std::size_t lines = (candidates.size() + per_line - 1) / per_line;
  std::string out;
  // Down the columns first, as ls does, so an alphabetical list reads naturally.
  for (std::size_t row = 0; row < lines; ++row) {
    for (std::size_t col = 0; col < per_line; ++col) {
      std::size_t i = col * lines + row;
      if (i >= candidates.size()) break;
      out += candidates[i];
      bool last = col + 1 == per_line || (col + 1) * lines + row >= candidates.size();
      if (!last) out.append(column - display_width(candidates[i]), ' ');
    }
    out += '\n';
  }
  return out;
}

LineReader::LineReader(std::filesystem::path history_file, Completer completer)
    : history_file_(std::move(history_file)), completer_(std::move(completer)) {
  history_ = ::history_init();
  HistEvent ev;
  ::history(history_, &ev, H_SETSIZE, 1000);
  ::history(history_, &ev, H_SETUNIQUE, 1);
  std::error_code ec;
  // An empty path: no history file (the shell refused the one named).
  if (!history_file_.empty() && std::filesystem::exists(history_file_, ec))
    ::history(history_, &ev, H_LOAD, history_file_.c_str());

  el_ = ::el_init("aigc", stdin, stdout, stderr);
  ::el_set(el_, EL_CLIENTDATA, this);
  ::el_set(el_, EL_EDITOR, "emacs");
  ::el_set(el_, EL_PROMPT, &LineReader::prompt_text);
  ::el_set(el_, EL_HIST, ::history, history_);
  // Resize and suspend/continue are handled by libedit while it reads.
  ::el_set(el_, EL_SIGNAL, 1);
  // Functions are added through the wide API with static names: the narrow
  // el_set(EL_ADDFN) copies both strings and never frees them.
  ::el_wset(el_, EL_ADDFN, L"aigc-complete", L"Complete SQL keywords, names and dot-commands", &LineReader::complete);
  ::el_set(el_, EL_BIND, "^I", "aigc-complete", nullptr);
  // While editing, Ctrl-C arrives as a key (no SIGINT: "-isig" in edit
  // mode), bound to clearing the line. While a query runs, the terminal is
  // back in its normal mode, so Ctrl-C sends SIGINT, which stops the query.
  ::el_set(el_, EL_SETTY, "-d", "-isig", nullptr);
  ::el_wset(el_, EL_ADDFN, L"aigc-cancel", L"Discard the statement being typed", &LineReader::cancel);
  ::el_set(el_, EL_BIND, "^C", "aigc-cancel", nullptr);
  ::el_source(el_, nullptr);  // the user's ~/.editrc, e.g. "bind -v"
}

LineReader::~LineReader() {
  if (el_) ::el_end(el_);
  if (history_) ::history_end(history_);
}

LineReader& LineReader::self(editline* el) {
  void* data = nullptr;
  ::el_get(el, EL_CLIENTDATA, &data);
  return *static_cast<LineReader*>(data);
}

char* LineReader::prompt_text(editline* el) { return self(el).prompt_.data(); }

ReadResult LineReader::read(const std::string& prompt) {
  prompt_ = prompt;
  cancelled_ = false;
  // Results go through std::cout's own buffer, the prompt through stdio's: both out before the prompt.
  std::cout.flush();
  std::fflush(stdout);
  int count = 0;
  errno = 0;
  const char* line = ::el_gets(el_, &count);
  // A SIGINT from outside (kill -INT) ends the read with EINTR: treat it as
  // Ctrl-C, not as the end of input.
  if (cancelled_ || (!line && errno == EINTR)) return {ReadResult::Kind::cancelled, {}};
  if (!line || count <= 0) return {ReadResult::Kind::end_of_input, {}};
  std::string text(line, static_cast<std::size_t>(count));
  if (!text.empty() && text.back() == '\n') text.pop_back();
  return {ReadResult::Kind::line, std::move(text)};
}

void LineReader::remember(const std::string& entry) {
  if (entry.empty()) return;
  HistEvent ev;
  ::history(history_, &ev, H_ENTER, entry.c_str());
  if (history_file_.empty()) return;
  std::error_code ec;
  if (history_file_.has_parent_path()) std::filesystem::create_directories(history_file_.parent_path(), ec);
  ::history(history_, &ev, H_SAVE, history_file_.c_str());
}

unsigned char LineReader::cancel(editline* el, int) {
  self(el).cancelled_ = true;
  // Show what was pressed at the end of the line, as a terminal would:
  // rewriting the text after the cursor moves the cursor there.
  const LineInfo* li = ::el_line(el);
  const std::string shown = std::string(li->cursor, li->lastchar) + "^C\n";
  std::fputs(shown.c_str(), stdout);
  std::fflush(stdout);
  return CC_NEWLINE;
}

unsigned char LineReader::complete(editline* el, int) {
  LineReader& reader = self(el);
  const LineInfo* li = ::el_line(el);
  const std::string before(li->buffer, static_cast<std::size_t>(li->cursor - li->buffer));
  CompletionReply reply = reader.completer_ ? reader.completer_(before) : CompletionReply{};
  if (reply.candidates.empty() || reply.word_length > before.size()) return CC_REFRESH_BEEP;
  // libedit deletes characters, not bytes.
  const int word_chars =
      static_cast<int>(std::count_if(before.end() - static_cast<long>(reply.word_length), before.end(),
                                     [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
  if (reply.candidates.size() == 1) {
    ::el_deletestr(el, word_chars);
    std::string word = reply.candidates.front();
    if (word.back() != '.') word += ' ';
    ::el_insertstr(el, word.c_str());
    return CC_REFRESH;
  }
  std::string prefix = common_prefix(reply.candidates);
  if (prefix.size() > reply.word_length) {
    ::el_deletestr(el, word_chars);
    ::el_insertstr(el, prefix.c_str());
    return CC_REFRESH;
  }
  std::string listing = "\n" + format_columns(reply.candidates, terminal_width());
  std::fputs(listing.c_str(), stdout);
  std::fflush(stdout);
  return CC_REDISPLAY;
}

}  // namespace aigc::shell
