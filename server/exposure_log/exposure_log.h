#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <thread>

#include "absl/status/statusor.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "prometheus/counter.h"
#include "server/exposure_log/bounded_queue.h"

// Exposure log for Loki: one JSON line per exposure (see json_line.h for the format), written by a
// background thread. The request path only copies a few short strings into a preallocated queue
// slot; when the queue is full the exposure is dropped and counted, never waited for.
namespace assignd::exposure_log {

enum class UserKeyMode { kHashed, kRaw };

struct ExposureLogOptions {
  std::string path;  // file to append to; "-" = stdout
  UserKeyMode user_key = UserKeyMode::kHashed;
  std::string salt;  // HMAC key for kHashed (user_key.h)
  // Share of users whose answers are logged, chosen by a stable hash of the user id, so a sampled
  // user's every exposure is in the log. 1 = everyone.
  double sample_rate = 1;
  // Also log answers that are not exposures (not_in_ramp, kill_switch, forced_override).
  bool include_fallbacks = false;
  size_t queue_capacity = 16384;                      // rounded up to a power of two
  absl::Duration idle_wait = absl::Milliseconds(20);  // writer's sleep when the queue is empty
};

// Checks the options (each problem named after its flag).
absl::Status ValidateExposureLogOptions(const ExposureLogOptions& options);

// One answer to log. Views, copied before Record returns.
struct ExposureRecord {
  std::string_view ns;
  std::string_view experiment;
  std::string_view variant;
  std::string_view reason;  // "assigned", "not_in_ramp", "kill_switch", "forced_override"
  bool in_experiment = false;
  std::string_view config_version;
  std::string_view user_id;
};

class ExposureLog {
 public:
  // Opens `options.path` for appending and starts the writer thread. `written` and `dropped` count
  // lines written and exposures dropped; they must outlive the log.
  static absl::StatusOr<std::unique_ptr<ExposureLog>> Open(const ExposureLogOptions& options,
                                                           prometheus::Counter& written,
                                                           prometheus::Counter& dropped);
  ~ExposureLog();  // Close()
  ExposureLog(const ExposureLog&) = delete;
  ExposureLog& operator=(const ExposureLog&) = delete;

  // Whether an answer for `user_id` is to be logged: exposures (and fallbacks if configured) of
  // sampled users. Cheap; call before building a record.
  bool Wants(bool in_experiment, std::string_view user_id) const;

  // Queues `record` with the current time. Never blocks, never allocates for ordinary lengths
  // (slots have room for 256-byte ids and 64-byte names); drops and counts when the queue is full.
  void Record(const ExposureRecord& record);

  // Writes everything queued so far, then stops the writer and closes the file. Idempotent.
  void Close();

 private:
  struct Slot {
    int64_t unix_nanos = 0;
    bool in_experiment = false;
    std::string ns, experiment, variant, reason, config_version, user_id;
  };

  ExposureLog(const ExposureLogOptions& options, int fd, bool owns_fd, prometheus::Counter& written,
              prometheus::Counter& dropped);
  static void ReserveSlot(Slot& slot);
  void WriterLoop();
  // Formats the slots available now into `buffer`; returns how many.
  size_t DrainInto(std::string& buffer);
  void WriteOut(const std::string& buffer, size_t lines);

  const ExposureLogOptions options_;
  const uint64_t sample_threshold_;  // keep a user iff hash < threshold (ignored at rate 1)
  const int fd_;
  const bool owns_fd_;
  prometheus::Counter& written_;
  prometheus::Counter& dropped_;
  BoundedQueue<Slot> queue_;
  absl::Notification stop_;
  std::atomic<bool> closed_{false};
  bool write_failing_ = false;  // writer thread only: report a failure streak once
  std::thread writer_;
};

}  // namespace assignd::exposure_log
