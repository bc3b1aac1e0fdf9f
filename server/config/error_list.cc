#include "server/config/error_list.h"

#include <algorithm>
#include <climits>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "server/core/absl_string_view.h"
#include "server/core/growthbook_hash.h"

namespace assignd::config {
namespace {

constexpr size_t kMaxQuotedBytes = 80;

bool IsUtf8Continuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

}  // namespace

std::string Quoted(std::string_view text) {
  std::string_view shown = text;
  if (shown.size() > kMaxQuotedBytes) {
    size_t end = kMaxQuotedBytes;
    // Cut before a character, not inside one.
    while (end > 0 && IsUtf8Continuation(text[end])) --end;
    shown = text.substr(0, end);
  }
  // Valid UTF-8 stays readable; anything else is shown byte by byte as \xNN.
  const std::string escaped = core::IsValidUtf8(shown) ? absl::Utf8SafeCHexEscape(AsAbsl(shown))
                                                       : absl::CHexEscape(AsAbsl(shown));
  return absl::StrCat("'", escaped, shown.size() < text.size() ? "...'" : "'");
}

void ErrorList::Add(const yaml::Mark& mark, std::string_view message) {
  if (mark.is_null()) {
    errors_.push_back({INT_MAX - 1, absl::StrCat(path_, ": ", AsAbsl(message))});
    return;
  }
  errors_.push_back({mark.pos, absl::StrCat(path_, ":", mark.line + 1, ":", mark.column + 1, ": ",
                                            AsAbsl(message))});
}

void ErrorList::AddUnlocated(std::string_view message) {
  errors_.push_back({INT_MAX, std::string(message)});
}

absl::Status ErrorList::ToStatus() const {
  if (errors_.empty()) return absl::OkStatus();
  std::vector<Error> sorted = errors_;
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const Error& a, const Error& b) { return a.pos < b.pos; });
  return absl::InvalidArgumentError(
      absl::StrJoin(sorted, "\n", [](std::string* out, const Error& e) { out->append(e.text); }));
}

}  // namespace assignd::config
