#!/usr/bin/env bash
# Makes sure a Debian 12 base image exists locally (no registry is reachable
# where Plinth is developed): debootstrap from the mirror apt already uses,
# imported into podman as IMAGE (default localhost/debian:12). Idempotent.
set -euo pipefail
IMAGE=${1:-localhost/debian:12}
podman image exists "$IMAGE" && exit 0
MIRROR=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/*.sources 2>/dev/null || true)
[[ -n $MIRROR ]] || MIRROR=$(awk '/^deb / {print $2; exit}' /etc/apt/sources.list 2>/dev/null || true)
[[ -n $MIRROR ]] || { echo "base-image: no Debian mirror found in apt's sources" >&2; exit 1; }
DIR=$(mktemp -d /tmp/plinth-debootstrap-XXXXXX)
trap 'rm -rf "$DIR"' EXIT
echo "==> debootstrap bookworm from $MIRROR (about a minute)"
debootstrap --variant=minbase bookworm "$DIR" "$MIRROR" >"$DIR.log" 2>&1 || { tail -20 "$DIR.log" >&2; exit 1; }
rm -f "$DIR.log"
tar -C "$DIR" -c . | podman import - "$IMAGE" >/dev/null 2>&1 || { echo "base-image: podman import failed" >&2; exit 1; }
echo "==> imported $IMAGE"
