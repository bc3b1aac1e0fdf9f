#pragma once

#include <string_view>

#include "absl/strings/string_view.h"

namespace assignd {

// Debian 12's abseil is built with its own absl::string_view (ABSL_OPTION_USE_STD_STRING_VIEW 0),
// which does not convert from std::string_view. Our interfaces take std::string_view; this is the
// one bridge to abseil calls (StrCat, heterogeneous lookup in absl containers).
inline absl::string_view AsAbsl(std::string_view s) {
  return absl::string_view(s.data(), s.size());
}

}  // namespace assignd
