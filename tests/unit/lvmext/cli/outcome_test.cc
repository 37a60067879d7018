// The one place that turns a run's report into its exit status, JSON result,
// error kind and advice.
#include "lvmext/cli/outcome.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "lvmext/cli/exit_status.h"

namespace lvmrevert::lvmext {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

Report With(Status status, bool device_written = false) {
  Report r;
  r.status = std::move(status);
  r.device_written = device_written;
  return r;
}

TEST(OutcomeTest, SuccessKeepsItsResult) {
  Report r = With(Status::Ok());
  r.result = Result::kDryRun;
  const Outcome o = DecideOutcome(r);
  EXPECT_EQ(o.exit_status, kExitDone);
  EXPECT_EQ(o.result, "dry-run");
  EXPECT_EQ(o.error_kind, "");
  EXPECT_THAT(o.advice, IsEmpty());
}

// An I/O error before any write is a refusal: exit 4 and "refused" alike.
TEST(OutcomeTest, ReadErrorBeforeAnyWriteIsRefusedEverywhere) {
  const Outcome o = DecideOutcome(With(Status::IOError("reading the store: Input/output error")));
  EXPECT_EQ(o.exit_status, kExitRefused);
  EXPECT_EQ(o.result, "refused");
  EXPECT_EQ(o.error_kind, "refused");
  EXPECT_EQ(o.error, "reading the store: Input/output error");
  EXPECT_THAT(o.advice, IsEmpty());
}

TEST(OutcomeTest, FailureWhileWritingIsFailedWithTheRerunAdvice) {
  const Outcome o = DecideOutcome(With(Status::Incomplete("writing: No space left"), true));
  EXPECT_EQ(o.exit_status, kExitFailedWriting);
  EXPECT_EQ(o.result, "failed");
  EXPECT_EQ(o.error_kind, "failed");
  EXPECT_THAT(o.advice, ElementsAre("the origin is partly reverted; once the cause is fixed, "
                                    "running the same command again completes the revert"));
}

TEST(OutcomeTest, CompareThatDiffersExitsOne) {
  Report r = With(Status::Ok());
  r.result = Result::kCompared;
  r.compare = CompareResult{};
  r.compare->differing_chunks = 2;
  EXPECT_EQ(DecideOutcome(r).exit_status, kExitDiffers);
  EXPECT_EQ(DecideOutcome(r).result, "compared");
  r.compare->differing_chunks = 0;
  EXPECT_EQ(DecideOutcome(r).exit_status, kExitDone);
}

TEST(OutcomeTest, LostOutputIsNeverASuccess) {
  const Outcome dry = DecideOutcome(With(Status::Ok()), "standard output: No space left on device");
  EXPECT_EQ(dry.exit_status, kExitRefused);
  EXPECT_EQ(dry.error_kind, "refused");
  EXPECT_THAT(dry.error, HasSubstr("; nothing was written to any device"));
  const Outcome written = DecideOutcome(With(Status::Ok(), true), "standard output: Broken pipe");
  EXPECT_EQ(written.exit_status, kExitFailedWriting);
  EXPECT_EQ(written.error_kind, "failed");
  // A failure already reported stays what it was.
  EXPECT_EQ(DecideOutcome(With(Status::Refused("no"), false), "standard output").exit_status,
            kExitRefused);
}

TEST(OutcomeTest, BadCommandLineIsThree) {
  const Outcome o = BadCommandLine("unknown option --cwo (see --help)");
  EXPECT_EQ(o.exit_status, kExitBadCommandLine);
  EXPECT_EQ(o.result, "bad-command-line");
  EXPECT_EQ(o.error_kind, "bad-command-line");
  EXPECT_EQ(ExitStatusFor(Status::Ok()), 0);
  EXPECT_EQ(ExitStatusFor(Status::Incomplete("x")), 5);
  EXPECT_EQ(ExitStatusFor(Status::Corruption("x")), 4);
}

}  // namespace
}  // namespace lvmrevert::lvmext
