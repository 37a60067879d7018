#include "core/device_file.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>

#include "tests/support/temp_dir.h"

namespace lvmrevert {
namespace {

using ::testing::HasSubstr;
using lvmrevert::testing::ReadFile;
using lvmrevert::testing::TempDir;
using lvmrevert::testing::WriteFile;

TEST(DeviceFileTest, OpensARegularFileAndKnowsWhatItIs) {
  TempDir dir;
  WriteFile(dir.File("a.img"), std::vector<std::byte>(8192));
  StatusOr<DeviceFile> f = OpenDeviceFile({dir.File("a.img"), Access::kReadWrite, true, {}});
  ASSERT_TRUE(f.ok()) << f.status().message();
  struct stat st {};
  ASSERT_EQ(::stat(dir.File("a.img").c_str(), &st), 0);
  EXPECT_EQ(f->identity(), FileIdentity::File(st.st_dev, st.st_ino));
  EXPECT_EQ(f->size_bytes, 8192u);
}

TEST(DeviceFileTest, AFileThatIsNotWhatWasCheckedIsRefused) {
  TempDir dir;
  WriteFile(dir.File("a.img"), std::vector<std::byte>(4096));
  WriteFile(dir.File("b.img"), std::vector<std::byte>(4096));
  StatusOr<FileIdentity> b = IdentifyPath(dir.File("b.img"));
  ASSERT_TRUE(b.ok());
  // The checks looked at b.img; a.img is what the path names at the open.
  StatusOr<DeviceFile> f = OpenDeviceFile({dir.File("a.img"), Access::kReadWrite, true, *b});
  ASSERT_FALSE(f.ok());
  EXPECT_EQ(f.status().code(), StatusCode::kRefused);
  EXPECT_THAT(f.status().message(), HasSubstr("changed while it was being opened"));
}

TEST(DeviceFileTest, AFifoIsRefusedWithoutBeingOpened) {
  TempDir dir;
  ASSERT_EQ(::mkfifo(dir.File("fifo").c_str(), 0600), 0);
  // Opening a FIFO for reading would block until a writer came.
  StatusOr<DeviceFile> f = OpenDeviceFile({dir.File("fifo"), Access::kReadOnly, false, {}});
  ASSERT_FALSE(f.ok());
  EXPECT_EQ(f.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(f.status().message(), HasSubstr("is neither a block device nor a regular file"));
}

TEST(DeviceFileTest, ReopenBufferedIsTheSameFileWithoutODirect) {
  TempDir dir;
  WriteFile(dir.File("a.img"), std::vector<std::byte>(8192));
  StatusOr<DeviceFile> f = OpenDeviceFile({dir.File("a.img"), Access::kReadWrite, true, {}});
  ASSERT_TRUE(f.ok());
  StatusOr<UniqueFd> buffered = ReopenBuffered(*f);
  ASSERT_TRUE(buffered.ok()) << buffered.status().message();
  EXPECT_EQ(::fcntl(buffered->get(), F_GETFL) & O_DIRECT, 0);
  // An unaligned write, which O_DIRECT would refuse.
  ASSERT_EQ(::pwrite(buffered->get(), "xyz", 3, 8189), 3);
  std::vector<std::byte> bytes = ReadFile(dir.File("a.img"));
  EXPECT_EQ(std::memcmp(bytes.data() + 8189, "xyz", 3), 0);
}

TEST(DeviceFileTest, UnwritableFileIsRefusedNotAnIoError) {
  if (::geteuid() == 0) GTEST_SKIP() << "root may write any file";
  TempDir dir;
  WriteFile(dir.File("ro.img"), std::vector<std::byte>(4096));
  ASSERT_EQ(::chmod(dir.File("ro.img").c_str(), 0444), 0);
  StatusOr<DeviceFile> f = OpenDeviceFile({dir.File("ro.img"), Access::kReadWrite, true, {}});
  ASSERT_FALSE(f.ok());
  EXPECT_EQ(f.status().code(), StatusCode::kRefused);
  EXPECT_THAT(f.status().message(), HasSubstr("cannot be opened for writing: Permission denied"));
}

}  // namespace
}  // namespace lvmrevert
