#pragma once

#include <cstdint>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"

namespace assignd::service {

// What the admin RPC reports about config loading. Written by the reloader, read by
// GetConfigStatus; never touched by Assign.
struct ConfigStatus {
  std::string config_path;
  std::string version;
  int64_t loaded_at_unix_ms = 0;
  int experiment_count = 0;
  bool last_reload_ok = true;
  std::string last_reload_error;
  int64_t last_reload_attempt_unix_ms = 0;
  int64_t reload_success_total = 0;
  int64_t reload_failure_total = 0;
};

class ConfigStatusBoard {
 public:
  void RecordSuccess(std::string path, std::string version, int experiment_count, int64_t now_ms) {
    absl::MutexLock lock(&mu_);
    status_.config_path = std::move(path);
    status_.version = std::move(version);
    status_.experiment_count = experiment_count;
    status_.loaded_at_unix_ms = now_ms;
    status_.last_reload_ok = true;
    status_.last_reload_error.clear();
    status_.last_reload_attempt_unix_ms = now_ms;
    ++status_.reload_success_total;
  }
  void RecordFailure(std::string error, int64_t now_ms) {
    absl::MutexLock lock(&mu_);
    status_.last_reload_ok = false;
    status_.last_reload_error = std::move(error);
    status_.last_reload_attempt_unix_ms = now_ms;
    ++status_.reload_failure_total;
  }
  ConfigStatus Get() const {
    absl::MutexLock lock(&mu_);
    return status_;
  }

 private:
  mutable absl::Mutex mu_;
  ConfigStatus status_ ABSL_GUARDED_BY(mu_);
};

}  // namespace assignd::service
