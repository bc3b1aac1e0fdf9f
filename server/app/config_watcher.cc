#include "server/app/config_watcher.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "server/app/log.h"

namespace assignd::app {
namespace {

using Clock = std::chrono::steady_clock;

// Directory events that can mean "the config's bytes changed". IN_MODIFY is left out on purpose:
// it fires mid-write, and reading then could parse a truncated (yet valid) file.
constexpr uint32_t kDirEvents = IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE | IN_DELETE | IN_ATTRIB |
                                IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR;
// Self events: the watched directory itself is gone; the watch must be re-armed.
constexpr uint32_t kLostEvents = IN_DELETE_SELF | IN_MOVE_SELF | IN_IGNORED;
// How often a lost directory watch is retried (e.g. the directory was replaced).
constexpr auto kRearmRetry = std::chrono::milliseconds(500);

std::string DirName(const std::string& path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

std::string BaseName(const std::string& path) {
  const size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

std::optional<std::string> RealPath(const std::string& path) {
  char buf[PATH_MAX];
  if (realpath(path.c_str(), buf) == nullptr) return std::nullopt;
  return std::string(buf);
}

// If `path` is a symlink with a relative target, the target's first component ("..data" for a
// ConfigMap's "..data/experiments.yaml"): replacing that entry re-points the config.
std::string FirstHopName(const std::string& path) {
  char buf[PATH_MAX];
  const ssize_t n = readlink(path.c_str(), buf, sizeof(buf) - 1);
  if (n <= 0) return "";
  const std::string target(buf, static_cast<size_t>(n));
  if (target.front() == '/') return "";
  return target.substr(0, target.find('/'));
}

std::string ErrnoText(int err) { return strerror(err); }

}  // namespace

class ConfigWatcher::Impl {
 public:
  Impl(std::string path, absl::Duration debounce, std::function<void()> on_change)
      : path_(std::move(path)),
        dir_(DirName(path_)),
        debounce_(absl::ToChronoMilliseconds(debounce)),
        max_delay_(debounce_ * 10),
        on_change_(std::move(on_change)) {}

  ~Impl() {
    if (inotify_fd_ >= 0) close(inotify_fd_);
    if (wake_fd_ >= 0) close(wake_fd_);
  }

  absl::Status Init() {
    inotify_fd_ = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (inotify_fd_ < 0) {
      return absl::UnavailableError(absl::StrCat("inotify_init1: ", ErrnoText(errno)));
    }
    wake_fd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (wake_fd_ < 0) return absl::UnavailableError(absl::StrCat("eventfd: ", ErrnoText(errno)));
    Arm();
    if (dir_wd_ < 0) {
      return absl::UnavailableError(
          absl::StrCat("inotify_add_watch ", dir_, ": ", ErrnoText(errno)));
    }
    LogInfo("watching ", dir_, target_wd_ >= 0 ? absl::StrCat(" and ", target_dir_) : "",
            " for changes to ", path_);
    return absl::OkStatus();
  }

  void Wake() {
    const uint64_t one = 1;
    (void)!write(wake_fd_, &one, sizeof(one));
  }

  void Run() {
    bool pending = false;  // a burst of events is waiting for its quiet period
    Clock::time_point quiet_deadline{};
    Clock::time_point burst_deadline{};
    Clock::time_point next_rearm{};
    while (true) {
      int timeout_ms = -1;
      const Clock::time_point now = Clock::now();
      if (pending) {
        timeout_ms = MillisUntil(std::min(quiet_deadline, burst_deadline), now);
      } else if (dir_wd_ < 0) {
        timeout_ms = MillisUntil(next_rearm, now);
      }
      pollfd fds[2] = {{wake_fd_, POLLIN, 0}, {inotify_fd_, POLLIN, 0}};
      const int ready = poll(fds, 2, timeout_ms);
      if (ready < 0 && errno != EINTR) {
        LogError("config watcher: poll: ", ErrnoText(errno), "; file watching stops");
        return;
      }
      if (ready > 0 && fds[0].revents != 0) return;  // Stop()
      if (ready > 0 && fds[1].revents != 0 && DrainEvents()) {
        const Clock::time_point t = Clock::now();
        if (!pending) burst_deadline = t + max_delay_;
        pending = true;
        quiet_deadline = t + debounce_;
      }
      const Clock::time_point t = Clock::now();
      if (pending && (t >= quiet_deadline || t >= burst_deadline)) {
        pending = false;
        Arm();  // symlinks may point elsewhere now
        on_change_();
      } else if (!pending && dir_wd_ < 0 && t >= next_rearm) {
        Arm();
        if (dir_wd_ >= 0) {
          on_change_();  // the directory is back: its file may be new
        } else {
          next_rearm = t + kRearmRetry;
        }
      }
    }
  }

 private:
  static int MillisUntil(Clock::time_point deadline, Clock::time_point now) {
    if (deadline <= now) return 0;
    const auto ms = std::chrono::ceil<std::chrono::milliseconds>(deadline - now).count();
    return static_cast<int>(std::min<int64_t>(ms, INT32_MAX));
  }

  // (Re)arms the watch on the config's directory and, if the config resolves (through symlinks)
  // into another directory, on that one too; refreshes the names that matter in each.
  void Arm() {
    if (dir_wd_ < 0) dir_wd_ = inotify_add_watch(inotify_fd_, dir_.c_str(), kDirEvents);
    config_name_ = BaseName(path_);
    first_hop_name_ = FirstHopName(path_);

    const std::optional<std::string> resolved = RealPath(path_);
    const std::optional<std::string> real_dir = RealPath(dir_);
    std::string wanted_target_dir;
    if (resolved && real_dir && DirName(*resolved) != *real_dir)
      wanted_target_dir = DirName(*resolved);
    target_name_ = resolved ? BaseName(*resolved) : "";
    if (wanted_target_dir == target_dir_ && (target_wd_ >= 0 || wanted_target_dir.empty())) return;
    if (target_wd_ >= 0) inotify_rm_watch(inotify_fd_, target_wd_);
    target_wd_ = -1;
    target_dir_ = wanted_target_dir;
    if (!target_dir_.empty()) {
      target_wd_ = inotify_add_watch(inotify_fd_, target_dir_.c_str(), kDirEvents);
      if (target_wd_ < 0) {
        LogWarning("config watcher: cannot watch ", target_dir_, ": ", ErrnoText(errno));
        target_dir_.clear();
      }
    }
  }

  // Reads every queued event; true if any of them may concern the config.
  bool DrainEvents() {
    bool relevant = false;
    alignas(inotify_event) char buf[16384];
    while (true) {
      const ssize_t n = read(inotify_fd_, buf, sizeof(buf));
      if (n <= 0) break;  // EAGAIN: drained
      for (ssize_t offset = 0; offset < n;) {
        const auto* event = reinterpret_cast<const inotify_event*>(buf + offset);
        offset += static_cast<ssize_t>(sizeof(inotify_event) + event->len);
        relevant = Concerns(*event) || relevant;
      }
    }
    return relevant;
  }

  bool Concerns(const inotify_event& event) {
    if ((event.mask & IN_Q_OVERFLOW) != 0) return true;  // events were lost: check anyway
    const bool is_dir = event.wd == dir_wd_ && dir_wd_ >= 0;
    const bool is_target = event.wd == target_wd_ && target_wd_ >= 0;
    if (!is_dir && !is_target) return false;  // a watch removed on re-arm
    if ((event.mask & kLostEvents) != 0) {
      if (is_dir) {
        if ((event.mask & IN_IGNORED) == 0) inotify_rm_watch(inotify_fd_, dir_wd_);
        dir_wd_ = -1;
      } else {
        if ((event.mask & IN_IGNORED) == 0) inotify_rm_watch(inotify_fd_, target_wd_);
        target_wd_ = -1;
        target_dir_.clear();
      }
      return true;
    }
    const std::string name = event.len > 0 ? std::string(event.name) : "";
    const bool named =
        is_dir ? (name == config_name_ || (!first_hop_name_.empty() && name == first_hop_name_))
               : name == target_name_;
    if (!named) return false;
    if ((event.mask & IN_CREATE) != 0) {
      // A new regular file is still being written; its IN_CLOSE_WRITE follows. A new symlink
      // (ln -s) or directory is complete as created.
      struct stat st {};
      const std::string full = (is_dir ? dir_ : target_dir_) + "/" + name;
      if (lstat(full.c_str(), &st) == 0 && S_ISREG(st.st_mode)) return false;
    }
    return true;
  }

  const std::string path_;
  const std::string dir_;
  const std::chrono::milliseconds debounce_;
  const std::chrono::milliseconds max_delay_;
  const std::function<void()> on_change_;
  int inotify_fd_ = -1;
  int wake_fd_ = -1;
  int dir_wd_ = -1;
  std::string config_name_;     // the config's name in dir_
  std::string first_hop_name_;  // first component of its relative symlink target ("..data")
  int target_wd_ = -1;
  std::string target_dir_;  // directory the config resolves into, when not dir_
  std::string target_name_;
};

absl::StatusOr<std::unique_ptr<ConfigWatcher>> ConfigWatcher::Start(
    std::string path, absl::Duration debounce, std::function<void()> on_change) {
  auto impl = std::make_unique<Impl>(std::move(path), debounce, std::move(on_change));
  if (absl::Status s = impl->Init(); !s.ok()) return s;
  std::unique_ptr<ConfigWatcher> watcher(new ConfigWatcher(std::move(impl)));
  watcher->thread_ = std::thread([w = watcher.get()] { w->impl_->Run(); });
  return watcher;
}

ConfigWatcher::ConfigWatcher(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

ConfigWatcher::~ConfigWatcher() { Stop(); }

void ConfigWatcher::Stop() {
  if (!thread_.joinable()) return;
  impl_->Wake();
  thread_.join();
}

}  // namespace assignd::app
