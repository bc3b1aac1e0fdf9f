#pragma once

#include "grpcpp/server_builder.h"

namespace assignd::app {

// gRPC server settings shared by assignd and bench/empty_server, so that the empty server that
// assignd is measured against differs from it only in what the handlers do.
inline void ApplyGrpcTuning(grpc::ServerBuilder& /*builder*/) {}

}  // namespace assignd::app
