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
