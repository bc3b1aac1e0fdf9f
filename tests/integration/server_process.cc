#include "tests/integration/server_process.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"

extern char** environ;

namespace assignd::testing {
namespace {

std::string ReadFileOrEmpty(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

std::string BinDir() { return ASSIGND_BIN_DIR; }

std::string MakeTempDir() {
  // Every directory made here is removed when the test binary exits (servers are stopped first:
  // ServerProcess objects die with their tests), unless ASSIGND_KEEP_TEST_DIRS is set for
  // debugging.
  static std::vector<std::string>* const dirs = [] {
    auto* list = new std::vector<std::string>();
    std::atexit([] {
      if (std::getenv("ASSIGND_KEEP_TEST_DIRS") != nullptr) return;
      for (const std::string& dir : *dirs) {
        std::error_code ignored;
        std::filesystem::remove_all(dir, ignored);
      }
    });
    return list;
  }();
  std::string pattern = "/tmp/assignd-test-XXXXXX";
  if (mkdtemp(pattern.data()) == nullptr) std::abort();
  dirs->push_back(pattern);
  return pattern;
}

void WriteFile(const std::string& path, const std::string& content) {
  std::ofstream out(path, std::ios::trunc);
  out << content;
}

absl::StatusOr<std::unique_ptr<ServerProcess>> ServerProcess::Start(const ServerFlags& flags,
                                                                    absl::Duration timeout) {
  std::unique_ptr<ServerProcess> process(new ServerProcess());
  process->dir_ = MakeTempDir();
  const std::string port_file = process->dir_ + "/ports";
  const std::string log_file = process->dir_ + "/stderr.log";

  std::vector<std::string> args = {BinDir() + "/assignd",        "--config=" + flags.config_path,
                                   "--grpc_address=127.0.0.1:0", "--metrics_address=127.0.0.1:0",
                                   "--port_file=" + port_file,   "--drain_deadline=2s"};
  args.insert(args.end(), flags.extra_flags.begin(), flags.extra_flags.end());
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);

  std::vector<std::string> env_strings;
  for (char** e = environ; *e != nullptr; ++e) {
    const absl::string_view entry(*e);
    const std::string key(entry.substr(0, entry.find('=')));
    if (!flags.extra_env.contains(key)) env_strings.emplace_back(entry);
  }
  for (const auto& [k, v] : flags.extra_env) env_strings.push_back(k + "=" + v);
  std::vector<char*> envp;
  for (std::string& e : env_strings) envp.push_back(e.data());
  envp.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, log_file.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  const int rc = posix_spawn(&process->pid_, argv[0], &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) return absl::InternalError(absl::StrCat("posix_spawn ", argv[0], ": ", rc));

  const absl::Time deadline = absl::Now() + timeout;
  while (absl::Now() < deadline) {
    int status = 0;
    if (waitpid(process->pid_, &status, WNOHANG) == process->pid_) {
      process->exited_ = true;
      return absl::FailedPreconditionError(
          absl::StrCat("assignd exited with status ", status, ":\n", ReadFileOrEmpty(log_file)));
    }
    const std::string ports = ReadFileOrEmpty(port_file);
    for (absl::string_view line : absl::StrSplit(ports, '\n', absl::SkipEmpty())) {
      std::pair<absl::string_view, absl::string_view> kv = absl::StrSplit(line, '=');
      if (kv.first == "grpc_port") (void)absl::SimpleAtoi(kv.second, &process->grpc_port_);
      if (kv.first == "metrics_port") (void)absl::SimpleAtoi(kv.second, &process->metrics_port_);
    }
    if (process->grpc_port_ > 0 && process->metrics_port_ > 0) return process;
    absl::SleepFor(absl::Milliseconds(20));
  }
  return absl::DeadlineExceededError("assignd did not write its port file in time:\n" +
                                     ReadFileOrEmpty(log_file));
}

ServerProcess::~ServerProcess() {
  if (!exited_ && pid_ > 0) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
}

std::string ServerProcess::Log() const { return ReadFileOrEmpty(dir_ + "/stderr.log"); }

void ServerProcess::Signal(int signal_number) const {
  if (!exited_ && pid_ > 0) kill(pid_, signal_number);
}

int ServerProcess::Stop(absl::Duration timeout) {
  if (exited_) return -1;
  kill(pid_, SIGTERM);
  const absl::Time deadline = absl::Now() + timeout;
  while (absl::Now() < deadline) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      exited_ = true;
      if (WIFEXITED(status)) return WEXITSTATUS(status);
      return 128 + WTERMSIG(status);
    }
    absl::SleepFor(absl::Milliseconds(10));
  }
  return -1;
}

void ServerProcess::Kill() {
  if (exited_ || pid_ <= 0) return;
  kill(pid_, SIGKILL);
  waitpid(pid_, nullptr, 0);
  exited_ = true;
}

absl::StatusOr<std::string> HttpGet(int port, const std::string& path) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return absl::InternalError("socket");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    close(fd);
    return absl::UnavailableError(absl::StrCat("connect to port ", port));
  }
  const std::string request =
      absl::StrCat("GET ", path, " HTTP/1.0\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
  (void)!write(fd, request.data(), request.size());
  std::string response;
  char buf[65536];
  for (ssize_t n; (n = read(fd, buf, sizeof(buf))) > 0;)
    response.append(buf, static_cast<size_t>(n));
  close(fd);
  const size_t header_end = response.find("\r\n\r\n");
  if (header_end == std::string::npos) return absl::InternalError("malformed HTTP response");
  const std::string status_line = response.substr(0, response.find("\r\n"));
  if (status_line.find(" 200 ") == std::string::npos) {
    return absl::InternalError("HTTP " + status_line);
  }
  return response.substr(header_end + 4);
}

std::optional<double> MetricValue(const std::string& exposition, const std::string& name,
                                  const std::map<std::string, std::string>& labels) {
  for (absl::string_view line : absl::StrSplit(exposition, '\n', absl::SkipEmpty())) {
    if (line.front() == '#') continue;
    const size_t space = line.rfind(' ');
    if (space == absl::string_view::npos) continue;
    const absl::string_view series = line.substr(0, space);
    const size_t brace = series.find('{');
    if (series.substr(0, brace) != name) continue;
    std::map<std::string, std::string> found;
    if (brace != absl::string_view::npos) {
      absl::string_view body = series.substr(brace + 1);
      absl::ConsumeSuffix(&body, "}");
      // Label values here never contain '",' (they come from our own config); split simply.
      for (absl::string_view pair : absl::StrSplit(body, "\",", absl::SkipEmpty())) {
        const size_t eq = pair.find('=');
        absl::string_view value = pair.substr(eq + 1);
        absl::ConsumePrefix(&value, "\"");
        absl::ConsumeSuffix(&value, "\"");
        found.emplace(std::string(pair.substr(0, eq)), std::string(value));
      }
    }
    if (found != labels) continue;
    double value = 0;
    if (absl::SimpleAtod(line.substr(space + 1), &value)) return value;
  }
  return std::nullopt;
}

CommandResult RunCommand(const std::string& command) {
  CommandResult result;
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return result;
  char buf[4096];
  for (size_t n; (n = fread(buf, 1, sizeof(buf), pipe)) > 0;) result.output.append(buf, n);
  const int status = pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

}  // namespace assignd::testing
