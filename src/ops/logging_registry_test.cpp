// Not a test: builds spdlog's registry (its default logger, sink and
// formatter) on the main thread while the unit-test binary starts, before
// any test starts a thread.
//
// Why: spdlog (Debian's shared library, not instrumented) builds the
// registry in a function-local static on first use. A thread that finds it
// built reads it through the guard's fast path, an acquire load inside the
// library that ThreadSanitizer cannot see, so the tsan preset reported a
// test's first log call from one thread as racing with the registry's
// construction by another (a writer and a FileWatch thread, both logging
// first). C++ guarantees that publication; brisk's own main() sets up
// logging before it starts any thread.
#include <spdlog/spdlog.h>

namespace {

struct BuildRegistry {
  BuildRegistry() { spdlog::default_logger_raw(); }
};
const BuildRegistry kBuildRegistry;

}  // namespace
