#!/usr/bin/env bash
# Installs the Debian 12 packages brisk needs to build and test. Idempotent:
# does nothing (and needs no network) when everything is already present.
set -euo pipefail
pkgs=(
  g++ cmake ninja-build make pkg-config
  libboost-dev libsimdjson-dev rapidjson-dev libsqlite3-dev libpq-dev
  libspdlog-dev libcli11-dev libsodium-dev libjwt-dev zlib1g-dev libgtest-dev
  python3 python3-pytest python3-httpx
  wrk
)
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
