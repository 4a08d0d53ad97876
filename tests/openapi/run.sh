#!/usr/bin/env bash
# Lints the gateway's OpenAPI document (exactly what /openapi.json serves)
# with Redocly's recommended rules; any error or warning fails.
set -euo pipefail
here=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)
root=$(cd "$here/../.." && pwd)
(cd "$here" && [[ -x node_modules/.bin/redocly ]] || npm ci --no-audit --no-fund --silent)
doc=$(mktemp --suffix=.json)
trap 'rm -f "$doc"' EXIT
"$root/bazel-bin/gateway/plinth-gateway" --print-openapi >"$doc"
out=$("$here/node_modules/.bin/redocly" lint --extends=recommended "$doc" 2>&1) || { echo "$out" >&2; exit 1; }
if grep -qE "You have [0-9]+ warning" <<<"$out"; then
  echo "$out" >&2
  exit 1
fi
echo "OpenAPI document lints clean ($(grep -o '"operationId"' "$doc" | wc -l) operations)"
