#!/usr/bin/env bash
# Fails when a tracked C++ file is not formatted per .clang-format (ctest
# `format`; `make format` fixes it).
set -euo pipefail
cd "$(dirname "$0")/.."
git ls-files -z '*.cpp' '*.hpp' | xargs -0 clang-format --dry-run --Werror
echo "check_format: $(git ls-files '*.cpp' '*.hpp' | wc -l) files formatted"
