// A VFS that simulates power cuts, for the power-loss tests (as SQLite's own
// crash tests do, test6.c). Linked into the unit-test binary only.
//
// kill -9 keeps the operating system's page cache; a power cut loses it.
// This VFS sits over unix-excl and under everything brisk stacks on it (the
// writer's coalescing WAL layer, the readers): what SQLite writes to a file
// goes to a simulated page cache, shared by every connection of the process
// and read back by them, and reaches the "disk" only when xSync of that file
// runs. At a power cut, the bytes written since their file's last sync are
// thrown away or torn: each 512-byte sector of them independently reaches
// the disk whole, or not at all, or (kGarbleSectors) with the bytes written
// to it replaced by random ones. From then on every operation fails, as on a
// machine without power, until reboot(), after every connection through the
// VFS is closed, writes the disk's image to the real files.
//
// Invariants: the real files change only in reboot() (and xDelete, taken as
// durable at once, as a directory change made before the cut); a sector
// that was not written since its file's last sync is never changed by a cut,
// so the device keeps the "powersafe overwrite" property unix-excl reports.
// Temporary files (no name) are the base's own and never cut.
//
// One power supply per process: the state is global and thread-safe.
#pragma once
#include <cstdint>

namespace brisk::store::sqlite::crash {

inline constexpr const char* kVfsName = "brisk-crash";

// What happens at the cut to each sector written since its file's last sync.
enum class Tear : std::uint8_t {
  kDropAll,        // none of them reaches the disk
  kSomeSectors,    // each reaches the disk whole, or not at all
  kGarbleSectors,  // each reaches the disk, or not, or with its written bytes random
};

// Registers the VFS over unix-excl (once; thread-safe) and returns its name.
const char* register_vfs();

// Cuts the power just before the `ops`-th write, truncate or sync (of any
// file) from now: that operation fails and has no effect. `seed` drives the
// tearing.
void arm(std::uint64_t ops, Tear tear, std::uint64_t seed);
// Cuts the power now, if it is still on.
void cut_now();
bool power_is_off();

// What the VFS saw since arm(), for the tests' report.
struct Counts {
  std::uint64_t ops = 0;           // writes, truncates and syncs counted
  std::uint64_t db_syncs = 0;      // syncs of a main database file (checkpoints)
  std::uint64_t lost_sectors = 0;  // dirty sectors at the cut that never reached the disk
  std::uint64_t torn_sectors = 0;  // ... that reached it garbled
  std::uint64_t kept_sectors = 0;  // ... that reached it whole
  bool cut_in_checkpoint = false;  // a main database file had unsynced writes at the cut
};
Counts counts();

// Power on again, after every connection through the VFS is closed: the real
// files are made to hold what reached the disk, and the page cache is empty.
void reboot();

}  // namespace brisk::store::sqlite::crash
