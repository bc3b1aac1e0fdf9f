#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "server/core/experiment.h"

namespace assignd::metrics {

// The config's segments laid out as slots, one per (segment, allowed value) plus one `other` slot
// per segment, so the request path maps an attribute value to a counter with one hash lookup and
// no allocation. Built once per config load.
class SegmentIndex {
 public:
  explicit SegmentIndex(const std::vector<core::Segment>& segments);

  size_t segment_count() const { return segments_.size(); }
  const std::string& attribute(size_t segment) const { return segments_[segment].attribute; }
  // Total slots over all segments (each segment's values plus its `other`).
  size_t slot_count() const { return slot_count_; }

  // The slot of `value` (nullptr = attribute absent) for `segment`: its allowed value's slot, or
  // the segment's `other` slot.
  size_t Slot(size_t segment, const std::string* value) const {
    const Entry& entry = segments_[segment];
    if (value != nullptr) {
      const auto it = entry.value_slots.find(absl::string_view(*value));
      if (it != entry.value_slots.end()) return it->second;
    }
    return entry.other_slot;
  }

  // The (attribute, value) labels of every slot, by slot number.
  const std::vector<std::pair<std::string, std::string>>& slot_labels() const {
    return slot_labels_;
  }

 private:
  struct Entry {
    std::string attribute;
    absl::flat_hash_map<std::string, size_t> value_slots;
    size_t other_slot = 0;
  };
  std::vector<Entry> segments_;
  std::vector<std::pair<std::string, std::string>> slot_labels_;
  size_t slot_count_ = 0;
};

}  // namespace assignd::metrics
