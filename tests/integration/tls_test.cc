// TLS and mutual TLS against the real binary, with certificates made by openssl at test time
// (tests/integration/make_test_certs.sh): the client library, assignctl and the health service
// over TLS; plaintext or unverifiable clients are refused; bad TLS files stop start-up clearly.
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "client/assign_client.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/integration/server_process.h"
#include "tests/integration/test_configs.h"

namespace assignd::testing {
namespace {

using ::testing::HasSubstr;
namespace pb = ::assignment::v1;
using Health = grpc::health::v1::HealthCheckResponse;

class TlsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    pki_ = new std::string(MakeTempDir());
    other_pki_ = new std::string(MakeTempDir());
    for (const std::string* dir : {pki_, other_pki_}) {
      const CommandResult made = RunCommand(
          absl::StrCat("sh ", ASSIGND_SOURCE_DIR, "/tests/integration/make_test_certs.sh ", *dir));
      ASSERT_EQ(made.exit_code, 0) << made.output;
    }
  }
  static void TearDownTestSuite() {
    delete pki_;
    delete other_pki_;
  }
  static std::string Pki(const std::string& file) { return *pki_ + "/" + file; }

  void StartServer(bool require_client_cert) {
    dir_ = MakeTempDir();
    WriteFile(dir_ + "/experiments.yaml", TwoExperimentConfig(100));
    std::vector<std::string> flags = {"--tls_cert=" + Pki("server.crt"),
                                      "--tls_key=" + Pki("server.key")};
    if (require_client_cert) flags.push_back("--tls_client_ca=" + Pki("ca.crt"));
    absl::StatusOr<std::unique_ptr<ServerProcess>> server =
        ServerProcess::Start({dir_ + "/experiments.yaml", flags, {}});
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
  }

  client::ClientOptions Options() const {
    return {.target = server_->grpc_target(), .timeout = absl::Seconds(3)};
  }
  // The outcome of one Assign call made with `options`.
  static absl::Status AssignWith(const client::ClientOptions& options) {
    absl::StatusOr<std::unique_ptr<client::AssignClient>> c = client::AssignClient::Create(options);
    if (!c.ok()) return c.status();
    return (*c)->Assign("user-42", "default").status();
  }
  CommandResult Ctl(const std::string& args) const {
    return RunCommand(absl::StrCat(
        BinDir(), "/assignctl --timeout=3s --target=", server_->grpc_target(), " ", args));
  }

  static std::string* pki_;
  static std::string* other_pki_;
  std::string dir_;
  std::unique_ptr<ServerProcess> server_;
};
std::string* TlsTest::pki_ = nullptr;
std::string* TlsTest::other_pki_ = nullptr;

TEST_F(TlsTest, ServesAssignAndHealthOverTls) {
  StartServer(/*require_client_cert=*/false);
  EXPECT_THAT(server_->Log(), HasSubstr("TLS"));
  client::ClientOptions options = Options();
  options.tls_ca_file = Pki("ca.crt");
  absl::StatusOr<std::unique_ptr<client::AssignClient>> c = client::AssignClient::Create(options);
  ASSERT_TRUE(c.ok()) << c.status();
  absl::StatusOr<pb::AssignResponse> a = (*c)->Assign("qa-user-1", "default");
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(a->variant(), "challenger_a");
  EXPECT_EQ((*c)->CheckHealth().value_or(Health::UNKNOWN), Health::SERVING);

  const CommandResult health = Ctl("--tls_ca=" + Pki("ca.crt") + " health");
  EXPECT_EQ(health.exit_code, 0) << health.output;
  EXPECT_THAT(health.output, HasSubstr("SERVING"));
  const CommandResult assign = Ctl("--tls_ca=" + Pki("ca.crt") + " assign qa-user-1");
  EXPECT_EQ(assign.exit_code, 0) << assign.output;
  EXPECT_THAT(assign.output, HasSubstr("FORCED_OVERRIDE"));
}

TEST_F(TlsTest, PlaintextAndUnverifiableClientsAreRefused) {
  StartServer(/*require_client_cert=*/false);
  EXPECT_EQ(AssignWith(Options()).code(), absl::StatusCode::kUnavailable);
  client::ClientOptions wrong_ca = Options();
  wrong_ca.tls_ca_file = *other_pki_ + "/ca.crt";
  EXPECT_EQ(AssignWith(wrong_ca).code(), absl::StatusCode::kUnavailable);
  // The certificate names 127.0.0.1 and localhost; a client expecting another name refuses it.
  client::ClientOptions wrong_name = Options();
  wrong_name.tls_ca_file = Pki("ca.crt");
  wrong_name.tls_server_name = "assignd.elsewhere.example";
  EXPECT_EQ(AssignWith(wrong_name).code(), absl::StatusCode::kUnavailable);
  wrong_name.tls_server_name = "localhost";
  EXPECT_TRUE(AssignWith(wrong_name).ok());

  const CommandResult plain = Ctl("health");
  EXPECT_EQ(plain.exit_code, 1) << plain.output;
  EXPECT_THAT(plain.output, HasSubstr("UNAVAILABLE"));
  // The server is unharmed by the failed handshakes.
  client::ClientOptions good = Options();
  good.tls_ca_file = Pki("ca.crt");
  EXPECT_TRUE(AssignWith(good).ok());
}

TEST_F(TlsTest, MutualTlsRequiresAClientCertificateFromTheCa) {
  StartServer(/*require_client_cert=*/true);
  EXPECT_THAT(server_->Log(), HasSubstr("mutual TLS"));
  client::ClientOptions no_cert = Options();
  no_cert.tls_ca_file = Pki("ca.crt");
  EXPECT_EQ(AssignWith(no_cert).code(), absl::StatusCode::kUnavailable);

  client::ClientOptions foreign_cert = no_cert;
  foreign_cert.tls_cert_file = *other_pki_ + "/client.crt";
  foreign_cert.tls_key_file = *other_pki_ + "/client.key";
  EXPECT_EQ(AssignWith(foreign_cert).code(), absl::StatusCode::kUnavailable);

  client::ClientOptions with_cert = no_cert;
  with_cert.tls_cert_file = Pki("client.crt");
  with_cert.tls_key_file = Pki("client.key");
  EXPECT_TRUE(AssignWith(with_cert).ok());

  const std::string ctl_tls =
      absl::StrCat("--tls_ca=", Pki("ca.crt"), " --tls_cert=", Pki("client.crt"),
                   " --tls_key=", Pki("client.key"));
  const CommandResult health = Ctl(ctl_tls + " health");
  EXPECT_EQ(health.exit_code, 0) << health.output;
  const CommandResult refused = Ctl("--tls_ca=" + Pki("ca.crt") + " health");
  EXPECT_EQ(refused.exit_code, 1) << refused.output;
}

TEST_F(TlsTest, BadTlsFilesStopStartUpNamingTheFlag) {
  const std::string dir = MakeTempDir();
  WriteFile(dir + "/experiments.yaml", TwoExperimentConfig(1));
  WriteFile(dir + "/garbage.pem", "not a certificate\n");
  const auto start_error = [&](std::vector<std::string> flags) -> std::string {
    absl::StatusOr<std::unique_ptr<ServerProcess>> s =
        ServerProcess::Start({dir + "/experiments.yaml", std::move(flags), {}});
    return s.ok() ? "started" : std::string(s.status().message());
  };
  EXPECT_THAT(start_error({"--tls_cert=" + Pki("server.crt")}),
              HasSubstr("--tls_cert and --tls_key must be given together"));
  EXPECT_THAT(start_error({"--tls_cert=" + dir + "/missing.crt", "--tls_key=" + Pki("server.key")}),
              HasSubstr("--tls_cert=" + dir + "/missing.crt: cannot read"));
  EXPECT_THAT(start_error({"--tls_cert=" + dir + "/garbage.pem", "--tls_key=" + Pki("server.key")}),
              HasSubstr("not a PEM certificate"));
  EXPECT_THAT(start_error({"--tls_cert=" + Pki("server.crt"), "--tls_key=" + dir + "/garbage.pem"}),
              HasSubstr("--tls_key=" + dir + "/garbage.pem: not an unencrypted PEM private key"));
  EXPECT_THAT(start_error({"--tls_cert=" + Pki("server.crt"), "--tls_key=" + Pki("client.key")}),
              HasSubstr("does not match --tls_cert"));
  EXPECT_THAT(start_error({"--tls_cert=" + Pki("server.crt"), "--tls_key=" + Pki("server.key"),
                           "--tls_client_ca=" + dir + "/garbage.pem"}),
              HasSubstr("--tls_client_ca=" + dir + "/garbage.pem: not a PEM certificate"));
  EXPECT_THAT(start_error({"--tls_client_ca=" + Pki("ca.crt")}),
              HasSubstr("--tls_client_ca needs --tls_cert and --tls_key"));
}

TEST_F(TlsTest, ClientRejectsHalfAClientCertificate) {
  client::ClientOptions options{.target = "127.0.0.1:1", .tls_cert_file = Pki("client.crt")};
  absl::StatusOr<std::unique_ptr<client::AssignClient>> c = client::AssignClient::Create(options);
  EXPECT_EQ(c.status().code(), absl::StatusCode::kInvalidArgument);
  options = {.target = "127.0.0.1:1", .tls_ca_file = "/nonexistent/ca.crt"};
  c = client::AssignClient::Create(options);
  EXPECT_THAT(c.status().message(), HasSubstr("/nonexistent/ca.crt: cannot read"));
}

}  // namespace
}  // namespace assignd::testing
