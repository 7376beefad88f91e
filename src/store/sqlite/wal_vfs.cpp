#include "store/sqlite/wal_vfs.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <mutex>
#include <new>
#include <stdexcept>
#include <string>

namespace brisk::store::sqlite {

namespace {

constexpr const char* kName = "brisk-wal";
constexpr const char* kNoSyncName = "brisk-wal-nosync";
constexpr const char* kBase = "unix-excl";
// Held bytes beyond this are written at once (one transaction of 64 MiB is
// far beyond brisk's batches; the bound only caps memory).
constexpr std::size_t kMaxHeld = 4u << 20;

sqlite3_vfs* base_vfs = nullptr;
sqlite3_vfs vfs, nosync_vfs;

// The sqlite3_file of a WAL opened through this VFS; the base VFS's file
// object follows it in the same allocation (szOsFile covers both).
struct WalFile {
  sqlite3_file file;  // first: SQLite sees a WalFile* as a sqlite3_file*
  sqlite3_file* inner;
  bool sync;              // false: xSync only passes held bytes on
  sqlite3_int64 held_at;  // file offset of held[0]
  std::string held;       // bytes written but not yet passed to `inner`
};

WalFile* wal(sqlite3_file* f) {
  return reinterpret_cast<WalFile*>(f);
}

const sqlite3_io_methods& inner_methods(WalFile* w) {
  return *w->inner->pMethods;
}

// The unix VFS writes at most 128 KiB - 1 per call (it masks the length to
// 17 bits, pages being at most 64 KiB): pass longer runs on in pieces.
constexpr std::size_t kMaxWrite = 124u << 10;

// Passes the held bytes on, in as few writes as the base allows.
int flush(WalFile* w) {
  int rc = SQLITE_OK;
  for (std::size_t done = 0; done < w->held.size() && rc == SQLITE_OK;) {
    const std::size_t n = std::min(kMaxWrite, w->held.size() - done);
    rc = inner_methods(w).xWrite(w->inner, w->held.data() + done, static_cast<int>(n),
                                 w->held_at + static_cast<sqlite3_int64>(done));
    done += n;
  }
  w->held.clear();
  return rc;
}

int wal_close(sqlite3_file* f) {
  WalFile* w = wal(f);
  int rc = flush(w);
  int rc2 = inner_methods(w).xClose(w->inner);
  w->~WalFile();
  return rc != SQLITE_OK ? rc : rc2;
}

int wal_read(sqlite3_file* f, void* out, int n, sqlite3_int64 at) {
  WalFile* w = wal(f);
  // Reading what is held would see stale bytes in the file: pass them on.
  if (!w->held.empty() && at < w->held_at + static_cast<sqlite3_int64>(w->held.size()) &&
      at + n > w->held_at) {
    if (int rc = flush(w); rc != SQLITE_OK) return rc;
  }
  return inner_methods(w).xRead(w->inner, out, n, at);
}

int wal_write(sqlite3_file* f, const void* data, int n, sqlite3_int64 at) {
  WalFile* w = wal(f);
  const bool contiguous = at == w->held_at + static_cast<sqlite3_int64>(w->held.size());
  if (!w->held.empty() && (!contiguous || w->held.size() + n > kMaxHeld)) {
    if (int rc = flush(w); rc != SQLITE_OK) return rc;
  }
  if (static_cast<std::size_t>(n) > kMaxWrite) {
    return inner_methods(w).xWrite(w->inner, data, n, at);  // larger than any page
  }
  if (w->held.empty()) w->held_at = at;
  try {
    w->held.append(static_cast<const char*>(data), static_cast<std::size_t>(n));
  } catch (const std::bad_alloc&) {
    if (int rc = flush(w); rc != SQLITE_OK) return rc;
    return inner_methods(w).xWrite(w->inner, data, n, at);
  }
  return SQLITE_OK;
}

int wal_truncate(sqlite3_file* f, sqlite3_int64 size) {
  WalFile* w = wal(f);
  if (int rc = flush(w); rc != SQLITE_OK) return rc;
  return inner_methods(w).xTruncate(w->inner, size);
}

int wal_sync(sqlite3_file* f, int flags) {
  WalFile* w = wal(f);
  if (int rc = flush(w); rc != SQLITE_OK) return rc;
  return w->sync ? inner_methods(w).xSync(w->inner, flags) : SQLITE_OK;
}

int wal_file_size(sqlite3_file* f, sqlite3_int64* size) {
  WalFile* w = wal(f);
  if (int rc = flush(w); rc != SQLITE_OK) return rc;
  return inner_methods(w).xFileSize(w->inner, size);
}

int wal_lock(sqlite3_file* f, int level) {
  return inner_methods(wal(f)).xLock(wal(f)->inner, level);
}

int wal_unlock(sqlite3_file* f, int level) {
  return inner_methods(wal(f)).xUnlock(wal(f)->inner, level);
}

int wal_check_reserved(sqlite3_file* f, int* out) {
  return inner_methods(wal(f)).xCheckReservedLock(wal(f)->inner, out);
}

int wal_file_control(sqlite3_file* f, int op, void* arg) {
  WalFile* w = wal(f);
  // Some controls touch the file (size hints, chunk sizes...): nothing held.
  if (int rc = flush(w); rc != SQLITE_OK) return rc;
  return inner_methods(w).xFileControl(w->inner, op, arg);
}

int wal_sector_size(sqlite3_file* f) {
  return inner_methods(wal(f)).xSectorSize(wal(f)->inner);
}

int wal_device_characteristics(sqlite3_file* f) {
  return inner_methods(wal(f)).xDeviceCharacteristics(wal(f)->inner);
}

// Version 1: a WAL file has no shared memory and is never memory-mapped.
const sqlite3_io_methods kWalMethods = {1,
                                        wal_close,
                                        wal_read,
                                        wal_write,
                                        wal_truncate,
                                        wal_sync,
                                        wal_file_size,
                                        wal_lock,
                                        wal_unlock,
                                        wal_check_reserved,
                                        wal_file_control,
                                        wal_sector_size,
                                        wal_device_characteristics,
                                        nullptr,
                                        nullptr,
                                        nullptr,
                                        nullptr,
                                        nullptr,
                                        nullptr};

int open(sqlite3_vfs* self, sqlite3_filename name, sqlite3_file* f, int flags, int* out_flags) {
  if (!(flags & SQLITE_OPEN_WAL)) {
    // Every other file is the base VFS's own, opened in place: no wrapper.
    return base_vfs->xOpen(base_vfs, name, f, flags, out_flags);
  }
  auto* w = new (f) WalFile{};
  w->inner = reinterpret_cast<sqlite3_file*>(reinterpret_cast<char*>(f) + sizeof(WalFile));
  w->inner->pMethods = nullptr;
  w->sync = self != &nosync_vfs;
  int rc = base_vfs->xOpen(base_vfs, name, w->inner, flags, out_flags);
  if (rc != SQLITE_OK) {
    // SQLite calls xClose only if pMethods is set; leave it null.
    if (w->inner->pMethods) w->inner->pMethods->xClose(w->inner);
    w->~WalFile();
    f->pMethods = nullptr;
    return rc;
  }
  w->file.pMethods = &kWalMethods;
  return SQLITE_OK;
}

// The rest of the VFS is the base's, called with the base's own object.
int vfs_delete(sqlite3_vfs*, const char* name, int sync_dir) {
  return base_vfs->xDelete(base_vfs, name, sync_dir);
}
int vfs_access(sqlite3_vfs*, const char* name, int flags, int* out) {
  return base_vfs->xAccess(base_vfs, name, flags, out);
}
int vfs_full_pathname(sqlite3_vfs*, const char* name, int n, char* out) {
  return base_vfs->xFullPathname(base_vfs, name, n, out);
}
void* vfs_dlopen(sqlite3_vfs*, const char* name) {
  return base_vfs->xDlOpen(base_vfs, name);
}
void vfs_dlerror(sqlite3_vfs*, int n, char* out) {
  base_vfs->xDlError(base_vfs, n, out);
}
void (*vfs_dlsym(sqlite3_vfs*, void* h, const char* sym))(void) {
  return base_vfs->xDlSym(base_vfs, h, sym);
}
void vfs_dlclose(sqlite3_vfs*, void* h) {
  base_vfs->xDlClose(base_vfs, h);
}
int vfs_randomness(sqlite3_vfs*, int n, char* out) {
  return base_vfs->xRandomness(base_vfs, n, out);
}
int vfs_sleep(sqlite3_vfs*, int us) {
  return base_vfs->xSleep(base_vfs, us);
}
int vfs_current_time(sqlite3_vfs*, double* out) {
  return base_vfs->xCurrentTime(base_vfs, out);
}
int vfs_last_error(sqlite3_vfs*, int n, char* out) {
  return base_vfs->xGetLastError(base_vfs, n, out);
}
int vfs_current_time64(sqlite3_vfs*, sqlite3_int64* out) {
  return base_vfs->xCurrentTimeInt64(base_vfs, out);
}

}  // namespace

const char* coalescing_wal_vfs(bool sync) {
  static std::once_flag once;
  std::call_once(once, [] {
    base_vfs = sqlite3_vfs_find(kBase);
    if (!base_vfs) throw std::runtime_error("SQLite lacks the unix-excl VFS");
    vfs = sqlite3_vfs{};
    vfs.iVersion = 2;  // no system-call overrides
    // Room for a WalFile followed by the base file, or the base file alone.
    vfs.szOsFile = static_cast<int>(sizeof(WalFile)) + base_vfs->szOsFile;
    vfs.mxPathname = base_vfs->mxPathname;
    vfs.zName = kName;
    vfs.xOpen = open;
    vfs.xDelete = vfs_delete;
    vfs.xAccess = vfs_access;
    vfs.xFullPathname = vfs_full_pathname;
    vfs.xDlOpen = vfs_dlopen;
    vfs.xDlError = vfs_dlerror;
    vfs.xDlSym = vfs_dlsym;
    vfs.xDlClose = vfs_dlclose;
    vfs.xRandomness = vfs_randomness;
    vfs.xSleep = vfs_sleep;
    vfs.xCurrentTime = vfs_current_time;
    vfs.xGetLastError = vfs_last_error;
    vfs.xCurrentTimeInt64 = vfs_current_time64;
    nosync_vfs = vfs;
    nosync_vfs.zName = kNoSyncName;
    if (sqlite3_vfs_register(&vfs, 0) != SQLITE_OK ||
        sqlite3_vfs_register(&nosync_vfs, 0) != SQLITE_OK) {
      throw std::runtime_error("cannot register the brisk-wal VFS");
    }
  });
  return sync ? kName : kNoSyncName;
}

}  // namespace brisk::store::sqlite
