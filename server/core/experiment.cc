#include "server/core/experiment.h"

#include "absl/strings/str_replace.h"
#include "server/core/absl_string_view.h"

namespace assignd::core {

std::string SeedFor(const Experiment& experiment, std::string_view ns) {
  return absl::StrReplaceAll(experiment.seed_template,
                             {{"{namespace}", AsAbsl(ns)}, {"{key}", experiment.key}});
}

}  // namespace assignd::core
