#!/usr/bin/env bash
# Builds the frontend's image (frontend/Dockerfile, APP=prebuilt) as IMAGE
# (default localhost/plinth-web:dev) from the standalone server `./plinth
# build` made. No registry is reachable here, so its base is the local Debian
# 12 of base-image.sh with this machine's Node.js (20, as node:20-bookworm-slim
# has): localhost/node:20-local.
set -euo pipefail
ROOT=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)
IMAGE=${1:-localhost/plinth-web:dev}
STANDALONE=$ROOT/frontend/.next/standalone
[[ -f $STANDALONE/frontend/server.js ]] || { echo "web-image: no $STANDALONE/frontend/server.js: run ./plinth build" >&2; exit 1; }
RUNTIME=(podman --runtime "$ROOT/tests/deploy/runc-wrapper")
WORK=$(mktemp -d /tmp/plinth-web-image-XXXXXX)
trap 'rm -rf "$WORK"' EXIT

NODE=$(command -v node) || { echo "web-image: node not found" >&2; exit 1; }
NODE_VERSION=$("$NODE" --version)
NODE_BASE=localhost/node:20-local
[[ $NODE_VERSION == v2[0-9].* ]] || { echo "web-image: Node.js $NODE_VERSION found, Next.js needs 20 or later" >&2; exit 1; }
# Rebuilt when the machine's Node.js changes (the label records its version).
if [[ $(podman image inspect -f '{{index .Labels "node.version"}}' "$NODE_BASE" 2>/dev/null) != "$NODE_VERSION" ]]; then
  "$ROOT/tests/deploy/base-image.sh" localhost/debian:12
  echo "==> image $NODE_BASE (Debian 12 with this machine's Node.js $NODE_VERSION)"
  mkdir "$WORK/node"
  cp "$NODE" "$WORK/node/node"
  cat >"$WORK/node/Containerfile" <<'CF'
FROM localhost/debian:12
ARG NODE_VERSION
LABEL node.version=$NODE_VERSION
# The binary links only libc, libstdc++ and libgcc_s (in the base already).
COPY node /usr/local/bin/node
RUN node --version
CF
  "${RUNTIME[@]}" build -q --build-arg NODE_VERSION="$NODE_VERSION" -t "$NODE_BASE" "$WORK/node" >/dev/null
fi

echo "==> image $IMAGE (frontend/Dockerfile, APP=prebuilt: the standalone server ./plinth build made)"
mkdir "$WORK/ctx"
cp -r "$STANDALONE" "$WORK/ctx/standalone"
"${RUNTIME[@]}" build -q --build-arg APP=prebuilt --build-arg BASE="$NODE_BASE" \
  -f "$ROOT/frontend/Dockerfile" -t "$IMAGE" "$WORK/ctx" >/dev/null
podman image prune -f >/dev/null 2>&1 || true
