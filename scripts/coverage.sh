#!/usr/bin/env bash
# `make coverage`: runs the unit tests and the end-to-end suite against the
# --coverage build in $1, then writes gcovr's report of src/ (tests excluded)
# to $1/html/index.html and prints the line and branch totals.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build/coverage}
find "$build" -name '*.gcda' -delete
"$build/brisk_tests" --gtest_brief=1
# The e2e suite stops every brisk it starts with SIGTERM, so each writes its
# counters on exit (a process killed with -9 by a crash test does not).
BRISK_BIN="$PWD/$build/brisk" /usr/bin/python3 -m pytest -q -p no:cacheprovider tests/e2e || {
  echo "coverage: some end-to-end tests failed (the report still covers what ran)" >&2
}
mkdir -p "$build/html"
gcovr --root . --object-directory "$build" --filter 'src/' --exclude '.*_test\.cpp' \
  --exclude 'src/store/testing\.hpp' --exclude-unreachable-branches --exclude-throw-branches \
  --gcov-ignore-parse-errors --html-details "$build/html/index.html" --print-summary
echo "coverage: report in $build/html/index.html"
