#pragma once

#include <string>
#include <string_view>

namespace assignd::exposure_log {

// The pseudonymous key of a user in the exposure log: the first 16 bytes of
// HMAC-SHA256(key = salt, message = user_id), as 32 lower-case hex digits. Anyone who holds the
// salt (the warehouse) can recompute it, e.g. in Python
//   hmac.new(salt, user_id, hashlib.sha256).hexdigest()[:32]
// while the log alone does not reveal user ids, even enumerable ones, as long as the salt is
// secret.
std::string HashedUserKey(std::string_view salt, std::string_view user_id);

}  // namespace assignd::exposure_log
