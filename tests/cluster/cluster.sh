#!/usr/bin/env bash
# A real single-node Kubernetes (v1.34, built from the Go module proxy) for
# the manifests of k8s/: etcd, kube-apiserver, kube-controller-manager,
# kube-scheduler, kubelet and kube-proxy from Kubernetes' own code, Debian's
# containerd, runc and CNI plugins, CoreDNS and metrics-server as pods.
#
#   cluster.sh build            the binaries and images (cached outside the repo, keyed by version)
#   cluster.sh up               starts the cluster; prints how to use it
#   cluster.sh down             stops it and checks nothing of it is left on the host
#   cluster.sh kubectl ARGS...  kubectl against it
#   cluster.sh exec CMD...      runs CMD in the cluster's network (pods and Services reachable)
#   cluster.sh load IMAGE...    copies podman images into the cluster's containerd
#   cluster.sh forward PORT NS/SVC:PORT   relays 127.0.0.1:PORT on the host to a Service
#
# Everything runs inside a network and a mount namespace of its own
# (unshare): the kubelet's sysctls, kube-proxy's iptables rules, the CNI
# bridge and containerd's mounts never reach the host. down kills every
# process in that network namespace and then checks the host: no process,
# interface, iptables rule, mount or sysctl of the cluster is left.
# docs/DEPLOY.md, "A real cluster", says what it proves and what it cannot.
set -euo pipefail
ROOT=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)
case ":$PATH:" in *:/usr/local/go/bin:*) ;; *) export PATH="/usr/local/go/bin:$PATH" ;; esac

K8S_VERSION=v1.34.4
COREDNS_VERSION=v1.12.4
METRICS_SERVER_VERSION=v0.8.0
CACHE=${PLINTH_CLUSTER_CACHE:-/var/cache/plinth-cluster}/k8s-$K8S_VERSION
STATE=${PLINTH_CLUSTER_STATE:-$ROOT/.plinth/cluster}
NODE_IP=10.244.0.1
POD_CIDR=10.244.0.0/24
SERVICE_CIDR=10.96.0.0/16
API_SERVICE_IP=10.96.0.1
DNS_SERVICE_IP=10.96.0.10
NODE_NAME=plinth-node
PAUSE_IMAGE=registry.k8s.io/pause:3.10
APT_PACKAGES=(containerd runc etcd-server containernetworking-plugins iptables conntrack gcc libc6-dev openssl socat)

say() { printf '\033[1m==>\033[0m %s\n' "$*" >&2; }
die() { printf 'cluster: %s\n' "$*" >&2; exit 1; }

# ---- build -----------------------------------------------------------------

install_packages() {
  local missing=() p
  for p in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  ((${#missing[@]} == 0)) && return 0
  say "installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  # Debian starts them as host services; the cluster runs its own, inside.
  systemctl disable --now containerd etcd >/dev/null 2>&1 || true
}

build_binaries() {
  local stamp="$CACHE/bin/.complete" bin
  [[ -f $stamp ]] && return 0
  say "building Kubernetes $K8S_VERSION, CoreDNS $COREDNS_VERSION and metrics-server $METRICS_SERVER_VERSION from the Go module proxy (cold: about 8 minutes)"
  mkdir -p "$CACHE/bin"
  local ldflags="-s -w -X k8s.io/component-base/version.gitVersion=$K8S_VERSION
    -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=34
    -X k8s.io/component-base/version.gitTreeState=clean
    -X k8s.io/client-go/pkg/version.gitVersion=$K8S_VERSION"
  (
    cd "$ROOT/tests/cluster/build"
    for bin in kube-apiserver kube-controller-manager kube-scheduler kubelet kube-proxy; do
      CGO_ENABLED=0 go build -trimpath -ldflags "$ldflags" -o "$CACHE/bin/$bin" "k8s.io/kubernetes/cmd/$bin"
    done
    CGO_ENABLED=0 go build -trimpath -ldflags "$ldflags" -o "$CACHE/bin/kubectl" k8s.io/kubernetes/cmd/kubectl
  )
  GOBIN="$CACHE/bin" CGO_ENABLED=0 go install -trimpath -ldflags "-s -w" "github.com/coredns/coredns@$COREDNS_VERSION"
  GOBIN="$CACHE/bin" CGO_ENABLED=0 go install -trimpath -ldflags "-s -w" \
    "sigs.k8s.io/metrics-server/cmd/metrics-server@$METRICS_SERVER_VERSION"
  # The pod sandbox: Kubernetes' own pause.c, static.
  local src
  src=$(cd "$ROOT/tests/cluster/build" && go list -m -f '{{.Dir}}' k8s.io/kubernetes)
  gcc -Os -static -o "$CACHE/bin/pause" "$src/build/pause/linux/pause.c"
  touch "$stamp"
}

# Images nothing pulls: built here from the Debian base image of tests/deploy
# and imported into the cluster's containerd (load_images).
build_images() {
  "$ROOT/tests/deploy/base-image.sh" localhost/debian:12
  local work image
  work=$(mktemp -d /tmp/plinth-cluster-images-XXXXXX)
  for image in pause coredns metrics-server; do
    local tag="localhost/plinth-cluster-$image:$K8S_VERSION"
    podman image exists "$tag" && continue
    say "image $tag"
    mkdir -p "$work/$image"
    cp "$CACHE/bin/$image" "$work/$image/"
    if [[ $image == pause ]]; then
      printf 'FROM scratch\nCOPY pause /pause\nUSER 65535:65535\nENTRYPOINT ["/pause"]\n' >"$work/$image/Containerfile"
    else
      printf 'FROM localhost/debian:12\nCOPY %s /usr/local/bin/%s\nUSER 65532:65532\nENTRYPOINT ["/usr/local/bin/%s"]\n' \
        "$image" "$image" "$image" >"$work/$image/Containerfile"
    fi
    podman --runtime "$ROOT/tests/deploy/runc-wrapper" build -q -t "$tag" "$work/$image" >/dev/null
  done
  local deps=localhost/plinth-cluster-deps:1
  if ! podman image exists "$deps"; then
    say "image $deps (PostgreSQL, Redis)"
    mkdir -p "$work/deps"
    printf 'FROM localhost/debian:12\nRUN apt-get update && apt-get install -y --no-install-recommends postgresql redis-server \\\n && rm -rf /var/lib/apt/lists/*\n' \
      >"$work/deps/Containerfile"
    podman --runtime "$ROOT/tests/deploy/runc-wrapper" build -q --network host -t "$deps" "$work/deps" >/dev/null
  fi
  rm -rf "$work"
}

cmd_build() {
  install_packages
  build_binaries
  build_images
}

# ---- the namespaces --------------------------------------------------------

holder_pid() { [[ -f $STATE/holder.pid ]] && kill -0 "$(cat "$STATE/holder.pid")" 2>/dev/null && cat "$STATE/holder.pid"; }
# inside CMD...: CMD in the cluster's network and mount namespaces.
inside() { nsenter -t "$(holder_pid)" -n -m -- "$@"; }

kubeconfig() {
  local user=$1 token=$2
  cat <<EOF
apiVersion: v1
kind: Config
clusters:
- name: plinth
  cluster: {server: "https://$NODE_IP:6443", certificate-authority: "$STATE/pki/ca.crt"}
users:
- name: $user
  user: {token: "$token"}
contexts:
- name: plinth
  context: {cluster: plinth, user: $user}
current-context: plinth
EOF
}

make_pki() {
  local pki=$STATE/pki
  mkdir -p "$pki"
  cd "$pki"
  openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 2 -subj "/CN=plinth-cluster-ca" 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -keyout apiserver.key -out apiserver.csr -subj "/CN=kube-apiserver" 2>/dev/null
  printf 'subjectAltName=IP:%s,IP:%s,IP:127.0.0.1,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local\n' \
    "$NODE_IP" "$API_SERVICE_IP" >san.ext
  openssl x509 -req -in apiserver.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out apiserver.crt -days 2 \
    -extfile san.ext 2>/dev/null
  # The aggregation layer (metrics.k8s.io): the front proxy's CA and client.
  openssl req -x509 -newkey rsa:2048 -nodes -keyout front-ca.key -out front-ca.crt -days 2 -subj "/CN=front-proxy-ca" 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -keyout front-client.key -out front-client.csr -subj "/CN=front-proxy-client" 2>/dev/null
  openssl x509 -req -in front-client.csr -CA front-ca.crt -CAkey front-ca.key -CAcreateserial -out front-client.crt \
    -days 2 2>/dev/null
  openssl genrsa -out sa.key 2048 2>/dev/null
  openssl rsa -in sa.key -pubout -out sa.pub 2>/dev/null
  local t
  for t in admin kubelet controller scheduler proxy; do head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$t.token"; done
  {
    echo "$(cat admin.token),admin,admin,system:masters"
    echo "$(cat kubelet.token),system:node:$NODE_NAME,kubelet,system:nodes"
    echo "$(cat controller.token),system:kube-controller-manager,controller"
    echo "$(cat scheduler.token),system:kube-scheduler,scheduler"
    echo "$(cat proxy.token),system:kube-proxy,proxy"
  } >tokens.csv
  kubeconfig admin "$(cat admin.token)" >"$STATE/admin.kubeconfig"
  kubeconfig "system:node:$NODE_NAME" "$(cat kubelet.token)" >"$STATE/kubelet.kubeconfig"
  kubeconfig controller "$(cat controller.token)" >"$STATE/controller.kubeconfig"
  kubeconfig scheduler "$(cat scheduler.token)" >"$STATE/scheduler.kubeconfig"
  kubeconfig proxy "$(cat proxy.token)" >"$STATE/proxy.kubeconfig"
  cd - >/dev/null
}

write_configs() {
  mkdir -p "$STATE/cni/net.d" "$STATE/cni/state" "$STATE/containerd" "$STATE/kubelet" "$STATE/logs" "$STATE/etcd" "$STATE/sys"
  cat >"$STATE/cni/net.d/10-plinth.conflist" <<EOF
{"cniVersion": "0.4.0", "name": "plinth", "plugins": [
  {"type": "bridge", "bridge": "cni0", "isGateway": true, "ipMasq": true, "hairpinMode": true,
   "ipam": {"type": "host-local", "dataDir": "$STATE/cni/state", "ranges": [[{"subnet": "$POD_CIDR", "gateway": "$NODE_IP"}]],
            "routes": [{"dst": "0.0.0.0/0"}]}},
  {"type": "portmap", "capabilities": {"portMappings": true}}
]}
EOF
  cat >"$STATE/containerd/config.toml" <<EOF
version = 2
root = "$STATE/containerd/root"
state = "/run/containerd"
[grpc]
  address = "/run/containerd/containerd.sock"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "$PAUSE_IMAGE"
  # These VMs cannot lower oom_score_adj (no CAP_SYS_RESOURCE).
  restrict_oom_score_adj = true
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "$STATE/cni/net.d"
EOF
  cat >"$STATE/kubelet.yaml" <<EOF
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
cgroupDriver: cgroupfs
failCgroupV1: false
failSwapOn: false
containerRuntimeEndpoint: unix:///run/containerd/containerd.sock
authentication:
  anonymous: {enabled: true}
  webhook: {enabled: false}
authorization: {mode: AlwaysAllow}
clusterDNS: [$DNS_SERVICE_IP]
clusterDomain: cluster.local
resolvConf: ""
podCIDR: $POD_CIDR
maxPods: 110
serializeImagePulls: false
imageGCHighThresholdPercent: 100
evictionHard: {memory.available: "200Mi", nodefs.available: "1%", imagefs.available: "1%"}
syncFrequency: 10s
nodeStatusUpdateFrequency: 4s
EOF
  # What the kubelet would write into the host's sysctls, held by files
  # bind-mounted over them inside the mount namespace.
  echo 1 >"$STATE/sys/vm.overcommit_memory"
  echo 10 >"$STATE/sys/kernel.panic"
  echo 1 >"$STATE/sys/kernel.panic_on_oops"
}

# A process of the cluster: inside the namespaces, logged, remembered.
run() {
  local name=$1
  shift
  inside bash -c 'exec "$@" >>"'"$STATE/logs/$name.log"'" 2>&1' _ "$@" </dev/null >/dev/null 2>&1 &
  echo $! >"$STATE/$name.pid"
}

wait_for() {
  local what=$1 timeout=$2
  shift 2
  local deadline=$((SECONDS + timeout))
  until "$@" >/dev/null 2>&1; do
    ((SECONDS < deadline)) || die "$what did not happen within ${timeout}s (logs: $STATE/logs)"
    sleep 0.2
  done
}

kctl() { inside "$CACHE/bin/kubectl" --kubeconfig "$STATE/admin.kubeconfig" "$@"; }
node_ready() {
  kctl get node $NODE_NAME -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}' | grep -q True
}

cmd_up() {
  [[ -n $(holder_pid || true) ]] && { say "the cluster is already up"; return 0; }
  cmd_build
  rm -rf "$STATE"
  mkdir -p "$STATE"
  # The host's values, to check after down that they are untouched.
  sysctl -n vm.overcommit_memory kernel.panic kernel.panic_on_oops >"$STATE.host-sysctls"
  make_pki
  write_configs
  local bin=$CACHE/bin started=$SECONDS
  say "starting the cluster in namespaces of its own"
  unshare --net --mount --propagation private sleep infinity </dev/null >/dev/null 2>&1 &
  echo $! >"$STATE/holder.pid"
  wait_for "the namespaces" 5 test -n "$(holder_pid)"
  inside bash -euc "
    mount -t tmpfs tmpfs /run/containerd 2>/dev/null || { mkdir -p /run/containerd && mount -t tmpfs tmpfs /run/containerd; }
    mkdir -p /run/netns && mount -t tmpfs tmpfs /run/netns
    mount --bind $STATE/sys/vm.overcommit_memory /proc/sys/vm/overcommit_memory
    mount --bind $STATE/sys/kernel.panic /proc/sys/kernel/panic
    mount --bind $STATE/sys/kernel.panic_on_oops /proc/sys/kernel/panic_on_oops
    ip link set lo up
    ip link add cni0 type bridge && ip addr add $NODE_IP/24 dev cni0 && ip link set cni0 up
    # The node's own connections to Service IPs need a route before
    # kube-proxy's DNAT picks the pod (a real node has its default route).
    ip route add $SERVICE_CIDR dev cni0
    sysctl -qw net.ipv4.ip_forward=1
    modprobe br_netfilter 2>/dev/null || true
    sysctl -qw net.bridge.bridge-nf-call-iptables=1 2>/dev/null || true
  "
  run etcd etcd --data-dir "$STATE/etcd" --listen-client-urls http://127.0.0.1:2379 \
    --advertise-client-urls http://127.0.0.1:2379 --listen-peer-urls http://127.0.0.1:2380 --unsafe-no-fsync
  run containerd containerd --config "$STATE/containerd/config.toml"
  wait_for etcd 20 inside bash -c 'exec 3<>/dev/tcp/127.0.0.1/2379'
  local pki=$STATE/pki
  run kube-apiserver "$bin/kube-apiserver" --etcd-servers=http://127.0.0.1:2379 \
    --advertise-address=$NODE_IP --bind-address=0.0.0.0 --secure-port=6443 \
    --service-cluster-ip-range=$SERVICE_CIDR --tls-cert-file="$pki/apiserver.crt" --tls-private-key-file="$pki/apiserver.key" \
    --client-ca-file="$pki/ca.crt" --token-auth-file="$pki/tokens.csv" --authorization-mode=Node,RBAC \
    --service-account-issuer=https://kubernetes.default.svc.cluster.local \
    --service-account-key-file="$pki/sa.pub" --service-account-signing-key-file="$pki/sa.key" \
    --kubelet-preferred-address-types=InternalIP --allow-privileged=false \
    --requestheader-client-ca-file="$pki/front-ca.crt" --requestheader-allowed-names=front-proxy-client \
    --requestheader-extra-headers-prefix=X-Remote-Extra- --requestheader-group-headers=X-Remote-Group \
    --requestheader-username-headers=X-Remote-User --proxy-client-cert-file="$pki/front-client.crt" \
    --proxy-client-key-file="$pki/front-client.key" --enable-aggregator-routing=true
  wait_for "the API server" 60 kctl get --raw /readyz
  run kube-controller-manager "$bin/kube-controller-manager" --kubeconfig="$STATE/controller.kubeconfig" \
    --authentication-kubeconfig="$STATE/controller.kubeconfig" --authorization-kubeconfig="$STATE/controller.kubeconfig" \
    --service-account-private-key-file="$pki/sa.key" --root-ca-file="$pki/ca.crt" --use-service-account-credentials=true \
    --cluster-cidr=$POD_CIDR --service-cluster-ip-range=$SERVICE_CIDR --leader-elect=false \
    --horizontal-pod-autoscaler-sync-period=5s --horizontal-pod-autoscaler-downscale-stabilization=30s \
    --node-monitor-grace-period=20s
  run kube-scheduler "$bin/kube-scheduler" --kubeconfig="$STATE/scheduler.kubeconfig" \
    --authentication-kubeconfig="$STATE/scheduler.kubeconfig" --authorization-kubeconfig="$STATE/scheduler.kubeconfig" \
    --leader-elect=false
  run kubelet "$bin/kubelet" --config="$STATE/kubelet.yaml" --kubeconfig="$STATE/kubelet.kubeconfig" \
    --node-ip=$NODE_IP --hostname-override=$NODE_NAME --root-dir="$STATE/kubelet" --cert-dir="$STATE/kubelet/pki"
  run kube-proxy "$bin/kube-proxy" --kubeconfig="$STATE/proxy.kubeconfig" --hostname-override=$NODE_NAME \
    --cluster-cidr=$POD_CIDR --conntrack-max-per-core=0 --proxy-mode=iptables --bind-address=$NODE_IP \
    --metrics-bind-address=$NODE_IP:10249 --healthz-bind-address=$NODE_IP:10256
  load_images "localhost/plinth-cluster-pause:$K8S_VERSION=$PAUSE_IMAGE" \
    "localhost/plinth-cluster-coredns:$K8S_VERSION" "localhost/plinth-cluster-metrics-server:$K8S_VERSION"
  wait_for "the node to be Ready" 60 node_ready
  sed -e "s/@DNS_SERVICE_IP@/$DNS_SERVICE_IP/; s/@VERSION@/$K8S_VERSION/g" "$ROOT/tests/cluster/addons.yaml" | kctl apply -f - >/dev/null
  kctl -n kube-system rollout status deploy/coredns deploy/metrics-server --timeout=120s >/dev/null
  say "cluster up in $((SECONDS - started)) s: ./plinth cluster kubectl get nodes"
}

# load_images IMAGE[=NAME]...: podman images into containerd (k8s.io namespace), as NAME.
load_images() {
  local spec image name
  for spec in "$@"; do
    image=${spec%%=*}
    name=${spec#*=}
    [[ $spec == *=* ]] || name=$image
    podman tag "$image" "$name" 2>/dev/null || true
    podman save --format docker-archive "$name" | inside ctr -n k8s.io images import --no-unpack=false - >/dev/null
  done
}

# Processes in the cluster's network namespace (the holder's).
cluster_pids() {
  local holder netns pid
  holder=$(holder_pid) || return 0
  netns=$(readlink "/proc/$holder/ns/net")
  for pid in /proc/[0-9]*; do
    pid=${pid#/proc/}
    [[ $pid == "$holder" ]] && continue
    [[ $(readlink "/proc/$pid/ns/net" 2>/dev/null) == "$netns" ]] && echo "$pid"
  done
  return 0
}

cmd_down() {
  local holder pids
  holder=$(holder_pid || true)
  if [[ -n $holder ]]; then
    say "stopping the cluster"
    # Pods' processes are in network namespaces of their own: containerd's
    # shims are in ours; killing the shims' process groups ends them.
    for _ in 1 2 3; do
      pids=$(cluster_pids)
      [[ -z $pids ]] && break
      for pid in $pids; do pkill -KILL -P "$pid" 2>/dev/null || true; kill -KILL "$pid" 2>/dev/null || true; done
      sleep 0.5
    done
    pkill -KILL -f "containerd-shim-runc-v2 -namespace k8s.io .* -address /run/containerd/containerd.sock" 2>/dev/null || true
    kill -KILL "$holder" 2>/dev/null || true
    for _ in $(seq 50); do pgrep -f "containerd-shim-runc-v2 -namespace k8s.io" >/dev/null || break; sleep 0.1; done
  fi
  [[ -f $STATE/forward.pid ]] && xargs kill <"$STATE/forward.pid" 2>/dev/null || true
  rm -rf "$STATE"
  check_host_clean
}

# Nothing of the cluster may be left on the host.
check_host_clean() {
  local left=()
  pgrep -f "$CACHE/bin/" >/dev/null && left+=("processes: $(pgrep -af "$CACHE/bin/" | head -3)")
  pgrep -x etcd >/dev/null && left+=("etcd running")
  pgrep -f "containerd-shim-runc-v2 -namespace k8s.io" >/dev/null && left+=("containerd shims")
  ip link show cni0 >/dev/null 2>&1 && left+=("interface cni0")
  ip -o link | grep -q veth && left+=("veth interfaces")
  iptables-save 2>/dev/null | grep -q KUBE- && left+=("KUBE-* iptables rules")
  grep -qE "$STATE|/run/containerd" /proc/self/mountinfo && left+=("mounts")
  if [[ -f $STATE.host-sysctls ]]; then
    [[ $(sysctl -n vm.overcommit_memory kernel.panic kernel.panic_on_oops) == "$(cat "$STATE.host-sysctls")" ]] ||
      left+=("host sysctls changed (vm.overcommit_memory, kernel.panic, kernel.panic_on_oops)")
    rm -f "$STATE.host-sysctls"
  fi
  if ((${#left[@]})); then
    printf 'cluster: left on the host: %s\n' "${left[@]}" >&2
    return 1
  fi
  say "nothing of the cluster is left on the host"
}

cmd_forward() {
  local port=$1 target=$2 ns svc sport ip
  ns=${target%%/*}
  svc=${target#*/}
  sport=${svc#*:}
  svc=${svc%%:*}
  ip=$(kctl -n "$ns" get svc "$svc" -o jsonpath='{.spec.clusterIP}')
  # One socat per connection, entering the cluster's network to reach the
  # ClusterIP through kube-proxy's rules.
  socat "TCP-LISTEN:$port,bind=127.0.0.1,fork,reuseaddr" \
    "EXEC:nsenter -t $(holder_pid) -n socat STDIO TCP\\:$ip\\:$sport" </dev/null >"$STATE/logs/forward-$port.log" 2>&1 &
  echo $! >>"$STATE/forward.pid"
  wait_for "the relay on 127.0.0.1:$port" 10 bash -c "exec 3<>/dev/tcp/127.0.0.1/$port"
}

case ${1:-} in
  build) cmd_build ;;
  up) cmd_up ;;
  down) cmd_down ;;
  kubectl) shift; kctl "$@" ;;
  exec) shift; inside "$@" ;;
  load) shift; load_images "$@" ;;
  forward) shift; cmd_forward "$@" ;;
  *) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
