#!/usr/bin/env bash
# Runs the fuzz targets (built by the `fuzz` preset) for SECONDS each.
#   fuzz/run.sh [SECONDS] [TARGET...]      (default 60 s, every target)
# Environment: FUZZ_JOBS targets at a time (default 2), FUZZ_BUILD (default
# build/fuzz), FUZZ_CORPUS (default $FUZZ_BUILD/corpus: kept between runs),
# FUZZ_SEED (libFuzzer's -seed; default random). CI sets a fixed seed: from
# a fresh corpus the run then replays the same inputs every time (only how
# far it gets in its time depends on the machine), so a CI failure can be
# reproduced, and a new crash is found by a longer random run, not by luck.
# First every input in fuzz/regressions/<target>/ (crashes found before,
# each fixed) is replayed; then the target runs from its corpus, its seeds
# (fuzz/seeds/<target>.jsonl: the end-to-end tests' own requests, see
# make_seeds.py) and its dictionary. A crash leaves its input in
# $FUZZ_BUILD/artifacts/<target>/. Prints executions and crashes per target;
# exits 1 if any target crashed.
set -uo pipefail
cd "$(dirname "$0")/.."
SECONDS_EACH=${1:-60}
shift || true
BUILD=${FUZZ_BUILD:-build/fuzz}
CORPUS=${FUZZ_CORPUS:-$BUILD/corpus}
JOBS=${FUZZ_JOBS:-2}
ALL=(http_framing task_body auth_body list_query cursor conditional_headers jwt)
TARGETS=("$@")
[ ${#TARGETS[@]} -eq 0 ] && TARGETS=("${ALL[@]}")
export ASAN_OPTIONS=${ASAN_OPTIONS:-halt_on_error=1:detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}

max_len() {
  case $1 in
    http_framing) echo 65536 ;;  # two read buffers: the 16 KiB header limit and pipelining
    list_query) echo 8192 ;;
    *) echo 4096 ;;
  esac
}

# Writes each seed of fuzz/seeds/<target>.jsonl as a file.
expand_seeds() {
  local t=$1 dir=$BUILD/seeds/$1
  rm -rf "$dir" && mkdir -p "$dir"
  [ -f "fuzz/seeds/$t.jsonl" ] || return 0
  /usr/bin/python3 - "fuzz/seeds/$t.jsonl" "$dir" <<'PY'
import hashlib, json, sys, pathlib
out = pathlib.Path(sys.argv[2])
for line in open(sys.argv[1], encoding="utf-8"):
    data = json.loads(line).encode("latin-1")
    (out / hashlib.sha1(data).hexdigest()).write_bytes(data)
PY
}

run_one() {
  local t=$1 bin=$BUILD/fuzz/fuzz_$1 log=$BUILD/logs/$1.log
  mkdir -p "$CORPUS/$t" "$BUILD/artifacts/$t" "$BUILD/logs"
  if [ -d "fuzz/regressions/$t" ] && [ -n "$(ls -A "fuzz/regressions/$t")" ]; then
    if ! "$bin" fuzz/regressions/$t/* >"$BUILD/logs/$t.regressions.log" 2>&1; then
      echo "$t: a regression input fails again (see $BUILD/logs/$t.regressions.log)" >&2
      echo "$t 0 regression" >"$BUILD/logs/$t.result"
      return
    fi
  fi
  expand_seeds "$t"
  local seed=()
  [ -n "${FUZZ_SEED:-}" ] && seed=(-seed="$FUZZ_SEED")
  "$bin" "${seed[@]}" -max_total_time="$SECONDS_EACH" -timeout=10 -max_len="$(max_len "$t")" \
    -dict="fuzz/dict/$t.dict" -artifact_prefix="$BUILD/artifacts/$t/" -print_final_stats=1 \
    "$CORPUS/$t" "$BUILD/seeds/$t" >"$log" 2>&1
  local rc=$?
  local execs
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  echo "$t ${execs:-0} $([ $rc -eq 0 ] && echo 0 || echo 1)" >"$BUILD/logs/$t.result"
}

for t in "${TARGETS[@]}"; do
  [ -x "$BUILD/fuzz/fuzz_$t" ] || { echo "no $BUILD/fuzz/fuzz_$t: build the fuzz preset first" >&2; exit 2; }
  rm -f "$BUILD/logs/$t.result"
done
running=0
for t in "${TARGETS[@]}"; do
  run_one "$t" &
  running=$((running + 1))
  if [ "$running" -ge "$JOBS" ]; then
    wait -n
    running=$((running - 1))
  fi
done
wait

status=0
printf '%-22s %14s %8s\n' target executions crashes
for t in "${TARGETS[@]}"; do
  read -r _ execs crashed <"$BUILD/logs/$t.result"
  printf '%-22s %14s %8s\n' "$t" "$execs" "$crashed"
  if [ "$crashed" != 0 ]; then
    status=1
    echo "  $t: see $BUILD/logs/$t.log; input in $BUILD/artifacts/$t/" >&2
  fi
done
exit $status
