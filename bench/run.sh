#!/usr/bin/env bash
# ./plinth bench: load figures for docs/PERFORMANCE.md, on the running local
# stack (./plinth up first). Seeds 1,000 users x 50 resources, drives the
# gateway with wrk using random users' tokens, reports req/s, p50, p99,
# non-2xx and the peak RSS of every Plinth process, then measures the
# database ceiling with pgbench running the list transaction itself.
# Env: PLINTH_BENCH_SECONDS (15), PLINTH_BENCH_CONNECTIONS (50), PLINTH_BENCH_THREADS (2).
set -euo pipefail
ROOT=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
STATE="$ROOT/.plinth"
SECONDS_PER_RUN=${PLINTH_BENCH_SECONDS:-15}
CONNECTIONS=${PLINTH_BENCH_CONNECTIONS:-50}
THREADS=${PLINTH_BENCH_THREADS:-2}
BASE="http://$PLINTH_HTTP_ADDR"

curl -fsS "$BASE/readyz" >/dev/null || { echo "the stack is not ready at $BASE: run ./plinth up" >&2; exit 1; }

echo "==> seeding 1,000 users x 50 resources (idempotent)"
psql "$DATABASE_URL" -XqAt -v ON_ERROR_STOP=1 -f "$ROOT/bench/seed.sql" >/dev/null

tokens="$STATE/bench-tokens.txt"
if [[ ! -s $tokens ]] || [[ $(wc -l <"$tokens") -ne 1000 ]] || [[ $(find "$tokens" -mmin +600 | wc -l) -ne 0 ]]; then
  echo "==> minting 1,000 tokens"
  : >"$tokens"
  psql "$DATABASE_URL" -XqAt -c "select md5('bench-user-' || i)::uuid from generate_series(1, 1000) i" |
    while read -r id; do "$ROOT/bazel-bin/libs/auth/devtoken" --sub "$id" --ttl 86400 >>"$tokens"; done
fi
export PLINTH_BENCH_TOKENS="$tokens"

run_wrk() {  # name path
  local name=$1 path=$2 line
  curl -fsS "$BASE$path" -H "Authorization: Bearer $(head -1 "$tokens")" >/dev/null
  wrk -t"$THREADS" -c"$CONNECTIONS" -d2s -s "$ROOT/bench/tokens.lua" "$BASE$path" >/dev/null  # warm-up
  line=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"${SECONDS_PER_RUN}s" -s "$ROOT/bench/tokens.lua" "$BASE$path" | grep '^RESULT')
  printf '%-34s %s\n' "$name" "${line#RESULT }"
}

peak_rss() {
  local name pid
  for name in gateway "$@"; do
    pid=$(cat "$STATE/pids/$name.pid" 2>/dev/null) || continue
    # Peak RSS counts the shared libraries' pages (gRPC, protobuf, absl…),
    # which every Plinth process maps from the same files; RssAnon is the
    # process's own memory.
    awk -v n="$name" '/VmHWM/ {h=$2} /RssAnon/ {a=$2} /RssFile/ {f=$2} /Threads/ {t=$2}
      END {printf "  %-10s peak RSS %6d KiB (now: private %6d KiB, shared libraries %6d KiB, %d threads)\n", n, h, a, f, t}' "/proc/$pid/status"
  done
}

echo "==> wrk: $THREADS threads, $CONNECTIONS connections, ${SECONDS_PER_RUN}s per route"
run_wrk "GET /api/v1/profiles/me" "/api/v1/profiles/me"
run_wrk "GET /api/v1/resources?page=2&limit=20" "/api/v1/resources?page=2&limit=20"
echo "==> peak RSS since start"
peak_rss "$@"

echo "==> pgbench ceiling: the list transaction, 16 clients, prepared"
pgbench -n -M prepared -c 16 -j 2 -T "$SECONDS_PER_RUN" -f "$ROOT/bench/list.pgbench" "$DATABASE_URL" 2>/dev/null |
  grep -E '^(tps|latency average)' | sed 's/^/  /'
echo "==> machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
