#!/usr/bin/env bash
# Renders every k8s overlay with kustomize (library, pinned in render/go.mod)
# and validates the objects offline (validate.mjs). Part of ./plinth test.
set -euo pipefail
here=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)
root=$(cd "$here/../.." && pwd)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
(cd "$here" && [[ -d node_modules/kubernetes-models ]] || npm ci --no-audit --no-fund --silent)
(cd "$here/render" && go build -o "$out/render" .)
for overlay in "$root"/k8s/overlays/*/; do
  name=$(basename "$overlay")
  "$out/render" "$overlay" >"$out/$name.json"
  node "$here/validate.mjs" "$name" "$out/$name.json"
done
# The validator must reject what it is meant to reject.
if node "$here/validate.mjs" prod "$here/fixtures/bad-deployment.json" 2>"$out/bad.txt"; then
  echo "validate.mjs accepted fixtures/bad-deployment.json" >&2
  exit 1
fi
for expected in "probes required" "must be pinned" "readOnlyRootFilesystem" "no HorizontalPodAutoscaler"; do
  grep -q "$expected" "$out/bad.txt" || { echo "validate.mjs did not report: $expected" >&2; exit 1; }
done
echo "validator rejects the known-bad fixture"
