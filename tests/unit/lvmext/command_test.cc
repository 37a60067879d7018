// The whole command in-process on image files: exit codes, messages, and
// that a refusal leaves the origin byte-identical.
#include "lvmext/command.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <fcntl.h>

#include <csignal>
#include <unistd.h>

#include <cstring>
#include <deque>
#include <sstream>

#include "core/backup_store.h"
#include "core/endian.h"
#include "core/psync_engine.h"
#include "core/uring_engine.h"
#include "lvmext/cli/exit_status.h"
#include "safety/device_number.h"
#include "tests/support/command_fixture.h"
#include "tests/support/fake_engine.h"
#include "tests/support/json_output.h"

namespace lvmrevert::lvmext {
namespace {

using namespace testing_command;  // NOLINT: the fixture and its helpers
using ::testing::Not;
using ::testing::StartsWith;
using lvmrevert::testing::FailingWriteEngine;
using lvmrevert::testing::ThrowingEngine;

// psync, but after the flush one byte of the origin is changed behind the
// copier's back, as a write that did not stick would leave it.
class CorruptAfterFlushEngine final : public IoEngine {
 public:
  explicit CorruptAfterFlushEngine(uint64_t offset) : offset_(offset) {}
  const char* name() const override { return "corrupting"; }
  size_t queue_depth() const override { return 1; }
  Status Submit(const IoRequest& r) override { return inner_.Submit(r); }
  Status Reap(size_t min, std::vector<IoCompletion>* out) override { return inner_.Reap(min, out); }
  Status Flush(int fd) override {
    Status s = inner_.Flush(fd);
    const int buffered = ::open(("/proc/self/fd/" + std::to_string(fd)).c_str(), O_RDWR);
    char byte = '!';
    if (buffered >= 0) {
      (void)::pwrite(buffered, &byte, 1, static_cast<off_t>(offset_));
      ::fsync(buffered);
      ::close(buffered);
    }
    return s;
  }

 private:
  uint64_t offset_;
  PsyncEngine inner_;
};

// A stream buffer that fails every write, as stdout does on /dev/full or a
// closed pipe.
class FailingBuffer final : public std::streambuf {
 protected:
  int_type overflow(int_type) override { return traits_type::eof(); }
  std::streamsize xsputn(const char*, std::streamsize) override { return 0; }
};

class CliTest : public testing_command::OfflineFormTest {
 protected:
  // Each run starts with an output stream that has not failed yet.
  Console MakeConsole() override {
    failing_.clear();
    return Console{out_fails_ ? failing_ : out_, err_fails_ ? failing_ : err_, stdin_is_terminal_,
                   stderr_is_terminal_,
                   [this]() -> std::optional<std::string> {
                     // Ctrl-C at the prompt: the signal ends the read.
                     if (interrupt_at_prompt_) std::raise(SIGINT);
                     return NextAnswer(answers_);
                   },
                   nullptr, nullptr};
  }

  StatusOr<EngineChoice> ChooseEngine(EngineKind kind, unsigned depth) override {
    if (uring_unavailable_ && kind != EngineKind::kPsync) {
      if (kind == EngineKind::kUring) {
        return Status::Refused("io_uring is not available: io_uring_queue_init: Operation not permitted");
      }
      return EngineChoice{std::make_unique<PsyncEngine>(),
                          "io_uring is not available (io_uring_queue_init: Operation not permitted); using psync"};
    }
    if (corrupt_at_) {
      return EngineChoice{std::make_unique<CorruptAfterFlushEngine>(*corrupt_at_), ""};
    }
    if (throw_on_) {
      return EngineChoice{std::make_unique<ThrowingEngine>(*throw_on_), ""};
    }
    if (fail_write_nth_ >= 0) {
      return EngineChoice{std::make_unique<FailingWriteEngine>(fail_write_nth_), ""};
    }
    return MakeEngine(kind, depth);
  }

  // Pretends loop device `name` is bound to `file` (by its device and inode).
  void BindLoop(const std::string& name, const std::string& file) {
    struct stat st {};
    ASSERT_EQ(::stat(file.c_str(), &st), 0);
    view_.loops.push_back({name, makedev(7, static_cast<unsigned>(view_.loops.size())),
                           FileIdentity::File(st.st_dev, st.st_ino), file});
  }

  bool stdin_is_terminal_ = false;
  bool stderr_is_terminal_ = false;
  std::deque<std::string> answers_;
  bool interrupt_at_prompt_ = false;
  int fail_write_nth_ = -1;
  std::optional<IoOp> throw_on_;
  std::optional<uint64_t> corrupt_at_;
  bool uring_unavailable_ = false;
  FailingBuffer failing_buffer_;
  std::ostream failing_{&failing_buffer_};
  bool out_fails_ = false;
  bool err_fails_ = false;
};

// --- command line -----------------------------------------------------------

TEST_F(CliTest, HelpExitsZeroAndListsOptions) {
  EXPECT_EQ(Run({"--help"}), kExitDone);
  EXPECT_THAT(out_.str(), HasSubstr("--cow"));
  EXPECT_THAT(out_.str(), HasSubstr("--dry-run"));
  EXPECT_EQ(err_.str(), "");
}

TEST_F(CliTest, VersionExitsZero) {
  EXPECT_EQ(Run({"--version"}), kExitDone);
  EXPECT_THAT(out_.str(), StartsWith("lvm-revert 0."));
}

TEST_F(CliTest, NoArgumentsIsBadCommandLine) {
  EXPECT_EQ(Run({}), kExitBadCommandLine);
  EXPECT_THAT(err_.str(), HasSubstr("give the origin and its snapshot: VG/LV VG/SNAP"));
}

TEST_F(CliTest, CowWithoutOriginIsBadCommandLine) {
  EXPECT_EQ(Run({"--cow", cow_path_}), kExitBadCommandLine);
  EXPECT_EQ(err_.str(), "lvm-revert: --cow needs --origin PATH as well\n");
  ExpectOriginUnchanged();
}

TEST_F(CliTest, UnknownOptionIsBadCommandLine) {
  EXPECT_EQ(Run(Paths({"--frobnicate"})), kExitBadCommandLine);
  EXPECT_EQ(err_.str(), "lvm-revert: unknown option --frobnicate (see --help)\n");
  ExpectOriginUnchanged();
}

// A typo of a known option names the typo, not what it left missing.
TEST_F(CliTest, TypoOfAnOptionIsNamed) {
  EXPECT_EQ(Run({"--cwo", cow_path_, "--origin", origin_path_, "-y"}), kExitBadCommandLine);
  EXPECT_EQ(err_.str(), "lvm-revert: unknown option --cwo (see --help)\n");
  ExpectOriginUnchanged();
}

TEST_F(CliTest, ExtraArgumentIsNamed) {
  EXPECT_EQ(Run(Paths({"-y", "stray"})), kExitBadCommandLine);
  EXPECT_EQ(err_.str(), "lvm-revert: unexpected argument 'stray': give either VG/LV VG/SNAP or "
                        "--cow and --origin, not both\n");
  EXPECT_EQ(Run({"@t", "c/d"}), kExitBadCommandLine);
  EXPECT_EQ(err_.str(), "lvm-revert: @TAG names a set by itself: give it alone (@t)\n");
  ExpectOriginUnchanged();
}

// CLI11's own messages (validators, ranges) carry the prefix too, on one line.
TEST_F(CliTest, EveryCommandLineMessageStartsWithTheProgramName) {
  const std::vector<std::vector<std::string>> bad = {
      Paths({"--queue-depth", "0"}), Paths({"--io-engine", "aio"}), Paths({"--format", "xml"}),
      Paths({"--queue-depth"}),      Paths({"--format", "dd", "--json=x"}), {"--cow"},
      {"--origin", "x"},             {},                                  {"a/b", "c/d", "--cow", "x"},
      Paths({"--reportformat", "basic"})};
  for (const auto& args : bad) {
    EXPECT_EQ(Run(args), kExitBadCommandLine) << ::testing::PrintToString(args);
    const std::string err = err_.str();
    EXPECT_THAT(err, StartsWith("lvm-revert: ")) << ::testing::PrintToString(args);
    EXPECT_EQ(std::count(err.begin(), err.end(), '\n'), 1) << err;
    EXPECT_EQ(out_.str(), "");
  }
  EXPECT_EQ(Run(Paths({"--queue-depth", "0"})), kExitBadCommandLine);
  EXPECT_EQ(err_.str(), "lvm-revert: --queue-depth: Value 0 not in range 1 to 1024\n");
  ExpectOriginUnchanged();
}

TEST_F(CliTest, ReportformatJsonIsJson) {
  EXPECT_EQ(Run(Paths({"--dry-run", "--reportformat", "json"})), kExitDone);
  nlohmann::json a = OneJsonObject(out_.str());
  EXPECT_EQ(Run(Paths({"--dry-run", "--json"})), kExitDone);
  nlohmann::json b = OneJsonObject(out_.str());
  a.erase("elapsed_seconds");
  b.erase("elapsed_seconds");
  EXPECT_EQ(a, b);
  EXPECT_EQ(a["result"], "dry-run");
}

// With --json, stdout holds one object even for a bad command line.
TEST_F(CliTest, BadCommandLineWithJsonIsOneObject) {
  EXPECT_EQ(Run({"--json", "--cwo", "x"}), kExitBadCommandLine);
  const nlohmann::json j = OneJsonObject(out_.str());
  EXPECT_EQ(j["result"], "bad-command-line");
  EXPECT_EQ(j["exit_status"], 3);
  EXPECT_EQ(j["error"], nlohmann::json::parse(
                            R"j({"kind":"bad-command-line","message":"unknown option --cwo (see --help)"})j"));
  EXPECT_EQ(err_.str(), "lvm-revert: unknown option --cwo (see --help)\n");
}

TEST_F(CliTest, UnknownFormatIsBadCommandLine) {
  EXPECT_EQ(Run(Paths({"--format", "xml", "-y"})), kExitBadCommandLine);
  EXPECT_THAT(err_.str(), HasSubstr("xml not in {"));
  ExpectOriginUnchanged();
}

TEST_F(CliTest, JsonAndFormatTogetherIsBadCommandLine) {
  EXPECT_EQ(Run(Paths({"--json", "--format", "dd"})), kExitBadCommandLine);
  EXPECT_THAT(err_.str(), HasSubstr("excludes"));
}

TEST_F(CliTest, QuietAndVerboseTogetherIsBadCommandLine) {
  EXPECT_EQ(Run(Paths({"-q", "-v", "-y"})), kExitBadCommandLine);
  EXPECT_EQ(err_.str(), "lvm-revert: -q/--quiet and -v/--verbose contradict each other\n");
  ExpectOriginUnchanged();
}

TEST_F(CliTest, VerboseNamesEngineQueueDepthDirectIoAndDeviceNumbers) {
  EXPECT_EQ(Run(Paths({"-y", "-v", "--io-engine", "psync"})), kExitDone);
  struct stat origin_st {}, cow_st {};
  ASSERT_EQ(::stat(origin_path_.c_str(), &origin_st), 0);
  ASSERT_EQ(::stat(cow_path_.c_str(), &cow_st), 0);
  const std::string err = err_.str();
  // tmpfs refuses O_DIRECT, other filesystems take it: either is reported.
  EXPECT_THAT(err, ::testing::ContainsRegex(
                       "lvm-revert: note: origin " + origin_path_ + ": file, inode " +
                       std::to_string(origin_st.st_ino) + " on device " + safety::MajorMinor(origin_st.st_dev) +
                       ", 262144 bytes, O_DIRECT (on|off)"));
  EXPECT_THAT(err, HasSubstr("lvm-revert: note: store " + cow_path_ + ": file, inode " +
                             std::to_string(cow_st.st_ino) + " on device " + safety::MajorMinor(cow_st.st_dev)));
  EXPECT_THAT(err, HasSubstr("lvm-revert: note: I/O engine psync, queue depth 1\n"));
  ExpectOriginReverted();
  // Without -v, none of it.
  EXPECT_EQ(Run(Paths({"-y", "--io-engine", "psync"})), kExitDone);
  EXPECT_EQ(err_.str(), "");
}

TEST_F(CliTest, CtrlCAtThePromptSaysInterrupted) {
  stdin_is_terminal_ = true;
  interrupt_at_prompt_ = true;
  EXPECT_EQ(Run(Paths()), kExitRefused);
  EXPECT_THAT(err_.str(), HasSubstr("[y/n]: \nlvm-revert: revert aborted: interrupted at the prompt "
                                    "(signal 2); nothing was written\n"));
  ExpectOriginUnchanged();
  // End of input (Ctrl-D) is no answer, not an interruption.
  interrupt_at_prompt_ = false;
  EXPECT_EQ(Run(Paths()), kExitRefused);
  EXPECT_THAT(err_.str(), HasSubstr("[y/n]: [n]\nlvm-revert: revert aborted: no answer (end of "
                                    "input); nothing was written\n"));
  ExpectOriginUnchanged();
}

TEST_F(CliTest, EmptyStoreSaysNothingToRevertWithoutAPrompt) {
  WriteStore(StoreBuilder(8));
  stdin_is_terminal_ = true;  // a prompt would read no answer and refuse
  EXPECT_EQ(Run(Paths()), kExitDone) << err_.str();
  EXPECT_THAT(out_.str(), HasSubstr("Nothing to revert: the store holds no saved chunks, so " +
                                    origin_path_ + " already shows what it holds. Nothing was "
                                    "written.\n"));
  EXPECT_THAT(out_.str(), Not(HasSubstr("Reverted")));
  EXPECT_EQ(err_.str(), "");
  ExpectOriginUnchanged();
  EXPECT_EQ(Run(Paths({"--json"})), kExitDone);
  const nlohmann::json j = OneJsonObject(out_.str());
  EXPECT_EQ(j["result"], "reverted");
  EXPECT_EQ(j["bytes"], 0);
  EXPECT_EQ(j["bytes_written"], 0);
  EXPECT_EQ(j["io_engine"], nullptr);
}

TEST_F(CliTest, PlanShowsHowFullTheStoreIs) {
  // 6 exceptions in one area: the kernel's next free chunk is 8 (header,
  // area, six data chunks), of the store's whole chunks.
  EXPECT_EQ(Run(Paths({"--dry-run"})), kExitDone);
  const uint64_t store_chunks = ReadFile(cow_path_).size() / kChunk;
  EXPECT_THAT(out_.str(), HasSubstr("6 exceptions in 1 metadata areas; 8 of " +
                                    std::to_string(store_chunks) + " chunks used ("));
  EXPECT_EQ(Run(Paths({"--dry-run", "--json"})), kExitDone);
  const nlohmann::json j = OneJsonObject(out_.str());
  EXPECT_EQ(j["used_chunks"], 8);
  EXPECT_EQ(j["total_chunks"], store_chunks);
  EXPECT_EQ(j["used_percent"], static_cast<double>(800 * 100 / store_chunks) / 100);
}

// --- the revert ---------------------------------------------------------------

TEST_F(CliTest, YesRevertsByteExact) {
  EXPECT_EQ(Run(Paths({"-y"})), kExitDone);
  ExpectOriginReverted();
  EXPECT_THAT(out_.str(), HasSubstr("6 exceptions in 1 metadata areas"));
  EXPECT_THAT(out_.str(), HasSubstr("Plan: 4 runs, 24576 bytes"));
  EXPECT_THAT(out_.str(), HasSubstr("Reverted " + origin_path_ + ": wrote 24576 bytes"));
  EXPECT_EQ(err_.str(), "");
}

TEST_F(CliTest, RevertingTwiceGivesTheSameResult) {
  ASSERT_EQ(Run(Paths({"-y"})), kExitDone);
  ASSERT_EQ(Run(Paths({"-y"})), kExitDone);
  ExpectOriginReverted();
}

TEST_F(CliTest, QuietPrintsNothingOnSuccess) {
  EXPECT_EQ(Run(Paths({"-y", "-q"})), kExitDone);
  EXPECT_EQ(out_.str(), "");
  EXPECT_EQ(err_.str(), "");
  ExpectOriginReverted();
}

TEST_F(CliTest, DryRunWritesNothing) {
  EXPECT_EQ(Run(Paths({"--dry-run"})), kExitDone);
  EXPECT_THAT(out_.str(), HasSubstr("Dry run: nothing was written."));
  ExpectOriginUnchanged();
}

TEST_F(CliTest, TestModeIsADryRun) {
  EXPECT_EQ(Run(Paths({"-t", "-y"})), kExitDone);
  EXPECT_THAT(out_.str(), HasSubstr("Dry run"));
  ExpectOriginUnchanged();
}

TEST_F(CliTest, VerboseDryRunListsRuns) {
  EXPECT_EQ(Run(Paths({"--dry-run", "-v"})), kExitDone);
  EXPECT_THAT(out_.str(), HasSubstr("origin chunk 5 <- store chunk 2, 3 chunks, 12288 bytes"));
  EXPECT_THAT(out_.str(), HasSubstr("origin chunk 63 <- store chunk 7, 1 chunk, 4096 bytes"));
}

TEST_F(CliTest, DryRunJsonIsOneObjectWithPlan) {
  EXPECT_EQ(Run(Paths({"--dry-run", "--json"})), kExitDone);
  const std::string json = out_.str();
  EXPECT_THAT(json, StartsWith("{\"result\":\"dry-run\""));
  EXPECT_THAT(json, HasSubstr("\"chunk_size\":4096"));
  EXPECT_THAT(json, HasSubstr("\"exceptions\":6"));
  EXPECT_THAT(json, HasSubstr("\"runs\":4"));
  EXPECT_THAT(json, HasSubstr("\"bytes\":24576"));
  EXPECT_THAT(json, HasSubstr("\"plan\":[{\"origin_chunk\":2,\"cow_chunk\":6,\"chunks\":1,\"bytes\":4096},"));
  EXPECT_EQ(std::count(json.begin(), json.end(), '\n'), 1);
  ExpectOriginUnchanged();
}

TEST_F(CliTest, FormatJsonEqualsJsonFlag) {
  ASSERT_EQ(Run(Paths({"--dry-run", "--format", "json"})), kExitDone);
  std::string a = out_.str();
  ASSERT_EQ(Run(Paths({"--dry-run", "--json"})), kExitDone);
  auto strip_time = [](std::string s) { return s.substr(0, s.find("\"elapsed_seconds\"")); };
  EXPECT_EQ(strip_time(a), strip_time(out_.str()));
}

TEST_F(CliTest, RevertJsonReportsResult) {
  EXPECT_EQ(Run(Paths({"-y", "--json"})), kExitDone);
  const nlohmann::json j = OneJsonObject(out_.str());
  EXPECT_EQ(j["result"], "reverted");
  EXPECT_EQ(j["bytes_written"], 24576);
  EXPECT_EQ(j["origin"], origin_path_);
  EXPECT_EQ(j["store"], cow_path_);
  EXPECT_EQ(j["snapshot"], nullptr);  // the offline form has a store, not a snapshot
  EXPECT_EQ(j["plan"], nullptr);      // a dry run's only
  ExpectOriginReverted();
}

TEST_F(CliTest, DdFormatPrintsOneLinePerRun) {
  EXPECT_EQ(Run(Paths({"--dry-run", "--format", "dd"})), kExitDone);
  EXPECT_EQ(out_.str(),
            "#!/bin/sh\n"
            "# lvm-revert plan: chunk size 8 sectors, 6 exceptions in 4 runs, 24576 bytes\n"
            "# Run as: origin=ORIGIN cow=STORE sh SCRIPT (the origin unused, the snapshot idle)\n"
            "set -eu\n"
            ": \"${origin:?set origin= to the origin device or image}\" "
            "\"${cow:?set cow= to the exception store}\"\n"
            "dd of=\"$origin\" seek=2 if=\"$cow\" iflag=direct skip=6 count=1 bs=8b conv=notrunc status=none\n"
            "dd of=\"$origin\" seek=5 if=\"$cow\" iflag=direct skip=2 count=3 bs=8b conv=notrunc status=none\n"
            "dd of=\"$origin\" seek=30 if=\"$cow\" iflag=direct skip=5 count=1 bs=8b conv=notrunc status=none\n"
            "dd of=\"$origin\" seek=63 if=\"$cow\" iflag=direct skip=7 count=1 bs=8b conv=notrunc status=none\n"
            "sync\n");
}

// The plan is all --format dd prints: it never reverts, even with -y.
TEST_F(CliTest, DdFormatImpliesDryRun) {
  EXPECT_EQ(Run(Paths({"-y", "--format", "dd"})), kExitDone);
  EXPECT_THAT(out_.str(), StartsWith("#!/bin/sh\n"));
  EXPECT_EQ(err_.str(), "");
  ExpectOriginUnchanged();
}

TEST_F(CliTest, DdFormatSplitsPartialLastChunk) {
  origin_.resize(63 * kChunk + 1024);  // chunk 63 is two sectors long
  WriteFile(origin_path_, origin_);
  EXPECT_EQ(Run(Paths({"--dry-run", "--format", "dd"})), kExitDone);
  EXPECT_THAT(out_.str(),
              HasSubstr("dd of=\"$origin\" seek=504 if=\"$cow\" iflag=direct skip=56 count=2 "
                        "bs=1b conv=notrunc status=none\n"));
}

TEST_F(CliTest, PartialLastChunkIsClampedToTheOrigin) {
  origin_.resize(63 * kChunk + 1024);
  WriteFile(origin_path_, origin_);
  expected_.resize(origin_.size());
  EXPECT_EQ(Run(Paths({"-y"})), kExitDone);
  ExpectOriginReverted();
}

// --- I/O engines -------------------------------------------------------------------

TEST_F(CliTest, UnknownEngineIsBadCommandLine) {
  EXPECT_EQ(Run(Paths({"-y", "--io-engine", "aio"})), kExitBadCommandLine);
  EXPECT_THAT(err_.str(), HasSubstr("aio not in {"));
  ExpectOriginUnchanged();
}

TEST_F(CliTest, QueueDepthOutOfRangeIsBadCommandLine) {
  for (const char* depth : {"0", "1025", "deep"}) {
    EXPECT_EQ(Run(Paths({"-y", "--queue-depth", depth})), kExitBadCommandLine) << depth;
    EXPECT_THAT(err_.str(), HasSubstr(std::string("--queue-depth: Value ") + depth +
                                      " not in range 1 to 1024"));
    ExpectOriginUnchanged();
  }
}

TEST_F(CliTest, EachEngineRevertsByteExact) {
  for (const std::string engine : {"psync", "uring", "auto"}) {
    WriteFile(origin_path_, origin_);
    if (engine == "uring" && !UringCompiledIn()) {
      // A build without liburing refuses the explicit choice, untouched.
      EXPECT_EQ(Run(Paths({"-y", "--json", "--io-engine", engine})), kExitRefused);
      EXPECT_THAT(err_.str(), HasSubstr("built without liburing"));
      ExpectOriginUnchanged();
      continue;
    }
    EXPECT_EQ(Run(Paths({"-y", "--json", "--io-engine", engine})), kExitDone) << engine;
    ExpectOriginReverted();
  }
  EXPECT_THAT(out_.str(), HasSubstr("\"io_engine\":\""));
}

// Where the time went, for anyone to see on their own machine; the figures
// themselves are timings, so only the form is checked.
TEST_F(CliTest, VerboseSaysWhereTheTimeWent) {
  EXPECT_EQ(Run(Paths({"-y", "-v", "--verify"})), kExitDone);
  EXPECT_THAT(err_.str(),
              ::testing::ContainsRegex(
                  "lvm-revert: note: time: LVM tools [0-9]+\\.[0-9]{3} s, reading the store "
                  "[0-9.]+ s, planning [0-9.]+ s, backing up [0-9.]+ s, copying [0-9.]+ s, "
                  "flushing [0-9.]+ s, verifying [0-9.]+ s, other [0-9.]+ s, in all [0-9.]+ s\n"));
  ExpectOriginReverted();
  WriteFile(origin_path_, origin_);
  EXPECT_EQ(Run(Paths({"-y"})), kExitDone);
  EXPECT_THAT(err_.str(), ::testing::Not(HasSubstr("time:")));
}

TEST_F(CliTest, AutoFallsBackToPsyncAndSaysSoWithVerbose) {
  uring_unavailable_ = true;
  EXPECT_EQ(Run(Paths({"-y", "-v"})), kExitDone);
  EXPECT_THAT(err_.str(), HasSubstr("note: io_uring is not available (io_uring_queue_init: "
                                    "Operation not permitted); using psync"));
  ExpectOriginReverted();
  WriteFile(origin_path_, origin_);
  EXPECT_EQ(Run(Paths({"-y"})), kExitDone);
  EXPECT_EQ(err_.str(), "");  // silent without -v
}

TEST_F(CliTest, ExplicitUringWhenUnavailableIsRefused) {
  uring_unavailable_ = true;
  EXPECT_EQ(Run(Paths({"-y", "--io-engine", "uring"})), kExitRefused);
  EXPECT_THAT(err_.str(), HasSubstr("io_uring is not available"));
  ExpectOriginUnchanged();
}

TEST_F(CliTest, ProgressOnRequestGoesToStderrAndJsonStaysClean) {
  EXPECT_EQ(Run(Paths({"-y", "--json", "--progress"})), kExitDone);
  EXPECT_THAT(err_.str(), HasSubstr("lvm-revert: 100% 0.02 MiB of 0.02 MiB"));
  EXPECT_EQ(OneJsonObject(out_.str())["result"], "reverted");
}

TEST_F(CliTest, NoProgressOnANonTerminalByDefault) {
  EXPECT_EQ(Run(Paths({"-y"})), kExitDone);
  EXPECT_EQ(err_.str(), "");
}

TEST_F(CliTest, TerminalGetsAProgressLine) {
  stderr_is_terminal_ = true;
  EXPECT_EQ(Run(Paths({"-y"})), kExitDone);
  EXPECT_THAT(err_.str(), HasSubstr("\rlvm-revert: 100%"));
  EXPECT_EQ(err_.str().back(), '\n');
  stderr_is_terminal_ = true;
  EXPECT_EQ(Run(Paths({"-y", "-q"})), kExitDone);
  EXPECT_EQ(err_.str(), "");  // -q: none
}

// --- confirmation ---------------------------------------------------------------

TEST_F(CliTest, WithoutYesAndNoTerminalRefuses) {
  EXPECT_EQ(Run(Paths()), kExitRefused);
  EXPECT_THAT(err_.str(), HasSubstr("standard input is not a terminal"));
  EXPECT_THAT(err_.str(), HasSubstr("-y/--yes"));
  ExpectOriginUnchanged();
}

TEST_F(CliTest, TerminalAnswerYesReverts) {
  stdin_is_terminal_ = true;
  answers_ = {"y"};
  EXPECT_EQ(Run(Paths()), kExitDone);
  EXPECT_THAT(err_.str(), HasSubstr("Really revert " + origin_path_ + " to " + cow_path_ +
                                    " (0.02 MiB in 4 runs)? [y/n]: "));
  ExpectOriginReverted();
}

TEST_F(CliTest, TerminalAnswerNoRefuses) {
  stdin_is_terminal_ = true;
  answers_ = {"NO"};
  EXPECT_EQ(Run(Paths()), kExitRefused);
  EXPECT_THAT(err_.str(), HasSubstr("revert aborted at the prompt"));
  ExpectOriginUnchanged();
}

TEST_F(CliTest, TerminalInvalidAnswerAsksAgain) {
  stdin_is_terminal_ = true;
  answers_ = {"maybe", " Yes "};
  EXPECT_EQ(Run(Paths()), kExitDone);
  EXPECT_THAT(err_.str(), HasSubstr("[y/n]: lvm-revert: WARNING: invalid input 'maybe': answer y or n.\n"));
  ExpectOriginReverted();
}

TEST_F(CliTest, TerminalEndOfInputRefuses) {
  stdin_is_terminal_ = true;
  EXPECT_EQ(Run(Paths()), kExitRefused);
  EXPECT_THAT(err_.str(), HasSubstr("[n]\n"));
  ExpectOriginUnchanged();
}

// --- refusals: exit 4, origin unchanged ---------------------------------------

TEST_F(CliTest, MissingStoreIsRefused) {
  EXPECT_EQ(Run({"--cow", dir_.File("nope.img"), "--origin", origin_path_, "-y"}), kExitRefused);
  EXPECT_EQ(err_.str(), "lvm-revert: snapshot store: " + dir_.File("nope.img") +
                            ": no such file or device\n");
  ExpectOriginUnchanged();
}

TEST_F(CliTest, DirectoryAsOriginIsRefused) {
  EXPECT_EQ(Run({"--cow", cow_path_, "--origin", dir_.path(), "-y"}), kExitRefused);
  EXPECT_THAT(err_.str(), HasSubstr("is neither a block device nor a regular file"));
}

TEST_F(CliTest, SameFileIsRefused) {
  EXPECT_EQ(Run({"--cow", origin_path_, "--origin", origin_path_, "-y"}), kExitRefused);
  EXPECT_THAT(err_.str(), HasSubstr("the origin and the snapshot store are the same file"));
  ExpectOriginUnchanged();
}

TEST_F(CliTest, SameFileThroughALinkIsRefused) {
  const std::string link = dir_.File("link.img");
  ASSERT_EQ(::symlink(origin_path_.c_str(), link.c_str()), 0);
  EXPECT_EQ(Run({"--cow", link, "--origin", origin_path_, "-y"}), kExitRefused);
  EXPECT_THAT(err_.str(), HasSubstr("are the same file"));
  ExpectOriginUnchanged();
}

TEST_F(CliTest, OriginSmallerThanStoreNeedsIsRefused) {
  origin_.resize(40 * kChunk);  // chunk 63 no longer exists
  WriteFile(origin_path_, origin_);
  EXPECT_EQ(Run(Paths({"-y"})), kExitRefused);
  EXPECT_THAT(err_.str(), HasSubstr("old_chunk 63 lies past the end of the origin (40 chunks)"));
  ExpectOriginUnchanged();
}

TEST_F(CliTest, OriginNotWholeSectorsIsRefused) {
  origin_.resize(origin_.size() + 100);
  WriteFile(origin_path_, origin_);
  EXPECT_EQ(Run(Paths({"-y"})), kExitRefused);
  EXPECT_THAT(err_.str(), HasSubstr("not a whole number of 512-byte sectors"));
  ExpectOriginUnchanged();
}

TEST_F(CliTest, CorruptStoreIsRefusedNamingTheEntry) {
  auto store = builder_.Build();
  StoreLe64(store.data() + builder_.EntryOffset(3) + 8, 1);  // entry 3 -> metadata chunk
  WriteFile(cow_path_, store);
  EXPECT_EQ(Run(Paths({"-y"})), kExitRefused);
  EXPECT_EQ(err_.str(), "lvm-revert: snapshot store " + cow_path_ +
                            ": area 0 entry 3: new_chunk 1 is a metadata chunk, not a data chunk\n");
  ExpectOriginUnchanged();
}

TEST_F(CliTest, InvalidatedStoreIsRefusedWithJson) {
  auto store = builder_.Build();
  StoreLe32(store.data() + 4, 0);
  WriteFile(cow_path_, store);
  EXPECT_EQ(Run(Paths({"-y", "--json"})), kExitRefused);
  const nlohmann::json j = OneJsonObject(out_.str());
  EXPECT_EQ(j["result"], "refused");
  EXPECT_EQ(j["exit_status"], 4);
  EXPECT_EQ(j["error"]["kind"], "refused");
  EXPECT_THAT(j["error"]["message"].get<std::string>(), StartsWith("snapshot store "));
  EXPECT_EQ(j["exceptions"], nullptr);
  EXPECT_EQ(j["io_engine"], nullptr);  // no data was moved
  ExpectOriginUnchanged();
}

TEST_F(CliTest, OriginImageOnLoopDeviceIsRefused) {
  BindLoop("/dev/loop7", origin_path_);
  EXPECT_EQ(Run(Paths({"-y"})), kExitRefused);
  EXPECT_EQ(err_.str(), "lvm-revert: origin image " + origin_path_ +
                            " is the backing file of /dev/loop7: detach it first (losetup -d "
                            "/dev/loop7)\n");
  ExpectOriginUnchanged();
}

TEST_F(CliTest, DryRunIsRefusedLikeARealRun) {
  BindLoop("/dev/loop7", origin_path_);
  EXPECT_EQ(Run(Paths({"--dry-run"})), kExitRefused);
  ExpectOriginUnchanged();
}

// --- failure while writing: exit 5, re-run completes ----------------------------

TEST_F(CliTest, WriteFailureExitsFiveAndRerunCompletes) {
  fail_write_nth_ = 1;
  EXPECT_EQ(Run(Paths({"-y"})), kExitFailedWriting);
  EXPECT_THAT(err_.str(), HasSubstr("Input/output error"));
  EXPECT_THAT(err_.str(), HasSubstr("the origin is partly reverted; once the cause is fixed, "
                                    "running the same command again completes the revert"));
  EXPECT_NE(ReadFile(origin_path_), origin_);  // partly written
  fail_write_nth_ = -1;
  EXPECT_EQ(Run(Paths({"-y"})), kExitDone);
  ExpectOriginReverted();
}

TEST_F(CliTest, WriteFailureJsonSaysFailed) {
  fail_write_nth_ = 0;
  EXPECT_EQ(Run(Paths({"-y", "--json"})), kExitFailedWriting);
  EXPECT_THAT(out_.str(), StartsWith("{\"result\":\"failed\""));
}

// --- output that cannot be written ------------------------------------------------

TEST_F(CliTest, DryRunJsonThatCannotBeWrittenIsNotASuccess) {
  out_fails_ = true;
  EXPECT_EQ(Run(Paths({"--dry-run", "--json"})), kExitRefused);
  EXPECT_EQ(err_.str(), "lvm-revert: the output could not be written (standard output); "
                        "nothing was written to any device\n");
  ExpectOriginUnchanged();
}

TEST_F(CliTest, DryRunDdScriptThatCannotBeWrittenIsNotASuccess) {
  out_fails_ = true;
  EXPECT_EQ(Run(Paths({"--dry-run", "--format", "dd"})), kExitRefused);
  ExpectOriginUnchanged();
}

TEST_F(CliTest, APlanNobodyCouldReadIsNotActedOn) {
  out_fails_ = true;
  EXPECT_EQ(Run(Paths({"-y"})), kExitRefused);
  EXPECT_THAT(err_.str(), HasSubstr("the plan could not be written to standard output; nothing "
                                    "was written"));
  ExpectOriginUnchanged();
}

TEST_F(CliTest, AReportLostAfterTheRevertExitsFive) {
  out_fails_ = true;  // JSON is printed at the end, after the copy
  EXPECT_EQ(Run(Paths({"-y", "--json"})), kExitFailedWriting);
  EXPECT_THAT(err_.str(), HasSubstr("the revert itself ran to the end"));
  ExpectOriginReverted();
}

TEST_F(CliTest, LostProgressNeitherStopsTheCopyNorPassesForSuccess) {
  err_fails_ = true;
  EXPECT_EQ(Run(Paths({"-y", "--progress"})), kExitFailedWriting);
  ExpectOriginReverted();
}

// The JSON object's exit status is the process's, stderr lost or not.
TEST_F(CliTest, JsonTellsTheExitStatusWhenStderrIsLost) {
  err_fails_ = true;
  EXPECT_EQ(Run(Paths({"-y", "--json", "--progress"})), kExitFailedWriting);
  const nlohmann::json j = OneJsonObject(out_.str());
  EXPECT_EQ(j["exit_status"], 5);
  EXPECT_EQ(j["result"], "failed");
  EXPECT_EQ(j["error"]["kind"], "failed");
  EXPECT_THAT(j["error"]["message"].get<std::string>(),
              StartsWith("the output could not be written (standard error"));
  ExpectOriginReverted();
}

TEST_F(CliTest, HelpThatCannotBeWrittenIsNotASuccess) {
  out_fails_ = true;
  EXPECT_EQ(Run({"--help"}), kExitRefused);
}

// --- names that are not plain text ------------------------------------------------

TEST_F(CliTest, JsonStaysValidUtf8ForAPathThatIsNot) {
  const std::string odd = dir_.File("origin-\xff\xfe.img");
  ASSERT_EQ(::rename(origin_path_.c_str(), odd.c_str()), 0);
  origin_path_ = odd;
  EXPECT_EQ(Run(Paths({"-y", "--json"})), kExitDone) << err_.str();
  const std::string json = out_.str();
  EXPECT_EQ(json.find('\xff'), std::string::npos);
  EXPECT_THAT(json, HasSubstr("origin-\xef\xbf\xbd\xef\xbf\xbd.img"));
  ExpectOriginReverted();
}

TEST_F(CliTest, ANewlineInAPathCannotSplitTheErrorLine) {
  const std::string odd = dir_.File("no\nsuch\x1b[31m.img");
  EXPECT_EQ(Run({"-y", "--cow", cow_path_, "--origin", odd}), kExitRefused);
  EXPECT_EQ(err_.str(), "lvm-revert: origin: '" + dir_.path() +
                            "/no'$'\\n''such'$'\\033''[31m.img': no such file or device\n");
}

// --- exceptions ---------------------------------------------------------------------

TEST_F(CliTest, AnExceptionBeforeAnyWriteIsARefusalWithTheOriginUnchanged) {
  throw_on_ = IoOp::kRead;
  EXPECT_EQ(Run(Paths({"-y"})), kExitRefused);
  EXPECT_THAT(err_.str(), HasSubstr("internal error (out of memory); nothing was written"));
  ExpectOriginUnchanged();
}

TEST_F(CliTest, AnExceptionAfterWritingBeganExitsFiveAndRerunCompletes) {
  throw_on_ = IoOp::kWrite;
  EXPECT_EQ(Run(Paths({"-y"})), kExitFailedWriting);
  EXPECT_THAT(err_.str(), HasSubstr("internal error (out of memory) while copying"));
  throw_on_.reset();
  EXPECT_EQ(Run(Paths({"-y"})), kExitDone);
  ExpectOriginReverted();
}

// --- undo and proof ----------------------------------------------------------------

TEST_F(CliTest, BackupThenRestoreGivesTheOriginBack) {
  const std::string backup = dir_.File("backup.img");
  EXPECT_EQ(Run(Paths({"-y", "--backup", backup})), kExitDone) << err_.str();
  ExpectOriginReverted();
  EXPECT_THAT(out_.str(), HasSubstr("Saved what the revert overwrites"));
  EXPECT_EQ(Run({"-y", "--cow", backup, "--origin", origin_path_}), kExitDone) << err_.str();
  ExpectOriginUnchanged();
}

TEST_F(CliTest, ABackupFileThatExistsIsRefusedAndLeftAlone) {
  const std::string backup = dir_.File("backup.img");
  const std::vector<std::byte> precious(100, std::byte{42});
  WriteFile(backup, precious);
  EXPECT_EQ(Run(Paths({"-y", "--backup", backup})), kExitRefused);
  EXPECT_EQ(err_.str(), "lvm-revert: backup file " + backup +
                            " exists: lvm-revert never overwrites one; give a new name\n");
  EXPECT_EQ(ReadFile(backup), precious);
  ExpectOriginUnchanged();
}

TEST_F(CliTest, ABackupOfARevertThatDidNotHappenIsRemoved) {
  const std::string backup = dir_.File("backup.img");
  stdin_is_terminal_ = true;
  answers_ = {"n"};
  EXPECT_EQ(Run(Paths({"--backup", backup})), kExitRefused);
  struct stat st {};
  EXPECT_NE(::stat(backup.c_str(), &st), 0) << "an unused backup was left behind";
  ExpectOriginUnchanged();
}

TEST_F(CliTest, AnUnfinishedBackupIsRefusedOnRestore) {
  // What a power cut during --backup leaves: the header says valid=0.
  const std::string backup = dir_.File("backup.img");
  ExceptionList list;
  for (uint64_t c : {2, 5}) list.push_back({c, c});
  Plan plan = std::move(Plan::Build(std::move(list), kChunk, origin_.size())).value();
  std::vector<std::byte> zeros(BackupLayout(plan).store_bytes());
  WriteFile(backup, zeros);
  const int fd = ::open(backup.c_str(), O_RDWR);
  ASSERT_TRUE(StartBackup(plan, fd).ok());
  ::close(fd);
  EXPECT_EQ(Run({"-y", "--cow", backup, "--origin", origin_path_}), kExitRefused);
  EXPECT_THAT(err_.str(), HasSubstr("valid=0"));
  ExpectOriginUnchanged();
}

TEST_F(CliTest, VerifyReportsWhatItReadBack) {
  EXPECT_EQ(Run(Paths({"-y", "--verify", "--json"})), kExitDone) << err_.str();
  EXPECT_THAT(out_.str(), HasSubstr("\"verified_bytes\":24576"));
  ExpectOriginReverted();
}

TEST_F(CliTest, AVerifyMismatchExitsFiveNamingTheOffset) {
  corrupt_at_ = 30 * kChunk + 100;
  EXPECT_EQ(Run(Paths({"-y", "--verify"})), kExitFailedWriting);
  EXPECT_THAT(err_.str(), HasSubstr("verification failed: origin offset 122980 does not hold the "
                                    "snapshot's data after the copy"));
  // Re-running rewrites it.
  corrupt_at_.reset();
  EXPECT_EQ(Run(Paths({"-y", "--verify"})), kExitDone) << err_.str();
  ExpectOriginReverted();
}

TEST_F(CliTest, CompareExitsOneWhileDifferentAndZeroWhenSame) {
  EXPECT_EQ(Run(Paths({"--compare"})), kExitDiffers);
  EXPECT_THAT(out_.str(), HasSubstr("Differs: 6 of 6 saved chunks"));
  ExpectOriginUnchanged();
  EXPECT_EQ(Run(Paths({"-y"})), kExitDone);
  EXPECT_EQ(Run(Paths({"--compare", "--json"})), kExitDone);
  EXPECT_THAT(out_.str(), HasSubstr("\"compare\":{\"chunks\":6,\"bytes\":24576,"
                                    "\"differing_chunks\":0,\"differing_bytes\":0,"
                                    "\"first_difference\":null}"));
}

TEST_F(CliTest, UndoOptionsThatContradictAreABadCommandLine) {
  for (const std::vector<std::string>& extra :
       {std::vector<std::string>{"--compare", "--verify"},
        {"--compare", "--backup", "x"},
        {"--verify", "--dry-run"},
        {"--backup-snapshot", "undo"},
        {"--restore", "x"}}) {
    std::vector<std::string> args = Paths();
    args.insert(args.end(), extra.begin(), extra.end());
    EXPECT_EQ(Run(args), kExitBadCommandLine) << extra[0] << " " << extra[1];
    ExpectOriginUnchanged();
  }
}

}  // namespace
}  // namespace lvmrevert::lvmext
