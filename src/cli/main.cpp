// brisk's entry point: the command line (src/cli/cli.hpp).
#include "cli/cli.hpp"

int main(int argc, char** argv) {
  // Nothing escapes as an abort: a failure is one line and exit code 2.
  try {
    return brisk::cli::run(argc, argv);
  } catch (const std::exception& e) {
    return brisk::cli::fail(e.what());
  } catch (...) {
    return brisk::cli::fail("unexpected error");
  }
}
