// empty_server: assignment.v1.AssignmentService/Assign that does nothing but answer one constant
// AssignResponse, shaped like assignd's usual answer. Same proto, same gRPC callback API, same
// (default) server settings as assignd: the physical limit of gRPC on this machine, which
// bench/run.sh measures assignd against. Loopback by default; exits by itself after --lifetime.
#include <signal.h>

#include <ctime>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "assignment/v1/assignment.grpc.pb.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server.h"
#include "grpcpp/server_builder.h"

ABSL_FLAG(std::string, address, "127.0.0.1:0", "HOST:PORT to listen on (port 0: any free port).");
ABSL_FLAG(std::string, port_file, "", "If set, write grpc_port=N here once listening.");
ABSL_FLAG(absl::Duration, lifetime, absl::Minutes(5),
          "Exit after this long even if nobody sends SIGTERM.");

namespace {

namespace pb = ::assignment::v1;

class EmptyService final : public pb::AssignmentService::CallbackService {
 public:
  EmptyService() {
    answer_.set_experiment("blend_weights_v2");
    answer_.set_variant("baseline");
    answer_.mutable_weights()->set_alpha(0.6);
    answer_.mutable_weights()->set_beta(0.3);
    answer_.mutable_weights()->set_gamma(0.1);
    answer_.set_in_experiment(true);
    answer_.set_reason(pb::REASON_ASSIGNED);
    answer_.set_config_version("0123456789abcdef");
    answer_.set_bucket(0.1234);
    answer_.set_user_id("user-123456");
  }

  grpc::ServerUnaryReactor* Assign(grpc::CallbackServerContext* context,
                                   const pb::AssignRequest* /*request*/,
                                   pb::AssignResponse* response) override {
    *response = answer_;
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }

 private:
  pb::AssignResponse answer_;
};

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  // As assignd does (server/main.cc): no absl::Mutex deadlock detection, which Debian's abseil
  // leaves on and gRPC pays for on every call.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  // Taken with sigtimedwait below; blocked before gRPC starts its threads so they inherit it.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  EmptyService service;
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort(absl::GetFlag(FLAGS_address), grpc::InsecureServerCredentials(), &port);
  builder.RegisterService(&service);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (server == nullptr || port == 0) {
    std::cerr << "empty_server: cannot listen on " << absl::GetFlag(FLAGS_address) << "\n";
    return 1;
  }
  if (const std::string path = absl::GetFlag(FLAGS_port_file); !path.empty()) {
    const std::string tmp = path + ".tmp";
    std::ofstream(tmp) << "grpc_port=" << port << "\n";
    std::rename(tmp.c_str(), path.c_str());
  }
  std::cerr << "empty_server listening on port " << port << "\n";

  const timespec lifetime = absl::ToTimespec(absl::GetFlag(FLAGS_lifetime));
  sigtimedwait(&signals, nullptr, &lifetime);
  server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(1));
  server->Wait();
  return 0;
}
