#!/usr/bin/env bash
# ./plinth bench: load figures for docs/PERFORMANCE.md, on the running local
# stack (./plinth up first). Seeds 1,000 users x 50 resources and mints their
# tokens, then runs, in alternating rounds so that the host's noise hits every
# system alike:
#   ceiling     a bare grpc-gateway mux in front of a do-nothing ProfileService
#               (gateway/cmd/ceiling): the hop's own ceiling
#   gateway     Plinth's gateway binary (limiter, auth, logs, envelope) in front
#               of the same do-nothing backend
#   profile     GET /api/v1/profiles/me through the whole stack (cached)
#   list        GET /api/v1/resources?page=2&limit=20 through the whole stack
#   pgbench     the list's own statement (bench/list.pgbench), straight to PostgreSQL
# and prints each route as a fraction of the ceiling (the list: of pgbench),
# p99, and the CPU each process spent per request (utime+stime from
# /proc/PID/stat over the run, divided by the requests served).
# Env: PLINTH_BENCH_ROUNDS (3), PLINTH_BENCH_SECONDS (6), PLINTH_BENCH_CONNECTIONS (64),
# PLINTH_BENCH_THREADS (2).
set -euo pipefail
ROOT=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
STATE="$ROOT/.plinth"
ROUNDS=${PLINTH_BENCH_ROUNDS:-3}
SECONDS_PER_RUN=${PLINTH_BENCH_SECONDS:-6}
CONNECTIONS=${PLINTH_BENCH_CONNECTIONS:-64}
THREADS=${PLINTH_BENCH_THREADS:-2}
BASE="http://$PLINTH_HTTP_ADDR"
WORK=$(mktemp -d)
RES="$WORK/results"
mkdir -p "$RES"
BENCH_PIDS=()
cleanup() {
  for pid in "${BENCH_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT
source "$ROOT/tests/free_port.sh"
source "$ROOT/bench/proc.sh"

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

echo "==> building the ceiling (gateway/cmd/ceiling)"
"$ROOT/protos/googleapis.sh" "$WORK/googleapis"
"$ROOT/gateway/build.sh" "$WORK/ceiling" "$ROOT/protos" "$WORK/googleapis" ./cmd/ceiling
nothing_addr="127.0.0.1:$(free_port)"
ceiling_addr="127.0.0.1:$(free_port)"
gateway_addr="127.0.0.1:$(free_port)"
"$WORK/ceiling" backend "$nothing_addr" 2>"$WORK/backend.log" &
BENCH_PIDS+=($!)
nothing_pid=$!
"$WORK/ceiling" mux "$ceiling_addr" "$nothing_addr" 2>"$WORK/mux.log" &
BENCH_PIDS+=($!)
mux_pid=$!
# Plinth's gateway as the stack runs it (same Redis limiter, secret, logs),
# every backend address pointing at the do-nothing one.
PROFILE_GRPC_ADDR=$nothing_addr RESOURCE_GRPC_ADDR=$nothing_addr BILLING_GRPC_ADDR=$nothing_addr \
  ANALYSIS_GRPC_ADDR=$nothing_addr PLINTH_HTTP_ADDR=$gateway_addr PLINTH_METRICS_ADDR=127.0.0.1:$(free_port) \
  "$ROOT/bazel-bin/gateway/plinth-gateway" >"$WORK/gateway.log" 2>&1 &
BENCH_PIDS+=($!)
bench_gateway_pid=$!
for url in "http://$ceiling_addr/api/v1/profiles/me" "http://$gateway_addr/healthz"; do
  for _ in $(seq 100); do curl -fsS -o /dev/null "$url" -H "Authorization: Bearer $(head -1 "$tokens")" && break; sleep 0.1; done
done

# run SYSTEM URL PROCESS=PIDS... : one wrk run; appends "rps p99" to
# $RES/SYSTEM and "µs" per process to $RES/SYSTEM.cpu.PROCESS.
run() {
  local system=$1 url=$2 line requests spec name pids
  shift 2
  declare -A before
  for spec in "$@"; do before[$spec]=$(ticks ${spec#*=}); done
  line=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"${SECONDS_PER_RUN}s" -s "$ROOT/bench/tokens.lua" "$url" | grep '^RESULT')
  requests=$(sed -E 's/.*requests=([0-9]+).*/\1/' <<<"$line")
  echo "$(sed -E 's/.*rps=([0-9.]+).*p99_ms=([0-9.]+) non2xx=([0-9]+).*/\1 \2 \3/' <<<"$line")" >>"$RES/$system"
  for spec in "$@"; do
    name=${spec%%=*}
    pids=${spec#*=}
    echo $(( ($(ticks $pids) - ${before[$spec]}) * TICK_US / (requests > 0 ? requests : 1) )) >>"$RES/$system.cpu.$name"
  done
}

pgbench_run() {
  pgbench -n -M prepared -c 16 -j 2 -T "$SECONDS_PER_RUN" -f "$ROOT/bench/list.pgbench" "${DATABASE_URL_RESOURCE:-$DATABASE_URL}" 2>/dev/null |
    sed -nE 's/^tps = ([0-9.]+).*/\1/p' >>"$RES/pgbench"
}

gw=$(pid_of gateway)
echo "==> $ROUNDS alternating rounds: wrk $THREADS threads, $CONNECTIONS connections, ${SECONDS_PER_RUN}s per system"
for system in ceiling gateway profile list; do  # warm-up, not counted
  url="$BASE/api/v1/profiles/me"
  case $system in ceiling) url="http://$ceiling_addr/api/v1/profiles/me" ;; gateway) url="http://$gateway_addr/api/v1/profiles/me" ;;
    list) url="$BASE/api/v1/resources?page=2&limit=20" ;; esac
  wrk -t"$THREADS" -c"$CONNECTIONS" -d2s -s "$ROOT/bench/tokens.lua" "$url" >/dev/null
done
for round in $(seq "$ROUNDS"); do
  printf '  round %d/%d\n' "$round" "$ROUNDS"
  run ceiling "http://$ceiling_addr/api/v1/profiles/me" "mux=$mux_pid" "backend=$nothing_pid"
  run gateway "http://$gateway_addr/api/v1/profiles/me" "gateway=$bench_gateway_pid" "backend=$nothing_pid"
  run profile "$BASE/api/v1/profiles/me" "gateway=$gw" "profile=$(pid_of profile)" "redis=$(pgrep -f "redis-server .*:$PLINTH_REDIS_PORT" | head -1)"
  run list "$BASE/api/v1/resources?page=2&limit=20" "gateway=$gw" "resource=$(pid_of resource)" "postgres=$(pg_pids)"
  pgbench_run
done

median() { sort -g | awk '{v[NR]=$1} END {if (NR == 0) print 0; else if (NR % 2) print v[(NR+1)/2]; else print (v[NR/2]+v[NR/2+1])/2}'; }
col() { awk -v c="$2" '{print $c}' "$RES/$1" | median; }
ceiling_rps=$(col ceiling 1)
ceiling_p99=$(col ceiling 2)
pgbench_tps=$(median <"$RES/pgbench")
echo
echo "==> medians of $ROUNDS rounds"
printf '%-44s %10s %9s %8s %14s  %s\n' system req/s p99_ms non2xx fraction "CPU per request"
for system in ceiling gateway profile list; do
  rps=$(col "$system" 1)
  p99=$(col "$system" 2)
  non2xx=$(awk '{s += $3} END {print s+0}' "$RES/$system")
  case $system in
    list) fraction=$(awk -v a="$rps" -v b="$pgbench_tps" 'BEGIN {printf "%.0f%% of pgbench", 100*a/b}') ;;
    *) fraction=$(awk -v a="$rps" -v b="$ceiling_rps" 'BEGIN {printf "%.0f%% of ceiling", 100*a/b}') ;;
  esac
  cpu=""
  for f in "$RES/$system".cpu.*; do
    cpu+="${f##*.cpu.} $(median <"$f") µs  "
  done
  label=$system
  case $system in
    ceiling) label="ceiling: bare grpc-gateway mux → nothing" ;;
    gateway) label="Plinth gateway → nothing" ;;
    profile) label="GET /profiles/me (stack, cached)" ;;
    list) label="GET /resources?page=2&limit=20 (stack)" ;;
  esac
  printf '%-44s %10s %9s %8s %14s  %s\n' "$label" "$rps" "$p99" "$non2xx" "$fraction" "$cpu"
done
printf '%-44s %10s\n' "pgbench: the list statement, 16 clients" "$pgbench_tps"
awk -v p="$(col profile 2)" -v c="$ceiling_p99" 'BEGIN {printf "profile p99 / ceiling p99: %.2f\n", p/c}'

echo "==> memory (peak RSS since start; private RssAnon now)"
for name in gateway "$@"; do
  pid=$(cat "$STATE/pids/$name.pid" 2>/dev/null) || continue
  awk -v n="$name" '/VmHWM/ {h=$2} /RssAnon/ {a=$2} /RssFile/ {f=$2} /Threads/ {t=$2}
    END {printf "  %-10s peak RSS %6d KiB (now: private %6d KiB, shared libraries %6d KiB, %d threads)\n", n, h, a, f, t}' "/proc/$pid/status"
done
echo "==> machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
