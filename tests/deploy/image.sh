#!/usr/bin/env bash
# Builds the release image from the binaries ./plinth build made (Dockerfile,
# BINARIES=prebuilt) as IMAGE (default localhost/plinth:dev), on the Debian
# base image of base-image.sh. Used by the podman proof and the test cluster.
set -euo pipefail
ROOT=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)
IMAGE=${1:-localhost/plinth:dev}
BASE=localhost/debian:12
"$ROOT/tests/deploy/base-image.sh" "$BASE"
WORK=$(mktemp -d /tmp/plinth-image-XXXXXX)
trap 'rm -rf "$WORK"' EXIT
echo "==> image $IMAGE (Dockerfile, BINARIES=prebuilt: the binaries ./plinth build made)"
cp "$ROOT/Dockerfile" "$WORK/"
"$ROOT/plinth" dist "$WORK/dist"
# Builds use the host's network: their RUN steps fetch Debian packages.
podman --runtime "$ROOT/tests/deploy/runc-wrapper" build -q --network host --build-arg BINARIES=prebuilt --build-arg BASE="$BASE" -t "$IMAGE" "$WORK" >/dev/null
# The previous build, now untagged, would pile up run after run.
podman image prune -f >/dev/null 2>&1 || true
