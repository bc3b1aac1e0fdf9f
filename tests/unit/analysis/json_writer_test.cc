#include "client/analysis/json_writer.h"

#include <cmath>

#include "gtest/gtest.h"

namespace assignd::analysis {
namespace {

TEST(JsonWriter, NestedValuesEscapingAndNonFiniteAsNull) {
  JsonWriter w;
  w.BeginObject();
  w.Field("name", "a \"quoted\"\\path\n\x01");
  w.Field("n", int64_t{-3}).Field("x", 0.1).Field("big", 336101.3698).Field("ok", true);
  w.Key("nan").Number(NAN);
  w.Key("inf").Number(INFINITY);
  w.Key("list").BeginArray().Number(1.5).String("s").Null().EndArray();
  w.Key("empty").BeginObject().EndObject();
  w.EndObject();
  EXPECT_EQ(w.str(),
            "{\n"
            "  \"name\": \"a \\\"quoted\\\"\\\\path\\n\\u0001\",\n"
            "  \"n\": -3,\n"
            "  \"x\": 0.1,\n"
            "  \"big\": 336101.3698,\n"
            "  \"ok\": true,\n"
            "  \"nan\": null,\n"
            "  \"inf\": null,\n"
            "  \"list\": [\n"
            "    1.5,\n"
            "    \"s\",\n"
            "    null\n"
            "  ],\n"
            "  \"empty\": {}\n"
            "}");
}

TEST(JsonWriter, NumbersRoundTrip) {
  const double x = 0.0502561922705758;
  JsonWriter w;
  w.Number(x);
  EXPECT_EQ(std::stod(w.str()), x);
}

}  // namespace
}  // namespace assignd::analysis
