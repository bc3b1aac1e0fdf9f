#include "server/service/assignment_service.h"

#include <chrono>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "server/core/absl_string_view.h"
#include "server/service/grpc_status.h"
#include "server/service/reason_proto.h"

namespace assignd::service {
namespace {

namespace pb = ::assignment::v1;
using Clock = std::chrono::steady_clock;

// Records the call's outcome (unless `metrics` is null) and finishes it with `status`.
// The start time of a call, read only when it will be recorded.
Clock::time_point Now(const metrics::ServerMetrics* metrics) {
  return metrics != nullptr ? Clock::now() : Clock::time_point();
}

grpc::ServerUnaryReactor* Finish(grpc::CallbackServerContext* context,
                                 metrics::ServerMetrics* metrics, metrics::Method method,
                                 Clock::time_point start, const absl::Status& status) {
  if (metrics != nullptr) {
    const std::chrono::duration<double> elapsed = Clock::now() - start;
    metrics->RecordRequest(method, static_cast<int>(status.code()), elapsed.count());
  }
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  reactor->Finish(ToGrpcStatus(status));
  return reactor;
}

absl::StatusOr<const core::NamespaceRoute*> FindRoute(const ServingState* state,
                                                      std::string_view ns) {
  if (state == nullptr) return absl::UnavailableError("no config loaded yet");
  if (absl::Status valid = core::ValidateNamespace(ns); !valid.ok()) return valid;
  const core::NamespaceRoute* route = state->snapshot->Find(ns);
  if (route == nullptr) {
    return absl::NotFoundError(
        absl::StrCat("no running experiment serves namespace \"", AsAbsl(ns), "\""));
  }
  return route;
}

void SetWeights(const core::BlendWeights& from, pb::BlendWeights* to) {
  to->set_alpha(from.alpha);
  to->set_beta(from.beta);
  to->set_gamma(from.gamma);
}

std::string_view ReasonName(core::Reason reason) {
  switch (reason) {
    case core::Reason::kAssigned:
      return "assigned";
    case core::Reason::kNotInRamp:
      return "not_in_ramp";
    case core::Reason::kKillSwitch:
      return "kill_switch";
    case core::Reason::kForcedOverride:
      return "forced_override";
  }
  return "unspecified";
}

using Attributes = google::protobuf::Map<std::string, std::string>;

// Decides for one validated user, counts the answer (metrics, SRM sketch, segments, exposure log)
// and writes it to `out`.
void AssignAndCount(const ServingState& state, const core::NamespaceRoute& route,
                    std::string_view user_id, const Attributes& attributes, bool count,
                    exposure_log::ExposureLog* log, pb::AssignResponse* out) {
  const core::Assignment a = core::AssignUser(route, user_id);
  const metrics::RouteCounters& counters = state.counters[static_cast<size_t>(route.route_index)];
  if (count) counters.Count(a);
  if (count && a.in_experiment()) {
    counters.CountExposure(a.variant_index, user_id,
                           [&](const std::string& attribute) -> const std::string* {
                             const auto it = attributes.find(attribute);
                             return it == attributes.end() ? nullptr : &it->second;
                           });
  }
  if (log != nullptr && log->Wants(a.in_experiment(), user_id)) {
    log->Record({.ns = route.ns,
                 .experiment = route.experiment->key,
                 .variant = a.variant().name,
                 .reason = ReasonName(a.reason),
                 .in_experiment = a.in_experiment(),
                 .config_version = state.snapshot->version(),
                 .user_id = user_id});
  }
  out->set_experiment(route.experiment->key);
  out->set_variant(a.variant().name);
  SetWeights(a.variant().blend, out->mutable_weights());
  out->set_in_experiment(a.in_experiment());
  out->set_reason(service::ReasonToProto(a.reason));
  if (a.bucket >= 0) out->set_bucket(a.bucket);
  out->set_user_id(std::string(user_id));
}

}  // namespace

grpc::ServerUnaryReactor* AssignmentService::Assign(grpc::CallbackServerContext* context,
                                                    const pb::AssignRequest* request,
                                                    pb::AssignResponse* response) {
  const Clock::time_point start = Now(metrics_);
  const ServingState* state = store_.Get();
  const absl::StatusOr<const core::NamespaceRoute*> route = FindRoute(state, request->namespace_());
  if (!route.ok())
    return Finish(context, metrics_, metrics::Method::kAssign, start, route.status());
  if (absl::Status valid = core::ValidateUserId(request->user_id(), limits_.max_user_id_bytes);
      !valid.ok()) {
    return Finish(context, metrics_, metrics::Method::kAssign, start, valid);
  }
  AssignAndCount(*state, **route, request->user_id(), request->attributes(), metrics_ != nullptr,
                 exposure_log_, response);
  response->set_config_version(state->snapshot->version());
  return Finish(context, metrics_, metrics::Method::kAssign, start, absl::OkStatus());
}

grpc::ServerUnaryReactor* AssignmentService::BatchAssign(grpc::CallbackServerContext* context,
                                                         const pb::BatchAssignRequest* request,
                                                         pb::BatchAssignResponse* response) {
  const Clock::time_point start = Now(metrics_);
  const auto finish = [&](const absl::Status& status) {
    return Finish(context, metrics_, metrics::Method::kBatchAssign, start, status);
  };
  const ServingState* state = store_.Get();
  const absl::StatusOr<const core::NamespaceRoute*> route = FindRoute(state, request->namespace_());
  if (!route.ok()) return finish(route.status());
  const size_t n = static_cast<size_t>(request->user_ids_size());
  if (n > limits_.max_batch_users) {
    return finish(absl::InvalidArgumentError(absl::StrCat(
        "batch has ", n, " user_ids; the limit is ", limits_.max_batch_users, " per call")));
  }
  // Validate everything first so a bad id fails the whole batch before anything is counted.
  for (size_t i = 0; i < n; ++i) {
    absl::Status valid =
        core::ValidateUserId(request->user_ids(static_cast<int>(i)), limits_.max_user_id_bytes);
    if (!valid.ok()) {
      return finish(
          absl::InvalidArgumentError(absl::StrCat("user_ids[", i, "]: ", valid.message())));
    }
  }
  response->mutable_assignments()->Reserve(static_cast<int>(n));
  for (const std::string& user_id : request->user_ids()) {
    pb::AssignResponse* out = response->add_assignments();
    AssignAndCount(*state, **route, user_id, request->attributes(), metrics_ != nullptr,
                   exposure_log_, out);
    out->set_config_version(state->snapshot->version());
  }
  response->set_config_version(state->snapshot->version());
  return finish(absl::OkStatus());
}

grpc::ServerUnaryReactor* AssignmentService::ListExperiments(
    grpc::CallbackServerContext* context, const pb::ListExperimentsRequest* /*request*/,
    pb::ListExperimentsResponse* response) {
  const Clock::time_point start = Now(metrics_);
  const ServingState* state = store_.Get();
  if (state == nullptr) {
    return Finish(context, metrics_, metrics::Method::kListExperiments, start,
                  absl::UnavailableError("no config loaded yet"));
  }
  const core::Snapshot& snapshot = *state->snapshot;
  response->set_config_version(snapshot.version());
  for (const core::Experiment& experiment : snapshot.config().experiments) {
    pb::ExperimentInfo* info = response->add_experiments();
    info->set_key(experiment.key);
    for (const std::string& ns : experiment.namespaces) {
      info->add_namespaces(ns);
      (*info->mutable_seeds())[ns] = core::SeedFor(experiment, ns);
    }
    info->set_ramp_percent(experiment.ramp_percent);
    info->set_kill_switch(experiment.kill_switch);
    info->set_active(experiment.active);
    info->set_fallback_variant(
        experiment.variants[static_cast<size_t>(experiment.fallback_index)].name);
    for (const core::Variant& variant : experiment.variants) {
      pb::VariantInfo* v = info->add_variants();
      v->set_name(variant.name);
      v->set_weight(variant.weight_percent);
      SetWeights(variant.blend, v->mutable_weights());
    }
    info->set_override_count(static_cast<int32_t>(experiment.overrides.size()));
    info->set_allow_reassignment(experiment.allow_reassignment);
  }
  return Finish(context, metrics_, metrics::Method::kListExperiments, start, absl::OkStatus());
}

grpc::ServerUnaryReactor* AssignmentService::GetConfigStatus(
    grpc::CallbackServerContext* context, const pb::GetConfigStatusRequest* /*request*/,
    pb::GetConfigStatusResponse* response) {
  const Clock::time_point start = Now(metrics_);
  const ConfigStatus status = status_board_.Get();
  response->set_config_version(status.version);
  response->set_config_path(status.config_path);
  response->set_loaded_at_unix_ms(status.loaded_at_unix_ms);
  response->set_experiment_count(status.experiment_count);
  response->set_last_reload_ok(status.last_reload_ok);
  response->set_last_reload_error(status.last_reload_error);
  response->set_last_reload_attempt_unix_ms(status.last_reload_attempt_unix_ms);
  response->set_reload_success_total(status.reload_success_total);
  response->set_reload_failure_total(status.reload_failure_total);
  return Finish(context, metrics_, metrics::Method::kGetConfigStatus, start, absl::OkStatus());
}

}  // namespace assignd::service
