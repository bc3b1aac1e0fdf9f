#include "server/app/memory_reclaimer.h"

#include <algorithm>
#include <thread>
#include <utility>

#include "absl/time/clock.h"
#include "server/config/release_free_memory.h"

namespace assignd::app {

MemoryReclaimer& MemoryReclaimer::Get() {
  static MemoryReclaimer* const reclaimer = new MemoryReclaimer();
  return *reclaimer;
}

MemoryReclaimer::MemoryReclaimer() {
  std::thread([this] { Run(); }).detach();
}

std::shared_ptr<const service::ServingState> MemoryReclaimer::Manage(
    std::unique_ptr<service::ServingState> state) {
  return std::shared_ptr<const service::ServingState>(
      state.release(), [this](const service::ServingState* retired) { Retire(retired); });
}

void MemoryReclaimer::Retire(const service::ServingState* state) {
  absl::MutexLock lock(&mu_);
  retired_.push_back(state);
}

void MemoryReclaimer::TrimAfter(absl::Duration delay) {
  absl::MutexLock lock(&mu_);
  trim_at_ = std::min(trim_at_, absl::Now() + delay);
}

bool MemoryReclaimer::HasWork() const {
  return !retired_.empty() || trim_at_ != absl::InfiniteFuture();
}

void MemoryReclaimer::Run() {
  const auto has_retired = [](std::vector<const service::ServingState*>* retired) {
    return !retired->empty();
  };
  for (;;) {
    std::vector<const service::ServingState*> batch;
    {
      absl::MutexLock lock(&mu_);
      mu_.Await(absl::Condition(this, &MemoryReclaimer::HasWork));
      // Only a trim asked for: wait until it is due, or until a state is retired meanwhile.
      if (retired_.empty()) {
        mu_.AwaitWithDeadline(absl::Condition(+has_retired, &retired_), trim_at_);
      }
      batch.swap(retired_);
      trim_at_ = absl::InfiniteFuture();
    }
    for (const service::ServingState* state : batch) delete state;
    config::ReleaseFreeMemory();
  }
}

}  // namespace assignd::app
