#!/usr/bin/env bash
# ./plinth test deploy: builds the real image, renders the dev overlay with
# kustomize and runs it in podman containers as Kubernetes would
# (tests/deploy/deploy.py says what that covers), then a smoke flow through
# the gateway container. Everything it starts it removes, also on failure.
# Needs `./plinth build` first (the image copies its binaries).
set -euo pipefail
ROOT=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)
# Once only: PATH is part of every Bazel action's key (--action_env=PATH), so
# a PATH that differs from the build's would rebuild everything.
case ":$PATH:" in *:/usr/local/go/bin:*) ;; *) export PATH="/usr/local/go/bin:$PATH" ;; esac
RUNTIME="$ROOT/tests/deploy/runc-wrapper"
export CONTAINERS_CONF="$ROOT/tests/deploy/containers.conf"
BASE=localhost/debian:12
DEPS=localhost/plinth-deploy-deps:1
IMAGE=localhost/plinth:dev
export PLINTH_DEPLOY_RUN=$(head -c 4 /dev/urandom | od -An -tx1 | tr -d ' \n')
export PLINTH_DEPLOY_DIR=$(mktemp -d /tmp/plinth-deploy-XXXXXX)
WORK=$PLINTH_DEPLOY_DIR
p() { podman --runtime "$RUNTIME" "$@"; }

cleanup() {
  local ids _
  # Twice: a container with restart policy "always" may be restarting.
  for _ in 1 2; do
    ids=$(p ps -aq --filter "label=plinth-deploy=$PLINTH_DEPLOY_RUN" 2>/dev/null || true)
    [[ -z $ids ]] || p rm -f -t 0 $ids >/dev/null 2>&1 || true
  done
  p network rm -f "plinth-deploy-$PLINTH_DEPLOY_RUN" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

"$ROOT/tests/deploy/base-image.sh" "$BASE"
# Builds use the host's network: their RUN steps fetch Debian packages, and a
# fresh host's container networks need not route (NAT) to the archive.
if ! p image exists "$DEPS"; then
  echo "==> image $DEPS (PostgreSQL, Redis, socat for the Services)"
  mkdir -p "$WORK/deps"
  printf 'FROM %s\nRUN apt-get update && apt-get install -y --no-install-recommends postgresql redis-server socat \\\n && rm -rf /var/lib/apt/lists/*\n' \
    "$BASE" >"$WORK/deps/Containerfile"
  p build -q --network host -t "$DEPS" "$WORK/deps" >/dev/null
fi

"$ROOT/tests/deploy/image.sh" "$IMAGE"

echo "==> rendering k8s/overlays/dev"
(cd "$ROOT/tests/k8s/render" && go build -o "$WORK/render" .)
"$WORK/render" "$ROOT/k8s/overlays/dev" >"$WORK/dev.json"
(cd "$ROOT/tests/e2e" && go build -o "$WORK/healthprobe" ./cmd/healthprobe)

python3 "$ROOT/tests/deploy/deploy.py" "$WORK/dev.json" "$IMAGE" "$DEPS" "$WORK/healthprobe" "$RUNTIME"
