// make_bench_config: writes a synthetic experiments file (see bench_config.h) to stdout.
//   make_bench_config --experiments=10000 --ramp_percent=50 > /tmp/10k.yaml
#include <iostream>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "bench/bench_config.h"

ABSL_FLAG(int, experiments, 10000, "Number of experiments, each on its own namespace.");
ABSL_FLAG(double, ramp_percent, 50, "ramp_percent of every experiment.");

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  const int count = absl::GetFlag(FLAGS_experiments);
  if (count < 1) {
    std::cerr << "make_bench_config: --experiments must be >= 1\n";
    return 2;
  }
  std::cout << assignd::bench::MakeExperimentsYaml(count, absl::GetFlag(FLAGS_ramp_percent));
  return std::cout.good() ? 0 : 1;
}
