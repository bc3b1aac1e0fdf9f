#include "server/config/blend_overrides.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <tuple>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "server/config/error_list.h"
#include "server/config/key_suggestion.h"
#include "server/config/number_text.h"
#include "server/core/absl_string_view.h"

namespace assignd::config {
namespace {

constexpr std::array<std::string_view, 3> kNames = {"alpha", "beta", "gamma"};

// The parser works on absl::string_view, which Debian's abseil does not convert to
// std::string_view by itself.
std::string_view AsStd(absl::string_view s) { return std::string_view(s.data(), s.size()); }
std::string QuotedPiece(absl::string_view s) { return Quoted(AsStd(s)); }

// Parses one ';'-separated entry of `text`. Offsets in messages are 0-based byte offsets into the
// whole variable, so they can be found in a long value; pieces are views into `text`.
class EntryParser {
 public:
  EntryParser(absl::string_view text, absl::string_view entry, std::vector<std::string>& errors)
      : text_(text), entry_(absl::StripAsciiWhitespace(entry)), errors_(errors) {
    entry_offset_ = Offset(entry_.empty() ? entry : entry_);
  }

  std::optional<BlendOverride> Parse() {
    if (entry_.empty()) {
      Fail(entry_offset_, "empty entry (stray ';'?)");
      return std::nullopt;
    }
    const size_t colon = entry_.find(':');
    if (colon == absl::string_view::npos) {
      Fail(entry_offset_, "expected '<experiment>/<variant>:<name>=<value>[,...]'");
      return std::nullopt;
    }
    BlendOverride result;
    if (!ParseTarget(entry_.substr(0, colon), result)) return std::nullopt;
    const absl::string_view values = entry_.substr(colon + 1);
    if (absl::StripAsciiWhitespace(values).empty()) {
      Fail(Offset(values), "missing '<name>=<value>' after ':'");
      return std::nullopt;
    }
    bool ok = true;
    for (const absl::string_view assignment : absl::StrSplit(values, ',')) {
      ok = ParseAssignment(assignment, result) && ok;
    }
    if (!ok) return std::nullopt;
    return result;
  }

  size_t entry_offset() const { return entry_offset_; }

 private:
  size_t Offset(absl::string_view piece) const {
    return static_cast<size_t>(piece.data() - text_.data());
  }

  // Records the problem; returns false so that callers can `return Fail(...)`.
  bool Fail(size_t offset, const std::string& message) {
    errors_.push_back(absl::StrCat(AsAbsl(kBlendOverridesEnv), ": offset ", offset, " in entry ",
                                   QuotedPiece(entry_), ": ", message));
    return false;
  }

  bool ParseTarget(absl::string_view target, BlendOverride& result) {
    const std::vector<absl::string_view> parts = absl::StrSplit(target, '/');
    if (parts.size() != 2) {
      return Fail(entry_offset_,
                  "expected exactly one '/' between experiment and variant before ':'");
    }
    const absl::string_view experiment = absl::StripAsciiWhitespace(parts[0]);
    const absl::string_view variant = absl::StripAsciiWhitespace(parts[1]);
    if (experiment.empty()) return Fail(Offset(parts[0]), "missing experiment name before '/'");
    if (variant.empty()) return Fail(Offset(parts[1]), "missing variant name after '/'");
    result.experiment = std::string(experiment);
    result.variant = std::string(variant);
    return true;
  }

  bool ParseAssignment(absl::string_view assignment, BlendOverride& result) {
    const absl::string_view stripped = absl::StripAsciiWhitespace(assignment);
    const size_t offset = Offset(stripped.empty() ? assignment : stripped);
    if (stripped.empty()) return Fail(offset, "missing '<name>=<value>' (stray ','?)");
    const size_t equals = stripped.find('=');
    if (equals == absl::string_view::npos) {
      return Fail(offset, absl::StrCat("expected '<name>=<value>', got ", QuotedPiece(stripped)));
    }
    const absl::string_view name = absl::StripAsciiWhitespace(stripped.substr(0, equals));
    const absl::string_view value_text = absl::StripAsciiWhitespace(stripped.substr(equals + 1));
    if (name.empty()) return Fail(offset, "missing name before '='");
    std::optional<double>* slot = Slot(name, result);
    if (slot == nullptr) {
      std::string message = absl::StrCat("unknown name ", QuotedPiece(name));
      if (const std::optional<std::string_view> closest = ClosestKey(AsStd(name), kNames)) {
        absl::StrAppend(&message, " (did you mean ", Quoted(*closest), "?)");
      } else {
        absl::StrAppend(&message, " (expected alpha, beta or gamma)");
      }
      return Fail(offset, message);
    }
    if (slot->has_value()) {
      return Fail(offset, absl::StrCat("duplicate name ", QuotedPiece(name)));
    }
    const size_t value_offset = value_text.empty() ? offset + equals + 1 : Offset(value_text);
    if (value_text.empty()) {
      return Fail(value_offset, absl::StrCat("missing value for ", QuotedPiece(name)));
    }
    double value = 0;
    const bool parsed = absl::SimpleAtod(value_text, &value);
    // "inf"/"nan" are numbers to SimpleAtod but not finite; hex and other spellings are refused.
    if (!parsed || (!IsDecimalNumber(AsStd(value_text)) && std::isfinite(value))) {
      return Fail(value_offset, absl::StrCat("value ", QuotedPiece(value_text), " for ",
                                             QuotedPiece(name), " is not a number"));
    }
    if (!std::isfinite(value)) {
      return Fail(value_offset, absl::StrCat("value ", QuotedPiece(value_text), " for ",
                                             QuotedPiece(name), " must be finite"));
    }
    if (value < 0) {
      return Fail(value_offset, absl::StrCat("value ", QuotedPiece(value_text), " for ",
                                             QuotedPiece(name), " must not be negative"));
    }
    // -0 would otherwise print as "-0" and change the version for the same behaviour.
    *slot = value == 0 ? 0.0 : value;
    return true;
  }

  static std::optional<double>* Slot(absl::string_view name, BlendOverride& result) {
    if (name == "alpha") return &result.alpha;
    if (name == "beta") return &result.beta;
    if (name == "gamma") return &result.gamma;
    return nullptr;
  }

  absl::string_view text_;
  absl::string_view entry_;
  size_t entry_offset_ = 0;
  std::vector<std::string>& errors_;
};

}  // namespace

absl::StatusOr<BlendOverrides> ParseBlendOverrides(std::string_view input) {
  const absl::string_view text = AsAbsl(input);
  BlendOverrides result;
  if (absl::StripAsciiWhitespace(text).empty()) return result;
  std::vector<std::string> errors;
  // "experiment/variant" -> offset of its first entry
  absl::flat_hash_map<std::pair<std::string, std::string>, size_t> first_offset;
  for (const absl::string_view entry : absl::StrSplit(text, ';')) {
    EntryParser parser(text, entry, errors);
    std::optional<BlendOverride> parsed = parser.Parse();
    if (!parsed) continue;
    const auto [it, inserted] = first_offset.try_emplace(
        std::make_pair(parsed->experiment, parsed->variant), parser.entry_offset());
    if (!inserted) {
      errors.push_back(absl::StrCat(AsAbsl(kBlendOverridesEnv), ": offset ", parser.entry_offset(),
                                    " in entry ", QuotedPiece(absl::StripAsciiWhitespace(entry)),
                                    ": duplicate entry for ",
                                    Quoted(absl::StrCat(parsed->experiment, "/", parsed->variant)),
                                    " (first at offset ", it->second, ")"));
      continue;
    }
    result.push_back(*std::move(parsed));
  }
  if (!errors.empty()) return absl::InvalidArgumentError(absl::StrJoin(errors, "\n"));
  return result;
}

std::string CanonicalBlendOverrides(const BlendOverrides& overrides) {
  std::vector<const BlendOverride*> sorted;
  for (const BlendOverride& o : overrides) sorted.push_back(&o);
  std::stable_sort(
      sorted.begin(), sorted.end(), [](const BlendOverride* a, const BlendOverride* b) {
        return std::tie(a->experiment, a->variant) < std::tie(b->experiment, b->variant);
      });
  return absl::StrJoin(sorted, ";", [](std::string* out, const BlendOverride* o) {
    absl::StrAppend(out, o->experiment, "/", o->variant, ":");
    const std::array<std::pair<std::string_view, const std::optional<double>*>, 3> values = {
        {{"alpha", &o->alpha}, {"beta", &o->beta}, {"gamma", &o->gamma}}};
    bool first = true;
    for (const auto& [name, value] : values) {
      if (!value->has_value()) continue;
      absl::StrAppend(out, first ? "" : ",", AsAbsl(name), "=", FormatNumber(**value));
      first = false;
    }
  });
}

}  // namespace assignd::config
