#pragma once

#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace assignd::app {

// Calls `on_change` (on its own thread) soon after the config file may have changed, using
// inotify on the file's DIRECTORY rather than on the file, because the usual ways of updating a
// config replace the file instead of writing it:
//   - an in-place write (IN_CLOSE_WRITE on the file's name; never on IN_MODIFY, so a half-written
//     file is not read);
//   - a temp file renamed over the config (IN_MOVED_TO on the name);
//   - a Kubernetes ConfigMap volume, where `experiments.yaml` is a symlink to
//     `..data/experiments.yaml` and the kubelet atomically renames a new `..data_tmp` symlink over
//     `..data` (IN_MOVED_TO `..data` in the watched directory);
//   - a symlink re-pointed with `ln -sf` (IN_DELETE + IN_CREATE), chmod/touch (IN_ATTRIB).
// It also watches the directory the file resolves to (symlinks followed), so in-place edits of a
// symlink's target are seen, and re-arms both watches when a watched directory is deleted or
// moved (the ConfigMap's old timestamped directory is deleted on every update).
//
// Bursts are debounced: `on_change` runs once the events have been quiet for `debounce`, or at
// the latest 10 * debounce after the first event of a burst, so a stream of writes cannot hold a
// reload back. on_change must tolerate being called when nothing changed (the reloader compares
// content versions).
class ConfigWatcher {
 public:
  // Arms the watches and starts the thread. Fails if inotify is unavailable (e.g. out of
  // watches); the caller can still rely on polling and SIGHUP.
  static absl::StatusOr<std::unique_ptr<ConfigWatcher>> Start(std::string path,
                                                              absl::Duration debounce,
                                                              std::function<void()> on_change);
  ~ConfigWatcher();  // Stops the thread promptly (wakes it through an eventfd).

  ConfigWatcher(const ConfigWatcher&) = delete;
  ConfigWatcher& operator=(const ConfigWatcher&) = delete;

  // Stops the thread and closes the descriptors; idempotent.
  void Stop();

 private:
  class Impl;
  explicit ConfigWatcher(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
  std::thread thread_;
};

}  // namespace assignd::app
