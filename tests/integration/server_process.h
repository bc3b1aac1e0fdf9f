#pragma once

#include <sys/types.h>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

// Test harness: runs the real build/bin/assignd on loopback ports chosen by the kernel, and talks
// plain HTTP to its metrics endpoint. Only processes started here are ever signalled.
namespace assignd::testing {

// Directory holding the built binaries (assignd, assignctl).
std::string BinDir();

struct ServerFlags {
  std::string config_path;
  std::vector<std::string> extra_flags;          // e.g. "--poll_interval=100ms"
  std::map<std::string, std::string> extra_env;  // e.g. BLEND_WEIGHTS_OVERRIDES
};

class ServerProcess {
 public:
  // Starts assignd on 127.0.0.1:0 for both ports and waits (up to `timeout`) until it has written
  // its port file. Fails with the server's stderr if it exits instead.
  static absl::StatusOr<std::unique_ptr<ServerProcess>> Start(
      const ServerFlags& flags, absl::Duration timeout = absl::Seconds(10));
  ~ServerProcess();

  pid_t pid() const { return pid_; }
  int grpc_port() const { return grpc_port_; }
  int metrics_port() const { return metrics_port_; }
  std::string grpc_target() const { return "127.0.0.1:" + std::to_string(grpc_port_); }
  // Everything the server wrote to stderr so far.
  std::string Log() const;

  void Signal(int signal_number) const;
  // Sends SIGTERM and waits for exit; returns the exit status (or 128+signal), -1 on timeout.
  int Stop(absl::Duration timeout = absl::Seconds(15));
  // SIGKILL, and waits until the process is gone (its ports are free again).
  void Kill();

 private:
  ServerProcess() = default;
  pid_t pid_ = -1;
  int grpc_port_ = 0;
  int metrics_port_ = 0;
  std::string dir_;
  bool exited_ = false;
};

// GET http://127.0.0.1:port/path; the body on 200, else an error with the status line.
absl::StatusOr<std::string> HttpGet(int port, const std::string& path);

// The value of the sample `name{labels}` in Prometheus text format, or nullopt if absent. Labels
// must match exactly (all of the sample's labels).
std::optional<double> MetricValue(const std::string& exposition, const std::string& name,
                                  const std::map<std::string, std::string>& labels);

struct CommandResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr together
};
// Runs `command` through /bin/sh and captures its output.
CommandResult RunCommand(const std::string& command);

// A fresh temporary directory for one test's files.
std::string MakeTempDir();
void WriteFile(const std::string& path, const std::string& content);

}  // namespace assignd::testing
