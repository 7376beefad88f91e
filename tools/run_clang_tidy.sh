#!/usr/bin/env bash
# Runs clang-tidy with the repo's .clang-tidy over every source file of src/
# (ctest `clang_tidy`). The compile commands come from a configure-only tree
# without precompiled headers (clang cannot read GCC's), build/tidy.
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build/tidy -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_DISABLE_PRECOMPILE_HEADERS=ON \
  -DCMAKE_EXPORT_COMPILE_COMMANDS=ON -DBRISK_DOCS_UI=OFF >/dev/null
# -quiet: only findings; any finding is an error (WarningsAsErrors in .clang-tidy).
run-clang-tidy -p build/tidy -j "$(nproc)" -quiet "$PWD/src/.*" > build/tidy/report.txt 2>&1 || true
if grep -E "(warning|error):" build/tidy/report.txt; then
  echo "clang-tidy: findings above (full report: build/tidy/report.txt)"
  exit 1
fi
echo "clang-tidy: $(grep -c '"file"' build/tidy/compile_commands.json) files, no findings"
