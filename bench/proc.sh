# CPU accounting from /proc for the bench scripts (sourced; needs STATE).
TICK_US=$((1000000 / $(getconf CLK_TCK)))
pid_of() { cat "$STATE/pids/$1.pid"; }
pg_pids() { # the postmaster and its children
  local main
  main=$(head -1 "$STATE/pgdata/postmaster.pid" 2>/dev/null) || return 0
  echo "$main" $(pgrep -P "$main" || true)
}
ticks() { # total utime+stime of the given pids
  local total=0 pid
  for pid in "$@"; do
    [[ -r /proc/$pid/stat ]] || continue
    total=$((total + $(awk '{sub(/^.*\) /, ""); print $12 + $13}' "/proc/$pid/stat")))
  done
  echo "$total"
}

# The stack's worker would share the job stream with a benchmark's own:
# stopped here (./plinth bench starts it again afterwards).
pause_stack_worker() {
  local pidfile=$STATE/pids/analysis-worker.pid
  [[ -f $pidfile ]] || return 0
  kill -TERM "$(cat "$pidfile")" 2>/dev/null || true
  for _ in $(seq 100); do kill -0 "$(cat "$pidfile")" 2>/dev/null || break; sleep 0.1; done
  rm -f "$pidfile"
}
