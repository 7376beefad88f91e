#!/usr/bin/env bash
# The OpenAPI document passes independent validators from npm (pinned in
# package-lock.json): redocly lint with the strict recommended rules, then
# swagger-parser and Ajv (validate.mjs). Usage: lint.sh BRISK_BIN
set -euo pipefail
bin=$1
root=$(cd "$(dirname "$0")/../.." && pwd)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$bin" openapi >"$out/openapi.json"
export REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true
node "$root/node_modules/@redocly/cli/bin/cli.js" lint --format=stylish \
  --config "$root/tests/openapi/redocly.yaml" "$out/openapi.json"
node "$root/tests/openapi/validate.mjs" "$out/openapi.json"
