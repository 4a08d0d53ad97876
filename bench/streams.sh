#!/usr/bin/env bash
# 1,000 browsers watching 1,000 analyses at once through ONE gateway's event
# streams (GET /api/v1/analyses/{id}/events), the fake Anthropic streaming
# each answer at about 50 tokens/s (tests/e2e/cmd/fake-anthropic -pace 20ms
# -stamp-words: every word carries the microsecond it was sent). Called by
# ./plinth bench on the running local stack, whose own worker it pauses.
#
# tests/e2e/cmd/streambench creates one user, resource and analysis per
# client through the API while no worker runs, opens every stream, starts a
# worker (concurrency 2000) against the fake, and reads every stream to its
# `done`. Reported: that every client received every piece once and in order
# (its text is the stored output), the latency the pipeline adds from the
# provider's bytes to the client per word (p50, p99), the gateway's and the
# analysis service's CPU per delivered event, the gateway's peak RSS.
# Env: PLINTH_BENCH_STREAMS (1000), PLINTH_BENCH_STREAM_WORDS (300),
# PLINTH_BENCH_STREAM_PACE_MS (20).
set -euo pipefail
ROOT=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
STATE="$ROOT/.plinth"
N=${PLINTH_BENCH_STREAMS:-1000}
WORDS=${PLINTH_BENCH_STREAM_WORDS:-300}
PACE_MS=${PLINTH_BENCH_STREAM_PACE_MS:-20}
BASE=${PLINTH_API_URL:-http://${PLINTH_HTTP_ADDR:-127.0.0.1:8080}}
WORK=$(mktemp -d /tmp/plinth-bench-streams-XXXXXX)
PREFIX="stream-bench-$(date +%s)"

source "$ROOT/tests/free_port.sh"
source "$ROOT/bench/proc.sh"

FAKE_PID="" SAMPLER_PID=""
cleanup() {
  [[ -n $SAMPLER_PID ]] && kill "$SAMPLER_PID" 2>/dev/null || true
  [[ -f $WORK/worker.pid ]] && kill "$(cat "$WORK/worker.pid")" 2>/dev/null || true
  [[ -n $FAKE_PID ]] && kill "$FAKE_PID" 2>/dev/null || true
  psql "$DATABASE_URL" -XqAt -c "delete from resources where title like 'Stream bench %'" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

echo "==> event streams: $N clients on one gateway, each watching an analysis streamed at ~$((1000 / PACE_MS)) tokens/s ($WORDS words)"
(cd "$ROOT/tests/e2e" && go build -o "$WORK/fake-anthropic" ./cmd/fake-anthropic && go build -o "$WORK/streambench" ./cmd/streambench)
FAKE_ADDR="127.0.0.1:$(free_port)"
"$WORK/fake-anthropic" -addr "$FAKE_ADDR" -api-key sk-ant-bench -pace "${PACE_MS}ms" -stamp-words "$WORDS" 2>"$WORK/fake.log" &
FAKE_PID=$!
pause_stack_worker

cat >"$WORK/start-worker" <<SH
DATABASE_URL=${DATABASE_URL_WORKER:-$DATABASE_URL} LLM_PROVIDER=anthropic ANTHROPIC_API_KEY=sk-ant-bench \
  ANTHROPIC_BASE_URL=http://$FAKE_ADDR ANALYSIS_WORKER_CONCURRENCY=2000 \
  ANALYSIS_WORKER_HEALTH_ADDR=127.0.0.1:$(free_port) \
  "$ROOT/bazel-bin/services/analysis_worker/analysis_worker" >"$WORK/worker.log" 2>&1 &
echo \$! >"$WORK/worker.pid"
SH

GATEWAY_PID=$(pid_of gateway) ANALYSIS_PID=$(pid_of analysis)
rss() { awk '/^VmRSS/ {print $2}' "/proc/$GATEWAY_PID/status"; }
rss_before=$(rss)
(peak=0; while :; do r=$(rss); ((r > peak)) && peak=$r && echo "$peak" >"$WORK/peak"; sleep 0.2; done) &
SAMPLER_PID=$!
REDIS_PID=$(pid_of redis 2>/dev/null || echo 0)
cpu0_gateway=$(ticks "$GATEWAY_PID") cpu0_analysis=$(ticks "$ANALYSIS_PID") cpu0_redis=$(ticks "$REDIS_PID")
cpu0_fake=$(ticks "$FAKE_PID")
"$WORK/streambench" -api "$BASE" -n "$N" -prefix "$PREFIX" -summary "$WORK/summary" -start "sh $WORK/start-worker"
events=$(cat "$WORK/summary")
WORKER_PID=$(cat "$WORK/worker.pid")
per_event() { echo $(( ($(ticks "$2") - $1) * TICK_US / (events > 0 ? events : 1) )); }
echo "  CPU per delivered event: gateway $(per_event "$cpu0_gateway" "$GATEWAY_PID") µs, analysis service $(per_event "$cpu0_analysis" "$ANALYSIS_PID") µs, Redis $(per_event "$cpu0_redis" "$REDIS_PID") µs, worker $(per_event 0 "$WORKER_PID") µs, fake provider $(per_event "$cpu0_fake" "$FAKE_PID") µs"
echo "  gateway RSS: $((rss_before / 1024)) MiB before, peak $(($(cat "$WORK/peak" 2>/dev/null || echo "$rss_before") / 1024)) MiB with $N streams"
