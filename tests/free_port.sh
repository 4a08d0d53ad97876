# Sourced by tests/run_all.sh and bench/*.sh: free_port prints a loopback TCP
# port nothing listens on right now, below the kernel's ephemeral range (a
# port in that range can become the source port of an outgoing connection
# before the process meant for it binds it).
free_port() {
  local p low=32768
  read -r low _ </proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || true
  ((low > 12000)) || low=32768
  while :; do
    p=$((10000 + RANDOM % (low - 10000)))
    (exec 3<>/dev/tcp/127.0.0.1/$p) 2>/dev/null || { echo "$p"; return; }
  done
}
