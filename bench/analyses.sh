#!/usr/bin/env bash
# Analyses per second through ONE worker process holding thousands of
# provider calls at once, against the fake Anthropic server answering after
# 10 s (tests/e2e/cmd/fake-anthropic). Called by ./plinth bench on the running
# local stack, whose own worker it pauses.
#
# The jobs are written straight into PostgreSQL and fed to the stream at a
# steady rate, concurrency / latency (200/s: what the worker must sustain
# with every slot busy, as the analysis service would enqueue them, minus its
# HTTP/credit path), so that only the worker is measured: claim, resource ->
# processing over gRPC, the provider call, the outcome, resource ->
# completed, settle, ack. Reported: completions per second between the first
# and the last (N / that time when the worker keeps up), the calls in flight
# at once (sockets to the provider), CPU per analysis per process, memory.
# Env: ANALYSIS_WORKER_CONCURRENCY (2000), PLINTH_BENCH_LLM_LATENCY_S (10),
# PLINTH_BENCH_LLM_FEED_S (40: how long the feed lasts).
set -euo pipefail
ROOT=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
STATE="$ROOT/.plinth"
CONCURRENCY=${ANALYSIS_WORKER_CONCURRENCY:-2000}
LATENCY_S=${PLINTH_BENCH_LLM_LATENCY_S:-10}
FEED_S=${PLINTH_BENCH_LLM_FEED_S:-40}
RATE=$((CONCURRENCY / LATENCY_S))
N=$((RATE * FEED_S))
WORK=$(mktemp -d /tmp/plinth-bench-analysis-XXXXXX)
USER_ID=00000000-0000-4000-8000-00000000be17

source "$ROOT/tests/free_port.sh"
source "$ROOT/bench/proc.sh"

FAKE_PID="" WORKER_PID="" FEED_PID=""
cleanup() {
  [[ -n $FEED_PID ]] && kill "$FEED_PID" 2>/dev/null || true
  [[ -n $WORKER_PID ]] && kill "$WORKER_PID" 2>/dev/null && wait "$WORKER_PID" 2>/dev/null
  [[ -n $FAKE_PID ]] && kill "$FAKE_PID" 2>/dev/null
  psql "$DATABASE_URL" -XqAt -c "delete from resources where user_id = '$USER_ID'" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

echo "==> LLM worker: one process, concurrency $CONCURRENCY, provider latency ${LATENCY_S} s, $N analyses fed at $RATE/s for $FEED_S s"
(cd "$ROOT/tests/e2e" && go build -o "$WORK/fake-anthropic" ./cmd/fake-anthropic)
FAKE_ADDR="127.0.0.1:$(free_port)"
"$WORK/fake-anthropic" -addr "$FAKE_ADDR" -api-key sk-ant-bench -latency "${LATENCY_S}s" 2>"$WORK/fake.log" &
FAKE_PID=$!

pause_stack_worker

psql "$DATABASE_URL" -XqAt -v ON_ERROR_STOP=1 >/dev/null <<SQL
delete from resources where user_id = '$USER_ID';
insert into auth.users (id) values ('$USER_ID') on conflict do nothing;
insert into profiles (id, email) values ('$USER_ID', 'bench-analysis@example.com') on conflict do nothing;
insert into resources (id, user_id, title, content)
  select md5('bench-analysis-' || i)::uuid, '$USER_ID', 'Bench resource ' || i,
         'Benchmark content. It has a few sentences. Each analysis reads it once.'
  from generate_series(1, $N) i;
insert into analyses (id, resource_id, user_id, prompt)
  select md5('bench-analysis-analysis-' || i)::uuid, md5('bench-analysis-' || i)::uuid, '$USER_ID', 'Summarise.'
  from generate_series(1, $N) i;
SQL

DATABASE_URL=${DATABASE_URL_WORKER:-$DATABASE_URL} LLM_PROVIDER=anthropic ANTHROPIC_API_KEY=sk-ant-bench ANTHROPIC_BASE_URL="http://$FAKE_ADDR" \
  ANALYSIS_WORKER_CONCURRENCY=$CONCURRENCY ANALYSIS_WORKER_HEALTH_ADDR="127.0.0.1:$(free_port)" \
  "$ROOT/bazel-bin/services/analysis_worker/analysis_worker" >"$WORK/worker.log" 2>&1 &
WORKER_PID=$!
sleep 0.5

RESOURCE_PID=$(pid_of resource 2>/dev/null || echo 0)
cpu0_worker=$(ticks "$WORKER_PID") cpu0_resource=$(ticks "$RESOURCE_PID") cpu0_pg=$(ticks $(pg_pids)) cpu0_fake=$(ticks "$FAKE_PID")
start=$(date +%s.%N)
# The feed: RATE/10 entries every 100 ms.
psql "$DATABASE_URL" -XqAt -c "select md5('bench-analysis-analysis-' || i)::uuid from generate_series(1, $N) i" >"$WORK/ids"
split -l $((RATE / 10)) -d -a 5 "$WORK/ids" "$WORK/batch."
(
  next=$(date +%s%N)
  for b in "$WORK"/batch.*; do
    awk '{print "XADD plinth:analyses:jobs * analysis " $1}' "$b" | redis-cli -u "$REDIS_URL" >/dev/null
    next=$((next + 100000000))
    delay=$(((next - $(date +%s%N)) / 1000))
    ((delay > 0)) && sleep "$(printf '0.%06d' "$delay")"
  done
) &
FEED_PID=$!
peak_threads=0 peak_inflight=0
while :; do
  threads=$(awk '/^Threads/ {print $2}' "/proc/$WORKER_PID/status" 2>/dev/null || echo 0)
  ((threads > peak_threads)) && peak_threads=$threads
  inflight=$(ls "/proc/$WORKER_PID/fd" 2>/dev/null | wc -l)
  ((inflight > peak_inflight)) && peak_inflight=$inflight
  sleep 0.3
  done_count=$(psql "$DATABASE_URL" -XqAt -c "select count(*) from analyses where user_id = '$USER_ID' and status in ('succeeded', 'failed')")
  ((done_count >= N)) && break
  kill -0 "$WORKER_PID" 2>/dev/null || { tail -5 "$WORK/worker.log"; echo "the worker died" >&2; exit 1; }
done
end=$(date +%s.%N)
wait "$FEED_PID" 2>/dev/null || true
per_analysis() { echo $(( ($(ticks "${@:2}") - $1) * TICK_US / N )); }
cpu_line="  CPU per analysis: worker $(per_analysis "$cpu0_worker" "$WORKER_PID") µs, resource service $(per_analysis "$cpu0_resource" "$RESOURCE_PID") µs, PostgreSQL $(per_analysis "$cpu0_pg" $(pg_pids)) µs, fake provider $(per_analysis "$cpu0_fake" "$FAKE_PID") µs"
failed=$(psql "$DATABASE_URL" -XqAt -c "select count(*) from analyses where user_id = '$USER_ID' and status = 'failed'")
latency=$(psql "$DATABASE_URL" -XqAt -c "select round(percentile_cont(0.5) within group (order by extract(epoch from completed_at - started_at))::numeric, 3) || ' s p50, ' || round(percentile_cont(0.99) within group (order by extract(epoch from completed_at - started_at))::numeric, 3) || ' s p99' from analyses where user_id = '$USER_ID'")
span=$(psql "$DATABASE_URL" -XqAt -c "select extract(epoch from max(completed_at) - min(completed_at)) from analyses where user_id = '$USER_ID'")
awk -v n="$N" -v s="$start" -v e="$end" -v f="$failed" -v l="$latency" -v span="$span" -v c="$CONCURRENCY" -v lat="$LATENCY_S" \
  'BEGIN {printf "  %d analyses in %.1f s, %d failed; %.1f analyses/s from the first completion to the last (%.0f %% of concurrency / latency = %d/s); attempt duration %s\n",
    n, e - s, f, (n - 1) / span, 100 * (n - 1) / span / (c / lat), c / lat, l}'
# Open files beyond the ~50 the worker has idle are the provider calls' sockets.
awk -v t="$peak_threads" -v f="$peak_inflight" '/VmHWM/ {h=$2} /RssAnon/ {a=$2} END {
  printf "  peak %d open files (≈ calls in flight + ~50), worker peak RSS %d KiB (RssAnon at the end %d KiB), peak %d threads\n", f, h, a, t}' \
  "/proc/$WORKER_PID/status"
echo "$cpu_line"
