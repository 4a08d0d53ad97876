#!/usr/bin/env bash
# Analyses per second through ONE worker process holding thousands of
# provider calls at once, against the fake Anthropic server answering after
# 10 s (tests/e2e/cmd/fake-anthropic). Called by ./plinth bench on the running
# local stack, whose own worker it pauses.
#
# The jobs are written straight into PostgreSQL and the stream (as the llm
# service would, minus its HTTP/credit path) so that only the worker is
# measured: claim, resource -> processing over gRPC, the provider call,
# the outcome, resource -> completed, settle, ack. Three rounds of the
# concurrency, so analyses/s = N / wall time is concurrency / latency at best.
# Env: LLM_WORKER_CONCURRENCY (2000), PLINTH_BENCH_LLM_LATENCY (10s),
# PLINTH_BENCH_ANALYSES (3 x concurrency).
set -euo pipefail
ROOT=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
STATE="$ROOT/.plinth"
CONCURRENCY=${LLM_WORKER_CONCURRENCY:-2000}
LATENCY=${PLINTH_BENCH_LLM_LATENCY:-10s}
N=${PLINTH_BENCH_ANALYSES:-$((3 * CONCURRENCY))}
WORK=$(mktemp -d /tmp/plinth-bench-llm-XXXXXX)
USER_ID=00000000-0000-4000-8000-00000000be17

source "$ROOT/tests/free_port.sh"

FAKE_PID="" WORKER_PID=""
cleanup() {
  [[ -n $WORKER_PID ]] && kill "$WORKER_PID" 2>/dev/null && wait "$WORKER_PID" 2>/dev/null
  [[ -n $FAKE_PID ]] && kill "$FAKE_PID" 2>/dev/null
  psql "$DATABASE_URL" -XqAt -c "delete from resources where user_id = '$USER_ID'" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

echo "==> LLM worker: $N analyses, one worker process, concurrency $CONCURRENCY, provider latency $LATENCY"
(cd "$ROOT/tests/e2e" && go build -o "$WORK/fake-anthropic" ./cmd/fake-anthropic)
FAKE_ADDR="127.0.0.1:$(free_port)"
"$WORK/fake-anthropic" -addr "$FAKE_ADDR" -api-key sk-ant-bench -latency "$LATENCY" 2>"$WORK/fake.log" &
FAKE_PID=$!

# The stack's worker would share the stream; pause it (./plinth bench restarts it).
if [[ -f $STATE/pids/llm-worker.pid ]]; then
  kill -TERM "$(cat "$STATE/pids/llm-worker.pid")" 2>/dev/null || true
  for _ in $(seq 100); do kill -0 "$(cat "$STATE/pids/llm-worker.pid")" 2>/dev/null || break; sleep 0.1; done
  rm -f "$STATE/pids/llm-worker.pid"
fi

psql "$DATABASE_URL" -XqAt -v ON_ERROR_STOP=1 >/dev/null <<SQL
delete from resources where user_id = '$USER_ID';
insert into auth.users (id) values ('$USER_ID') on conflict do nothing;
insert into profiles (id, email) values ('$USER_ID', 'bench-llm@example.com') on conflict do nothing;
insert into resources (id, user_id, title, content)
  select md5('bench-llm-' || i)::uuid, '$USER_ID', 'Bench resource ' || i,
         'Benchmark content. It has a few sentences. Each analysis reads it once.'
  from generate_series(1, $N) i;
insert into analyses (id, resource_id, user_id, prompt)
  select md5('bench-llm-analysis-' || i)::uuid, md5('bench-llm-' || i)::uuid, '$USER_ID', 'Summarise.'
  from generate_series(1, $N) i;
SQL

LLM_PROVIDER=anthropic ANTHROPIC_API_KEY=sk-ant-bench ANTHROPIC_BASE_URL="http://$FAKE_ADDR" \
  LLM_WORKER_CONCURRENCY=$CONCURRENCY LLM_WORKER_HEALTH_ADDR="127.0.0.1:$(free_port)" \
  "$ROOT/bazel-bin/services/llm/llm_worker" >"$WORK/worker.log" 2>&1 &
WORKER_PID=$!
sleep 0.5

# CPU seconds (user + system) of a process and of PostgreSQL's, from /proc.
cpu_of() { awk '{printf "%.2f", ($14 + $15) / 100}' "/proc/$1/stat" 2>/dev/null || echo 0; }
postgres_cpu() { local t=0 p; for p in $(pgrep -x postgres); do t=$(awk -v t="$t" '{printf "%.2f", t + ($14 + $15) / 100}' "/proc/$p/stat" 2>/dev/null || echo "$t"); done; echo "$t"; }
RESOURCE_PID=$(cat "$STATE/pids/resource.pid" 2>/dev/null || echo 0)
cpu0_worker=$(cpu_of "$WORKER_PID") cpu0_resource=$(cpu_of "$RESOURCE_PID") cpu0_pg=$(postgres_cpu) cpu0_fake=$(cpu_of "$FAKE_PID")
start=$(date +%s.%N)
psql "$DATABASE_URL" -XqAt -c "select md5('bench-llm-analysis-' || i)::uuid from generate_series(1, $N) i" |
  awk '{print "XADD plinth:analyses:jobs * analysis " $1}' | redis-cli -u "$REDIS_URL" >/dev/null
peak_threads=0 peak_inflight=0
while :; do
  threads=$(awk '/^Threads/ {print $2}' "/proc/$WORKER_PID/status" 2>/dev/null || echo 0)
  ((threads > peak_threads)) && peak_threads=$threads
  inflight=$(ls "/proc/$WORKER_PID/fd" 2>/dev/null | wc -l)
  ((inflight > peak_inflight)) && peak_inflight=$inflight
  done_count=$(psql "$DATABASE_URL" -XqAt -c "select count(*) from analyses where user_id = '$USER_ID' and status in ('succeeded', 'failed')")
  ((done_count >= N)) && break
  sleep 0.2
  kill -0 "$WORKER_PID" 2>/dev/null || { tail -5 "$WORK/worker.log"; echo "the worker died" >&2; exit 1; }
done
end=$(date +%s.%N)
cpu_line=$(awk -v w="$(cpu_of "$WORKER_PID")" -v w0="$cpu0_worker" -v r="$(cpu_of "$RESOURCE_PID")" -v r0="$cpu0_resource" \
  -v p="$(postgres_cpu)" -v p0="$cpu0_pg" -v f="$(cpu_of "$FAKE_PID")" -v f0="$cpu0_fake" -v n="$N" \
  'BEGIN {printf "  CPU per analysis: worker %.0f µs, resource service %.0f µs, PostgreSQL %.0f µs, fake provider %.0f µs", (w-w0)*1e6/n, (r-r0)*1e6/n, (p-p0)*1e6/n, (f-f0)*1e6/n}')
failed=$(psql "$DATABASE_URL" -XqAt -c "select count(*) from analyses where user_id = '$USER_ID' and status = 'failed'")
latency=$(psql "$DATABASE_URL" -XqAt -c "select round(percentile_cont(0.5) within group (order by extract(epoch from completed_at - started_at))::numeric, 3) || ' s p50, ' || round(percentile_cont(0.99) within group (order by extract(epoch from completed_at - started_at))::numeric, 3) || ' s p99' from analyses where user_id = '$USER_ID'")
awk -v n="$N" -v s="$start" -v e="$end" -v f="$failed" -v l="$latency" \
  'BEGIN {printf "  %d analyses in %.1f s: %.1f analyses/s (%d failed); attempt duration %s\n", n, e - s, n / (e - s), f, l}'
awk -v t="$peak_threads" -v f="$peak_inflight" '/VmHWM/ {h=$2} /RssAnon/ {a=$2} END {
  printf "  worker peak RSS %d KiB (RssAnon at the end %d KiB), peak %d threads, peak %d open files\n", h, a, t, f}' \
  "/proc/$WORKER_PID/status"
echo "$cpu_line"
