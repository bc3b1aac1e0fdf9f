// assign_load: load generator for assignd (and anything serving assignment.v1.Assign).
// See kUsage, and client/load_generator.h for what closed and open loop mean here.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "assignment/v1/assignment.pb.h"
#include "client/load_generator.h"

ABSL_FLAG(
    std::string, target, "127.0.0.1:50051",
    "Server address (HOST:PORT or a gRPC URI). Open loop: several, comma-separated, are driven "
    "in turn, --switch_every each, with the same schedule (one result per server).");
ABSL_FLAG(absl::Duration, switch_every, absl::Milliseconds(100),
          "With several --target: how long each gets the calls before the next one does; 0 = "
          "call by call (a paired comparison).");
ABSL_FLAG(std::string, namespace, "default", "Namespace of every call.");
ABSL_FLAG(int, channels, 4, "Channels, each its own TCP connection.");
ABSL_FLAG(int, concurrency, 64,
          "Calls in flight (closed loop: always; open loop: at most), spread over the channels.");
ABSL_FLAG(absl::Duration, duration, absl::Seconds(5), "Length of the measured phase.");
ABSL_FLAG(uint64_t, requests, 0, "If > 0, measure exactly this many calls instead of --duration.");
ABSL_FLAG(absl::Duration, warmup, absl::Seconds(1), "Unmeasured calls before the measured phase.");
ABSL_FLAG(double, rate, 0,
          "Open loop: calls per second, due on a fixed schedule; 0 = closed loop (saturation).");
ABSL_FLAG(uint64_t, users, 1000000, "User ids are user-0 .. user-<users-1>.");
ABSL_FLAG(std::string, distribution, "uniform", "uniform, or zipf (rank k drawn with p ~ 1/k^s).");
ABSL_FLAG(double, zipf_exponent, 1.0, "s of --distribution=zipf.");
ABSL_FLAG(absl::Duration, timeout, absl::Seconds(5), "Deadline of each call (and of connecting).");
ABSL_FLAG(uint64_t, seed, 1, "Seed of the user id draws.");
ABSL_FLAG(std::string, output, "text", "text, or kv: one line of key=value for scripts.");
ABSL_FLAG(std::string, write_frame, "",
          "Write one gRPC-framed AssignRequest (--user, --namespace) to this file and exit: the "
          "request body for h2load -d.");
ABSL_FLAG(std::string, user, "user-42", "User id of --write_frame's request.");

namespace {

using assignd::client::LoadOptions;
using assignd::client::LoadResult;

constexpr char kUsage[] =
    "load generator for assignment.v1.AssignmentService/Assign.\n"
    "  assign_load --target=127.0.0.1:50051 --channels=4 --concurrency=64 --duration=5s\n"
    "  assign_load --rate=20000 ...            open loop at 20k calls/s\n"
    "  assign_load --rate=20000 --target=A,B   A and B in turn, 100 ms each, compared\n"
    "  assign_load --write_frame=req.bin       gRPC frame for h2load -d req.bin\n"
    "Prints calls/s, errors and latency p50/p90/p99/p99.9 (log-linear histogram, <1% error).";

int WriteFrame(const std::string& path) {
  assignment::v1::AssignRequest request;
  request.set_user_id(absl::GetFlag(FLAGS_user));
  request.set_namespace_(absl::GetFlag(FLAGS_namespace));
  const std::string body = request.SerializeAsString();
  // gRPC length-prefixed message: 1 byte "compressed" flag, 4 bytes big-endian length.
  std::string frame(5, '\0');
  const auto size = static_cast<uint32_t>(body.size());
  for (int i = 0; i < 4; ++i)
    frame[static_cast<size_t>(1 + i)] = static_cast<char>(size >> (24 - 8 * i));
  frame += body;
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << frame;
  if (!out.good()) {
    std::cerr << "assign_load: cannot write " << path << "\n";
    return 1;
  }
  return 0;
}

double Micros(uint64_t ns) { return static_cast<double>(ns) / 1000.0; }

// This tool's own CPU per call, in us: what it takes from the cores the server also runs on.
double ClientCpuPerCall(const LoadResult& r) {
  return r.calls_total == 0 ? 0 : r.client_cpu_seconds * 1e6 / static_cast<double>(r.calls_total);
}

void PrintText(const LoadOptions& o, const std::string& target, const LoadResult& r) {
  std::cout << absl::StrFormat(
      "assign_load: %s, %s, %d channels, %d in flight%s, %s users (%s)\n", target,
      o.rate > 0 ? absl::StrFormat("open loop at %.0f/s", o.rate) : "closed loop", o.channels,
      o.concurrency, o.rate > 0 ? " at most" : "", absl::StrCat(o.users),
      o.distribution == assignd::client::UserDistribution::kZipf
          ? absl::StrFormat("zipf s=%g", o.zipf_exponent)
          : "uniform");
  std::cout << absl::StrFormat("calls      %d ok, %d errors in %.2f s", r.ok, r.errors, r.seconds);
  for (size_t c = 0; c < r.errors_by_code.size(); ++c) {
    if (r.errors_by_code[c] > 0)
      std::cout << absl::StrFormat(" [code %d: %d]", c, r.errors_by_code[c]);
  }
  std::cout << "\n" << absl::StrFormat("qps        %.0f\n", r.qps());
  std::cout << absl::StrFormat("client cpu %.1f us per call (warm-up included)\n",
                               ClientCpuPerCall(r));
  const auto line = [](const char* name, const assignd::client::LatencyHistogram& h) {
    std::cout << absl::StrFormat(
        "%-10s p50 %.1f us, p90 %.1f us, p99 %.1f us, p99.9 %.1f us, max %.1f us, mean %.1f us\n",
        name, Micros(h.ValueAtQuantile(0.5)), Micros(h.ValueAtQuantile(0.9)),
        Micros(h.ValueAtQuantile(0.99)), Micros(h.ValueAtQuantile(0.999)), Micros(h.max()),
        h.mean() / 1000.0);
  };
  line("latency", r.latency);
  if (o.rate > 0) {
    line("service", r.service);
    std::cout << absl::StrFormat(
        "backlogged %d calls found no free slot (latency above counts from when they were due)\n",
        r.backlogged);
  }
}

void PrintKv(const LoadResult& r) {
  std::cout << absl::StrFormat(
      "qps=%.1f ok=%d errors=%d backlogged=%d seconds=%.3f p50_us=%.1f p90_us=%.1f p99_us=%.1f "
      "p999_us=%.1f max_us=%.1f svc_p50_us=%.1f svc_p99_us=%.1f calls_total=%d "
      "client_cpu_us_per_call=%.2f\n",
      r.qps(), r.ok, r.errors, r.backlogged, r.seconds, Micros(r.latency.ValueAtQuantile(0.5)),
      Micros(r.latency.ValueAtQuantile(0.9)), Micros(r.latency.ValueAtQuantile(0.99)),
      Micros(r.latency.ValueAtQuantile(0.999)), Micros(r.latency.max()),
      Micros(r.service.ValueAtQuantile(0.5)), Micros(r.service.ValueAtQuantile(0.99)),
      r.calls_total, ClientCpuPerCall(r));
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(kUsage);
  const std::vector<char*> args = absl::ParseCommandLine(argc, argv);
  if (args.size() > 1) {
    std::cerr << "assign_load: unexpected argument '" << args[1] << "'\n";
    return 2;
  }
  if (const std::string path = absl::GetFlag(FLAGS_write_frame); !path.empty()) {
    return WriteFrame(path);
  }
  LoadOptions options;
  std::vector<std::string> targets = absl::StrSplit(absl::GetFlag(FLAGS_target), ',');
  options.target = targets.front();
  options.interleaved_targets.assign(targets.begin() + 1, targets.end());
  options.switch_every = absl::GetFlag(FLAGS_switch_every);
  options.ns = absl::GetFlag(FLAGS_namespace);
  options.channels = absl::GetFlag(FLAGS_channels);
  options.concurrency = absl::GetFlag(FLAGS_concurrency);
  options.duration = absl::GetFlag(FLAGS_duration);
  options.requests = absl::GetFlag(FLAGS_requests);
  options.warmup = absl::GetFlag(FLAGS_warmup);
  options.rate = absl::GetFlag(FLAGS_rate);
  options.users = absl::GetFlag(FLAGS_users);
  options.zipf_exponent = absl::GetFlag(FLAGS_zipf_exponent);
  options.timeout = absl::GetFlag(FLAGS_timeout);
  options.seed = absl::GetFlag(FLAGS_seed);
  const std::string distribution = absl::GetFlag(FLAGS_distribution);
  if (distribution == "zipf") {
    options.distribution = assignd::client::UserDistribution::kZipf;
  } else if (distribution != "uniform") {
    std::cerr << "assign_load: --distribution must be uniform or zipf\n";
    return 2;
  }
  const std::string output = absl::GetFlag(FLAGS_output);
  if (output != "text" && output != "kv") {
    std::cerr << "assign_load: --output must be text or kv\n";
    return 2;
  }

  absl::StatusOr<std::vector<LoadResult>> results = assignd::client::RunInterleavedLoad(options);
  if (!results.ok()) {
    std::cerr << "assign_load: " << results.status() << "\n";
    return 1;
  }
  uint64_t errors = 0;
  for (size_t t = 0; t < results->size(); ++t) {
    const LoadResult& result = (*results)[t];
    errors += result.errors;
    if (output == "kv") {
      // One line per server; with one server, exactly as before (no target= field).
      if (results->size() > 1) std::cout << "target=" << targets[t] << " ";
      PrintKv(result);
    } else {
      PrintText(options, targets[t], result);
    }
  }
  return errors == 0 ? 0 : 1;
}
