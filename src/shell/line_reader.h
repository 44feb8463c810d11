#pragma once
/// Line editing for the interactive shell, on libedit's native API: a
/// prompt, a persistent history file, a tab-completion hook, and Ctrl-C that
/// clears the line instead of killing the process.
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

struct editline;
struct history;

namespace aigc::shell {

/// What tab completion offers for the text before the cursor: the words
/// that could replace the `word_length` bytes that end at the cursor.
struct CompletionReply {
  std::size_t word_length = 0;
  std::vector<std::string> candidates;
};

/// One line read from the terminal.
struct ReadResult {
  enum class Kind { line, cancelled, end_of_input } kind = Kind::line;
  std::string text;  ///< the line without its newline (Kind::line only)
};

class LineReader {
 public:
  using Completer = std::function<CompletionReply(std::string_view before_cursor)>;

  /// Sets up editing on the terminal (standard input and output) and loads
  /// `history_file` if it exists; its directory is created when an entry is
  /// first saved.
  LineReader(std::filesystem::path history_file, Completer completer);
  ~LineReader();
  LineReader(const LineReader&) = delete;
  LineReader& operator=(const LineReader&) = delete;

  /// Reads a line showing `prompt`. Ctrl-C gives Kind::cancelled, Ctrl-D on
  /// an empty line (or a closed terminal) Kind::end_of_input.
  ReadResult read(const std::string& prompt);

  /// Adds `entry` (possibly several lines) to the history and saves the file,
  /// so the history survives even a killed session.
  void remember(const std::string& entry);

 private:
  static char* prompt_text(editline* el);
  static unsigned char complete(editline* el, int key);
  static unsigned char cancel(editline* el, int key);
  static LineReader& self(editline* el);

  std::filesystem::path history_file_;
  Completer completer_;
  std::string prompt_;
  bool cancelled_ = false;
  editline* el_ = nullptr;
  history* history_ = nullptr;
};

/// Words in `candidates`, laid out in columns that fit `width` terminal cells.
std::string format_columns(const std::vector<std::string>& candidates, std::size_t width);

}  // namespace aigc::shell
