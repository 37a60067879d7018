// The whole command in-process, as main() runs it: a command line, a console
// that captures both streams and answers prompts from a script, and an
// environment of fakes. OfflineFormTest runs it on image files;
// lvm_fixture.h builds the LVM form's fixture on the same plumbing.
#pragma once

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <deque>
#include <initializer_list>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "core/engines.h"
#include "lvmext/cli/environment.h"
#include "lvmext/command.h"
#include "lvmext/system/console.h"
#include "tests/support/fake_system_view.h"
#include "tests/support/store_builder.h"
#include "tests/support/temp_dir.h"

namespace lvmrevert::lvmext::testing_command {

using ::testing::HasSubstr;
using lvmrevert::testing::FakeSystemView;
using lvmrevert::testing::FillChunk;
using lvmrevert::testing::kSnapshotDataSeed;
using lvmrevert::testing::PatternImage;
using lvmrevert::testing::ReadFile;
using lvmrevert::testing::RevertedImage;
using lvmrevert::testing::StoreBuilder;
using lvmrevert::testing::TempDir;
using lvmrevert::testing::WriteFile;

// The test images: 64 chunks of 4 KiB (stores of 8-sector chunks).
constexpr uint64_t kChunk = 4096;
constexpr uint64_t kOriginChunks = 64;

// lvm-revert ARGS..., in-process.
inline int RunCommand(std::vector<std::string> args, Console& console, Environment& env) {
  args.insert(args.begin(), "lvm-revert");
  std::vector<const char*> argv;
  for (const auto& a : args) argv.push_back(a.c_str());
  return RunLvmRevert(static_cast<int>(argv.size()), argv.data(), console, env);
}

// The next line typed at a prompt, or the end of input once none is left.
inline std::optional<std::string> NextAnswer(std::deque<std::string>& answers) {
  if (answers.empty()) return std::nullopt;
  std::string a = std::move(answers.front());
  answers.pop_front();
  return a;
}

// The offline form (--cow/--origin) on image files: a store saving chunks
// 5, 6, 7, 30, 2 and 63 (six chunks in four runs) of a 64-chunk origin.
class OfflineFormTest : public ::testing::Test {
 protected:
  void SetUp() override {
    cow_path_ = dir_.File("cow.img");
    origin_path_ = dir_.File("origin.img");
    for (uint64_t c : {5, 6, 7, 30, 2, 63}) builder_.Add(c);
    WriteStore(builder_);
    origin_ = PatternImage(1, kOriginChunks * kChunk, kChunk);
    WriteFile(origin_path_, origin_);
    expected_ = RevertedImage(origin_, builder_);
  }

  void WriteStore(const StoreBuilder& b) { WriteFile(cow_path_, b.Build()); }

  // --cow and --origin for the images, then `more`.
  std::vector<std::string> Paths(std::initializer_list<std::string> more = {}) {
    std::vector<std::string> v = {"--cow", cow_path_, "--origin", origin_path_};
    v.insert(v.end(), more);
    return v;
  }

  // Runs the command with a console from MakeConsole() and engines from
  // ChooseEngine(); out_ and err_ hold what this run printed.
  int Run(std::vector<std::string> args) {
    out_.str("");
    err_.str("");
    Console console = MakeConsole();
    Environment env{view_,
                    [this](EngineKind kind, unsigned depth) { return ChooseEngine(kind, depth); },
                    nullptr, nullptr, DmDevicePath};
    return RunCommand(std::move(args), console, env);
  }

  // Not a terminal, and nothing to read.
  virtual Console MakeConsole() {
    return Console{out_, err_, false, false, [] { return std::optional<std::string>(); },
                   nullptr, nullptr};
  }
  virtual StatusOr<EngineChoice> ChooseEngine(EngineKind kind, unsigned depth) {
    return MakeEngine(kind, depth);
  }

  void ExpectOriginUnchanged() { EXPECT_EQ(ReadFile(origin_path_), origin_); }
  void ExpectOriginReverted() { EXPECT_EQ(ReadFile(origin_path_), expected_); }

  TempDir dir_;
  std::string cow_path_;
  std::string origin_path_;
  StoreBuilder builder_{8};
  std::vector<std::byte> origin_;
  std::vector<std::byte> expected_;
  FakeSystemView view_;
  std::ostringstream out_;
  std::ostringstream err_;
};

}  // namespace lvmrevert::lvmext::testing_command
