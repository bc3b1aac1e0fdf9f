#include "server/exposure_log/exposure_log.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "server/core/stable_hash.h"
#include "server/exposure_log/json_line.h"
#include "server/exposure_log/user_key.h"

namespace assignd::exposure_log {
namespace {

// Sampling must not line up with the distinct-user sketches' hash: a different seed.
constexpr uint64_t kSampleSeed = 0x9e3779b97f4a7c15ULL;
// Lines per write(2) at most; the buffer is reused.
constexpr size_t kMaxBatchLines = 1024;

uint64_t SampleThreshold(double rate) {
  if (!(rate < 1)) return UINT64_MAX;
  if (!(rate > 0)) return 0;
  return static_cast<uint64_t>(std::ldexp(rate, 64));
}

void Assign(std::string& to, std::string_view from) { to.assign(from.data(), from.size()); }

}  // namespace

absl::Status ValidateExposureLogOptions(const ExposureLogOptions& options) {
  if (!(options.sample_rate > 0 && options.sample_rate <= 1)) {
    return absl::InvalidArgumentError(
        absl::StrCat("--exposure_log_sample_rate must be in (0, 1], got ", options.sample_rate));
  }
  if (options.queue_capacity < 2 || options.queue_capacity > (size_t{1} << 22)) {
    return absl::InvalidArgumentError("--exposure_log_queue must be in 2..4194304");
  }
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<ExposureLog>> ExposureLog::Open(const ExposureLogOptions& options,
                                                               prometheus::Counter& written,
                                                               prometheus::Counter& dropped) {
  if (absl::Status valid = ValidateExposureLogOptions(options); !valid.ok()) return valid;
  int fd = STDOUT_FILENO;
  bool owns_fd = false;
  if (options.path != "-") {
    fd = open(options.path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
    if (fd < 0) {
      return absl::UnavailableError(
          absl::StrCat("--exposure_log=", options.path, ": cannot open: ", std::strerror(errno)));
    }
    owns_fd = true;
  }
  return std::unique_ptr<ExposureLog>(new ExposureLog(options, fd, owns_fd, written, dropped));
}

void ExposureLog::ReserveSlot(Slot& slot) {
  slot.ns.reserve(64);
  slot.experiment.reserve(64);
  slot.variant.reserve(64);
  slot.reason.reserve(32);
  slot.config_version.reserve(32);
  slot.user_id.reserve(256);
}

ExposureLog::ExposureLog(const ExposureLogOptions& options, int fd, bool owns_fd,
                         prometheus::Counter& written, prometheus::Counter& dropped)
    : options_(options),
      sample_threshold_(SampleThreshold(options.sample_rate)),
      fd_(fd),
      owns_fd_(owns_fd),
      written_(written),
      dropped_(dropped),
      queue_(options.queue_capacity, ReserveSlot),
      writer_([this] { WriterLoop(); }) {}

ExposureLog::~ExposureLog() { Close(); }

bool ExposureLog::Wants(bool in_experiment, std::string_view user_id) const {
  if (!in_experiment && !options_.include_fallbacks) return false;
  if (sample_threshold_ == UINT64_MAX) return true;
  return core::StableHash64(user_id, kSampleSeed) < sample_threshold_;
}

void ExposureLog::Record(const ExposureRecord& record) {
  const int64_t now = absl::GetCurrentTimeNanos();
  const bool queued = queue_.TryPush([&](Slot& slot) {
    slot.unix_nanos = now;
    slot.in_experiment = record.in_experiment;
    Assign(slot.ns, record.ns);
    Assign(slot.experiment, record.experiment);
    Assign(slot.variant, record.variant);
    Assign(slot.reason, record.reason);
    Assign(slot.config_version, record.config_version);
    Assign(slot.user_id, record.user_id);
  });
  if (!queued) dropped_.Increment();
}

size_t ExposureLog::DrainInto(std::string& buffer) {
  size_t lines = 0;
  while (lines < kMaxBatchLines && queue_.TryPop([&](Slot& slot) {
    const bool hashed = options_.user_key == UserKeyMode::kHashed;
    const std::string key = hashed ? HashedUserKey(options_.salt, slot.user_id) : std::string();
    AppendJsonLine({.unix_nanos = slot.unix_nanos,
                    .ns = slot.ns,
                    .experiment = slot.experiment,
                    .variant = slot.variant,
                    .reason = slot.reason,
                    .in_experiment = slot.in_experiment,
                    .config_version = slot.config_version,
                    .user_field = hashed ? "user_key" : "user_id",
                    .user_value = hashed ? std::string_view(key) : std::string_view(slot.user_id)},
                   buffer);
  })) {
    ++lines;
  }
  return lines;
}

void ExposureLog::WriteOut(const std::string& buffer, size_t lines) {
  size_t done = 0;
  while (done < buffer.size()) {
    const ssize_t n = write(fd_, buffer.data() + done, buffer.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      if (!write_failing_) {
        std::fprintf(stderr, "assignd: exposure log %s: write failed: %s; dropping lines\n",
                     options_.path.c_str(), std::strerror(errno));
      }
      write_failing_ = true;
      // Lines already (partly) written count as written; the rest as dropped.
      dropped_.Increment(static_cast<double>(lines));
      return;
    }
    done += static_cast<size_t>(n);
  }
  write_failing_ = false;
  written_.Increment(static_cast<double>(lines));
}

void ExposureLog::WriterLoop() {
  std::string buffer;
  while (true) {
    buffer.clear();
    const size_t lines = DrainInto(buffer);
    if (lines > 0) {
      WriteOut(buffer, lines);
      continue;
    }
    // Empty: producers were all done before stop_ was notified, so after it one more empty
    // drain means everything queued has been written.
    if (stop_.HasBeenNotified()) break;
    stop_.WaitForNotificationWithTimeout(options_.idle_wait);
  }
}

void ExposureLog::Close() {
  if (closed_.exchange(true)) return;
  stop_.Notify();
  if (writer_.joinable()) writer_.join();
  if (owns_fd_) close(fd_);
}

}  // namespace assignd::exposure_log
