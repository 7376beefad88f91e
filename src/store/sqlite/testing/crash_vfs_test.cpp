// The power-cut VFS itself: what it keeps and loses at a cut, so that the
// power-loss test (power_loss_test.cpp) stands on a simulation that is
// known to lose what a real cut loses, and only that.
#include "store/sqlite/testing/crash_vfs.hpp"

#include <sqlite3.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <string>

#include "store/sqlite_library.hpp"

namespace brisk::store::sqlite::crash {
namespace {

// A file opened through the crash VFS directly, as SQLite would.
class File {
 public:
  explicit File(const std::string& path) : path_(path) {
    vfs_ = sqlite3_vfs_find(register_vfs());
    f_ = static_cast<sqlite3_file*>(sqlite3_malloc(vfs_->szOsFile));
    int out = 0;
    rc_ = vfs_->xOpen(vfs_, path_.c_str(), f_,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_MAIN_DB, &out);
  }
  ~File() {
    if (rc_ == SQLITE_OK) f_->pMethods->xClose(f_);
    sqlite3_free(f_);
  }
  int opened() const { return rc_; }
  int write(const std::string& s, sqlite3_int64 at) {
    return f_->pMethods->xWrite(f_, s.data(), static_cast<int>(s.size()), at);
  }
  int sync() { return f_->pMethods->xSync(f_, SQLITE_SYNC_NORMAL); }
  std::string read(int n, sqlite3_int64 at) {
    std::string out(static_cast<std::size_t>(n), '\0');
    f_->pMethods->xRead(f_, out.data(), n, at);
    return out;
  }

 private:
  std::string path_;
  sqlite3_vfs* vfs_;
  sqlite3_file* f_;
  int rc_;
};

std::string real_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::string temp_path(const char* name) {
  std::string p = ::testing::TempDir() + "/crash-vfs-" + std::to_string(::getpid()) + "-" + name;
  ::unlink(p.c_str());
  return p;
}

TEST(CrashVfs, KeepsSyncedBytesAndLosesTheRestAtACut) {
  configure_sqlite_library();
  const std::string path = temp_path("drop");
  {
    File f(path);
    ASSERT_EQ(f.opened(), SQLITE_OK);
    arm(1000, Tear::kDropAll, 1);
    ASSERT_EQ(f.write(std::string(1024, 'a'), 0), SQLITE_OK);
    ASSERT_EQ(f.sync(), SQLITE_OK);
    ASSERT_EQ(f.write(std::string(1024, 'b'), 512), SQLITE_OK);
    EXPECT_EQ(f.read(4, 1020), "bbbb");  // every reader sees the page cache
    EXPECT_EQ(real_bytes(path), "");     // the real file is the disk: untouched until reboot
    cut_now();
    EXPECT_TRUE(power_is_off());
    EXPECT_EQ(f.write("c", 0), SQLITE_IOERR_WRITE);
    EXPECT_EQ(f.sync(), SQLITE_IOERR_FSYNC);
    EXPECT_EQ(counts().lost_sectors, 2u);     // sectors 1 and 2
    EXPECT_TRUE(counts().cut_in_checkpoint);  // a main database file had unsynced sectors
  }
  reboot();
  EXPECT_EQ(real_bytes(path), std::string(1024, 'a'));
  ::unlink(path.c_str());
}

TEST(CrashVfs, CutsBeforeTheArmedOperation) {
  configure_sqlite_library();
  const std::string path = temp_path("armed");
  {
    File f(path);
    arm(3, Tear::kDropAll, 1);
    ASSERT_EQ(f.write("one.", 0), SQLITE_OK);
    ASSERT_EQ(f.sync(), SQLITE_OK);
    EXPECT_EQ(f.write("two.", 4), SQLITE_IOERR_WRITE);  // the third operation: never happens
    EXPECT_TRUE(power_is_off());
    EXPECT_EQ(counts().db_syncs, 1u);
  }
  reboot();
  EXPECT_EQ(real_bytes(path), "one.");
  ::unlink(path.c_str());
}

TEST(CrashVfs, TearingTouchesOnlyTheBytesWrittenSinceTheSync) {
  configure_sqlite_library();
  const std::string synced(4096, 's');
  int garbled = 0, whole = 0, lost = 0;
  for (std::uint64_t seed = 1; seed <= 40; ++seed) {
    const std::string path = temp_path("tear");
    {
      File f(path);
      arm(1000, Tear::kGarbleSectors, seed);
      ASSERT_EQ(f.write(synced, 0), SQLITE_OK);
      ASSERT_EQ(f.sync(), SQLITE_OK);
      // Half of sector 2 and all of sector 3: sector 2's first half was
      // synced and must survive whatever happens to the rest.
      ASSERT_EQ(f.write(std::string(768, 'n'), 1280), SQLITE_OK);
      cut_now();
    }
    reboot();
    const std::string disk = real_bytes(path);
    ASSERT_EQ(disk.size(), synced.size());
    EXPECT_EQ(disk.substr(0, 1280), synced.substr(0, 1280)) << "seed " << seed;
    EXPECT_EQ(disk.substr(2048), synced.substr(2048)) << "seed " << seed;
    for (std::size_t sector : {1024u, 1536u}) {
      const std::size_t from = std::max<std::size_t>(sector, 1280);
      const std::string got = disk.substr(from, sector + 512 - from);
      if (got == std::string(got.size(), 'n')) {
        ++whole;
      } else if (got == std::string(got.size(), 's')) {
        ++lost;
      } else {
        ++garbled;
      }
    }
    ::unlink(path.c_str());
  }
  // Every fate happens (40 files, 2 sectors each, a third each).
  EXPECT_GT(whole, 0);
  EXPECT_GT(lost, 0);
  EXPECT_GT(garbled, 0);
}

}  // namespace
}  // namespace brisk::store::sqlite::crash
