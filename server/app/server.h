#pragma once

#include <memory>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "grpcpp/server.h"
#include "prometheus/exposer.h"
#include "server/app/config_reloader.h"
#include "server/app/config_watcher.h"
#include "server/app/options.h"
#include "server/exposure_log/exposure_log.h"
#include "server/metrics/server_metrics.h"
#include "server/service/assignment_service.h"
#include "server/service/config_status_board.h"
#include "server/service/serving_state.h"

namespace assignd::app {

// The whole running process: config, metrics endpoint, gRPC server (assignment, health and
// reflection services), the config file watcher, and the background thread that re-checks the
// config file.
class Server {
 public:
  // Loads the config (a bad file fails start-up), binds both ports and starts serving.
  static absl::StatusOr<std::unique_ptr<Server>> Create(const Options& options);
  ~Server();

  // Blocks until SIGTERM or SIGINT, reloading on SIGHUP; then drains and returns. The caller must
  // have blocked those signals in every thread (BlockServerSignals) before starting any thread.
  void RunUntilSignalled();

  // Stops accepting, lets in-flight RPCs finish within the drain deadline, stops background work.
  void Shutdown();

  int grpc_port() const { return grpc_port_; }
  int metrics_port() const { return metrics_port_; }
  ConfigReloader& reloader() { return *reloader_; }

 private:
  explicit Server(const Options& options);
  absl::Status Start();
  absl::Status OpenExposureLog();
  void PollLoop();

  const Options options_;
  service::ServingStateStore store_;
  service::ConfigStatusBoard status_board_;
  std::unique_ptr<metrics::ServerMetrics> metrics_;
  std::unique_ptr<ConfigReloader> reloader_;
  std::unique_ptr<prometheus::Exposer> exposer_;
  std::unique_ptr<exposure_log::ExposureLog> exposure_log_;  // null when off
  std::unique_ptr<service::AssignmentService> service_;
  std::unique_ptr<grpc::Server> grpc_server_;
  int grpc_port_ = 0;
  int metrics_port_ = 0;

  absl::Notification stopping_;
  std::thread poll_thread_;
  std::unique_ptr<ConfigWatcher> watcher_;
  absl::Mutex shutdown_mu_;
  bool shut_down_ ABSL_GUARDED_BY(shutdown_mu_) = false;
};

// Blocks SIGTERM, SIGINT and SIGHUP in the calling thread (and so in every thread it starts later)
// so that RunUntilSignalled can take them with sigwait: no work happens in a signal handler.
void BlockServerSignals();

}  // namespace assignd::app
