#include "server/core/growthbook_hash.h"

#include <array>
#include <charconv>
#include <string>

namespace assignd::core {
namespace {

inline uint32_t Step(uint32_t h, uint32_t unit) { return (h ^ unit) * kFnvPrime; }

// Decodes one UTF-8 sequence starting at text[i]; advances i. Returns -1 when malformed.
inline int32_t DecodeUtf8(std::string_view text, size_t& i) {
  const auto byte = [&](size_t k) { return static_cast<uint8_t>(text[k]); };
  const uint8_t b0 = byte(i);
  if (b0 < 0x80) {
    ++i;
    return b0;
  }
  int len;
  uint32_t cp;
  uint32_t min;
  if ((b0 & 0xE0) == 0xC0) {
    len = 2, cp = b0 & 0x1F, min = 0x80;
  } else if ((b0 & 0xF0) == 0xE0) {
    len = 3, cp = b0 & 0x0F, min = 0x800;
  } else if ((b0 & 0xF8) == 0xF0) {
    len = 4, cp = b0 & 0x07, min = 0x10000;
  } else {
    return -1;
  }
  if (i + len > text.size()) return -1;
  for (int k = 1; k < len; ++k) {
    const uint8_t b = byte(i + k);
    if ((b & 0xC0) != 0x80) return -1;
    cp = (cp << 6) | (b & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return -1;
  i += len;
  return static_cast<int32_t>(cp);
}

}  // namespace

std::optional<uint32_t> Fnv1a32Utf16(uint32_t state, std::string_view utf8) {
  uint32_t h = state;
  for (size_t i = 0; i < utf8.size();) {
    if (static_cast<uint8_t>(utf8[i]) < 0x80) {  // ASCII: one code unit per byte
      h = Step(h, static_cast<uint8_t>(utf8[i]));
      ++i;
      continue;
    }
    const int32_t cp = DecodeUtf8(utf8, i);
    if (cp < 0) return std::nullopt;
    if (cp < 0x10000) {
      h = Step(h, static_cast<uint32_t>(cp));
    } else {
      const uint32_t v = static_cast<uint32_t>(cp) - 0x10000;
      h = Step(h, 0xD800 + (v >> 10));
      h = Step(h, 0xDC00 + (v & 0x3FF));
    }
  }
  return h;
}

bool IsValidUtf8(std::string_view text) { return Fnv1a32Utf16(kFnvOffset, text).has_value(); }

std::optional<double> HashV2FromSeedState(uint32_t seed_state, std::string_view value) {
  const std::optional<uint32_t> inner = Fnv1a32Utf16(seed_state, value);
  if (!inner) return std::nullopt;
  std::array<char, 10> digits;  // 2^32-1 has 10 decimal digits
  const auto [end, ec] = std::to_chars(digits.data(), digits.data() + digits.size(), *inner);
  uint32_t outer = kFnvOffset;
  for (const char* p = digits.data(); p != end; ++p) outer = Step(outer, static_cast<uint8_t>(*p));
  return static_cast<double>(outer % 10000u) / 10000.0;
}

std::optional<double> GrowthBookHash(std::string_view seed, std::string_view value, int version) {
  if (version == 2) {
    const std::optional<uint32_t> seed_state = Fnv1a32Utf16(kFnvOffset, seed);
    if (!seed_state) return std::nullopt;
    return HashV2FromSeedState(*seed_state, value);
  }
  if (version == 1) {
    const std::optional<uint32_t> h =
        Fnv1a32Utf16(kFnvOffset, std::string(value) + std::string(seed));
    if (!h) return std::nullopt;
    return static_cast<double>(*h % 1000u) / 1000.0;
  }
  return std::nullopt;
}

}  // namespace assignd::core
