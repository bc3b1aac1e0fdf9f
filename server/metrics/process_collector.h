#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "prometheus/collectable.h"
#include "prometheus/metric_family.h"

// The standard process_* metrics (names as in the Prometheus client libraries' process collector),
// read from /proc/self at scrape time. prometheus-cpp does not provide them.
namespace assignd::metrics {

// The fields of /proc/self/stat that the collector needs, in the kernel's units.
struct ProcStat {
  uint64_t utime_ticks = 0;
  uint64_t stime_ticks = 0;
  uint64_t start_ticks = 0;  // since boot
  uint64_t vsize_bytes = 0;
  int64_t rss_pages = 0;
};

// Parses the text of /proc/<pid>/stat. The command name (field 2) may hold spaces and
// parentheses, so fields are counted from the last ')'.
std::optional<ProcStat> ParseProcStat(std::string_view text);

// The boot time (the `btime` line, Unix seconds) from the text of /proc/stat.
std::optional<int64_t> ParseBootTime(std::string_view text);

// process_cpu_seconds_total, process_resident_memory_bytes, process_virtual_memory_bytes,
// process_open_fds, process_max_fds and process_start_time_seconds. A file that cannot be read
// leaves its metrics out of that scrape.
class ProcessCollector : public prometheus::Collectable {
 public:
  std::vector<prometheus::MetricFamily> Collect() const override;
};

}  // namespace assignd::metrics
