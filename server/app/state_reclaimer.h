#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "server/service/serving_state.h"

namespace assignd::app {

// Destroys retired serving states on a background thread, then hands free memory back to the OS.
// A state's last owner is often a request thread (its snapshot cache keeps the previous state
// until its next request): deleting a 10,000-experiment config there cost that request
// milliseconds, and nothing trimmed the heap afterwards, so ~40 MiB of freed pages stayed
// resident after a few reloads.
class StateReclaimer {
 public:
  // The process-wide instance. It is never destroyed: request threads may drop their last state
  // at any time up to their exit.
  static StateReclaimer& Get();

  StateReclaimer(const StateReclaimer&) = delete;
  StateReclaimer& operator=(const StateReclaimer&) = delete;

  // `state` shared; its last owner hands it to this reclaimer instead of deleting it.
  std::shared_ptr<const service::ServingState> Manage(std::unique_ptr<service::ServingState> state);

  // Waits until every state retired before the call has been destroyed and the memory trimmed.
  void Flush() ABSL_LOCKS_EXCLUDED(mu_);

 private:
  StateReclaimer();
  void Retire(const service::ServingState* state) ABSL_LOCKS_EXCLUDED(mu_);
  [[noreturn]] void Run() ABSL_LOCKS_EXCLUDED(mu_);

  absl::Mutex mu_;
  std::vector<const service::ServingState*> retired_ ABSL_GUARDED_BY(mu_);
  uint64_t retired_count_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t reclaimed_count_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace assignd::app
