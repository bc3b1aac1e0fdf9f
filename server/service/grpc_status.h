#pragma once

#include "absl/status/status.h"
#include "grpcpp/support/status.h"

namespace assignd::service {

// The one conversion from absl::Status to grpc::Status (the code numbers are the same).
inline grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()), std::string(status.message()));
}

}  // namespace assignd::service
