// The backup file's life: never over an existing file, never on a
// protected device, removed on every way out until complete, kept once
// written and flushed.
#include "lvmext/revert/backup_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <optional>

#include "core/backup_store.h"
#include "core/psync_engine.h"
#include "tests/support/fake_system_view.h"
#include "tests/support/store_builder.h"
#include "tests/support/temp_dir.h"

namespace lvmrevert::lvmext {
namespace {

using ::testing::HasSubstr;
using lvmrevert::testing::FakeSystemView;
using lvmrevert::testing::ReadFile;
using lvmrevert::testing::TempDir;
using lvmrevert::testing::WriteFile;

constexpr uint64_t kChunk = 4096;

bool Exists(const std::string& path) {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0;
}

class BackupFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ExceptionList list;
    list.push_back({1, 3});
    list.push_back({5, 4});
    plan_.emplace(std::move(Plan::Build(std::move(list), kChunk, 8 * kChunk)).value());
    WriteFile(dir_.File("origin.img"), std::vector<std::byte>(8 * kChunk, std::byte{0x5a}));
  }

  TempDir dir_;
  FakeSystemView view_;
  std::optional<Plan> plan_;
};

TEST_F(BackupFileTest, AnExistingFileIsRefusedAndKept) {
  WriteFile(dir_.File("old"), std::vector<std::byte>(10, std::byte{1}));
  const Status s = BackupFile::CheckTarget(view_, dir_.File("old"), {});
  EXPECT_EQ(s.code(), StatusCode::kRefused);
  EXPECT_THAT(s.message(), HasSubstr("exists: lvm-revert never overwrites one"));
  StatusOr<BackupFile> created = BackupFile::Create(dir_.File("old"), *plan_, 1 << 20);
  EXPECT_EQ(created.status().code(), StatusCode::kRefused);
  EXPECT_EQ(ReadFile(dir_.File("old")), std::vector<std::byte>(10, std::byte{1}));
}

TEST_F(BackupFileTest, ANewNameOffTheProtectedDevicesIsAccepted) {
  EXPECT_TRUE(BackupFile::CheckTarget(view_, dir_.File("new"), {}).ok());
  struct stat dir_st {};
  ASSERT_EQ(::stat(dir_.path().c_str(), &dir_st), 0);
  const Status s = BackupFile::CheckTarget(view_, dir_.File("new"), {dir_st.st_dev});
  EXPECT_EQ(s.code(), StatusCode::kRefused);
  EXPECT_FALSE(Exists(dir_.File("new")));
}

TEST_F(BackupFileTest, RoomIsTheLayoutsSize) {
  StatusOr<uint64_t> need = BackupFile::CheckRoom(dir_.File("b"), *plan_);
  ASSERT_TRUE(need.ok()) << need.status().message();
  EXPECT_EQ(*need, BackupLayout(*plan_).store_bytes());
  EXPECT_FALSE(Exists(dir_.File("b")));
}

TEST_F(BackupFileTest, AnUnfinishedBackupIsRemoved) {
  {
    StatusOr<BackupFile> file = BackupFile::Create(dir_.File("b"), *plan_, 1 << 20);
    ASSERT_TRUE(file.ok()) << file.status().message();
    EXPECT_TRUE(Exists(dir_.File("b")));
    std::optional<BackupFile> moved(std::move(file).value());
  }
  EXPECT_FALSE(Exists(dir_.File("b")));
}

TEST_F(BackupFileTest, AWrittenBackupStaysAndHoldsTheOriginsChunks) {
  {
    StatusOr<BackupFile> file = BackupFile::Create(dir_.File("b"), *plan_, 1 << 20);
    ASSERT_TRUE(file.ok()) << file.status().message();
    const int origin_fd = ::open(dir_.File("origin.img").c_str(), O_RDONLY | O_CLOEXEC);
    ASSERT_GE(origin_fd, 0);
    PsyncEngine engine;
    const Status s = file->Write(*plan_, engine, origin_fd, CopyOptions{});
    ::close(origin_fd);
    ASSERT_TRUE(s.ok()) << s.message();
  }
  ASSERT_TRUE(Exists(dir_.File("b")));
  const std::vector<std::byte> backup = ReadFile(dir_.File("b"));
  // Chunk 1 of the origin is the backup's first data chunk (after the
  // header and one metadata area).
  ASSERT_GE(backup.size(), 4 * kChunk);
  EXPECT_EQ(backup[2 * kChunk], std::byte{0x5a});
  EXPECT_EQ(backup[3 * kChunk + kChunk - 1], std::byte{0x5a});
}

}  // namespace
}  // namespace lvmrevert::lvmext
