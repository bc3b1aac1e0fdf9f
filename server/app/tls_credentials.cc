#include "server/app/tls_credentials.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"

namespace assignd::app {
namespace {

// The oldest queued OpenSSL error as text (and clears the queue), for start-up messages.
std::string OpenSslError() {
  const unsigned long code = ERR_get_error();
  ERR_clear_error();
  if (code == 0) return "no PEM data found";
  char text[256];
  ERR_error_string_n(code, text, sizeof(text));
  return text;
}

absl::StatusOr<std::string> ReadPem(const std::string& flag, const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::InvalidArgumentError(
        absl::StrCat("--", flag, "=", path, ": cannot read: ", std::strerror(errno)));
  }
  std::stringstream contents;
  contents << in.rdbuf();
  if (in.bad()) {
    return absl::InvalidArgumentError(absl::StrCat("--", flag, "=", path, ": read error"));
  }
  return contents.str();
}

struct BioDeleter {
  void operator()(BIO* bio) const { BIO_free(bio); }
};
struct X509Deleter {
  void operator()(X509* cert) const { X509_free(cert); }
};
struct KeyDeleter {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};

std::unique_ptr<BIO, BioDeleter> MemoryBio(const std::string& pem) {
  return std::unique_ptr<BIO, BioDeleter>(
      BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
}

absl::StatusOr<std::unique_ptr<X509, X509Deleter>> ParseCert(const std::string& flag,
                                                             const std::string& path,
                                                             const std::string& pem) {
  ERR_clear_error();
  std::unique_ptr<X509, X509Deleter> cert(
      PEM_read_bio_X509(MemoryBio(pem).get(), nullptr, nullptr, nullptr));
  if (cert == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("--", flag, "=", path, ": not a PEM certificate (", OpenSslError(), ")"));
  }
  return cert;
}

absl::Status CheckKeyMatches(const TlsFiles& files, const std::string& key_pem, X509* cert) {
  ERR_clear_error();
  std::unique_ptr<EVP_PKEY, KeyDeleter> key(
      PEM_read_bio_PrivateKey(MemoryBio(key_pem).get(), nullptr, nullptr, nullptr));
  if (key == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat("--tls_key=", files.key_path,
                                                   ": not an unencrypted PEM private key (",
                                                   OpenSslError(), ")"));
  }
  if (X509_check_private_key(cert, key.get()) != 1) {
    ERR_clear_error();
    return absl::InvalidArgumentError(
        absl::StrCat("--tls_key=", files.key_path, " does not match --tls_cert=", files.cert_path));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ValidateTlsFlags(const TlsFiles& files) {
  if (files.cert_path.empty() != files.key_path.empty()) {
    return absl::InvalidArgumentError("--tls_cert and --tls_key must be given together");
  }
  if (!files.client_ca_path.empty() && files.cert_path.empty()) {
    return absl::InvalidArgumentError("--tls_client_ca needs --tls_cert and --tls_key");
  }
  return absl::OkStatus();
}

absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> MakeServerCredentials(
    const TlsFiles& files) {
  if (absl::Status valid = ValidateTlsFlags(files); !valid.ok()) return valid;
  if (files.cert_path.empty()) return grpc::InsecureServerCredentials();

  absl::StatusOr<std::string> cert_pem = ReadPem("tls_cert", files.cert_path);
  if (!cert_pem.ok()) return cert_pem.status();
  absl::StatusOr<std::string> key_pem = ReadPem("tls_key", files.key_path);
  if (!key_pem.ok()) return key_pem.status();
  absl::StatusOr<std::unique_ptr<X509, X509Deleter>> cert =
      ParseCert("tls_cert", files.cert_path, *cert_pem);
  if (!cert.ok()) return cert.status();
  if (absl::Status s = CheckKeyMatches(files, *key_pem, cert->get()); !s.ok()) return s;

  grpc::SslServerCredentialsOptions options(GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE);
  options.pem_key_cert_pairs.push_back({*std::move(key_pem), *std::move(cert_pem)});
  if (!files.client_ca_path.empty()) {
    absl::StatusOr<std::string> ca_pem = ReadPem("tls_client_ca", files.client_ca_path);
    if (!ca_pem.ok()) return ca_pem.status();
    if (absl::StatusOr<std::unique_ptr<X509, X509Deleter>> ca =
            ParseCert("tls_client_ca", files.client_ca_path, *ca_pem);
        !ca.ok()) {
      return ca.status();
    }
    options.pem_root_certs = *std::move(ca_pem);
    options.client_certificate_request = GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY;
  }
  return grpc::SslServerCredentials(options);
}

}  // namespace assignd::app
