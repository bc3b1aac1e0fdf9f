// Sample size, power and detectable lift of the two-proportion z-test against SciPy.
#include "client/analysis/power.h"

#include <cmath>

#include "gtest/gtest.h"
#include "tests/unit/analysis/reference_cases.h"

namespace assignd::analysis {
namespace {

using testing::Close;
using testing::ReferenceCases;

TEST(Power, SampleSizeMatchesScipy) {
  for (const auto& c : ReferenceCases("power_n")) {
    absl::StatusOr<double> n =
        SampleSizePerArm({c.In("p1"), c.In("lift"), c.In("alpha")}, c.In("power"));
    ASSERT_TRUE(n.ok()) << n.status();
    EXPECT_TRUE(Close(*n, c.Out("n"))) << c.name;
  }
}

TEST(Power, PowerAtSampleSizeMatchesScipy) {
  for (const auto& c : ReferenceCases("power_at")) {
    absl::StatusOr<double> p =
        PowerAtSampleSize({c.In("p1"), c.In("lift"), c.In("alpha")}, c.In("n"));
    ASSERT_TRUE(p.ok()) << p.status();
    EXPECT_TRUE(Close(*p, c.Out("power"))) << c.name;
  }
}

TEST(Power, DetectableLiftMatchesScipyBrentq) {
  for (const auto& c : ReferenceCases("detectable")) {
    absl::StatusOr<double> lift =
        DetectableRelativeLift({c.In("p1"), 0, c.In("alpha")}, c.In("n"), c.In("power"));
    ASSERT_TRUE(lift.ok()) << lift.status();
    EXPECT_TRUE(Close(*lift, c.Out("lift"))) << c.name;
  }
}

TEST(Power, ThePlansExample) {
  // Baseline CTR 5%, +3% relative, alpha 0.05, power 0.8: 336,102 per arm (rounded up).
  absl::StatusOr<double> n = SampleSizePerArm({0.05, 0.03, 0.05}, 0.8);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(std::ceil(*n), 336102);
  // And the inverse gives back the lift.
  absl::StatusOr<double> lift = DetectableRelativeLift({0.05, 0, 0.05}, *n, 0.8);
  ASSERT_TRUE(lift.ok());
  EXPECT_TRUE(Close(*lift, 0.03, 1e-9));
}

TEST(Power, RejectsBadInputsNamingThem) {
  EXPECT_NE(SampleSizePerArm({0.0, 0.03, 0.05}, 0.8).status().message().find("baseline rate"),
            std::string::npos);
  EXPECT_NE(SampleSizePerArm({0.05, 0.0, 0.05}, 0.8).status().message().find("relative lift"),
            std::string::npos);
  EXPECT_NE(SampleSizePerArm({0.6, 1.0, 0.05}, 0.8).status().message().find("relative lift"),
            std::string::npos);  // p2 = 1.2
  EXPECT_NE(SampleSizePerArm({0.05, 0.03, 1.5}, 0.8).status().message().find("alpha"),
            std::string::npos);
  EXPECT_NE(SampleSizePerArm({0.05, 0.03, 0.05}, 1.0).status().message().find("power"),
            std::string::npos);
  EXPECT_FALSE(PowerAtSampleSize({0.05, 0.03, 0.05}, 0).ok());
  EXPECT_FALSE(DetectableRelativeLift({0.05, 0, 0.05}, -5, 0.8).ok());
  // Ten units cannot detect anything with p2 < 1 at 99.99% power.
  EXPECT_EQ(DetectableRelativeLift({0.5, 0, 0.05}, 10, 0.9999).status().code(),
            absl::StatusCode::kOutOfRange);
}

}  // namespace
}  // namespace assignd::analysis
