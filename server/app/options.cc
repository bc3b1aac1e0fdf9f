#include "server/app/options.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace assignd::app {

absl::Status ValidateHostPort(absl::string_view flag, absl::string_view address) {
  const auto bad = [&](absl::string_view why) {
    return absl::InvalidArgumentError(
        absl::StrCat("--", flag, "=", address, ": ", why, " (expected HOST:PORT)"));
  };
  const size_t colon = address.rfind(':');
  if (colon == absl::string_view::npos || colon == 0) return bad("missing host or port");
  const absl::string_view host = address.substr(0, colon);
  if (host.front() == '[' && host.back() != ']') return bad("unterminated [IPv6] host");
  uint32_t port = 0;
  if (!absl::SimpleAtoi(address.substr(colon + 1), &port) || port > 65535) {
    return bad("port is not a number in 0..65535");
  }
  return absl::OkStatus();
}

absl::Status ValidateOptions(const Options& options) {
  if (options.config_path.empty()) return absl::InvalidArgumentError("--config is required");
  if (absl::Status s = ValidateHostPort("grpc_address", options.grpc_address); !s.ok()) return s;
  if (absl::Status s = ValidateHostPort("metrics_address", options.metrics_address); !s.ok()) {
    return s;
  }
  if (options.poll_interval <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError("--poll_interval must be positive");
  }
  if (options.reload_debounce < absl::ZeroDuration() ||
      options.reload_debounce > absl::Seconds(10)) {
    return absl::InvalidArgumentError("--reload_debounce must be in 0..10s");
  }
  if (options.drain_deadline < absl::ZeroDuration()) {
    return absl::InvalidArgumentError("--drain_deadline must not be negative");
  }
  if (options.limits.max_user_id_bytes == 0 || options.limits.max_user_id_bytes > 4096) {
    return absl::InvalidArgumentError("--max_user_id_bytes must be in 1..4096");
  }
  if (options.limits.max_batch_users == 0 || options.limits.max_batch_users > 100000) {
    return absl::InvalidArgumentError("--max_batch_users must be in 1..100000");
  }
  if (!options.exposure_log.path.empty()) {
    if (absl::Status s = exposure_log::ValidateExposureLogOptions(options.exposure_log); !s.ok()) {
      return s;
    }
  }
  if (options.max_message_bytes < 1024 || options.max_message_bytes > (256 << 20)) {
    return absl::InvalidArgumentError("--max_message_bytes must be in 1024..268435456");
  }
  if (options.max_concurrent_streams < 1 || options.max_concurrent_streams > 100000) {
    return absl::InvalidArgumentError("--max_concurrent_streams must be in 1..100000");
  }
  return ValidateTlsFlags(options.tls);
}

}  // namespace assignd::app
