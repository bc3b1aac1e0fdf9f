#include "server/metrics/process_collector.h"

#include <dirent.h>
#include <sys/resource.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"

namespace assignd::metrics {
namespace {

std::optional<std::string> ReadWholeFile(const char* path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Entries in /proc/self/fd, less the one opendir itself holds.
std::optional<double> OpenFds() {
  DIR* dir = opendir("/proc/self/fd");
  if (dir == nullptr) return std::nullopt;
  int count = 0;
  while (const dirent* entry = readdir(dir)) {
    if (entry->d_name[0] != '.') ++count;
  }
  closedir(dir);
  return count - 1;
}

prometheus::MetricFamily Family(const char* name, const char* help, prometheus::MetricType type,
                                double value) {
  prometheus::ClientMetric sample;
  if (type == prometheus::MetricType::Counter) {
    sample.counter.value = value;
  } else {
    sample.gauge.value = value;
  }
  return {name, help, type, {sample}};
}

}  // namespace

std::optional<ProcStat> ParseProcStat(std::string_view text) {
  const size_t close = text.rfind(')');
  if (close == std::string_view::npos) return std::nullopt;
  // Fields after the command, 1-based as in proc(5): 3 state, ..., 14 utime, 15 stime,
  // 22 starttime, 23 vsize, 24 rss.
  const std::vector<absl::string_view> fields = absl::StrSplit(
      absl::string_view(text.data() + close + 1, text.size() - close - 1), ' ', absl::SkipEmpty());
  const auto field = [&](size_t number) { return fields[number - 3]; };
  if (fields.size() < 24 - 2) return std::nullopt;
  ProcStat stat;
  if (!absl::SimpleAtoi(field(14), &stat.utime_ticks) ||
      !absl::SimpleAtoi(field(15), &stat.stime_ticks) ||
      !absl::SimpleAtoi(field(22), &stat.start_ticks) ||
      !absl::SimpleAtoi(field(23), &stat.vsize_bytes) ||
      !absl::SimpleAtoi(field(24), &stat.rss_pages)) {
    return std::nullopt;
  }
  return stat;
}

std::optional<int64_t> ParseBootTime(std::string_view text) {
  for (absl::string_view line : absl::StrSplit(absl::string_view(text.data(), text.size()), '\n')) {
    if (!absl::ConsumePrefix(&line, "btime ")) continue;
    int64_t seconds = 0;
    if (absl::SimpleAtoi(line, &seconds)) return seconds;
  }
  return std::nullopt;
}

std::vector<prometheus::MetricFamily> ProcessCollector::Collect() const {
  std::vector<prometheus::MetricFamily> families;
  const double ticks_per_second = static_cast<double>(sysconf(_SC_CLK_TCK));
  const double page_bytes = static_cast<double>(sysconf(_SC_PAGESIZE));
  const std::optional<std::string> stat_text = ReadWholeFile("/proc/self/stat");
  const std::optional<ProcStat> stat = stat_text ? ParseProcStat(*stat_text) : std::nullopt;
  if (stat && ticks_per_second > 0) {
    families.push_back(
        Family("process_cpu_seconds_total", "Total user and system CPU time spent in seconds.",
               prometheus::MetricType::Counter,
               static_cast<double>(stat->utime_ticks + stat->stime_ticks) / ticks_per_second));
    families.push_back(Family("process_resident_memory_bytes", "Resident memory size in bytes.",
                              prometheus::MetricType::Gauge,
                              static_cast<double>(stat->rss_pages) * page_bytes));
    families.push_back(Family("process_virtual_memory_bytes", "Virtual memory size in bytes.",
                              prometheus::MetricType::Gauge,
                              static_cast<double>(stat->vsize_bytes)));
    const std::optional<std::string> proc_stat = ReadWholeFile("/proc/stat");
    if (const std::optional<int64_t> boot = proc_stat ? ParseBootTime(*proc_stat) : std::nullopt) {
      families.push_back(Family(
          "process_start_time_seconds", "Start time of the process since unix epoch in seconds.",
          prometheus::MetricType::Gauge,
          static_cast<double>(*boot) + static_cast<double>(stat->start_ticks) / ticks_per_second));
    }
  }
  if (const std::optional<double> fds = OpenFds()) {
    families.push_back(Family("process_open_fds", "Number of open file descriptors.",
                              prometheus::MetricType::Gauge, *fds));
  }
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY) {
    families.push_back(Family("process_max_fds", "Maximum number of open file descriptors.",
                              prometheus::MetricType::Gauge, static_cast<double>(limit.rlim_cur)));
  }
  return families;
}

}  // namespace assignd::metrics
