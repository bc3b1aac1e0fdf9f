// assignctl: the command line for callers and ops. See `assignctl --help`.
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "client/assign_client.h"
#include "client/assignctl_analyze.h"
#include "client/assignctl_format.h"

ABSL_FLAG(std::string, target, "127.0.0.1:50051", "assignd gRPC address (HOST:PORT or a URI).");
ABSL_FLAG(absl::Duration, timeout, absl::Seconds(2), "Deadline of each call.");
ABSL_FLAG(std::string, namespace, "default", "Namespace (surface) for assign and batch.");
ABSL_FLAG(std::string, file, "",
          "batch: read user ids from this file, one per line ('-' = stdin).");
ABSL_FLAG(bool, json, false, "Print protobuf JSON instead of text.");
ABSL_FLAG(std::string, service, "",
          "health: service to check (\"\" = whole server, or assignment.v1.AssignmentService).");
ABSL_FLAG(std::string, tls_ca, "", "Speak TLS; verify the server against this PEM CA bundle.");
ABSL_FLAG(bool, tls, false, "Speak TLS even without --tls_ca, verifying against the system roots.");
ABSL_FLAG(std::string, tls_cert, "", "PEM client certificate, for servers that require mTLS.");
ABSL_FLAG(std::string, tls_key, "", "PEM private key of --tls_cert.");
ABSL_FLAG(std::string, tls_server_name, "",
          "Expect this name in the server's certificate instead of the --target host.");

namespace {

namespace pb = ::assignment::v1;
using assignd::client::AssignClient;

constexpr char kUsage[] =
    "command line for assignd.\n"
    "  assignctl [--target=HOST:PORT] assign [--namespace=NS] USER_ID...\n"
    "  assignctl batch [--namespace=NS] (--file=PATH | USER_ID...)\n"
    "  assignctl list                       experiments served, ramp and kill-switch state\n"
    "  assignctl status                     loaded config version, load time, last reload error\n"
    "  assignctl health [--service=NAME]    exit 0 iff SERVING\n"
    "  assignctl analyze (power|run) ...    offline experiment analysis: `assignctl analyze help`\n"
    "Common flags: --target, --timeout, --json; TLS: --tls_ca (--tls), --tls_cert/--tls_key for\n"
    "mTLS, --tls_server_name.";

int Fail(const absl::Status& status) {
  std::cerr << "assignctl: " << absl::StatusCodeToString(status.code()) << ": " << status.message()
            << "\n";
  return 1;
}

template <typename Message>
void Print(const Message& message, std::string (*text)(const Message&)) {
  std::cout << (absl::GetFlag(FLAGS_json) ? assignd::client::ToJson(message) + "\n"
                                          : text(message));
}

int RunAssign(AssignClient& client, const std::vector<std::string>& users) {
  if (users.empty()) return Fail(absl::InvalidArgumentError("assign needs at least one USER_ID"));
  int failures = 0;
  for (const std::string& user : users) {
    absl::StatusOr<pb::AssignResponse> answer = client.Assign(user, absl::GetFlag(FLAGS_namespace));
    if (!answer.ok()) {
      failures += Fail(answer.status());
      continue;
    }
    std::cout << (absl::GetFlag(FLAGS_json) ? assignd::client::ToJson(*answer)
                                            : assignd::client::FormatAssignment(*answer))
              << "\n";
  }
  return failures == 0 ? 0 : 1;
}

absl::StatusOr<std::vector<std::string>> ReadUsers(const std::string& path) {
  std::ifstream file;
  std::istream* in = &std::cin;
  if (path != "-") {
    file.open(path);
    if (!file) return absl::NotFoundError(absl::StrCat("cannot open ", path));
    in = &file;
  }
  std::vector<std::string> users;
  for (std::string line; std::getline(*in, line);) {
    const absl::string_view id = absl::StripAsciiWhitespace(line);
    if (!id.empty()) users.emplace_back(id);
  }
  return users;
}

int RunBatch(AssignClient& client, std::vector<std::string> users) {
  if (const std::string path = absl::GetFlag(FLAGS_file); !path.empty()) {
    absl::StatusOr<std::vector<std::string>> from_file = ReadUsers(path);
    if (!from_file.ok()) return Fail(from_file.status());
    users.insert(users.end(), from_file->begin(), from_file->end());
  }
  if (users.empty()) return Fail(absl::InvalidArgumentError("batch needs --file or USER_IDs"));
  absl::StatusOr<pb::BatchAssignResponse> answer =
      client.BatchAssign(absl::GetFlag(FLAGS_namespace), users);
  if (!answer.ok()) return Fail(answer.status());
  if (absl::GetFlag(FLAGS_json)) {
    std::cout << assignd::client::ToJson(*answer) << "\n";
    return 0;
  }
  for (const pb::AssignResponse& a : answer->assignments()) {
    std::cout << assignd::client::FormatAssignment(a) << "\n";
  }
  return 0;
}

int RunHealth(AssignClient& client) {
  absl::StatusOr<grpc::health::v1::HealthCheckResponse::ServingStatus> status =
      client.CheckHealth(absl::GetFlag(FLAGS_service));
  if (!status.ok()) return Fail(status.status());
  std::cout << grpc::health::v1::HealthCheckResponse::ServingStatus_Name(*status) << "\n";
  return *status == grpc::health::v1::HealthCheckResponse::SERVING ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  // analyze is offline and parses its own dashed flags (--baseline-rate), which absl would reject.
  if (argc >= 2 && std::string(argv[1]) == "analyze") {
    return assignd::client::RunAnalyze(std::vector<std::string>(argv + 2, argv + argc));
  }
  absl::SetProgramUsageMessage(kUsage);
  const std::vector<char*> args = absl::ParseCommandLine(argc, argv);
  if (args.size() < 2) {
    std::cerr << "assignctl " << kUsage << "\n";
    return 2;
  }
  const std::string command = args[1];
  const std::vector<std::string> rest(args.begin() + 2, args.end());

  absl::StatusOr<std::unique_ptr<AssignClient>> client =
      AssignClient::Create({.target = absl::GetFlag(FLAGS_target),
                            .timeout = absl::GetFlag(FLAGS_timeout),
                            .tls = absl::GetFlag(FLAGS_tls),
                            .tls_ca_file = absl::GetFlag(FLAGS_tls_ca),
                            .tls_cert_file = absl::GetFlag(FLAGS_tls_cert),
                            .tls_key_file = absl::GetFlag(FLAGS_tls_key),
                            .tls_server_name = absl::GetFlag(FLAGS_tls_server_name)});
  if (!client.ok()) return Fail(client.status());

  if (command == "assign") return RunAssign(**client, rest);
  if (command == "batch") return RunBatch(**client, rest);
  if (command == "health") return RunHealth(**client);
  if (command == "list" || command == "status") {
    if (!rest.empty()) return Fail(absl::InvalidArgumentError(command + " takes no arguments"));
    if (command == "list") {
      absl::StatusOr<pb::ListExperimentsResponse> list = (*client)->ListExperiments();
      if (!list.ok()) return Fail(list.status());
      Print(*list, &assignd::client::FormatExperiments);
    } else {
      absl::StatusOr<pb::GetConfigStatusResponse> status = (*client)->GetConfigStatus();
      if (!status.ok()) return Fail(status.status());
      Print(*status, &assignd::client::FormatConfigStatus);
    }
    return 0;
  }
  std::cerr << "assignctl: unknown command '" << command << "'\n" << kUsage << "\n";
  return 2;
}
