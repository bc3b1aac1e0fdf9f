#pragma once

#include <cstdio>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

// abseil 20220623 has no absl/log; this is the one place assignd writes its log lines:
// "<RFC3339 UTC time> <LEVEL> <message>" on stderr, one write per line so lines from threads
// never interleave.
namespace assignd::app {

enum class LogLevel { kInfo, kWarning, kError };

inline void Log(LogLevel level, absl::string_view message) {
  const char* name = level == LogLevel::kInfo      ? "INFO"
                     : level == LogLevel::kWarning ? "WARN"
                                                   : "ERROR";
  const std::string line =
      absl::StrCat(absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::Now(), absl::UTCTimeZone()), " ",
                   name, " ", message, "\n");
  std::fwrite(line.data(), 1, line.size(), stderr);
}

template <typename... Args>
void LogInfo(const Args&... args) {
  Log(LogLevel::kInfo, absl::StrCat(args...));
}
template <typename... Args>
void LogWarning(const Args&... args) {
  Log(LogLevel::kWarning, absl::StrCat(args...));
}
template <typename... Args>
void LogError(const Args&... args) {
  Log(LogLevel::kError, absl::StrCat(args...));
}

}  // namespace assignd::app
