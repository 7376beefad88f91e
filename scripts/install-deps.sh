#!/usr/bin/env bash
# Installs the Debian 12 packages brisk needs to build and test. Idempotent:
# does nothing (and needs no network) when everything is already present.
set -euo pipefail
pkgs=(
  g++ cmake ninja-build make pkg-config
  libboost-dev libsimdjson-dev rapidjson-dev libsqlite3-dev libpq-dev
  libspdlog-dev libcli11-dev libsodium-dev zlib1g-dev libgtest-dev
  # The PostgreSQL backend's tests start their own cluster (initdb, pg_ctl,
  # psql); the scale-out test puts nginx in front of three instances.
  postgresql-15 postgresql-client-15 nginx-light
  python3 python3-pytest python3-httpx python3-jsonschema
  chromium wrk clang-format clang-tidy
  # `make fuzz`: clang with libFuzzer and the sanitizer runtimes
  clang libclang-rt-14-dev
  # `make coverage`
  gcovr
  # `make deb` (CPack: dpkg-shlibdeps, file, objcopy) and its test (the unit
  # checked by systemd-analyze, dpkg --root under fakeroot, man, lintian).
  dpkg-dev file binutils fakeroot systemd man-db lintian
)
# Node.js and npm build the docs UI and run the OpenAPI validators and the
# browser test (packages pinned in package-lock.json, installed by the build
# with npm ci): the machine's own if it has them, Debian's otherwise.
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  pkgs+=(nodejs npm)
fi
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "installing: ${missing[*]}"
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
