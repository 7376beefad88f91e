// A VFS over "unix-excl" that coalesces the writes to a WAL file into one
// write per transaction. SQLite writes each WAL frame as two writes (the
// 24-byte frame header, then the page), so a group commit of 54 pages was
// 108 pwrite calls, each a trip through the filesystem's buffered-write path;
// here they collect in memory and reach the file in one pwrite when SQLite
// syncs the WAL (or reads, truncates, sizes or closes it).
//
// Invariant: bytes are held only between an xWrite and the next xSync of the
// same file, and SQLite publishes a commit to readers (the wal-index header)
// only after that xSync. That holds when every commit syncs the WAL, i.e.
// with synchronous=FULL (or EXTRA): only use this VFS on such connections.
// Holding unsynced bytes in memory instead of the page cache changes nothing
// SQLite relies on: it never reads back through another handle what it has
// not synced and published, and after a crash, frames that were never synced
// belong to no committed transaction either way.
#pragma once

namespace brisk::store::sqlite {

// Registers the VFS (once per pair of arguments; thread-safe) and returns its
// name. With `sync` false (":memory:", which keeps nothing), a WAL's xSync
// only passes the held bytes on: such a connection still runs with
// synchronous=FULL, so that SQLite calls xSync at every commit, and no fsync
// is made. It stacks over the registered VFS `base` (null: unix-excl);
// another base is for tests (the power-cut VFS, testing/crash_vfs.hpp).
const char* coalescing_wal_vfs(bool sync = true, const char* base = nullptr);

}  // namespace brisk::store::sqlite
