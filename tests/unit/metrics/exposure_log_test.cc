// The exposure log: queue semantics, the JSON line, user keys (against RFC 4231's HMAC-SHA256
// vector), sampling, and the writer under concurrent producers with a queue small enough to drop.
#include "server/exposure_log/exposure_log.h"

#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "prometheus/registry.h"
#include "server/exposure_log/bounded_queue.h"
#include "server/exposure_log/json_line.h"
#include "server/exposure_log/user_key.h"

namespace assignd::exposure_log {
namespace {

TEST(BoundedQueueTest, FifoAndFailsWhenFull) {
  BoundedQueue<int> queue(3, [](int& slot) { slot = 0; });  // rounded up to 4
  EXPECT_EQ(queue.capacity(), 4u);
  for (int i = 1; i <= 4; ++i) EXPECT_TRUE(queue.TryPush([i](int& slot) { slot = i; }));
  bool called = false;
  EXPECT_FALSE(queue.TryPush([&](int&) { called = true; }));
  EXPECT_FALSE(called);
  int value = 0;
  EXPECT_TRUE(queue.TryPop([&](int& slot) { value = slot; }));
  EXPECT_EQ(value, 1);
  EXPECT_TRUE(queue.TryPush([](int& slot) { slot = 5; }));  // a freed slot is reused
  std::vector<int> rest;
  while (queue.TryPop([&](int& slot) { rest.push_back(slot); })) {
  }
  EXPECT_THAT(rest, ::testing::ElementsAre(2, 3, 4, 5));
}

TEST(BoundedQueueTest, SlotsKeepWhatInitPrepared) {
  BoundedQueue<std::string> queue(4, [](std::string& slot) { slot.reserve(256); });
  for (int round = 0; round < 3; ++round) {
    for (int i = 0; i < 4; ++i) {
      EXPECT_TRUE(queue.TryPush([](std::string& slot) {
        EXPECT_GE(slot.capacity(), 256u);  // filling up to 256 bytes allocates nothing
        slot.assign(200, 'x');
      }));
    }
    while (queue.TryPop([](std::string& slot) { EXPECT_EQ(slot.size(), 200u); })) {
    }
  }
}

TEST(JsonLineTest, FormatsOneObjectPerLine) {
  std::string out;
  AppendJsonLine({.unix_nanos = 1714564800123456789,
                  .ns = "default",
                  .experiment = "blend_weights_v2",
                  .variant = "challenger_a",
                  .reason = "assigned",
                  .in_experiment = true,
                  .config_version = "3f1c0a9b2d4e5f60",
                  .user_field = "user_id",
                  .user_value = "we\"ird\\id\n\x01"},
                 out);
  EXPECT_EQ(out,
            "{\"ts\":\"2024-05-01T12:00:00.123456789Z\",\"namespace\":\"default\","
            "\"experiment\":\"blend_weights_v2\",\"variant\":\"challenger_a\",\"reason\":"
            "\"assigned\",\"in_experiment\":true,\"config_version\":\"3f1c0a9b2d4e5f60\","
            "\"user_id\":\"we\\\"ird\\\\id\\n\\u0001\"}\n");
}

TEST(UserKeyTest, IsTruncatedHmacSha256) {
  // RFC 4231 test case 2: HMAC-SHA256(key "Jefe", "what do ya want for nothing?").
  EXPECT_EQ(HashedUserKey("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c7");
  EXPECT_EQ(HashedUserKey("salt", "user-1").size(), 32u);
  EXPECT_NE(HashedUserKey("salt", "user-1"), HashedUserKey("other", "user-1"));
  EXPECT_EQ(HashedUserKey("", "u").size(), 32u);
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string TempPath(const std::string& name) {
  char dir[] = "/tmp/assignd-exposure-log-XXXXXX";
  EXPECT_NE(mkdtemp(dir), nullptr);
  return absl::StrCat(dir, "/", name);
}

class ExposureLogTest : public ::testing::Test {
 protected:
  prometheus::Registry registry_;
  prometheus::Counter& written_ =
      prometheus::BuildCounter().Name("written_total").Register(registry_).Add({});
  prometheus::Counter& dropped_ =
      prometheus::BuildCounter().Name("dropped_total").Register(registry_).Add({});
};

TEST_F(ExposureLogTest, WritesEveryRecordOnClose) {
  ExposureLogOptions options;
  options.path = TempPath("exposures.jsonl");
  options.salt = "s3cret";
  absl::StatusOr<std::unique_ptr<ExposureLog>> log = ExposureLog::Open(options, written_, dropped_);
  ASSERT_TRUE(log.ok()) << log.status();
  for (int i = 0; i < 100; ++i) {
    (*log)->Record({.ns = "default",
                    .experiment = "exp",
                    .variant = i % 2 ? "treat" : "control",
                    .reason = "assigned",
                    .in_experiment = true,
                    .config_version = "v1",
                    .user_id = absl::StrCat("user-", i)});
  }
  (*log)->Close();
  const std::vector<std::string> lines =
      absl::StrSplit(ReadAll(options.path), '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 100u);
  EXPECT_EQ(written_.Value(), 100);
  EXPECT_EQ(dropped_.Value(), 0);
  EXPECT_THAT(lines[3], ::testing::HasSubstr(absl::StrCat(
                            "\"variant\":\"treat\",\"reason\":\"assigned\",\"in_experiment\":true,"
                            "\"config_version\":\"v1\",\"user_key\":\"",
                            HashedUserKey("s3cret", "user-3"), "\"}")));
  EXPECT_THAT(lines[3], ::testing::Not(::testing::HasSubstr("user-3")));
}

TEST_F(ExposureLogTest, RawModeAndFallbacks) {
  ExposureLogOptions options;
  options.path = TempPath("raw.jsonl");
  options.user_key = UserKeyMode::kRaw;
  absl::StatusOr<std::unique_ptr<ExposureLog>> log = ExposureLog::Open(options, written_, dropped_);
  ASSERT_TRUE(log.ok()) << log.status();
  EXPECT_TRUE((*log)->Wants(true, "u"));
  EXPECT_FALSE((*log)->Wants(false, "u"));  // fallbacks are off by default
  (*log)->Record({.ns = "n",
                  .experiment = "e",
                  .variant = "v",
                  .reason = "assigned",
                  .in_experiment = true,
                  .config_version = "c",
                  .user_id = "user-42"});
  (*log)->Close();
  EXPECT_THAT(ReadAll(options.path), ::testing::HasSubstr("\"user_id\":\"user-42\"}\n"));

  options.include_fallbacks = true;
  options.path = TempPath("fallbacks.jsonl");
  log = ExposureLog::Open(options, written_, dropped_);
  ASSERT_TRUE(log.ok());
  EXPECT_TRUE((*log)->Wants(false, "u"));
}

TEST_F(ExposureLogTest, SamplesByUser) {
  ExposureLogOptions options;
  options.path = TempPath("sampled.jsonl");
  options.sample_rate = 0.25;
  absl::StatusOr<std::unique_ptr<ExposureLog>> log = ExposureLog::Open(options, written_, dropped_);
  ASSERT_TRUE(log.ok());
  int kept = 0;
  for (int i = 0; i < 20000; ++i) {
    const std::string user = absl::StrCat("user-", i);
    const bool wants = (*log)->Wants(true, user);
    EXPECT_EQ(wants, (*log)->Wants(true, user));  // the same user, the same decision
    kept += wants;
  }
  EXPECT_NEAR(kept, 5000, 5 * 61);  // binomial sd sqrt(20000 * 0.25 * 0.75) = 61
}

TEST_F(ExposureLogTest, ConcurrentProducersNeverBlockAndEveryRecordIsAccounted) {
  ExposureLogOptions options;
  options.path = TempPath("busy.jsonl");
  options.queue_capacity = 256;  // small: some records must be dropped
  options.idle_wait = absl::Microseconds(100);
  absl::StatusOr<std::unique_ptr<ExposureLog>> log = ExposureLog::Open(options, written_, dropped_);
  ASSERT_TRUE(log.ok());
  constexpr int kThreads = 4;
  constexpr int kPerThread = 20000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        const std::string user = absl::StrCat("t", t, "-", i);
        (*log)->Record({.ns = "n",
                        .experiment = "e",
                        .variant = "v",
                        .reason = "assigned",
                        .in_experiment = true,
                        .config_version = "c",
                        .user_id = user});
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  (*log)->Close();
  const std::vector<std::string> lines =
      absl::StrSplit(ReadAll(options.path), '\n', absl::SkipEmpty());
  std::printf("queue 256, %d records from %d threads: %zu written, %.0f dropped\n",
              kThreads * kPerThread, kThreads, lines.size(), dropped_.Value());
  EXPECT_EQ(static_cast<double>(lines.size()), written_.Value());
  EXPECT_EQ(written_.Value() + dropped_.Value(), kThreads * kPerThread);
  for (const std::string& line : lines) {
    ASSERT_EQ(line.front(), '{');
    ASSERT_EQ(line.back(), '}');
  }
}

// A paced producer (it waits for each batch to be written) never loses a record: the writer keeps
// draining a queue much smaller than the total.
TEST_F(ExposureLogTest, WriterKeepsDrainingASmallQueue) {
  ExposureLogOptions options;
  options.path = TempPath("paced.jsonl");
  options.queue_capacity = 64;
  options.idle_wait = absl::Milliseconds(1);
  absl::StatusOr<std::unique_ptr<ExposureLog>> log = ExposureLog::Open(options, written_, dropped_);
  ASSERT_TRUE(log.ok());
  constexpr int kBatches = 50;
  constexpr int kBatch = 32;
  for (int b = 0; b < kBatches; ++b) {
    for (int i = 0; i < kBatch; ++i) {
      const std::string user = absl::StrCat("user-", b, "-", i);
      (*log)->Record({.ns = "n",
                      .experiment = "e",
                      .variant = "v",
                      .reason = "assigned",
                      .in_experiment = true,
                      .config_version = "c",
                      .user_id = user});
    }
    const absl::Time deadline = absl::Now() + absl::Seconds(10);
    while (written_.Value() < (b + 1) * kBatch && absl::Now() < deadline) {
      absl::SleepFor(absl::Microseconds(200));
    }
  }
  (*log)->Close();
  EXPECT_EQ(written_.Value(), kBatches * kBatch);
  EXPECT_EQ(dropped_.Value(), 0);
  const std::vector<std::string> lines =
      absl::StrSplit(ReadAll(options.path), '\n', absl::SkipEmpty());
  EXPECT_EQ(lines.size(), static_cast<size_t>(kBatches * kBatch));
}

TEST_F(ExposureLogTest, BadOptionsAreRefused) {
  ExposureLogOptions options;
  options.path = "/nonexistent-dir/x.jsonl";
  EXPECT_EQ(ExposureLog::Open(options, written_, dropped_).status().code(),
            absl::StatusCode::kUnavailable);
  options.path = TempPath("x.jsonl");
  options.sample_rate = 0;
  EXPECT_EQ(ExposureLog::Open(options, written_, dropped_).status().code(),
            absl::StatusCode::kInvalidArgument);
  options.sample_rate = 1.5;
  EXPECT_EQ(ValidateExposureLogOptions(options).code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace assignd::exposure_log
