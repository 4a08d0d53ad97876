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
"$ROOT/tests/deploy/web-image.sh" localhost/plinth-web:dev
(cd "$ROOT/tests/e2e" && go build -o "$WORK/check" ./cmd/clustercheck)
# The overlay names the image plinth:dev, which the kubelet reads as
# docker.io/library/plinth:dev; it is present, so nothing is pulled.
"$C" load localhost/plinth:dev=docker.io/library/plinth:dev localhost/plinth-web:dev=docker.io/library/plinth-web:dev \
  localhost/plinth-cluster-deps:1

say "PostgreSQL and Redis for the dev overlay (tests/cluster/deps.yaml)"
k apply -f "$ROOT/tests/cluster/deps.yaml" >/dev/null
k -n plinth-dev create configmap cluster-bootstrap --from-file="$ROOT/migrations/bootstrap/cluster.sql" >/dev/null
k -n plinth-dev rollout status deploy/postgres deploy/redis --timeout=120s >/dev/null

say "the release's pods wait for its schema: the overlay without its migrations Job first"
k kustomize "$ROOT/k8s/overlays/dev" >"$WORK/dev.yaml"
python3 - "$WORK/dev.yaml" >"$WORK/dev-without-job.yaml" <<'PY'
import sys
docs = open(sys.argv[1]).read().split("\n---\n")
print("\n---\n".join(d for d in docs if "\nkind: Job\n" not in "\n" + d + "\n"))
PY
k apply -f "$WORK/dev-without-job.yaml" >/dev/null
sleep 20
waiting=$(k -n $NS get pods -o jsonpath='{range .items[*]}{.metadata.name} {.status.initContainerStatuses[0].state.running.startedAt} {.status.containerStatuses[0].ready}{"\n"}{end}')
while read -r pod started ready; do
  [[ $pod == gateway-* || $pod == frontend-* ]] && continue  # no database, no init container
  [[ -n $started && $ready != true ]] || die "$pod is not waiting for its schema: $(k -n $NS get pod "$pod" -o jsonpath='{.status}')"
done <<<"$waiting"
k -n $NS logs "deploy/profile" -c wait-for-schema | grep -q "waiting for the schema" ||
  die "the profile pod's init container does not say what it waits for"
say "after 20 s without the Job, every service pod still waits in its init container"

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

say "the frontend through its Service"
WEB_PORT=$((PORT + 1))
WEB=http://127.0.0.1:$WEB_PORT
"$C" forward "$WEB_PORT" "$NS/frontend:80"
[[ $(curl -sS -o /dev/null -w '%{http_code}' "$WEB/api/health") == 200 ]] || die "the frontend's /api/health does not answer 200"
curl -sS -D "$WORK/login.headers" -o "$WORK/login.html" "$WEB/login"
grep -qi "^content-security-policy: .*nonce-" "$WORK/login.headers" || die "the sign-in page came without its nonce policy"
grep -q "<form" "$WORK/login.html" || die "the sign-in page has no form"
# Rendered on the frontend's server, which calls the gateway's Service by name
# (the cluster has no Stripe account: its catalog is the free plan).
pricing_ok() { curl -sS --max-time 5 "$WEB/pricing" 2>/dev/null | grep -q 'data-plan="free"'; }
pricing_ok || die "the pricing page does not list the gateway's plans"
# The dev overlay's sign-in: the JWT secret reached the frontend's server only.
code=$(curl -sS -o /dev/null -w '%{http_code}' -c "$WORK/web.cookies" -H "Origin: $WEB" \
  -H 'Content-Type: application/json' -d '{"email":"cluster@example.com"}' "$WEB/api/dev-session")
[[ $code == 200 ]] && grep -q plinth "$WORK/web.cookies" || die "the dev sign-in answered $code"
say "frontend: health, the sign-in page (CSP nonce), pricing from the gateway, the dev sign-in"

# ---- production behaviours -------------------------------------------------

sql() { k -n plinth-dev exec deploy/postgres -- runuser -u postgres -- psql -d plinth -XtAc "$1"; }
# pods NAME: "pod ip" of each ready pod of NAME not being deleted (a pod
# scaled away is still Running while it terminates).
pods() {
  k -n $NS get pods -l "app.kubernetes.io/name=$1" -o json | python3 -c '
import json, signal, sys
signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # callers may read only the first
for p in json.load(sys.stdin)["items"]:
    ready = any(c["type"] == "Ready" and c["status"] == "True" for c in p["status"].get("conditions", []))
    if ready and not p["metadata"].get("deletionTimestamp"):
        print(p["metadata"]["name"], p["status"]["podIP"])'
}
# handled POD_IP SERVICE: the calls that pod's gRPC server answered for SERVICE.
handled() {
  "$C" exec curl -fsS "http://$1:9090/metrics" |
    awk -v s="grpc_service=\"$2\"" 'index($0, "grpc_server_handled_total{") == 1 && index($0, s) { n += $NF } END { printf "%d\n", n }'
}
rollouts() {
  local d
  for d in $(k -n $NS get deploy -o jsonpath='{.items[*].metadata.name}'); do
    k -n $NS rollout status "deploy/$d" --timeout=240s >/dev/null || die "deployment $d did not roll out"
  done
}
# load_start NAME: steady mixed load (50 requests/s: reads, writes, analyses)
# until load_stop NAME, which waits for its analyses and checks the report:
# nothing failed beyond ALLOWED_FAILURES, every analysis succeeded once and
# was charged once.
load_start() {
  rm -f "$WORK/$1.stop"
  "${CHECK[@]}" -rate 50 -until "$WORK/$1.stop" -report "$WORK/$1.json" load >"$WORK/$1.log" 2>&1 &
  echo $! >"$WORK/$1.pid"
}
load_stop() {
  local name=$1 allowed=${2:-0} once=${3:-once}
  touch "$WORK/$name.stop"
  wait "$(cat "$WORK/$name.pid")" || die "load $name: $(tail -3 "$WORK/$name.log")"
  python3 - "$WORK/$name.json" "$allowed" "$name" <<'PY'
import json, sys
r = json.load(open(sys.argv[1])); allowed = int(sys.argv[2]); name = sys.argv[3]
print("%s: %d requests, %d failed %s; %d analyses created, %d succeeded, %d credits charged"
      % (name, r["requests"], r["failed"], r["failures_by_kind"] or "", r["analyses_created"],
         r["analyses_succeeded"], r["credits_charged"]))
ok = (r["failed"] <= allowed and r["analyses_created"] == r["analyses_succeeded"] == r["credits_charged"]
      and not r["analyses_other"])
sys.exit(0 if ok else 1)
PY
  # (A pod killed mid-call may leave an analysis to a second attempt.)
  [[ $once != once || $(sql "select count(*) from analyses where attempts <> 1") == 0 ]] ||
    die "load $name: an analysis ran more than once"
}

say "replicas: profile and resource 3 (their HPAs' minimum), gateway and worker 2"
for d in profile resource; do k -n $NS patch hpa $d -p '{"spec":{"minReplicas":3}}' >/dev/null; done
for d in gateway analysis-worker; do k -n $NS patch hpa $d -p '{"spec":{"minReplicas":2}}' >/dev/null; done
wait_replicas() {
  local d=$1 n=$2 deadline=$((SECONDS + 120))
  until [[ $(k -n $NS get deploy "$d" -o jsonpath='{.status.readyReplicas}') == "$n" ]]; do
    ((SECONDS < deadline)) || die "$d did not reach $n ready replicas"
    sleep 1
  done
}
wait_replicas profile 3; wait_replicas resource 3; wait_replicas gateway 2; wait_replicas analysis-worker 2
# The gateways find the new pods when the services' 30 s connection age
# makes them resolve again; then a minute of load.
sleep 35
declare -A before
for svc in profile:plinth.v1.ProfileService resource:plinth.v1.ResourceService; do
  while read -r pod ip; do before[$pod]=$(handled "$ip" "${svc#*:}"); done < <(pods "${svc%%:*}")
done
load_start spread
sleep 45
load_stop spread
for svc in profile:plinth.v1.ProfileService resource:plinth.v1.ResourceService; do
  declare -A delta=()
  total=0
  while read -r pod ip; do
    delta[$pod]=$(($(handled "$ip" "${svc#*:}") - ${before[$pod]:-0}))
    total=$((total + delta[$pod]))
  done < <(pods "${svc%%:*}")
  line=""
  for pod in "${!delta[@]}"; do
    line+=" ${pod##*-}=${delta[$pod]}"
    ((delta[$pod] * 5 >= total)) || die "${svc%%:*}: pod $pod answered ${delta[$pod]} of $total calls (< 20 %)"
  done
  say "${svc%%:*} calls spread over ${#delta[@]} pods:$line (total $total)"
done

say "two gateway replicas share one rate limit"
read -r passed limited < <("${CHECK[@]}" -n 130 limit)
[[ $passed == 100 && $limited == 30 ]] || die "130 requests of one user over two gateways: $passed passed, $limited refused (want 100 and 30)"
say "130 requests of one user: 100 passed, 30 refused"

say "a profile pod killed (SIGKILL in its container) under load"
read -r victim _ < <(pods profile)
restarts=$(k -n $NS get pod "$victim" -o jsonpath='{.status.containerStatuses[0].restartCount}')
cid=$(k -n $NS get pod "$victim" -o jsonpath='{.status.containerStatuses[0].containerID}')
pid=$("$C" exec ctr -n k8s.io task ls | awk -v id="${cid#containerd://}" '$1 == id {print $2}')
[[ -n $pid ]] || die "no process for $victim"
load_start kill
sleep 5
kill -KILL "$pid"
deadline=$((SECONDS + 120))
until [[ $(k -n $NS get pod "$victim" -o jsonpath='{.status.containerStatuses[0].restartCount}') -gt $restarts &&
  $(k -n $NS get pod "$victim" -o jsonpath='{.status.containerStatuses[0].ready}') == true ]]; do
  ((SECONDS < deadline)) || die "$victim did not come back by itself"
  sleep 0.5
done
say "$victim restarted by the kubelet and ready again"
sleep 5
load_stop kill 25 retries-allowed

say "a resource pod deleted under load"
read -r victim _ < <(pods resource)
load_start delete
sleep 5
k -n $NS delete pod "$victim" --wait=false >/dev/null
wait_replicas resource 3
sleep 5
load_stop delete 10 retries-allowed

say "the PDB refuses an eviction that would break it"
# Two gateways, held there (the HPA would otherwise follow the load).
k -n $NS patch hpa gateway -p '{"spec":{"minReplicas":2,"maxReplicas":2}}' >/dev/null
wait_replicas gateway 2
k -n $NS patch pdb gateway -p '{"spec":{"minAvailable":2}}' >/dev/null
# Once the disruption controller has counted the two healthy pods under the
# new budget (and no scaled-down third is still terminating).
deadline=$((SECONDS + 60))
pdb_settled() {
  local observed generation healthy allowed
  read -r observed generation healthy allowed < <(k -n $NS get pdb gateway -o \
    jsonpath='{.status.observedGeneration} {.metadata.generation} {.status.currentHealthy} {.status.disruptionsAllowed}')
  [[ $observed == "$generation" && $healthy == 2 && $allowed == 0 ]]
}
until pdb_settled; do
  ((SECONDS < deadline)) || die "the gateway PDB did not settle: $(k -n $NS get pdb gateway -o jsonpath='{.status}')"
  sleep 1
done
read -r victim _ < <(pods gateway)
printf '{"apiVersion":"policy/v1","kind":"Eviction","metadata":{"name":"%s","namespace":"%s"}}' "$victim" $NS >"$WORK/eviction.json"
if out=$(k create --raw "/api/v1/namespaces/$NS/pods/$victim/eviction" -f "$WORK/eviction.json" 2>&1); then
  die "evicting $victim with the gateway PDB at minAvailable 2 of 2 was allowed"
fi
grep -qi "disruption budget" <<<"$out" || die "eviction refused for another reason: $out"
k -n $NS patch pdb gateway -p '{"spec":{"minAvailable":1}}' >/dev/null
deadline=$((SECONDS + 60))
until [[ $(k -n $NS get pdb gateway -o jsonpath='{.status.disruptionsAllowed}') == 1 ]]; do
  ((SECONDS < deadline)) || die "the gateway PDB did not allow a disruption at minAvailable 1"
  sleep 1
done
k create --raw "/api/v1/namespaces/$NS/pods/$victim/eviction" -f "$WORK/eviction.json" >/dev/null ||
  die "evicting one of two gateways with minAvailable 1 was refused"
say "eviction refused at minAvailable 2 of 2 (429), allowed at 1"
wait_replicas gateway 2

say "a rolling update of every Deployment to a new image tag under load"
"$C" load localhost/plinth:dev=docker.io/library/plinth:dev2 localhost/plinth-web:dev=docker.io/library/plinth-web:dev2
image_of() { [[ $1 == frontend ]] && echo plinth-web || echo plinth; }
load_start rollout
# The frontend's pricing page (its server calling the gateway) every 0.1 s.
rm -f "$WORK/web.stop"
(ok=0 bad=0
  until [[ -e $WORK/web.stop ]]; do
    if pricing_ok; then ok=$((ok + 1)); else bad=$((bad + 1)); fi
    sleep 0.1
  done
  echo "$ok $bad" >"$WORK/web.result") &
web_prober=$!
sleep 5
for d in $(k -n $NS get deploy -o jsonpath='{.items[*].metadata.name}'); do
  k -n $NS set image "deploy/$d" "*=$(image_of "$d"):dev2" >/dev/null
done
rollouts
sleep 5
touch "$WORK/web.stop"
wait $web_prober
load_stop rollout 0
read -r web_ok web_bad <"$WORK/web.result"
say "frontend during the rollout: $web_ok pricing pages with the plans, $web_bad without"
((web_bad == 0 && web_ok > 0)) || die "the frontend failed $web_bad pricing pages during the rollout"
for d in $(k -n $NS get deploy -o jsonpath='{.items[*].metadata.name}'); do
  [[ $(k -n $NS get deploy "$d" -o jsonpath='{.spec.template.spec.containers[0].image}') == "$(image_of "$d"):dev2" ]] ||
    die "$d not on the new tag"
done

say "the HPA: metrics-server's CPU figures scale the gateway up under load and down after"
k -n $NS patch hpa gateway -p '{"spec":{"minReplicas":1,"maxReplicas":4}}' >/dev/null
wait_replicas gateway 1
load_start hpa
t=$SECONDS
until (($(k -n $NS get hpa gateway -o jsonpath='{.status.desiredReplicas}') > 1)); do
  ((SECONDS - t < 150)) || die "the gateway HPA did not scale up under load"
  sleep 2
done
up_s=$((SECONDS - t))
load_stop hpa 0 retries-allowed
t=$SECONDS
until [[ $(k -n $NS get deploy gateway -o jsonpath='{.status.replicas}') == 1 ]]; do
  ((SECONDS - t < 180)) || die "the gateway did not scale back down after the load"
  sleep 2
done
say "gateway scaled up $up_s s into the load, back to 1 replica $((SECONDS - t)) s after it (stabilization 30 s)"

say "every NetworkPolicy selects the pods it means to (the bridge plugin does not enforce them)"
for np in $(k -n $NS get networkpolicy -o jsonpath='{.items[*].metadata.name}'); do
  selector=$(k -n $NS get networkpolicy "$np" -o jsonpath='{.spec.podSelector.matchLabels}' |
    python3 -c 'import json,sys; d=json.loads(sys.stdin.read() or "{}"); print(",".join("%s=%s" % kv for kv in d.items()))')
  n=$(k -n $NS get pods ${selector:+-l "$selector"} --no-headers 2>/dev/null | wc -l)
  ((n > 0)) || die "NetworkPolicy $np selects no pod (selector: ${selector:-all})"
done

say "cluster test passed in $((SECONDS - T0)) s"
