// LVM's lock protocol against real flock(2) in a private directory.
#include "lvmext/lvm/vg_lock.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <thread>

#include "tests/support/temp_dir.h"

namespace lvmrevert::lvmext {
namespace {

using lvmrevert::testing::TempDir;

bool Exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

// Whether another open file description can take the lock as LVM would.
bool OthersCanLock(const std::string& path, int operation) {
  const int fd = ::open(path.c_str(), O_CREAT | O_RDWR | O_CLOEXEC, 0777);
  const bool ok = ::flock(fd, operation | LOCK_NB) == 0;
  ::close(fd);
  return ok;
}

TEST(VgLockTest, ExclusiveLockKeepsLvmOutAndIsRemovedOnRelease) {
  TempDir dir;
  const std::string file = dir.File("V_vg");
  auto lock = VgLock::Acquire(dir.path(), "vg", LockMode::kExclusive, nullptr);
  ASSERT_TRUE(lock.ok()) << lock.status().message();
  EXPECT_EQ(lock->path(), file);
  EXPECT_FALSE(OthersCanLock(file, LOCK_SH));
  EXPECT_FALSE(OthersCanLock(file, LOCK_EX));
  lock->Release();
  EXPECT_FALSE(Exists(file));
  EXPECT_FALSE(Exists(file + ":aux"));
}

TEST(VgLockTest, SharedLockLetsReadersIn) {
  TempDir dir;
  auto lock = VgLock::Acquire(dir.path(), "vg", LockMode::kShared, nullptr);
  ASSERT_TRUE(lock.ok());
  EXPECT_TRUE(OthersCanLock(dir.File("V_vg"), LOCK_SH));
  EXPECT_FALSE(OthersCanLock(dir.File("V_vg"), LOCK_EX));
}

TEST(VgLockTest, WaitsForTheHolderAndSaysSo) {
  TempDir dir;
  const std::string file = dir.File("V_vg");
  const int holder = ::open(file.c_str(), O_CREAT | O_RDWR | O_CLOEXEC, 0777);
  ASSERT_EQ(::flock(holder, LOCK_EX), 0);
  int waits = 0;
  std::thread release([holder] {
    ::usleep(200000);
    ::close(holder);
  });
  auto lock = VgLock::Acquire(dir.path(), "vg", LockMode::kExclusive, [&] { ++waits; });
  release.join();
  ASSERT_TRUE(lock.ok()) << lock.status().message();
  EXPECT_EQ(waits, 1);
}

TEST(VgLockTest, RelocksWhenTheFileWasReplacedWhileWaiting) {
  // LVM unlinks the lock file on release; a waiter that locked the old inode
  // must notice and lock the new file instead.
  TempDir dir;
  const std::string file = dir.File("V_vg");
  const int holder = ::open(file.c_str(), O_CREAT | O_RDWR | O_CLOEXEC, 0777);
  ASSERT_EQ(::flock(holder, LOCK_EX), 0);
  std::thread release([&] {
    ::usleep(200000);
    ::unlink(file.c_str());
    ::close(holder);
  });
  auto lock = VgLock::Acquire(dir.path(), "vg", LockMode::kExclusive, nullptr);
  release.join();
  ASSERT_TRUE(lock.ok());
  struct stat by_path {};
  ASSERT_EQ(::stat(file.c_str(), &by_path), 0);  // a fresh file, and it is ours
  EXPECT_FALSE(OthersCanLock(file, LOCK_EX));
}

TEST(VgLockTest, CreatesTheLockDirectory) {
  TempDir dir;
  auto lock = VgLock::Acquire(dir.File("lock/lvm").substr(0, dir.File("lock").size()), "vg",
                              LockMode::kExclusive, nullptr);
  ASSERT_TRUE(lock.ok()) << lock.status().message();
  EXPECT_TRUE(Exists(dir.File("lock/V_vg")));
}

}  // namespace
}  // namespace lvmrevert::lvmext
