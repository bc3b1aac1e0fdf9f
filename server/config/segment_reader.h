#pragma once

#include <cstddef>
#include <vector>

#include "server/config/error_list.h"
#include "server/config/yaml_fields.h"
#include "server/core/experiment.h"

namespace assignd::config {

// Bounds on `segments`, so the label cardinality of assignd_segment_exposures_total stays small:
// per route and variant at most kMaxSegments * (kMaxSegmentValues + 1) series.
inline constexpr size_t kMaxSegments = 8;
inline constexpr size_t kMaxSegmentValues = 20;

// Reads the optional top-level `segments` list:
//   segments:
//     - {attribute: device_type, values: [mobile, desktop, tablet]}
// Attribute names and values match [A-Za-z0-9_.-]{1,64}; "other" is not an allowed value (it is
// the bucket for everything else); attributes and values are unique; both lists are bounded (see
// above). An empty value means no segments. Reports every problem to `errors`; the result is only
// meaningful when none was reported.
std::vector<core::Segment> ReadSegments(const Field& field, ErrorList& errors);

}  // namespace assignd::config
