// brisk restore: puts a backup (a database file brisk wrote: brisk backup,
// or a copy of a cleanly stopped brisk.db) in place of a SQLite database.
#pragma once
#include <string>

namespace brisk::ops {

// Replaces `db` with a copy of `backup`. Refuses (std::runtime_error) a
// database in use by a server, a backup that is not a sound brisk
// database, or one of a newer schema than this binary knows. The copy is
// written beside `db`, synced, then renamed over it; `db`'s old WAL and
// shared-memory files are removed.
void restore_sqlite(const std::string& backup, const std::string& db);

}  // namespace brisk::ops
