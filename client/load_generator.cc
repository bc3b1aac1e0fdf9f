#include "client/load_generator.h"

#include <sys/prctl.h>
#include <sys/resource.h>

#include <atomic>
#include <charconv>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "assignment/v1/assignment.grpc.pb.h"
#include "client/zipf_sampler.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/support/channel_arguments.h"

namespace assignd::client {
namespace {

namespace pb = ::assignment::v1;
using Clock = std::chrono::steady_clock;

uint64_t Nanos(Clock::duration d) {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(d).count());
}

// splitmix64: a fast, well-mixed generator; one per slot, so no sharing between threads.
struct Rng {
  uint64_t state;
  uint64_t Next() {
    uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  double Uniform01() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }
};

class Runner;

// One call at a time: a slot's fields are touched only by the thread running its current call's
// start or completion, which happen one after the other.
struct Slot {
  Runner* runner = nullptr;
  size_t target = 0;  // index into Runner's targets
  pb::AssignmentService::Stub* stub = nullptr;
  std::optional<grpc::ClientContext> context;  // gRPC needs a fresh one per call
  pb::AssignRequest request;
  pb::AssignResponse response;
  Clock::time_point due;
  Clock::time_point sent;
  bool measured = false;
  Rng rng{0};
  uint64_t ok = 0;
  uint64_t completed = 0;  // warm-up included
  std::array<uint64_t, 17> errors{};
  Clock::time_point last_done{};
  LatencyHistogram latency;
  LatencyHistogram service;
};

class Runner {
 public:
  explicit Runner(const LoadOptions& options)
      : options_(options),
        targets_(Targets(options)),
        zipf_(std::max<uint64_t>(options.users, 1), options.zipf_exponent),
        timeout_(absl::ToChronoNanoseconds(options.timeout)) {}

  absl::Status Connect();
  std::vector<LoadResult> Run();

 private:
  absl::Status ConnectTarget(size_t target);
  void Issue(Slot& slot, Clock::time_point due);
  void OnDone(Slot& slot, const grpc::Status& status);
  void FillUserId(Slot& slot);
  // Decides at issue time whether a call due at `due` belongs to the measured phase, and whether
  // it should be issued at all.
  bool Admit(Clock::time_point due, bool* measured);
  void RunOpenLoop();
  void SlotIdle(Slot& slot);

  static std::vector<std::string> Targets(const LoadOptions& options) {
    std::vector<std::string> targets = {options.target};
    targets.insert(targets.end(), options.interleaved_targets.begin(),
                   options.interleaved_targets.end());
    return targets;
  }

  const LoadOptions options_;
  const std::vector<std::string> targets_;  // options_.target, then interleaved_targets
  const ZipfSampler zipf_;
  const std::chrono::nanoseconds timeout_;
  std::vector<std::shared_ptr<grpc::Channel>> channels_;
  std::vector<std::unique_ptr<pb::AssignmentService::Stub>> stubs_;
  std::vector<std::unique_ptr<Slot>> slots_;

  Clock::time_point measure_start_;
  Clock::time_point measure_end_;  // duration mode only
  std::atomic<uint64_t> measured_tickets_{0};

  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::vector<Slot*>> idle_;  // by target: slots with no call in flight
  size_t idle_count_ = 0;
  std::vector<uint64_t> backlogged_;  // by target; written by the pacer thread only
};

absl::Status Runner::Connect() {
  idle_.resize(targets_.size());
  for (size_t t = 0; t < targets_.size(); ++t) {
    if (absl::Status connected = ConnectTarget(t); !connected.ok()) return connected;
  }
  return absl::OkStatus();
}

absl::Status Runner::ConnectTarget(size_t target) {
  const std::string& address = targets_[target];
  const size_t first_stub = stubs_.size();
  std::vector<std::shared_ptr<grpc::Channel>> channels;
  for (int c = 0; c < options_.channels; ++c) {
    grpc::ChannelArguments args;
    // A private subchannel pool per channel: otherwise channels to one target share a single
    // TCP connection and "M channels" would mean one.
    args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
    // No retry bookkeeping on the client: it shares the machine's cores with the server.
    args.SetInt(GRPC_ARG_ENABLE_RETRIES, 0);
    channels.push_back(
        grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(), args));
    stubs_.push_back(pb::AssignmentService::NewStub(channels.back()));
  }
  const auto deadline = std::chrono::system_clock::now() + timeout_;
  for (const auto& channel : channels) {
    if (!channel->WaitForConnected(deadline)) {
      return absl::UnavailableError(absl::StrCat("cannot connect to ", address));
    }
  }
  channels_.insert(channels_.end(), channels.begin(), channels.end());
  for (int i = 0; i < options_.concurrency; ++i) {
    auto slot = std::make_unique<Slot>();
    slot->runner = this;
    slot->target = target;
    slot->stub = stubs_[first_stub + static_cast<size_t>(i % options_.channels)].get();
    slot->request.set_namespace_(options_.ns);
    slot->rng.state =
        options_.seed * 0x100000001B3ull + static_cast<uint64_t>(i) + (uint64_t{target} << 32);
    slots_.push_back(std::move(slot));
  }
  return absl::OkStatus();
}

void Runner::FillUserId(Slot& slot) {
  uint64_t k;
  if (options_.distribution == UserDistribution::kZipf) {
    k = zipf_.Sample([&] { return slot.rng.Uniform01(); }) - 1;
  } else {
    k = options_.users <= 1 ? 0 : slot.rng.Next() % options_.users;
  }
  char buf[32] = "user-";
  const auto [end, ec] = std::to_chars(buf + 5, buf + sizeof(buf), k);
  // Assigns into the message's existing string: no allocation after the first call.
  slot.request.set_user_id(buf, static_cast<size_t>(end - buf));
}

bool Runner::Admit(Clock::time_point due, bool* measured) {
  *measured = false;
  if (due < measure_start_) return true;  // warm-up
  if (options_.requests > 0) {
    if (measured_tickets_.fetch_add(1, std::memory_order_relaxed) >= options_.requests) {
      return false;
    }
    *measured = true;
    return true;
  }
  if (due >= measure_end_) return false;
  *measured = true;
  return true;
}

void Runner::Issue(Slot& slot, Clock::time_point due) {
  FillUserId(slot);
  slot.context.reset();
  slot.context.emplace();
  slot.due = due;
  slot.sent = Clock::now();
  slot.context->set_deadline(std::chrono::system_clock::now() + timeout_);
  slot.stub->async()->Assign(&*slot.context, &slot.request, &slot.response,
                             [&slot](grpc::Status status) { slot.runner->OnDone(slot, status); });
}

void Runner::OnDone(Slot& slot, const grpc::Status& status) {
  const Clock::time_point done = Clock::now();
  ++slot.completed;
  if (slot.measured) {
    if (status.ok()) {
      ++slot.ok;
    } else {
      ++slot.errors[static_cast<size_t>(status.error_code()) % slot.errors.size()];
    }
    slot.latency.Record(Nanos(done - slot.due));
    slot.service.Record(Nanos(done - slot.sent));
    slot.last_done = std::max(slot.last_done, done);
  }
  if (options_.rate > 0) {
    SlotIdle(slot);
    return;
  }
  // Closed loop: the next call starts now, from this completion.
  bool measured = false;
  if (Admit(done, &measured)) {
    slot.measured = measured;
    Issue(slot, done);
    return;
  }
  SlotIdle(slot);
}

void Runner::SlotIdle(Slot& slot) {
  // Notified under the lock: once the last slot is idle, Run returns and the Runner is destroyed,
  // so nothing here may touch it after the unlock.
  std::lock_guard<std::mutex> lock(mu_);
  idle_[slot.target].push_back(&slot);
  ++idle_count_;
  cv_.notify_all();
}

void Runner::RunOpenLoop() {
  // Sleep with 1 us slack instead of Linux's default 50 us, so calls go out close to when due.
  prctl(PR_SET_TIMERSLACK, 1000UL, 0, 0, 0);
  const Clock::time_point start = Clock::now();
  const double interval_ns = 1e9 / options_.rate;
  const int64_t window_ns = absl::ToInt64Nanoseconds(options_.switch_every);
  const auto targets = static_cast<int64_t>(targets_.size());
  for (uint64_t k = 0;; ++k) {
    const Clock::time_point due =
        start +
        std::chrono::nanoseconds(static_cast<int64_t>(static_cast<double>(k) * interval_ns));
    bool measured = false;
    if (!Admit(due, &measured)) break;
    if (due > Clock::now()) std::this_thread::sleep_until(due);
    const auto target = static_cast<size_t>(
        window_ns == 0 ? static_cast<int64_t>(k % static_cast<uint64_t>(targets))
                       : std::chrono::duration_cast<std::chrono::nanoseconds>(due - start).count() /
                             window_ns % targets);
    Slot* slot;
    {
      std::unique_lock<std::mutex> lock(mu_);
      std::vector<Slot*>& idle = idle_[target];
      if (idle.empty()) {
        // Every slot is busy: this call starts late, and its latency (from `due`) says so.
        if (measured) ++backlogged_[target];
        cv_.wait(lock, [&] { return !idle.empty(); });
      }
      slot = idle.back();
      idle.pop_back();
      --idle_count_;
    }
    slot->measured = measured;
    Issue(*slot, due);
  }
}

double ProcessCpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  const auto seconds = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
  };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

std::vector<LoadResult> Runner::Run() {
  const double cpu_start = ProcessCpuSeconds();
  const Clock::time_point start = Clock::now();
  measure_start_ = start + absl::ToChronoNanoseconds(options_.warmup);
  measure_end_ = measure_start_ + absl::ToChronoNanoseconds(options_.duration);
  backlogged_.assign(targets_.size(), 0);

  if (options_.rate > 0) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      for (auto& slot : slots_) idle_[slot->target].push_back(slot.get());
      idle_count_ = slots_.size();
    }
    RunOpenLoop();
  } else {
    for (auto& slot : slots_) {
      bool measured = false;
      if (!Admit(start, &measured)) {
        SlotIdle(*slot);
        continue;
      }
      slot->measured = measured;
      Issue(*slot, start);
    }
  }
  {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [&] { return idle_count_ == slots_.size(); });
  }

  const double client_cpu_seconds = ProcessCpuSeconds() - cpu_start;
  std::vector<LoadResult> results(targets_.size());
  Clock::time_point last_done = measure_start_;
  for (const auto& slot : slots_) {
    LoadResult& result = results[slot->target];
    result.ok += slot->ok;
    result.calls_total += slot->completed;
    for (size_t c = 0; c < slot->errors.size(); ++c) {
      result.errors_by_code[c] += slot->errors[c];
      result.errors += slot->errors[c];
    }
    result.latency.Merge(slot->latency);
    result.service.Merge(slot->service);
    last_done = std::max(last_done, slot->last_done);
  }
  uint64_t calls_total = 0;
  for (const LoadResult& result : results) calls_total += result.calls_total;
  for (size_t t = 0; t < results.size(); ++t) {
    results[t].seconds = std::chrono::duration<double>(last_done - measure_start_).count();
    results[t].backlogged = backlogged_[t];
    // The client's CPU, shared out by calls: the same per call for every server.
    results[t].client_cpu_seconds =
        calls_total == 0 ? 0
                         : client_cpu_seconds * static_cast<double>(results[t].calls_total) /
                               static_cast<double>(calls_total);
  }
  return results;
}

}  // namespace

absl::StatusOr<std::vector<LoadResult>> RunInterleavedLoad(const LoadOptions& options) {
  if (options.channels < 1) return absl::InvalidArgumentError("channels must be >= 1");
  if (options.concurrency < 1) return absl::InvalidArgumentError("concurrency must be >= 1");
  if (options.rate < 0) return absl::InvalidArgumentError("rate must be >= 0");
  if (options.requests == 0 && options.duration <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError("need a positive duration or a request count");
  }
  if (options.distribution == UserDistribution::kZipf && !(options.zipf_exponent > 0)) {
    return absl::InvalidArgumentError("zipf exponent must be > 0");
  }
  if (options.switch_every < absl::ZeroDuration()) {
    return absl::InvalidArgumentError("switch_every must not be negative");
  }
  auto runner = std::make_unique<Runner>(options);
  if (absl::Status connected = runner->Connect(); !connected.ok()) return connected;
  return runner->Run();
}

absl::StatusOr<LoadResult> RunLoad(const LoadOptions& options) {
  if (!options.interleaved_targets.empty()) {
    return absl::InvalidArgumentError("RunLoad drives one target; use RunInterleavedLoad");
  }
  absl::StatusOr<std::vector<LoadResult>> results = RunInterleavedLoad(options);
  if (!results.ok()) return results.status();
  return std::move(results->front());
}

}  // namespace assignd::client
