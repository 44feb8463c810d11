#pragma once
// A pseudo-terminal with the real aigc binary on the other side, for the
// tests of what a person at a terminal sees: the shell, the progress bar.
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <chrono>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

extern char** environ;

namespace test {

using namespace std::chrono_literals;

/// Runs aigc on a pseudo-terminal. Every wait has a deadline, so a hung
/// shell fails the test instead of hanging the run; the destructor kills
/// the child if it is still there.
class Pty {
 public:
  Pty(const std::vector<std::string>& args, const std::vector<std::string>& env) {
    std::vector<std::string> envs;
    for (char** e = environ; *e; ++e) {
      std::string s = *e;
      if (s.rfind("AIGC_", 0) == 0 || s.rfind("TERM=", 0) == 0 || s.rfind("HOME=", 0) == 0) continue;
      envs.push_back(s);
    }
    envs.push_back("TERM=xterm");
    for (const auto& e : env) envs.push_back(e);
    std::vector<std::string> argv_s = {AIGC_BINARY};
    argv_s.insert(argv_s.end(), args.begin(), args.end());
    std::vector<char*> argv, envp;
    for (auto& a : argv_s) argv.push_back(a.data());
    argv.push_back(nullptr);
    for (auto& e : envs) envp.push_back(e.data());
    envp.push_back(nullptr);

    winsize ws{};
    ws.ws_row = 40;
    ws.ws_col = 120;
    pid_ = ::forkpty(&fd_, nullptr, nullptr, &ws);
    if (pid_ < 0) throw std::runtime_error("forkpty failed");
    if (pid_ == 0) {
      ::execve(argv[0], argv.data(), envp.data());
      ::_exit(127);
    }
  }

  ~Pty() {
    if (pid_ > 0 && !exited_) {
      ::kill(pid_, SIGKILL);
      int status = 0;
      ::waitpid(pid_, &status, 0);
    }
    if (fd_ >= 0) ::close(fd_);
  }
  Pty(const Pty&) = delete;
  Pty& operator=(const Pty&) = delete;

  void send(std::string_view keys) {
    while (!keys.empty()) {
      ssize_t n = ::write(fd_, keys.data(), keys.size());
      if (n <= 0) throw std::runtime_error("write to the pseudo-terminal failed");
      keys.remove_prefix(static_cast<std::size_t>(n));
    }
  }

  /// Types `line` and Enter, then waits for the echo of what was typed.
  void type_line(const std::string& line) {
    wait_for_editing(true);
    send(line);
    expect(line);
    send("\r");
  }

  /// Waits until the output after the last match contains `text`; returns
  /// false after `timeout`.
  bool expect(const std::string& text, std::chrono::milliseconds timeout = 10s) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      auto at = output_.find(text, seen_);
      if (at != std::string::npos) {
        seen_ = at + text.size();
        return true;
      }
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0 || !read_some(left)) return false;
    }
  }

  /// Waits until the line editor has the terminal (canonical mode off, so
  /// keys reach it one by one) or, with `editing` false, has handed it back
  /// (so Ctrl-C sends SIGINT). libedit switches only when it starts reading,
  /// just after it prints the prompt: keys sent in between would be cooked.
  bool wait_for_editing(bool editing, std::chrono::milliseconds timeout = 10s) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      termios t{};
      if (::tcgetattr(fd_, &t) == 0 && ((t.c_lflag & ICANON) == 0) == editing) return true;
      read_some(10ms);
    }
    return false;
  }

  /// Waits for the main prompt and for the editor to take the terminal.
  bool expect_prompt() { return expect("aigc> ") && wait_for_editing(true); }

  /// Waits for the child to exit; its exit status, or -1 after `timeout`.
  int wait_exit(std::chrono::milliseconds timeout = 10s) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      read_some(50ms);
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        exited_ = true;
        while (read_some(50ms)) {
        }
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      }
    }
    return -1;
  }

  /// Everything the terminal showed, for INFO() when a check fails.
  const std::string& output() const { return output_; }
  /// What came after the last match.
  std::string unseen() const { return output_.substr(seen_); }

 private:
  /// Reads what is available within `timeout`; false when nothing came.
  bool read_some(std::chrono::milliseconds timeout) {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(timeout.count())) <= 0) return false;
    char buf[4096];
    ssize_t n = ::read(fd_, buf, sizeof buf);
    if (n <= 0) return false;  // EIO once the child has gone
    output_.append(buf, static_cast<std::size_t>(n));
    return true;
  }

  int fd_ = -1;
  pid_t pid_ = -1;
  bool exited_ = false;
  std::string output_;
  std::size_t seen_ = 0;
};

}  // namespace test
