#include "server/app/state_reclaimer.h"

#include <thread>
#include <utility>

#include "server/config/release_free_memory.h"

namespace assignd::app {

StateReclaimer& StateReclaimer::Get() {
  static StateReclaimer* const reclaimer = new StateReclaimer();
  return *reclaimer;
}

StateReclaimer::StateReclaimer() {
  std::thread([this] { Run(); }).detach();
}

std::shared_ptr<const service::ServingState> StateReclaimer::Manage(
    std::unique_ptr<service::ServingState> state) {
  return std::shared_ptr<const service::ServingState>(
      state.release(), [this](const service::ServingState* retired) { Retire(retired); });
}

void StateReclaimer::Retire(const service::ServingState* state) {
  absl::MutexLock lock(&mu_);
  retired_.push_back(state);
  ++retired_count_;
}

void StateReclaimer::Flush() {
  absl::MutexLock lock(&mu_);
  const uint64_t target = retired_count_;
  std::pair<const uint64_t*, uint64_t> done_and_target(&reclaimed_count_, target);
  mu_.Await(absl::Condition(
      +[](std::pair<const uint64_t*, uint64_t>* args) { return *args->first >= args->second; },
      &done_and_target));
}

void StateReclaimer::Run() {
  for (;;) {
    std::vector<const service::ServingState*> batch;
    {
      absl::MutexLock lock(&mu_);
      mu_.Await(absl::Condition(
          +[](std::vector<const service::ServingState*>* retired) { return !retired->empty(); },
          &retired_));
      batch.swap(retired_);
    }
    for (const service::ServingState* state : batch) delete state;
    config::ReleaseFreeMemory();
    absl::MutexLock lock(&mu_);
    reclaimed_count_ += batch.size();
  }
}

}  // namespace assignd::app
