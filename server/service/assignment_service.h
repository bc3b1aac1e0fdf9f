#pragma once

#include <cstddef>

#include "assignment/v1/assignment.grpc.pb.h"
#include "server/core/assign.h"
#include "server/exposure_log/exposure_log.h"
#include "server/metrics/server_metrics.h"
#include "server/service/config_status_board.h"
#include "server/service/serving_state.h"

namespace assignd::service {

struct ServiceLimits {
  size_t max_user_id_bytes = core::kDefaultMaxUserIdBytes;
  size_t max_batch_users = 10000;
};

// Thin gRPC callback-API adapter: validate, read the current ServingState, call core, count,
// answer. Handlers run inline on gRPC's threads and never block.
class AssignmentService final : public assignment::v1::AssignmentService::CallbackService {
 public:
  // `exposure_log` may be null (no exposure log); it must outlive the service.
  // `request_metrics` false skips the per-request metrics (exposure/fallback counters, SRM
  // sketches, segments, request counter and latency histogram): only for measuring what they cost
  // (bench/run.sh).
  AssignmentService(const ServingStateStore& store, metrics::ServerMetrics& metrics,
                    const ConfigStatusBoard& status_board, ServiceLimits limits,
                    exposure_log::ExposureLog* exposure_log = nullptr, bool request_metrics = true)
      : store_(store),
        metrics_(request_metrics ? &metrics : nullptr),
        status_board_(status_board),
        limits_(limits),
        exposure_log_(exposure_log) {}

  grpc::ServerUnaryReactor* Assign(grpc::CallbackServerContext* context,
                                   const assignment::v1::AssignRequest* request,
                                   assignment::v1::AssignResponse* response) override;
  grpc::ServerUnaryReactor* BatchAssign(grpc::CallbackServerContext* context,
                                        const assignment::v1::BatchAssignRequest* request,
                                        assignment::v1::BatchAssignResponse* response) override;
  grpc::ServerUnaryReactor* ListExperiments(
      grpc::CallbackServerContext* context, const assignment::v1::ListExperimentsRequest* request,
      assignment::v1::ListExperimentsResponse* response) override;
  grpc::ServerUnaryReactor* GetConfigStatus(
      grpc::CallbackServerContext* context, const assignment::v1::GetConfigStatusRequest* request,
      assignment::v1::GetConfigStatusResponse* response) override;

 private:
  const ServingStateStore& store_;
  metrics::ServerMetrics* const metrics_;  // null: request metrics off
  const ConfigStatusBoard& status_board_;
  const ServiceLimits limits_;
  exposure_log::ExposureLog* const exposure_log_;
};

}  // namespace assignd::service
