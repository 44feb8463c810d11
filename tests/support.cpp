#include "support.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>

extern char** environ;

namespace test {

TempDir::TempDir() {
  std::random_device rd;
  for (int attempt = 0; attempt < 100; ++attempt) {
    auto candidate = fs::temp_directory_path() / ("aigc-test-" + std::to_string(rd()));
    if (fs::create_directory(candidate)) {
      path_ = candidate;
      return;
    }
  }
  throw std::runtime_error("cannot create a temporary directory");
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

std::string RunResult::describe() const {
  return "status " + std::to_string(status) + "\n--- stdout ---\n" + out + "\n--- stderr ---\n" + err;
}

RunResult run_aigc(const std::vector<std::string>& args, const fs::path& cwd, const std::string& input,
                   const std::vector<std::string>& env, const RunLimits& limits, const RunStdout& stdout_to) {
  // A child that exits without reading all its input must not kill the
  // test process with SIGPIPE: the write then fails with EPIPE, which the
  // loop below handles. (The child's own disposition is set after fork.)
  signal(SIGPIPE, SIG_IGN);
  int in_pipe[2], out_pipe[2], err_pipe[2];
  if (pipe(in_pipe) || pipe(out_pipe) || pipe(err_pipe)) throw std::runtime_error("pipe failed");

  std::vector<std::string> envs;
  // A variable given in `env` replaces the inherited one: getenv returns the
  // first of two, so a test's HOME=... after the parent's was ignored and
  // the child used the real ~/.local/share/aigc/warehouse.db.
  const auto overridden = [&env](const std::string& s) {
    const std::string name = s.substr(0, s.find('=') + 1);
    for (const auto& e : env)
      if (e.rfind(name, 0) == 0) return true;
    return false;
  };
  for (char** e = environ; *e; ++e) {
    std::string s = *e;
    if (s.rfind("AIGC_DB=", 0) == 0 || overridden(s)) continue;
    envs.push_back(s);
  }
  for (const auto& e : env) envs.push_back(e);
  std::vector<char*> envp;
  for (auto& e : envs) envp.push_back(e.data());
  envp.push_back(nullptr);

  std::vector<std::string> argv_s = {AIGC_BINARY};
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_s) argv.push_back(a.data());
  argv.push_back(nullptr);

  // A child that exits before reading its input (a refused database) closes
  // the pipe: the write below must then fail with EPIPE, not kill the test
  // process with SIGPIPE. The child gets the default action back.
  static const bool sigpipe_ignored = (signal(SIGPIPE, SIG_IGN), true);
  (void)sigpipe_ignored;
  pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    signal(SIGPIPE, SIG_DFL);
    dup2(in_pipe[0], 0);
    if (stdout_to.closed) {
      close(1);
    } else if (stdout_to.path.empty()) {
      dup2(out_pipe[1], 1);
    } else {
      const int fd = open(stdout_to.path.c_str(), O_WRONLY | O_CLOEXEC);
      if (fd < 0 || dup2(fd, 1) < 0) _exit(127);
      close(fd);
    }
    dup2(err_pipe[1], 2);
    for (int fd : {in_pipe[0], in_pipe[1], out_pipe[0], out_pipe[1], err_pipe[0], err_pipe[1]}) close(fd);
    if (chdir(cwd.c_str()) != 0) _exit(127);
    signal(SIGPIPE, SIG_DFL);  // an ignored signal would stay ignored across exec
    if (limits.file_size_limit > 0) {
      // An ignored signal stays ignored across exec: writes then fail with EFBIG.
      signal(SIGXFSZ, SIG_IGN);
      rlimit rl{static_cast<rlim_t>(limits.file_size_limit), static_cast<rlim_t>(limits.file_size_limit)};
      if (setrlimit(RLIMIT_FSIZE, &rl) != 0) _exit(127);
    }
    // Set here rather than inherited: an ignored signal stays ignored across exec.
    signal(SIGPIPE, stdout_to.ignore_sigpipe ? SIG_IGN : SIG_DFL);
    execve(argv[0], argv.data(), envp.data());
    _exit(127);
  }
  close(in_pipe[0]);
  close(out_pipe[1]);
  close(err_pipe[1]);

  RunResult r;
  std::uint64_t written = 0;
  int in_fd = in_pipe[1];
  const std::uint64_t input_total = input.size() * limits.input_repeat;
  if (input_total == 0) {
    close(in_fd);
    in_fd = -1;
  } else {
    fcntl(in_fd, F_SETFL, O_NONBLOCK);
  }
  bool out_open = true, err_open = true;
  char buf[65536];
  const auto started = std::chrono::steady_clock::now();
  bool killed = false;
  while (out_open || err_open) {
    int timeout_ms = -1;
    if (limits.kill_after.count() > 0 && !killed) {
      const auto left = limits.kill_after - (std::chrono::steady_clock::now() - started);
      if (left <= std::chrono::steady_clock::duration::zero()) {
        kill(pid, SIGKILL);
        killed = true;
      } else {
        // Round up so the loop never spins on a zero timeout.
        timeout_ms = static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(left).count()) + 1;
      }
    }
    pollfd fds[3];
    int n = 0;
    int out_i = -1, err_i = -1, in_i = -1;
    if (out_open) {
      fds[n] = {out_pipe[0], POLLIN, 0};
      out_i = n++;
    }
    if (err_open) {
      fds[n] = {err_pipe[0], POLLIN, 0};
      err_i = n++;
    }
    if (in_fd >= 0) {
      fds[n] = {in_fd, POLLOUT, 0};
      in_i = n++;
    }
    const int ready = poll(fds, n, timeout_ms);
    if (ready < 0) break;
    if (ready == 0) continue;  // the kill deadline came first
    if (in_i >= 0 && (fds[in_i].revents & (POLLOUT | POLLERR | POLLHUP))) {
      const std::size_t at = written % input.size();
      ssize_t w = write(in_fd, input.data() + at, input.size() - at);
      if (w > 0) written += static_cast<std::size_t>(w);
      if (w < 0 || written == input_total) {
        close(in_fd);
        in_fd = -1;
      }
    }
    for (auto [idx, open, fd, dest] :
         {std::tuple{out_i, &out_open, out_pipe[0], &r.out}, std::tuple{err_i, &err_open, err_pipe[0], &r.err}}) {
      if (idx < 0 || !(fds[idx].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      ssize_t got = read(fd, buf, sizeof buf);
      if (got > 0)
        dest->append(buf, static_cast<std::size_t>(got));
      else
        *open = false;
    }
    if (out_open && stdout_to.close_after > 0 && r.out.size() >= stdout_to.close_after) {
      close(out_pipe[0]);
      out_pipe[0] = -1;
      out_open = false;
    }
  }
  if (in_fd >= 0) close(in_fd);
  if (out_pipe[0] >= 0) close(out_pipe[0]);
  close(err_pipe[0]);
  int status = 0;
  rusage usage{};
  wait4(pid, &status, 0, &usage);
  r.max_rss_kb = usage.ru_maxrss;
  r.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return r;
}

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + p.string());
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void write_file(const fs::path& p, const std::string& content) {
  std::ofstream out(p, std::ios::binary);
  out << content;
  if (!out) throw std::runtime_error("cannot write " + p.string());
}

fs::path source_dir() { return AIGC_SOURCE_DIR; }
// AIGC_SHARED_DIR in the environment overrides the build's ../shared, for a
// checkout (a git worktree) that does not sit beside the shared directory.
fs::path shared_dir() {
  const char* env = std::getenv("AIGC_SHARED_DIR");
  return fs::weakly_canonical(fs::path(env && *env ? env : AIGC_SHARED_DIR));
}

std::vector<std::string> entries(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

std::size_t shipped_query_count() {
  std::size_t n = 0;
  for (const auto& e : fs::directory_iterator(source_dir() / "queries")) n += e.path().extension() == ".sql";
  return n;
}

}  // namespace test
