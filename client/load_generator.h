#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "client/latency_histogram.h"

// Drives Assign calls at a server with gRPC's callback client API, for assign_load.
//
// Closed loop (rate == 0): `concurrency` call slots spread over `channels` channels (one TCP
// connection each); every slot issues its next call from the completion of the previous one, so
// exactly `concurrency` calls are always in flight. This finds the saturation throughput.
//
// Open loop (rate > 0): calls are due at fixed times t_k = start + k/rate, whatever the server
// does; a pacer starts each one on a free slot. Latency is measured from t_k, so a stall that
// delays later calls is charged to them (no coordinated omission); `concurrency` only caps calls
// in flight, and calls that found no free slot are counted as `backlogged`.
//
// Several servers (`interleaved_targets` not empty): each gets its own channels and slots. In
// closed loop, each server's slots keep it saturated, all at once (the machine's saturation with
// all of them). In open loop, the calls due in the i-th `switch_every` window go to server
// i mod n, or with switch_every 0, call k goes to server k mod n. Call by call, every server meets
// the same machine, the same stalls and the same load generator at the same moments, which
// separate rounds one after the other cannot give on a shared box: a paired comparison.
namespace assignd::client {

enum class UserDistribution { kUniform, kZipf };

struct LoadOptions {
  std::string target = "127.0.0.1:50051";
  std::string ns = "default";
  int channels = 4;
  int concurrency = 64;
  // Measured phase: `duration`, or, if requests > 0, exactly that many calls.
  absl::Duration duration = absl::Seconds(5);
  uint64_t requests = 0;
  // Calls before the measured phase (connections warm, allocators and caches settled).
  absl::Duration warmup = absl::Seconds(1);
  double rate = 0;  // calls per second (open loop); 0 = closed loop
  // User ids are "user-<k>", k in [0, users), uniform or Zipf(zipf_exponent) by rank.
  uint64_t users = 1000000;
  UserDistribution distribution = UserDistribution::kUniform;
  double zipf_exponent = 1.0;
  absl::Duration timeout = absl::Seconds(5);  // per-call deadline
  uint64_t seed = 1;
  // More servers, driven with `target` (see above); switch_every 0 = call by call.
  std::vector<std::string> interleaved_targets;
  absl::Duration switch_every = absl::Milliseconds(100);
};

struct LoadResult {
  double seconds = 0;  // measured phase, from its start to its last completion
  uint64_t ok = 0;
  uint64_t errors = 0;
  std::array<uint64_t, 17> errors_by_code{};  // by gRPC status code
  uint64_t backlogged = 0;                    // open loop: calls that waited for a free slot
  uint64_t calls_total = 0;       // every completed call, warm-up included (for CPU per call)
  double client_cpu_seconds = 0;  // this process's CPU time (user + system) during the run
  LatencyHistogram latency;       // ns, from the time the call was due (== sent in closed loop)
  LatencyHistogram service;       // ns, from the time the call was actually sent

  double qps() const { return seconds > 0 ? static_cast<double>(ok + errors) / seconds : 0; }
};

// Connects every channel (failing if one cannot connect within `timeout`), runs warm-up and the
// measured phase, waits for every call in flight, and returns what was measured.
absl::StatusOr<LoadResult> RunLoad(const LoadOptions& options);

// The same for `target` followed by `interleaved_targets`: one result per server, in that order.
// `seconds` and qps() are over the whole measured phase, of which each server had 1/n.
absl::StatusOr<std::vector<LoadResult>> RunInterleavedLoad(const LoadOptions& options);

}  // namespace assignd::client
