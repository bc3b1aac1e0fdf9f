#include "client/assignctl_format.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "google/protobuf/util/json_util.h"

namespace assignd::client {
namespace {

namespace pb = ::assignment::v1;

std::string ReasonName(pb::Reason reason) {
  std::string name = pb::Reason_Name(reason);
  constexpr std::string_view kPrefix = "REASON_";
  if (name.rfind(kPrefix, 0) == 0) name.erase(0, kPrefix.size());
  return name;
}

std::string Weights(const pb::BlendWeights& w) {
  return absl::StrFormat("alpha=%g beta=%g gamma=%g", w.alpha(), w.beta(), w.gamma());
}

std::string UnixMs(int64_t ms) {
  if (ms == 0) return "never";
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::FromUnixMillis(ms), absl::UTCTimeZone());
}

}  // namespace

std::string FormatAssignment(const pb::AssignResponse& a) {
  std::string line = absl::StrFormat("%-24s %-18s %-14s %-15s %s in_experiment=%s", a.user_id(),
                                     a.experiment(), a.variant(), ReasonName(a.reason()),
                                     Weights(a.weights()), a.in_experiment() ? "true" : "false");
  if (a.reason() == pb::REASON_ASSIGNED || a.reason() == pb::REASON_NOT_IN_RAMP) {
    absl::StrAppend(&line, absl::StrFormat(" bucket=%.4f", a.bucket()));
  }
  return line;
}

std::string FormatExperiments(const pb::ListExperimentsResponse& list) {
  std::string out = absl::StrCat("config_version ", list.config_version(), "\n");
  for (const pb::ExperimentInfo& e : list.experiments()) {
    absl::StrAppend(&out, e.key(), ": namespaces=[", absl::StrJoin(e.namespaces(), ","),
                    "] ramp=", e.ramp_percent(), "% kill_switch=", e.kill_switch() ? "ON" : "off",
                    " active=", e.active() ? "yes" : "no", " fallback=", e.fallback_variant(),
                    " overrides=", e.override_count(), "\n");
    for (const pb::VariantInfo& v : e.variants()) {
      absl::StrAppend(&out, absl::StrFormat("  %-16s weight=%g%% %s\n", v.name(), v.weight(),
                                            Weights(v.weights())));
    }
    for (const auto& [ns, seed] : e.seeds()) {
      absl::StrAppend(&out, "  seed[", ns, "]=\"", seed, "\"\n");
    }
  }
  return out;
}

std::string FormatConfigStatus(const pb::GetConfigStatusResponse& s) {
  return absl::StrCat("config_path     ", s.config_path(), "\nconfig_version  ", s.config_version(),
                      "\nloaded_at       ", UnixMs(s.loaded_at_unix_ms()), "\nexperiments     ",
                      s.experiment_count(), "\nlast_reload     ",
                      s.last_reload_ok() ? "ok" : "FAILED", " at ",
                      UnixMs(s.last_reload_attempt_unix_ms()),
                      s.last_reload_error().empty() ? "" : "\nlast_error      ",
                      s.last_reload_error(), "\nreloads         ", s.reload_success_total(),
                      " ok, ", s.reload_failure_total(), " failed\n");
}

std::string ToJson(const google::protobuf::Message& message) {
  std::string json;
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  options.always_print_primitive_fields = true;
  if (!google::protobuf::util::MessageToJsonString(message, &json, options).ok()) return "{}";
  return json;
}

}  // namespace assignd::client
