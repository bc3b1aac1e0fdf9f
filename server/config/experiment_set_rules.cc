#include "server/config/experiment_set_rules.h"

#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"

namespace assignd::config {

void CheckExperimentSet(const std::vector<ExperimentEntry>& entries, ErrorList& errors) {
  absl::flat_hash_map<std::string, const ExperimentEntry*> by_key;
  // namespace -> the active experiment serving it and where it says so
  absl::flat_hash_map<std::string, std::pair<const ExperimentEntry*, yaml::Mark>> server;
  for (const ExperimentEntry& entry : entries) {
    const std::string& key = entry.experiment.key;
    if (entry.has_key) {
      const auto [it, inserted] = by_key.try_emplace(key, &entry);
      if (!inserted) {
        errors.Add(entry.key_mark,
                   absl::StrCat("duplicate experiment key ", Quoted(key), " (first at line ",
                                it->second->key_mark.line + 1, ")"));
      }
    }
    if (!entry.experiment.active) continue;
    for (size_t i = 0; i < entry.experiment.namespaces.size(); ++i) {
      const std::string& ns = entry.experiment.namespaces[i];
      const yaml::Mark& mark = entry.namespace_marks[i];
      const auto [it, inserted] = server.try_emplace(ns, &entry, mark);
      if (!inserted) {
        const auto& [first, first_mark] = it->second;
        errors.Add(mark, absl::StrCat("active experiments ", Quoted(first->experiment.key),
                                      " (line ", first_mark.line + 1, ") and ", Quoted(key),
                                      " both serve namespace ", Quoted(ns)));
      }
    }
  }
}

}  // namespace assignd::config
