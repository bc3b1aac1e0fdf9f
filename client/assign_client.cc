#include "client/assign_client.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/support/channel_arguments.h"

namespace assignd::client {
namespace {

namespace pb = ::assignment::v1;

absl::Status ToAbslStatus(const grpc::Status& status) {
  if (status.ok()) return absl::OkStatus();
  return absl::Status(static_cast<absl::StatusCode>(status.error_code()), status.error_message());
}

// Runs one unary call and turns its outcome into StatusOr<Response>.
template <typename Response, typename Call>
absl::StatusOr<Response> Unary(Call&& call) {
  Response response;
  const grpc::Status status = call(&response);
  if (!status.ok()) return ToAbslStatus(status);
  return response;
}

absl::StatusOr<std::string> ReadFile(const char* what, const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, " ", path, ": cannot read: ", std::strerror(errno)));
  }
  std::stringstream contents;
  contents << in.rdbuf();
  return contents.str();
}

absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> MakeCredentials(
    const ClientOptions& options) {
  if (!options.UsesTls()) return grpc::InsecureChannelCredentials();
  if (options.tls_cert_file.empty() != options.tls_key_file.empty()) {
    return absl::InvalidArgumentError("the TLS client certificate and key must be given together");
  }
  grpc::SslCredentialsOptions ssl;
  const std::pair<const std::string*, std::string*> files[] = {
      {&options.tls_ca_file, &ssl.pem_root_certs},
      {&options.tls_cert_file, &ssl.pem_cert_chain},
      {&options.tls_key_file, &ssl.pem_private_key}};
  for (const auto& [path, into] : files) {
    if (path->empty()) continue;
    absl::StatusOr<std::string> pem = ReadFile("TLS file", *path);
    if (!pem.ok()) return pem.status();
    *into = *std::move(pem);
  }
  return grpc::SslCredentials(ssl);
}

}  // namespace

absl::StatusOr<std::unique_ptr<AssignClient>> AssignClient::Create(const ClientOptions& options) {
  if (options.target.empty()) return absl::InvalidArgumentError("target is empty");
  if (options.timeout <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError("timeout must be positive");
  }
  absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> credentials = MakeCredentials(options);
  if (!credentials.ok()) return credentials.status();
  grpc::ChannelArguments args;
  if (!options.tls_server_name.empty()) args.SetSslTargetNameOverride(options.tls_server_name);
  if (!options.load_balancing_policy.empty()) {
    args.SetLoadBalancingPolicyName(options.load_balancing_policy);
  }
  std::shared_ptr<grpc::Channel> channel =
      grpc::CreateCustomChannel(options.target, *credentials, args);
  if (channel == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat("cannot create a channel to ", options.target));
  }
  return std::unique_ptr<AssignClient>(new AssignClient(std::move(channel), options.timeout));
}

AssignClient::AssignClient(std::shared_ptr<grpc::Channel> channel, absl::Duration timeout)
    : channel_(std::move(channel)),
      stub_(pb::AssignmentService::NewStub(channel_)),
      health_stub_(grpc::health::v1::Health::NewStub(channel_)),
      timeout_(timeout) {}

std::unique_ptr<grpc::ClientContext> AssignClient::NewContext() const {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(absl::ToChronoTime(absl::Now() + timeout_));
  return context;
}

absl::StatusOr<pb::AssignResponse> AssignClient::Assign(std::string_view user_id,
                                                        std::string_view ns) {
  return Assign(user_id, ns, {});
}

absl::StatusOr<pb::AssignResponse> AssignClient::Assign(
    std::string_view user_id, std::string_view ns,
    const std::map<std::string, std::string>& attributes) {
  pb::AssignRequest request;
  request.set_user_id(std::string(user_id));
  request.set_namespace_(std::string(ns));
  request.mutable_attributes()->insert(attributes.begin(), attributes.end());
  return Unary<pb::AssignResponse>(
      [&](pb::AssignResponse* r) { return stub_->Assign(NewContext().get(), request, r); });
}

absl::StatusOr<pb::BatchAssignResponse> AssignClient::BatchAssign(
    std::string_view ns, std::span<const std::string> user_ids) {
  pb::BatchAssignRequest request;
  request.set_namespace_(std::string(ns));
  request.mutable_user_ids()->Assign(user_ids.begin(), user_ids.end());
  return Unary<pb::BatchAssignResponse>([&](pb::BatchAssignResponse* r) {
    return stub_->BatchAssign(NewContext().get(), request, r);
  });
}

absl::StatusOr<pb::ListExperimentsResponse> AssignClient::ListExperiments() {
  return Unary<pb::ListExperimentsResponse>([&](pb::ListExperimentsResponse* r) {
    return stub_->ListExperiments(NewContext().get(), pb::ListExperimentsRequest(), r);
  });
}

absl::StatusOr<pb::GetConfigStatusResponse> AssignClient::GetConfigStatus() {
  return Unary<pb::GetConfigStatusResponse>([&](pb::GetConfigStatusResponse* r) {
    return stub_->GetConfigStatus(NewContext().get(), pb::GetConfigStatusRequest(), r);
  });
}

absl::StatusOr<grpc::health::v1::HealthCheckResponse::ServingStatus> AssignClient::CheckHealth(
    std::string_view service) {
  grpc::health::v1::HealthCheckRequest request;
  request.set_service(std::string(service));
  absl::StatusOr<grpc::health::v1::HealthCheckResponse> response =
      Unary<grpc::health::v1::HealthCheckResponse>([&](grpc::health::v1::HealthCheckResponse* r) {
        return health_stub_->Check(NewContext().get(), request, r);
      });
  if (!response.ok()) return response.status();
  return response->status();
}

}  // namespace assignd::client
