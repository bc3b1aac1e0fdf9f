#include "server/exposure_log/user_key.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "absl/strings/escaping.h"
#include "absl/strings/string_view.h"

namespace assignd::exposure_log {

std::string HashedUserKey(std::string_view salt, std::string_view user_id) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  static const unsigned char kEmpty = 0;
  // HMAC() wants non-null pointers even for empty inputs.
  const void* key = salt.empty() ? &kEmpty : static_cast<const void*>(salt.data());
  const auto* message =
      user_id.empty() ? &kEmpty : reinterpret_cast<const unsigned char*>(user_id.data());
  if (HMAC(EVP_sha256(), key, static_cast<int>(salt.size()), message, user_id.size(), digest,
           &length) == nullptr ||
      length < 16) {
    return std::string();
  }
  return absl::BytesToHexString(absl::string_view(reinterpret_cast<const char*>(digest), 16));
}

}  // namespace assignd::exposure_log
