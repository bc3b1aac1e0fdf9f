#include "server/config/experiment_reader.h"

#include <algorithm>
#include <array>
#include <optional>
#include <string>
#include <string_view>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "server/config/variant_reader.h"
#include "server/config/yaml_fields.h"
#include "server/core/absl_string_view.h"
#include "server/core/assign.h"
#include "server/core/growthbook_hash.h"

namespace assignd::config {
namespace {

constexpr std::array<std::string_view, 10> kExperimentKeys = {
    "key",  "namespaces",       "ramp_percent", "kill_switch",        "active",
    "seed", "fallback_variant", "variants",     "allow_reassignment", "overrides"};

bool IsKeyChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '.' || c == '-';
}

void ReadKey(const Field& field, ExperimentEntry& entry, ErrorList& errors) {
  std::optional<std::string> key = ReadString(field, errors);
  if (!key) return;
  entry.experiment.key = *key;
  entry.key_mark = field.mark();
  if (key->empty()) {
    errors.Add(field.mark(), "key must not be empty");
  } else if (!std::all_of(key->begin(), key->end(), IsKeyChar)) {
    errors.Add(field.mark(), absl::StrCat("key ", Quoted(*key),
                                          " may contain only letters, digits, '_', '.' and '-'"));
  } else {
    entry.has_key = true;
  }
}

void ReadNamespaces(const Field& field, ExperimentEntry& entry, ErrorList& errors) {
  if (!field.value.IsSequence()) {
    errors.Add(field.mark(),
               absl::StrCat("namespaces must be a list, got ", Describe(field.value)));
    return;
  }
  if (field.value.size() == 0) {
    errors.Add(field.mark(), "namespaces must not be empty");
    return;
  }
  absl::flat_hash_set<std::string> seen;
  for (const yaml::Node item : field.value.SequenceItems()) {
    const Field ns_field{"namespace", item, item.GetMark()};
    std::optional<std::string> ns = ReadString(ns_field, errors);
    if (!ns) continue;
    if (const absl::Status valid = core::ValidateNamespace(*ns); !valid.ok()) {
      errors.Add(ns_field.mark(),
                 absl::StrCat("invalid namespace ", Quoted(*ns), ": ", valid.message()));
      continue;
    }
    if (!seen.insert(*ns).second) {
      errors.Add(ns_field.mark(), absl::StrCat("duplicate namespace ", Quoted(*ns)));
      continue;
    }
    entry.experiment.namespaces.push_back(*std::move(ns));
    entry.namespace_marks.push_back(ns_field.mark());
  }
}

void ReadRamp(const Field& field, core::Experiment& experiment, ErrorList& errors) {
  const std::optional<double> ramp = ReadNumber(field, errors);
  if (!ramp) return;
  if (*ramp < 0 || *ramp > 100) {
    errors.Add(field.mark(),
               absl::StrCat("ramp_percent must be within 0..100, got ", Describe(field.value)));
    return;
  }
  experiment.ramp_percent = *ramp;
}

void ReadSeed(const Field& field, core::Experiment& experiment, ErrorList& errors) {
  std::optional<std::string> seed = ReadString(field, errors);
  if (!seed) return;
  if (seed->empty()) {
    errors.Add(field.mark(), "seed must not be empty");
  } else if (!core::IsValidUtf8(*seed)) {
    errors.Add(field.mark(), "seed must be valid UTF-8");
  } else {
    experiment.seed_template = *std::move(seed);
  }
}

void ReadOptionalBool(const MapFields& map, std::string_view name, bool& out, ErrorList& errors) {
  const Field* field = map.Find(name);
  if (field == nullptr) return;
  if (const std::optional<bool> value = ReadBool(*field, errors)) out = *value;
}

std::string VariantList(const std::vector<core::Variant>& variants) {
  return absl::StrJoin(variants, ", ", [](std::string* out, const core::Variant& v) {
    out->append(Quoted(v.name));
  });
}

// Index of the variant called `name`, or reports "<what> names unknown variant ..." at `mark`.
std::optional<int> VariantIndex(const std::vector<core::Variant>& variants, std::string_view name,
                                const yaml::Mark& mark, std::string_view what, ErrorList& errors) {
  for (size_t i = 0; i < variants.size(); ++i) {
    if (!name.empty() && variants[i].name == name) return static_cast<int>(i);
  }
  errors.Add(mark, absl::StrCat(AsAbsl(what), " names unknown variant ", Quoted(name),
                                " (variants: ", VariantList(variants), ")"));
  return std::nullopt;
}

// `overrides: {user id: variant name}`. An empty value means none, so that commenting out every
// entry below `overrides:` is not an error.
void ReadOverrides(const Field& field, const std::vector<core::Variant>* variants,
                   core::Experiment& experiment, ErrorList& errors) {
  if (field.value.IsNull()) return;
  if (!field.value.IsMap()) {
    errors.Add(field.mark(), absl::StrCat("overrides must be a map of user id to variant, got ",
                                          Describe(field.value)));
    return;
  }
  absl::flat_hash_map<std::string, int> first_line;
  for (const yaml::Entry entry : field.value.MapEntries()) {
    const Field user_field{"override user id", entry.first, entry.first.GetMark()};
    const Field variant_field{"override variant", entry.second, entry.first.GetMark()};
    const std::optional<std::string> user = ReadString(user_field, errors);
    const std::optional<std::string> variant = ReadString(variant_field, errors);
    if (!user) continue;
    if (const absl::Status valid = core::ValidateUserId(*user); !valid.ok()) {
      errors.Add(user_field.mark(),
                 absl::StrCat("invalid override user id ", Quoted(*user), ": ", valid.message()));
      continue;
    }
    const auto [seen, inserted] = first_line.try_emplace(*user, user_field.mark().line + 1);
    if (!inserted) {
      errors.Add(user_field.mark(), absl::StrCat("duplicate override for user ", Quoted(*user),
                                                 " (first at line ", seen->second, ")"));
      continue;
    }
    if (!variant || variants == nullptr) continue;
    const std::optional<int> index =
        VariantIndex(*variants, *variant, variant_field.mark(),
                     absl::StrCat("override for user ", Quoted(*user)), errors);
    if (index) experiment.overrides[*user] = *index;
  }
}

}  // namespace

ExperimentEntry ReadExperiment(const yaml::Node& node, ErrorList& errors) {
  ExperimentEntry entry;
  core::Experiment& experiment = entry.experiment;
  const std::optional<MapFields> map = MapFields::Read(node, "experiment", kExperimentKeys, errors);
  if (!map) return entry;

  if (const Field* field = map->Require("key", errors)) ReadKey(*field, entry, errors);
  if (const Field* field = map->Require("namespaces", errors)) {
    ReadNamespaces(*field, entry, errors);
  }
  if (const Field* field = map->Require("ramp_percent", errors)) {
    ReadRamp(*field, experiment, errors);
  }
  ReadOptionalBool(*map, "kill_switch", experiment.kill_switch, errors);
  ReadOptionalBool(*map, "active", experiment.active, errors);
  ReadOptionalBool(*map, "allow_reassignment", experiment.allow_reassignment, errors);
  if (const Field* field = map->Find("seed")) ReadSeed(*field, experiment, errors);

  // Cross-references to variant names are only checked when the list itself was readable and
  // not empty; otherwise every reference would be reported as unknown on top of the real problem.
  const std::vector<core::Variant>* known_variants = nullptr;
  if (const Field* field = map->Require("variants", errors)) {
    if (std::optional<std::vector<core::Variant>> variants = ReadVariants(*field, errors)) {
      experiment.variants = *std::move(variants);
      if (!experiment.variants.empty()) known_variants = &experiment.variants;
    }
  }
  if (const Field* field = map->Require("fallback_variant", errors)) {
    const std::optional<std::string> name = ReadString(*field, errors);
    if (name && known_variants != nullptr) {
      experiment.fallback_index =
          VariantIndex(*known_variants, *name, field->mark(), "fallback_variant", errors)
              .value_or(0);
    }
  }
  if (const Field* field = map->Find("overrides")) {
    ReadOverrides(*field, known_variants, experiment, errors);
  }
  return entry;
}

}  // namespace assignd::config
