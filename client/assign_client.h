#pragma once

#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "assignment/v1/assignment.grpc.pb.h"
#include "grpc/health/v1/health.grpc.pb.h"

// C++ client for assignd. Every call carries a deadline (gRPC's advice: never call without one)
// and returns absl::Status errors carrying the server's gRPC code and message.
namespace assignd::client {

struct ClientOptions {
  // gRPC target, e.g. "127.0.0.1:50051" or "dns:///assignd.recs.svc:50051".
  std::string target = "127.0.0.1:50051";
  // Per-call deadline.
  absl::Duration timeout = absl::Seconds(1);

  // TLS is used when `tls` is true or any of the files below is set; otherwise plaintext.
  bool tls = false;
  // PEM CA bundle that signed the server's certificate ("" = the system's roots).
  std::string tls_ca_file{};
  // PEM client certificate chain and key, for servers that require mTLS (both or neither).
  std::string tls_cert_file{};
  std::string tls_key_file{};
  // Verify the server's certificate against this name instead of the target's host (for tests
  // and for addressing a replica by IP).
  std::string tls_server_name{};

  // gRPC load-balancing policy: "round_robin" spreads calls over every address the target
  // resolves to (e.g. dns:///assignd-headless.NS.svc.cluster.local:50051); "" = gRPC's default,
  // pick_first, which sends everything to one replica.
  std::string load_balancing_policy{};

  bool UsesTls() const {
    return tls || !tls_ca_file.empty() || !tls_cert_file.empty() || !tls_key_file.empty();
  }
};

class AssignClient {
 public:
  // Creates a channel to `options.target` (connects lazily, on the first call).
  static absl::StatusOr<std::unique_ptr<AssignClient>> Create(const ClientOptions& options);

  absl::StatusOr<assignment::v1::AssignResponse> Assign(std::string_view user_id,
                                                        std::string_view ns);
  // With request attributes (e.g. device_type), which the server counts by the config's segments.
  absl::StatusOr<assignment::v1::AssignResponse> Assign(
      std::string_view user_id, std::string_view ns,
      const std::map<std::string, std::string>& attributes);
  absl::StatusOr<assignment::v1::BatchAssignResponse> BatchAssign(
      std::string_view ns, std::span<const std::string> user_ids);
  absl::StatusOr<assignment::v1::ListExperimentsResponse> ListExperiments();
  absl::StatusOr<assignment::v1::GetConfigStatusResponse> GetConfigStatus();
  // The grpc.health.v1 status of `service` ("" = the whole server).
  absl::StatusOr<grpc::health::v1::HealthCheckResponse::ServingStatus> CheckHealth(
      std::string_view service = "");

 private:
  AssignClient(std::shared_ptr<grpc::Channel> channel, absl::Duration timeout);
  std::unique_ptr<grpc::ClientContext> NewContext() const;

  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<assignment::v1::AssignmentService::Stub> stub_;
  std::unique_ptr<grpc::health::v1::Health::Stub> health_stub_;
  absl::Duration timeout_;
};

}  // namespace assignd::client
