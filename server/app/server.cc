#include "server/app/server.h"

#include <signal.h>
#include <sys/stat.h>

#include <chrono>
#include <cstdio>
#include <exception>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "grpcpp/health_check_service_interface.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server_builder.h"
#include "server/app/heap_trim_collectable.h"
#include "server/app/log.h"

namespace assignd::app {
namespace {

constexpr char kServiceName[] = "assignment.v1.AssignmentService";

// Identity of a file's current content as far as stat can tell; a change means "re-read".
struct FileSignature {
  bool exists = false;
  ino_t inode = 0;
  off_t size = 0;
  timespec mtime{};
  timespec ctime{};

  bool operator==(const FileSignature& o) const {
    return exists == o.exists && inode == o.inode && size == o.size &&
           mtime.tv_sec == o.mtime.tv_sec && mtime.tv_nsec == o.mtime.tv_nsec &&
           ctime.tv_sec == o.ctime.tv_sec && ctime.tv_nsec == o.ctime.tv_nsec;
  }
};

FileSignature Stat(const std::string& path) {
  struct stat st {};
  if (stat(path.c_str(), &st) != 0) return {};
  return {true, st.st_ino, st.st_size, st.st_mtim, st.st_ctim};
}

absl::Status WritePortFile(const std::string& path, int grpc_port, int metrics_port) {
  // Written to a temporary name and renamed, so a reader never sees half a file.
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << "grpc_port=" << grpc_port << "\nmetrics_port=" << metrics_port << "\n";
    if (!out.good()) return absl::InternalError(absl::StrCat("cannot write ", tmp));
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    return absl::InternalError(absl::StrCat("cannot rename ", tmp, " to ", path));
  }
  return absl::OkStatus();
}

}  // namespace

void BlockServerSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

Server::Server(const Options& options) : options_(options) {}

Server::~Server() { Shutdown(); }

absl::StatusOr<std::unique_ptr<Server>> Server::Create(const Options& options) {
  if (absl::Status valid = ValidateOptions(options); !valid.ok()) return valid;
  std::unique_ptr<Server> server(new Server(options));
  if (absl::Status started = server->Start(); !started.ok()) return started;
  return server;
}

absl::Status Server::Start() {
  metrics_ = std::make_unique<metrics::ServerMetrics>(std::make_shared<prometheus::Registry>());
  reloader_ = std::make_unique<ConfigReloader>(options_.config_path, options_.blend_overrides,
                                               store_, *metrics_, status_board_);
  if (options_.watch) {
    // Armed before the first load, so a change made while loading is not missed.
    absl::StatusOr<std::unique_ptr<ConfigWatcher>> watcher =
        ConfigWatcher::Start(options_.config_path, options_.reload_debounce,
                             [this] { reloader_->Reload("file watch").IgnoreError(); });
    if (watcher.ok()) {
      watcher_ = *std::move(watcher);
    } else {
      LogWarning("not watching the config file (", watcher.status().message(),
                 "); relying on SIGHUP and --poll_interval=",
                 absl::FormatDuration(options_.poll_interval));
    }
  }
  if (absl::Status loaded = reloader_->Reload("start-up"); !loaded.ok()) return loaded;
  // Before binding anything, so a bad TLS file fails start-up at once.
  absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> credentials =
      MakeServerCredentials(options_.tls);
  if (!credentials.ok()) return credentials.status();

  try {
    exposer_ = std::make_unique<prometheus::Exposer>(options_.metrics_address);
  } catch (const std::exception& e) {
    return absl::UnavailableError(absl::StrCat("--metrics_address=", options_.metrics_address,
                                               ": cannot listen: ", e.what()));
  }
  exposer_->RegisterCollectable(std::make_shared<HeapTrimCollectable>());
  for (const auto& collectable : metrics_->collectables())
    exposer_->RegisterCollectable(collectable);
  const std::vector<int> metrics_ports = exposer_->GetListeningPorts();
  metrics_port_ = metrics_ports.empty() ? 0 : metrics_ports.front();

  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  if (absl::Status opened = OpenExposureLog(); !opened.ok()) return opened;
  service_ = std::make_unique<service::AssignmentService>(store_, *metrics_, status_board_,
                                                          options_.limits, exposure_log_.get(),
                                                          options_.request_metrics);
  grpc::ServerBuilder builder;
  builder.AddListeningPort(options_.grpc_address, *credentials, &grpc_port_);
  builder.SetMaxReceiveMessageSize(options_.max_message_bytes);
  builder.AddChannelArgument(GRPC_ARG_MAX_CONCURRENT_STREAMS, options_.max_concurrent_streams);
  builder.RegisterService(service_.get());
  grpc_server_ = builder.BuildAndStart();
  if (grpc_server_ == nullptr || grpc_port_ == 0) {
    return absl::UnavailableError(
        absl::StrCat("--grpc_address=", options_.grpc_address, ": cannot listen"));
  }
  grpc::HealthCheckServiceInterface* health = grpc_server_->GetHealthCheckService();
  health->SetServingStatus(true);
  health->SetServingStatus(kServiceName, true);

  if (!options_.port_file.empty()) {
    if (absl::Status s = WritePortFile(options_.port_file, grpc_port_, metrics_port_); !s.ok()) {
      return s;
    }
  }
  poll_thread_ = std::thread([this] { PollLoop(); });
  LogInfo("assignd serving gRPC on ", options_.grpc_address, " (port ", grpc_port_, ", ",
          options_.tls.cert_path.empty()        ? "plaintext"
          : options_.tls.client_ca_path.empty() ? "TLS"
                                                : "mutual TLS",
          "), metrics on ", options_.metrics_address, " (port ", metrics_port_, ")");
  return absl::OkStatus();
}

absl::Status Server::OpenExposureLog() {
  const exposure_log::ExposureLogOptions& log_options = options_.exposure_log;
  if (log_options.path.empty()) return absl::OkStatus();
  absl::StatusOr<std::unique_ptr<exposure_log::ExposureLog>> log = exposure_log::ExposureLog::Open(
      log_options, metrics_->exposure_log_written(), metrics_->exposure_log_dropped());
  if (!log.ok()) return log.status();
  exposure_log_ = *std::move(log);
  const bool hashed = log_options.user_key == exposure_log::UserKeyMode::kHashed;
  if (hashed && log_options.salt.empty()) {
    LogWarning(
        "exposure log user keys are hashed without a salt: anyone can recompute them from "
        "user ids; set --exposure_log_salt or ASSIGND_EXPOSURE_LOG_SALT");
  }
  LogInfo("exposure log: ", log_options.path == "-" ? "stdout" : log_options.path, ", user ",
          hashed ? "hashed" : "raw", ", sample rate ", log_options.sample_rate,
          log_options.include_fallbacks ? ", with fallbacks" : "");
  return absl::OkStatus();
}

void Server::PollLoop() {
  FileSignature last = Stat(options_.config_path);
  while (!stopping_.WaitForNotificationWithTimeout(options_.poll_interval)) {
    const FileSignature now = Stat(options_.config_path);
    if (now == last) continue;
    last = now;
    // The result is logged and counted by the reloader; a refused file keeps the old config.
    reloader_->Reload("poll").IgnoreError();
  }
}

void Server::RunUntilSignalled() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGHUP);
  while (true) {
    int signal_number = 0;
    if (sigwait(&set, &signal_number) != 0) continue;
    if (signal_number == SIGHUP) {
      reloader_->Reload("SIGHUP").IgnoreError();
      continue;
    }
    LogInfo("received ", signal_number == SIGTERM ? "SIGTERM" : "SIGINT", ", draining for up to ",
            absl::FormatDuration(options_.drain_deadline));
    Shutdown();
    return;
  }
}

void Server::Shutdown() {
  {
    absl::MutexLock lock(&shutdown_mu_);
    if (shut_down_) return;
    shut_down_ = true;
  }
  stopping_.Notify();
  if (grpc_server_ != nullptr) {
    grpc::HealthCheckServiceInterface* health = grpc_server_->GetHealthCheckService();
    health->SetServingStatus(false);
    // Refuses new calls at once; calls in flight get until the deadline, then are cancelled.
    grpc_server_->Shutdown(absl::ToChronoTime(absl::Now() + options_.drain_deadline));
    grpc_server_->Wait();
  }
  // After the drain: no request can queue another line, so Close writes out everything.
  if (exposure_log_ != nullptr) exposure_log_->Close();
  if (poll_thread_.joinable()) poll_thread_.join();
  if (watcher_ != nullptr) watcher_->Stop();
  LogInfo("assignd stopped");
}

}  // namespace assignd::app
