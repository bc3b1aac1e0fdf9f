#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "grpcpp/security/server_credentials.h"

namespace assignd::app {

// Where the server's TLS material lives (PEM files). All empty = plaintext.
struct TlsFiles {
  std::string cert_path;       // --tls_cert: server certificate chain
  std::string key_path;        // --tls_key: its private key
  std::string client_ca_path;  // --tls_client_ca: if set, clients must present a cert it signed
};

// OK iff the combination of paths makes sense (cert and key both or neither; a client CA only
// with them); errors name the flags.
absl::Status ValidateTlsFlags(const TlsFiles& files);

// Plaintext credentials when no files are given; otherwise reads and checks the PEM files (each
// parses, the key matches the certificate) so a bad file fails start-up with a message naming the
// flag and the path, instead of every handshake failing later.
absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> MakeServerCredentials(
    const TlsFiles& files);

}  // namespace assignd::app
