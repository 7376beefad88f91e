#include "store/sqlite/wal_vfs.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <list>
#include <mutex>
#include <new>
#include <stdexcept>
#include <string>
#include <string_view>

namespace brisk::store::sqlite {

namespace {

constexpr const char* kName = "brisk-wal";
constexpr const char* kNoSyncName = "brisk-wal-nosync";
constexpr const char* kDefaultBase = "unix-excl";
// Held bytes beyond this are written at once (one transaction of 64 MiB is
// far beyond brisk's batches; the bound only caps memory).
constexpr std::size_t kMaxHeld = 4u << 20;

// One registered VFS: this layer over `base`, syncing or not. Never freed
// (SQLite keeps pointers to registered VFSes); reached from its sqlite3_vfs
// through pAppData.
struct Layer {
  sqlite3_vfs vfs;
  sqlite3_vfs* base;
  bool sync;
  std::string name;
};

sqlite3_vfs* base_of(sqlite3_vfs* self) {
  return static_cast<Layer*>(self->pAppData)->base;
}

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
  sqlite3_vfs* base_vfs = base_of(self);
  if (!(flags & SQLITE_OPEN_WAL)) {
    // Every other file is the base VFS's own, opened in place: no wrapper.
    return base_vfs->xOpen(base_vfs, name, f, flags, out_flags);
  }
  auto* w = new (f) WalFile{};
  w->inner = reinterpret_cast<sqlite3_file*>(reinterpret_cast<char*>(f) + sizeof(WalFile));
  w->inner->pMethods = nullptr;
  w->sync = static_cast<Layer*>(self->pAppData)->sync;
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
int vfs_delete(sqlite3_vfs* self, const char* name, int sync_dir) {
  sqlite3_vfs* b = base_of(self);
  return b->xDelete(b, name, sync_dir);
}
int vfs_access(sqlite3_vfs* self, const char* name, int flags, int* out) {
  sqlite3_vfs* b = base_of(self);
  return b->xAccess(b, name, flags, out);
}
int vfs_full_pathname(sqlite3_vfs* self, const char* name, int n, char* out) {
  sqlite3_vfs* b = base_of(self);
  return b->xFullPathname(b, name, n, out);
}
void* vfs_dlopen(sqlite3_vfs* self, const char* name) {
  sqlite3_vfs* b = base_of(self);
  return b->xDlOpen(b, name);
}
void vfs_dlerror(sqlite3_vfs* self, int n, char* out) {
  sqlite3_vfs* b = base_of(self);
  b->xDlError(b, n, out);
}
void (*vfs_dlsym(sqlite3_vfs* self, void* h, const char* sym))(void) {
  sqlite3_vfs* b = base_of(self);
  return b->xDlSym(b, h, sym);
}
void vfs_dlclose(sqlite3_vfs* self, void* h) {
  sqlite3_vfs* b = base_of(self);
  b->xDlClose(b, h);
}
int vfs_randomness(sqlite3_vfs* self, int n, char* out) {
  sqlite3_vfs* b = base_of(self);
  return b->xRandomness(b, n, out);
}
int vfs_sleep(sqlite3_vfs* self, int us) {
  sqlite3_vfs* b = base_of(self);
  return b->xSleep(b, us);
}
int vfs_current_time(sqlite3_vfs* self, double* out) {
  sqlite3_vfs* b = base_of(self);
  return b->xCurrentTime(b, out);
}
int vfs_last_error(sqlite3_vfs* self, int n, char* out) {
  sqlite3_vfs* b = base_of(self);
  return b->xGetLastError(b, n, out);
}
int vfs_current_time64(sqlite3_vfs* self, sqlite3_int64* out) {
  sqlite3_vfs* b = base_of(self);
  return b->xCurrentTimeInt64(b, out);
}

}  // namespace

const char* coalescing_wal_vfs(bool sync, const char* base) {
  static std::mutex mu;
  static std::list<Layer> layers;  // a list: registered addresses never move
  if (!base) base = kDefaultBase;
  std::lock_guard lock(mu);
  for (const Layer& l : layers) {
    if (l.sync == sync && std::string_view(l.base->zName) == base) return l.name.c_str();
  }
  sqlite3_vfs* base_vfs = sqlite3_vfs_find(base);
  if (!base_vfs) throw std::runtime_error(std::string("SQLite lacks the ") + base + " VFS");
  Layer& l = layers.emplace_back();
  l.base = base_vfs;
  l.sync = sync;
  // The production names stay as they were; a test's base is in the name.
  l.name = sync ? kName : kNoSyncName;
  if (std::string_view(base) != kDefaultBase) l.name += std::string("+") + base;
  sqlite3_vfs& vfs = l.vfs;
  vfs = sqlite3_vfs{};
  vfs.iVersion = 2;  // no system-call overrides
  // Room for a WalFile followed by the base file, or the base file alone.
  vfs.szOsFile = static_cast<int>(sizeof(WalFile)) + base_vfs->szOsFile;
  vfs.mxPathname = base_vfs->mxPathname;
  vfs.zName = l.name.c_str();
  vfs.pAppData = &l;
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
  if (sqlite3_vfs_register(&vfs, 0) != SQLITE_OK) {
    layers.pop_back();
    throw std::runtime_error("cannot register the " + std::string(kName) + " VFS");
  }
  return l.name.c_str();
}

}  // namespace brisk::store::sqlite
