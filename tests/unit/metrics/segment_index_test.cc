#include "server/metrics/segment_index.h"

#include <string>
#include <utility>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace assignd::metrics {
namespace {

using ::testing::ElementsAre;
using ::testing::Pair;

TEST(SegmentIndexTest, SlotsPerValuePlusOther) {
  const SegmentIndex index({{"device_type", {"mobile", "desktop"}}, {"user_type", {"new"}}});
  ASSERT_EQ(index.segment_count(), 2u);
  EXPECT_EQ(index.attribute(1), "user_type");
  EXPECT_EQ(index.slot_count(), 5u);
  EXPECT_THAT(index.slot_labels(),
              ElementsAre(Pair("device_type", "mobile"), Pair("device_type", "desktop"),
                          Pair("device_type", "other"), Pair("user_type", "new"),
                          Pair("user_type", "other")));
  const std::string mobile = "mobile";
  const std::string desktop = "desktop";
  const std::string fridge = "fridge";
  const std::string fresh = "new";
  EXPECT_EQ(index.Slot(0, &mobile), 0u);
  EXPECT_EQ(index.Slot(0, &desktop), 1u);
  EXPECT_EQ(index.Slot(0, &fridge), 2u);  // not allowed -> other
  EXPECT_EQ(index.Slot(0, nullptr), 2u);  // absent -> other
  EXPECT_EQ(index.Slot(0, &fresh), 2u);   // another segment's value -> other
  EXPECT_EQ(index.Slot(1, &fresh), 3u);
  EXPECT_EQ(index.Slot(1, &mobile), 4u);
}

TEST(SegmentIndexTest, NoSegmentsNoSlots) {
  const SegmentIndex index({});
  EXPECT_EQ(index.segment_count(), 0u);
  EXPECT_EQ(index.slot_count(), 0u);
}

}  // namespace
}  // namespace assignd::metrics
