#pragma once

#include <string>

#include "absl/status/statusor.h"

namespace assignd::config {

// The whole content of the regular file at `path`. Failures name the path and carry the errno
// text, with the matching code: NotFound, PermissionDenied, ...; a directory or other non-regular
// file is InvalidArgument (checked before reading, so a FIFO cannot block the caller).
absl::StatusOr<std::string> ReadFile(const std::string& path);

}  // namespace assignd::config
