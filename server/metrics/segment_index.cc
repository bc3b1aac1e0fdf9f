#include "server/metrics/segment_index.h"

namespace assignd::metrics {

SegmentIndex::SegmentIndex(const std::vector<core::Segment>& segments) {
  segments_.reserve(segments.size());
  for (const core::Segment& segment : segments) {
    Entry entry;
    entry.attribute = segment.attribute;
    for (const std::string& value : segment.values) {
      entry.value_slots.emplace(value, slot_labels_.size());
      slot_labels_.emplace_back(segment.attribute, value);
    }
    entry.other_slot = slot_labels_.size();
    slot_labels_.emplace_back(segment.attribute, std::string(core::Segment::kOtherValue));
    segments_.push_back(std::move(entry));
  }
  slot_count_ = slot_labels_.size();
}

}  // namespace assignd::metrics
