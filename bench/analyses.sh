#!/usr/bin/env bash
# Analyses per second through ONE worker process against the fake Anthropic
# server answering after 1 s (tests/e2e/cmd/fake-anthropic). Called by
# ./plinth bench on the running local stack, whose own worker it pauses.
#
# The jobs are written straight into PostgreSQL and the stream (as the llm
# service would, minus its HTTP/credit path) so that only the worker is
# measured: claim, resource -> processing over gRPC, the provider call,
# the outcome, resource -> completed, settle, ack.
# Env: PLINTH_BENCH_ANALYSES (2000), LLM_WORKER_CONCURRENCY (128).
set -euo pipefail
ROOT=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
STATE="$ROOT/.plinth"
N=${PLINTH_BENCH_ANALYSES:-2000}
CONCURRENCY=${LLM_WORKER_CONCURRENCY:-128}
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

echo "==> LLM worker: $N analyses, one worker process, concurrency $CONCURRENCY, provider latency 1 s"
(cd "$ROOT/tests/e2e" && go build -o "$WORK/fake-anthropic" ./cmd/fake-anthropic)
FAKE_ADDR="127.0.0.1:$(free_port)"
"$WORK/fake-anthropic" -addr "$FAKE_ADDR" -api-key sk-ant-bench -latency 1s 2>"$WORK/fake.log" &
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

start=$(date +%s.%N)
psql "$DATABASE_URL" -XqAt -c "select md5('bench-llm-analysis-' || i)::uuid from generate_series(1, $N) i" |
  awk '{print "XADD plinth:analyses:jobs * analysis " $1}' | redis-cli -u "$REDIS_URL" >/dev/null
peak_threads=0
while :; do
  done_count=$(psql "$DATABASE_URL" -XqAt -c "select count(*) from analyses where user_id = '$USER_ID' and status in ('succeeded', 'failed')")
  ((done_count >= N)) && break
  sleep 0.2
  kill -0 "$WORKER_PID" 2>/dev/null || { tail -5 "$WORK/worker.log"; echo "the worker died" >&2; exit 1; }
done
end=$(date +%s.%N)
failed=$(psql "$DATABASE_URL" -XqAt -c "select count(*) from analyses where user_id = '$USER_ID' and status = 'failed'")
latency=$(psql "$DATABASE_URL" -XqAt -c "select round(percentile_cont(0.5) within group (order by extract(epoch from completed_at - started_at))::numeric, 3) || ' s p50, ' || round(percentile_cont(0.99) within group (order by extract(epoch from completed_at - started_at))::numeric, 3) || ' s p99' from analyses where user_id = '$USER_ID'")
awk -v n="$N" -v s="$start" -v e="$end" -v f="$failed" -v l="$latency" \
  'BEGIN {printf "  %d analyses in %.1f s: %.1f analyses/s (%d failed); attempt duration %s\n", n, e - s, n / (e - s), f, l}'
awk '/VmHWM/ {h=$2} /Threads/ {t=$2} END {printf "  worker peak RSS %d KiB, %d threads\n", h, t}' "/proc/$WORKER_PID/status"
