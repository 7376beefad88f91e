#!/usr/bin/env bash
# `make sanitize`: builds a sanitizer preset (asan: ASan+UBSan, tsan: TSan;
# clang, CMakePresets.json) and runs its ctest selection (the test preset
# of the same name: unit tests and end-to-end tests against that binary).
# The sanitizers write their reports into build/<preset>/sanitizer-reports
# (log_path in the test preset's environment), and any report fails the
# run, including one from a process whose exit status no test looks at.
set -euo pipefail
cd "$(dirname "$0")/.."
preset=${1:?usage: tools/sanitized_tests.sh asan|tsan}
start=$(date +%s)
cmake --preset "$preset" >/dev/null
cmake --build --preset "$preset"
reports=build/$preset/sanitizer-reports
rm -rf "$reports"
mkdir -p "$reports"
status=0
ctest --preset "$preset" -j2 || status=$?
if compgen -G "$reports/*" >/dev/null; then
  echo "$preset: sanitizer reports (each fails the run):"
  for f in "$reports"/*; do
    echo "==== $f"
    head -c 20000 "$f"
  done
  status=1
fi
echo "$preset: build and tests took $(($(date +%s) - start)) s; exit $status"
exit "$status"
