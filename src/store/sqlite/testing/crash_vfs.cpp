#include "store/sqlite/testing/crash_vfs.hpp"

#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <bitset>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <new>
#include <random>
#include <stdexcept>
#include <string>

namespace brisk::store::sqlite::crash {

namespace {

constexpr std::int64_t kSector = 512;

// A file as the machine sees it. `data` is the page cache (what reads
// return and writes change), `disk` what reached the disk; `dirty` holds,
// for each sector written since the last sync, which of its bytes were.
struct FileState {
  std::string path;
  bool main_db = false;
  std::string data;
  std::string disk;
  std::map<std::int64_t, std::bitset<kSector>> dirty;
};

struct Power {
  std::mutex mu;
  std::map<std::string, std::shared_ptr<FileState>> files;
  bool off = false;
  bool armed = false;
  std::uint64_t cut_at = 0;
  Tear tear = Tear::kDropAll;
  std::mt19937_64 rng{1};
  Counts counts;
};

Power& power() {
  static Power p;
  return p;
}

sqlite3_vfs* base_vfs = nullptr;
sqlite3_vfs vfs;

struct CrashFile {
  sqlite3_file file;  // first: SQLite sees a CrashFile* as a sqlite3_file*
  sqlite3_file* inner;
  std::shared_ptr<FileState> state;
};

CrashFile* crash_file(sqlite3_file* f) {
  return reinterpret_cast<CrashFile*>(f);
}

std::size_t sector_bytes(const FileState& s, std::int64_t sector) {
  const std::int64_t at = sector * kSector;
  const auto size = static_cast<std::int64_t>(s.data.size());
  return at >= size ? 0 : static_cast<std::size_t>(std::min(kSector, size - at));
}

// The disk image holds at least `size` bytes (a sector that lands past its
// end leaves zeros in between, as a hole would read).
void extend_disk(FileState& s, std::size_t size) {
  if (s.disk.size() < size) s.disk.resize(size, '\0');
}

// The power goes: every file's unsynced sectors meet their fate.
void cut(Power& p) {
  p.off = true;
  for (auto& [path, s] : p.files) {
    if (s->main_db && !s->dirty.empty()) p.counts.cut_in_checkpoint = true;
    for (const auto& [sector, written] : s->dirty) {
      const std::size_t n = sector_bytes(*s, sector);
      if (n == 0) continue;  // truncated away since
      const auto at = static_cast<std::size_t>(sector * kSector);
      const std::uint64_t fate = p.tear == Tear::kDropAll       ? 0
                                 : p.tear == Tear::kSomeSectors ? p.rng() % 2
                                                                : p.rng() % 3;
      if (fate == 0) {
        ++p.counts.lost_sectors;
        continue;
      }
      extend_disk(*s, at + n);
      if (fate == 1) {
        std::memcpy(s->disk.data() + at, s->data.data() + at, n);
        ++p.counts.kept_sectors;
        continue;
      }
      // Garbled: the bytes written to the sector are random; the others
      // keep what the disk held (powersafe overwrite).
      for (std::size_t i = 0; i < n; ++i) {
        if (written[i]) s->disk[at + i] = static_cast<char>(p.rng());
      }
      ++p.counts.torn_sectors;
    }
    s->dirty.clear();
  }
}

// Counts an operation that changes a file; true when the power is off
// (then the operation must fail without effect).
bool count_op(Power& p) {
  if (p.off) return true;
  if (!p.armed) return false;
  if (++p.counts.ops >= p.cut_at) cut(p);
  return p.off;
}

int c_close(sqlite3_file* f) {
  CrashFile* c = crash_file(f);
  int rc = c->inner->pMethods->xClose(c->inner);
  c->~CrashFile();
  return rc;
}

int c_read(sqlite3_file* f, void* out, int n, sqlite3_int64 at) {
  Power& p = power();
  std::lock_guard lock(p.mu);
  if (p.off) return SQLITE_IOERR_READ;
  const std::string& d = crash_file(f)->state->data;
  const auto size = static_cast<sqlite3_int64>(d.size());
  const sqlite3_int64 have = at >= size ? 0 : std::min<sqlite3_int64>(n, size - at);
  if (have > 0) std::memcpy(out, d.data() + at, static_cast<std::size_t>(have));
  if (have == n) return SQLITE_OK;
  std::memset(static_cast<char*>(out) + have, 0, static_cast<std::size_t>(n - have));
  return SQLITE_IOERR_SHORT_READ;
}

int c_write(sqlite3_file* f, const void* in, int n, sqlite3_int64 at) {
  Power& p = power();
  std::lock_guard lock(p.mu);
  if (count_op(p)) return SQLITE_IOERR_WRITE;
  FileState& s = *crash_file(f)->state;
  const auto end = static_cast<std::size_t>(at + n);
  if (s.data.size() < end) s.data.resize(end, '\0');
  std::memcpy(s.data.data() + at, in, static_cast<std::size_t>(n));
  for (sqlite3_int64 i = at; i < at + n;) {
    auto& bits = s.dirty[i / kSector];
    const sqlite3_int64 stop = std::min<sqlite3_int64>(at + n, (i / kSector + 1) * kSector);
    for (; i < stop; ++i) bits.set(static_cast<std::size_t>(i % kSector));
  }
  return SQLITE_OK;
}

// The new size reaches the disk at the next sync (or never, if the power
// goes first).
int c_truncate(sqlite3_file* f, sqlite3_int64 size) {
  Power& p = power();
  std::lock_guard lock(p.mu);
  if (count_op(p)) return SQLITE_IOERR_TRUNCATE;
  crash_file(f)->state->data.resize(static_cast<std::size_t>(size), '\0');
  return SQLITE_OK;
}

int c_sync(sqlite3_file* f, int) {
  Power& p = power();
  std::lock_guard lock(p.mu);
  if (count_op(p)) return SQLITE_IOERR_FSYNC;
  FileState& s = *crash_file(f)->state;
  if (p.armed && s.main_db) ++p.counts.db_syncs;
  s.disk.resize(s.data.size(), '\0');
  for (const auto& [sector, written] : s.dirty) {
    const std::size_t n = sector_bytes(s, sector);
    const auto at = static_cast<std::size_t>(sector * kSector);
    if (n) std::memcpy(s.disk.data() + at, s.data.data() + at, n);
  }
  s.dirty.clear();
  return SQLITE_OK;
}

int c_file_size(sqlite3_file* f, sqlite3_int64* size) {
  Power& p = power();
  std::lock_guard lock(p.mu);
  if (p.off) return SQLITE_IOERR_FSTAT;
  *size = static_cast<sqlite3_int64>(crash_file(f)->state->data.size());
  return SQLITE_OK;
}

sqlite3_file* inner(sqlite3_file* f) {
  return crash_file(f)->inner;
}
int c_lock(sqlite3_file* f, int l) {
  return inner(f)->pMethods->xLock(inner(f), l);
}
int c_unlock(sqlite3_file* f, int l) {
  return inner(f)->pMethods->xUnlock(inner(f), l);
}
int c_check_reserved(sqlite3_file* f, int* out) {
  return inner(f)->pMethods->xCheckReservedLock(inner(f), out);
}
int c_file_control(sqlite3_file* f, int op, void* arg) {
  // Size hints would grow the real file outside the simulation: the page
  // cache needs none.
  if (op == SQLITE_FCNTL_SIZE_HINT || op == SQLITE_FCNTL_CHUNK_SIZE) return SQLITE_OK;
  return inner(f)->pMethods->xFileControl(inner(f), op, arg);
}
int c_sector_size(sqlite3_file* f) {
  return inner(f)->pMethods->xSectorSize(inner(f));
}
int c_device(sqlite3_file* f) {
  return inner(f)->pMethods->xDeviceCharacteristics(inner(f));
}
// The WAL index (shared memory) is not durable: a power cut needs nothing
// of it, and recovery rebuilds it from the WAL.
int c_shm_map(sqlite3_file* f, int region, int size, int extend, void volatile** out) {
  return inner(f)->pMethods->xShmMap(inner(f), region, size, extend, out);
}
int c_shm_lock(sqlite3_file* f, int offset, int n, int flags) {
  return inner(f)->pMethods->xShmLock(inner(f), offset, n, flags);
}
void c_shm_barrier(sqlite3_file* f) {
  inner(f)->pMethods->xShmBarrier(inner(f));
}
int c_shm_unmap(sqlite3_file* f, int del) {
  return inner(f)->pMethods->xShmUnmap(inner(f), del);
}

// Version 2: shared memory, no memory-mapped reads (which would bypass the
// page cache).
const sqlite3_io_methods kMethods = {2,           c_close,          c_read,         c_write,
                                     c_truncate,  c_sync,           c_file_size,    c_lock,
                                     c_unlock,    c_check_reserved, c_file_control, c_sector_size,
                                     c_device,    c_shm_map,        c_shm_lock,     c_shm_barrier,
                                     c_shm_unmap, nullptr,          nullptr};

// What the real file holds, read through the base's own handle: another
// descriptor of a database file, once closed, would drop the process's
// POSIX locks on it.
std::string read_whole(sqlite3_file* f) {
  sqlite3_int64 size = 0;
  if (f->pMethods->xFileSize(f, &size) != SQLITE_OK) return {};
  std::string out(static_cast<std::size_t>(size), '\0');
  if (size > 0 && f->pMethods->xRead(f, out.data(), static_cast<int>(size), 0) != SQLITE_OK) {
    throw std::runtime_error("crash VFS: cannot read the real file");
  }
  return out;
}

int v_open(sqlite3_vfs*, sqlite3_filename name, sqlite3_file* f, int flags, int* out_flags) {
  if (!name) return base_vfs->xOpen(base_vfs, name, f, flags, out_flags);  // temporary
  Power& p = power();
  if (power_is_off()) {
    f->pMethods = nullptr;
    return SQLITE_CANTOPEN;
  }
  auto* c = new (f) CrashFile{};
  c->inner = reinterpret_cast<sqlite3_file*>(reinterpret_cast<char*>(f) + sizeof(CrashFile));
  c->inner->pMethods = nullptr;
  int rc = base_vfs->xOpen(base_vfs, name, c->inner, flags, out_flags);
  if (rc != SQLITE_OK) {
    // SQLite calls xClose only if pMethods is set: leave it null.
    if (c->inner->pMethods) c->inner->pMethods->xClose(c->inner);
    c->~CrashFile();
    f->pMethods = nullptr;
    return rc;
  }
  std::lock_guard lock(p.mu);
  auto& s = p.files[name];
  if (!s) {  // the page cache starts as what the disk holds
    s = std::make_shared<FileState>();
    s->path = name;
    s->main_db = (flags & SQLITE_OPEN_MAIN_DB) != 0;
    s->disk = read_whole(c->inner);
    s->data = s->disk;
  }
  c->state = s;
  c->file.pMethods = &kMethods;
  return SQLITE_OK;
}

// Deleting is a directory change, taken as reaching the disk at once.
int v_delete(sqlite3_vfs*, const char* name, int sync_dir) {
  Power& p = power();
  std::lock_guard lock(p.mu);
  if (p.off) return SQLITE_IOERR_DELETE;
  p.files.erase(name);
  return base_vfs->xDelete(base_vfs, name, sync_dir);
}

void write_real_file(const FileState& s) {
  const int fd = ::open(s.path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
  bool ok = fd >= 0;
  for (std::size_t done = 0; ok && done < s.disk.size();) {
    const ssize_t n =
        ::pwrite(fd, s.disk.data() + done, s.disk.size() - done, static_cast<off_t>(done));
    ok = n > 0;
    if (ok) done += static_cast<std::size_t>(n);
  }
  ok = ok && ::ftruncate(fd, static_cast<off_t>(s.disk.size())) == 0;
  if (fd >= 0) ::close(fd);
  if (!ok) throw std::runtime_error("crash VFS: cannot write " + s.path);
}

}  // namespace

const char* register_vfs() {
  static std::once_flag once;
  std::call_once(once, [] {
    base_vfs = sqlite3_vfs_find("unix-excl");
    if (!base_vfs) throw std::runtime_error("SQLite lacks the unix-excl VFS");
    vfs = *base_vfs;  // the rest is the base's, with the base's pAppData
    vfs.pNext = nullptr;
    vfs.zName = kVfsName;
    vfs.szOsFile = static_cast<int>(sizeof(CrashFile)) + base_vfs->szOsFile;
    vfs.xOpen = v_open;
    vfs.xDelete = v_delete;
    if (sqlite3_vfs_register(&vfs, 0) != SQLITE_OK) {
      throw std::runtime_error("cannot register the crash VFS");
    }
  });
  return kVfsName;
}

void arm(std::uint64_t ops, Tear tear, std::uint64_t seed) {
  Power& p = power();
  std::lock_guard lock(p.mu);
  p.armed = true;
  p.cut_at = ops;
  p.tear = tear;
  p.rng.seed(seed);
  p.counts = Counts{};
}

void cut_now() {
  Power& p = power();
  std::lock_guard lock(p.mu);
  if (!p.off) cut(p);
}

bool power_is_off() {
  Power& p = power();
  std::lock_guard lock(p.mu);
  return p.off;
}

Counts counts() {
  Power& p = power();
  std::lock_guard lock(p.mu);
  return p.counts;
}

void reboot() {
  Power& p = power();
  std::lock_guard lock(p.mu);
  for (const auto& [path, s] : p.files) write_real_file(*s);
  p.files.clear();
  p.off = false;
  p.armed = false;
}

}  // namespace brisk::store::sqlite::crash
