#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace assignd::exposure_log {

// One exposure as the log writes it. Views only; the writer formats from its own copies.
struct ExposureFields {
  int64_t unix_nanos = 0;
  std::string_view ns;
  std::string_view experiment;
  std::string_view variant;
  std::string_view reason;
  bool in_experiment = false;
  std::string_view config_version;
  std::string_view user_field;  // "user_key" (hashed) or "user_id" (raw)
  std::string_view user_value;
};

// Appends `fields` to `out` as one JSON object and a newline, for Loki / promtail's json stage:
//   {"ts":"2024-05-01T12:00:00.123456789Z","namespace":"default","experiment":"blend_weights_v2",
//    "variant":"baseline","reason":"assigned","in_experiment":true,"config_version":"3f1c...",
//    "user_key":"9a0b..."}
// `ts` is RFC 3339 UTC with nanoseconds. Strings are escaped per RFC 8259 (they are valid UTF-8:
// the server validates user ids, and the rest comes from the config).
void AppendJsonLine(const ExposureFields& fields, std::string& out);

// Appends `text` JSON-escaped (without quotes).
void AppendJsonEscaped(std::string_view text, std::string& out);

}  // namespace assignd::exposure_log
