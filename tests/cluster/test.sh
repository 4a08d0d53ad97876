#!/usr/bin/env bash
# ./plinth test k8s: k8s/overlays/dev on a real single-node Kubernetes
# (tests/cluster/cluster.sh), proven as a platform team would run it:
#   - kubectl apply -k, the migrations Job, every rollout, waited for with kubectl;
#   - the smoke flow through the gateway's Service from the host (kube-proxy
#     ClusterIPs, CoreDNS names between the pods);
#   - the production behaviours of docs/DEPLOY.md, "A real cluster", each
#     measured and asserted.
# The cluster is torn down on exit, also on failure or interrupt, and the host
# is checked for anything left behind. Needs `./plinth build` first.
set -euo pipefail
ROOT=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)
case ":$PATH:" in *:/usr/local/go/bin:*) ;; *) export PATH="/usr/local/go/bin:$PATH" ;; esac
C="$ROOT/tests/cluster/cluster.sh"
WORK=$(mktemp -d /tmp/plinth-cluster-test-XXXXXX)
NS=plinth
PORT=${PLINTH_CLUSTER_TEST_PORT:-18080}
k() { "$C" kubectl "$@"; }
say() { printf '\033[1m==>\033[0m %s\n' "$*" >&2; }
die() {
  printf 'cluster test: %s\n' "$*" >&2
  k -n $NS get pods -o wide >&2 || true
  exit 1
}

finish() {
  local rc=$?
  trap - EXIT INT TERM
  if ((rc != 0)) && [[ -d $ROOT/.plinth/cluster/logs ]]; then
    mkdir -p "$ROOT/.plinth/cluster-failure"
    cp -r "$ROOT/.plinth/cluster/logs/." "$ROOT/.plinth/cluster-failure/" 2>/dev/null || true
    k -n $NS get events --sort-by=.lastTimestamp >"$ROOT/.plinth/cluster-failure/events.txt" 2>&1 || true
    echo "cluster test: logs kept in .plinth/cluster-failure" >&2
  fi
  "$C" down || rc=1
  rm -rf "$WORK"
  exit "$rc"
}
trap finish EXIT
trap 'exit 130' INT TERM

T0=$SECONDS
"$C" up
"$ROOT/tests/deploy/image.sh" localhost/plinth:dev
(cd "$ROOT/tests/e2e" && go build -o "$WORK/check" ./cmd/clustercheck)
# The overlay names the image plinth:dev, which the kubelet reads as
# docker.io/library/plinth:dev; it is present, so nothing is pulled.
"$C" load localhost/plinth:dev=docker.io/library/plinth:dev localhost/plinth-cluster-deps:1

say "PostgreSQL and Redis for the dev overlay (tests/cluster/deps.yaml)"
k apply -f "$ROOT/tests/cluster/deps.yaml" >/dev/null
k -n plinth-dev create configmap cluster-bootstrap --from-file="$ROOT/migrations/bootstrap/cluster.sql" >/dev/null
k -n plinth-dev rollout status deploy/postgres deploy/redis --timeout=120s >/dev/null

say "kubectl apply -k k8s/overlays/dev"
k apply -k "$ROOT/k8s/overlays/dev" >/dev/null
JOB=$(k -n $NS get jobs -o jsonpath='{.items[0].metadata.name}')
k -n $NS wait --for=condition=complete "job/$JOB" --timeout=180s >/dev/null || die "the migrations Job did not complete"
DEPLOYMENTS=$(k -n $NS get deploy -o jsonpath='{.items[*].metadata.name}')
for d in $DEPLOYMENTS; do
  k -n $NS rollout status "deploy/$d" --timeout=180s >/dev/null || die "deployment $d did not roll out"
done
say "deployed in $((SECONDS - T0)) s: $DEPLOYMENTS"

"$C" forward "$PORT" "$NS/gateway:80"
secret() { k -n $NS get secret plinth-secrets -o jsonpath="{.data.$1}" | base64 -d; }
CHECK=("$WORK/check" -base "http://127.0.0.1:$PORT" -jwt-secret "$(secret SUPABASE_JWT_SECRET)"
  -webhook-secret "$(secret STRIPE_WEBHOOK_SECRET)")
"${CHECK[@]}" smoke

say "cluster test passed in $((SECONDS - T0)) s"
