#include "server/app/heap_trim_collectable.h"

#include "absl/time/time.h"
#include "server/app/memory_reclaimer.h"

namespace assignd::app {

std::vector<prometheus::MetricFamily> HeapTrimCollectable::Collect() const {
  // A scrape of a large config takes well under a second to serialize and send.
  MemoryReclaimer::Get().TrimAfter(absl::Seconds(1));
  return {};
}

}  // namespace assignd::app
