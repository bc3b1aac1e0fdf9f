#include "server/config/number_text.h"

#include <array>
#include <charconv>
#include <limits>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "server/core/absl_string_view.h"

namespace assignd::config {
namespace {

bool IsOneOf(std::string_view text, std::string_view a, std::string_view b, std::string_view c) {
  return text == a || text == b || text == c;
}

// Consumes a run of ASCII digits; returns how many.
size_t SkipDigits(std::string_view text, size_t& i) {
  const size_t start = i;
  while (i < text.size() && absl::ascii_isdigit(static_cast<unsigned char>(text[i]))) ++i;
  return i - start;
}

}  // namespace

bool IsDecimalNumber(std::string_view text) {
  size_t i = 0;
  if (i < text.size() && (text[i] == '-' || text[i] == '+')) ++i;
  const size_t int_digits = SkipDigits(text, i);
  size_t frac_digits = 0;
  if (i < text.size() && text[i] == '.') {
    ++i;
    frac_digits = SkipDigits(text, i);
  }
  if (int_digits == 0 && frac_digits == 0) return false;
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    if (i < text.size() && (text[i] == '-' || text[i] == '+')) ++i;
    if (SkipDigits(text, i) == 0) return false;
  }
  return i == text.size();
}

std::string FormatNumber(double value) {
  std::array<char, 64> buffer;
  const auto result = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
  return std::string(buffer.data(), result.ptr);
}

std::optional<double> ParseYamlNumber(std::string_view text) {
  std::string_view unsigned_text = text;
  bool negative = false;
  if (!unsigned_text.empty() && (unsigned_text[0] == '-' || unsigned_text[0] == '+')) {
    negative = unsigned_text[0] == '-';
    unsigned_text.remove_prefix(1);
  }
  if (IsOneOf(unsigned_text, ".inf", ".Inf", ".INF")) {
    const double inf = std::numeric_limits<double>::infinity();
    return negative ? -inf : inf;
  }
  if (IsOneOf(text, ".nan", ".NaN", ".NAN")) return std::numeric_limits<double>::quiet_NaN();
  if (!IsDecimalNumber(text)) return std::nullopt;
  double value = 0;
  // SimpleAtod turns overflow into +-inf, which the callers then reject as not finite.
  if (!absl::SimpleAtod(AsAbsl(text), &value)) return std::nullopt;
  return value;
}

}  // namespace assignd::config
