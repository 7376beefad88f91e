#!/usr/bin/env bash
# GET /tasks latency per query shape as the data grows: loads 10k, 100k and
# 1M generated tasks (bench/load_tasks.cpp: one bulk transaction, then
# brisk's own migrations), serves each with brisk, and measures every shape
# with wrk (one connection: latency, not throughput), REPEAT times per shape,
# brisk and wrk pinned to different cores. Prints a Markdown table of the
# median p50 and p99 per shape and size, and the 1M/10k ratio of p50.
#
# It measures queries, not caches: wrk repeats one request per shape, which
# brisk's read caches (recent lists, tasks by id) would answer after the
# first time, so brisk is served with --read-cache off (READ_CACHE=on to
# measure the caches instead). Answers are the same either way.
#
#   bench/scale.sh                 # all sizes
#   SIZES="10000 100000" bench/scale.sh
#   DURATION=5 BENCH_DIR=/var/tmp/brisk-scale RELOAD=1 bench/scale.sh
#   BRISK=/tmp/brisk-before bench/scale.sh   # another binary (the loader is built here)
#
# Not part of `make test`. Databases are kept in BENCH_DIR between runs
# (RELOAD=1 rebuilds them). Machine noise matters: run on an idle machine,
# or rerun single shapes (SHAPES="search-common deep-cursor").
set -euo pipefail
cd "$(dirname "$0")/.."

SIZES=${SIZES:-"10000 100000 1000000"}
DURATION=${DURATION:-3}
REPEAT=${REPEAT:-3}
BENCH_DIR=${BENCH_DIR:-/tmp/brisk-scale}
THREADS=${THREADS:-2}
READ_CACHE=${READ_CACHE:-off}

if ! command -v wrk >/dev/null; then
  echo "installing wrk" >&2
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get install -y -qq wrk >/dev/null
fi
# BRISK=path/to/brisk measures another build (e.g. a copy of an older one);
# the loader is built here either way.
cmake --preset release >/dev/null
nice cmake --build --preset release -j2 --target brisk_bench_load >/dev/null
[ -n "${BRISK:-}" ] || nice cmake --build --preset release -j2 --target brisk >/dev/null
BRISK=${BRISK:-build/release/brisk}
LOADER=build/release/brisk_bench_load
mkdir -p "$BENCH_DIR"
# On a machine with other work, which core serves a request varies and so
# does latency (about 0.04 vs 0.12 ms here): pin brisk and wrk apart.
SERVER_CPU="" CLIENT_CPU=""
if [ "${PIN:-1}" = 1 ] && [ "$(nproc)" -ge 2 ] && command -v taskset >/dev/null; then
  SERVER_CPU="taskset -c 1" CLIENT_CPU="taskset -c 0"
fi

# name|query string (the data: bench/load_tasks.cpp)
ALL_SHAPES=(
  "default (-created_at)|"
  "status filter (done, 35%)|status=done"
  "status list (pending,in_progress)|status=pending,in_progress"
  "priority range (>= 4, 20%)|priority_gte=4"
  "tag (errands, ~12%)|tag=errands"
  "two tags (work + urgent)|tag=work&tag=urgent"
  "search-common (update, ~80%)|q=update"
  "search-rare (zeppelin: 20 tasks)|q=zeppelin"
  "search-rare (quokka: 0.01%)|q=quokka"
  "search-common sorted (-created_at)|q=update&sort=-created_at"
  "prefix u (1 letter, 83%), limit 20|q=u&limit=20"
  "prefix up (2 letters), limit 20|q=up&limit=20"
  "prefix upd (3 letters, ~80%), limit 20|q=upd&limit=20"
  "prefix z (1 letter, rare), limit 20|q=z&limit=20"
  "prefix quo (3 letters, quokka: 0.01%), limit 20|q=quo&limit=20"
  "prefix xq (2 letters, no match), limit 20|q=xq&limit=20"
  "sort created_at|sort=created_at"
  "sort updated_at|sort=updated_at"
  "sort -updated_at|sort=-updated_at"
  "sort priority|sort=priority"
  "sort -priority|sort=-priority"
  "sort due_at|sort=due_at"
  "sort -due_at|sort=-due_at"
  "sort title|sort=title"
  "sort -title|sort=-title"
  "due_before (correlated with order)|due_before=2025-03-01T00:00:00Z"
  "deep-cursor (page 500, limit 10)|@deep"
)

started_pid=""
stop_brisk() {
  if [ -n "$started_pid" ]; then
    kill "$started_pid" 2>/dev/null || true
    wait "$started_pid" 2>/dev/null || true
    started_pid=""
  fi
}
trap stop_brisk EXIT

# The cursor of page 500 (limit 10) of the default order, by walking to it.
deep_cursor() {
  /usr/bin/python3 - "$1" <<'PY'
import json, sys, urllib.request
base, cursor = sys.argv[1], None
for page in range(499):
    url = base + "/tasks?limit=10" + (f"&cursor={cursor}" if cursor else "")
    with urllib.request.urlopen(url) as r:
        cursor = json.load(r)["next_cursor"]
print(cursor)
PY
}

median() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
ms() { if [ -n "${1:-}" ]; then awk -v us="$1" 'BEGIN { printf "%.2f", us / 1000 }'; else printf -- '-'; fi; }

declare -A P50 P99 REQS
for n in $SIZES; do
  db="$BENCH_DIR/tasks-$n.db"
  if [ -n "${RELOAD:-}" ] || [ ! -f "$db" ]; then
    rm -f "$db" "$db-wal" "$db-shm"
    start=$(date +%s%N)
    "$LOADER" "$db" "$n"
    echo "loaded $n tasks in $(( ($(date +%s%N) - start) / 1000000 )) ms ($(du -h "$db" | cut -f1))" >&2
  fi
  out="$BENCH_DIR/brisk-$n.out"
  $SERVER_CPU "$BRISK" serve --db "$db" --listen 127.0.0.1:0 --auth off --threads "$THREADS" \
      --read-cache "$READ_CACHE" --log-level warn >"$out" 2>"$BENCH_DIR/brisk-$n.err" &
  started_pid=$!
  for _ in $(seq 100); do grep -q listening "$out" 2>/dev/null && break; sleep 0.1; done
  url=$(sed -n 's/^brisk listening on //p' "$out")
  [ -n "$url" ] || { echo "brisk did not start:" >&2; cat "$BENCH_DIR/brisk-$n.err" >&2; exit 1; }
  for entry in "${ALL_SHAPES[@]}"; do
    name=${entry%%|*}
    qs=${entry#*|}
    if [ -n "${SHAPES:-}" ] && ! grep -qiF -- "${name%% *}" <<<"$SHAPES"; then continue; fi
    if [ "$qs" = "@deep" ]; then qs="limit=10&cursor=$(deep_cursor "$url")"; fi
    status=$(curl -s -o /dev/null -w '%{http_code}' "$url/tasks?$qs")
    [ "$status" = 200 ] || { echo "$name: HTTP $status for /tasks?$qs" >&2; exit 1; }
    p50s=() p99s=() reqs=0
    for _ in $(seq "$REPEAT"); do
      line=$($CLIENT_CPU wrk -t1 -c1 -d"${DURATION}s" --timeout 30s -s bench/scale.lua \
        "$url/tasks?$qs" | grep '^RESULT')
      failed=$(sed 's/.*failed=\([0-9]*\).*/\1/' <<<"$line")
      [ "$failed" = 0 ] || { echo "$name: $failed failed requests" >&2; exit 1; }
      p50s+=("$(sed 's/.*p50=\([0-9]*\).*/\1/' <<<"$line")")
      p99s+=("$(sed 's/.*p99=\([0-9]*\).*/\1/' <<<"$line")")
      reqs=$((reqs + $(sed 's/.*requests=\([0-9]*\).*/\1/' <<<"$line")))
    done
    p50=$(median "${p50s[@]}")
    p99=$(median "${p99s[@]}")
    P50["$name,$n"]=$p50; P99["$name,$n"]=$p99; REQS["$name,$n"]=$reqs
    printf '%-40s %8s tasks  p50 %9s ms  p99 %9s ms  (%s requests)\n' "$name" "$n" \
      "$(ms "$p50")" "$(ms "$p99")" "$reqs" >&2
  done
  stop_brisk
done

header="| shape |"; rule="|---|"
for n in $SIZES; do header+=" $n p50 | $n p99 |"; rule+="---:|---:|"; done
first=${SIZES%% *}; last=${SIZES##* }
header+=" p50 $last/$first |"; rule+="---:|"
echo; echo "GET /tasks latency in ms: median of $REPEAT wrk runs of ${DURATION}s per shape (1 connection), --threads $THREADS --read-cache $READ_CACHE, $(nproc) cores${SERVER_CPU:+, brisk and wrk on separate cores}"
echo; echo "$header"; echo "$rule"
for entry in "${ALL_SHAPES[@]}"; do
  name=${entry%%|*}
  [ -n "${P50["$name,$first"]:-}" ] || continue
  row="| $name |"
  for n in $SIZES; do row+=" $(ms "${P50["$name,$n"]:-}") | $(ms "${P99["$name,$n"]:-}") |"; done
  a=${P50["$name,$first"]:-}; b=${P50["$name,$last"]:-}
  if [ -n "$a" ] && [ -n "$b" ] && [ "$a" -gt 0 ]; then
    row+=" $(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.1f", b / a }')x |"
  else
    row+=" - |"
  fi
  echo "$row"
done
