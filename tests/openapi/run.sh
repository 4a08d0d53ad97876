#!/usr/bin/env bash
# Lints the gateway's OpenAPI 3.1 document (exactly what /openapi.json serves,
# and the committed clients/typescript/openapi.json)
# with Redocly's recommended rules; any error or warning fails.
set -euo pipefail
here=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)
root=$(cd "$here/../.." && pwd)
(cd "$here" && [[ -x node_modules/.bin/redocly ]] || npm ci --no-audit --no-fund --silent)
doc=$(mktemp --suffix=.json)
trap 'rm -f "$doc"' EXIT
"$root/bazel-bin/gateway/plinth-gateway" --print-openapi >"$doc"
cmp -s "$doc" "$root/clients/typescript/openapi.json" ||
  { echo "the gateway serves another document than clients/typescript/openapi.json: run clients/generate.sh" >&2; exit 1; }
# operation-4xx-response is skipped: /healthz and /readyz take no input, so
# they have no client error to document (every other operation has 4xx ones).
out=$("$here/node_modules/.bin/redocly" lint --extends=recommended --skip-rule=operation-4xx-response "$doc" 2>&1) || { echo "$out" >&2; exit 1; }
if grep -qE "You have [0-9]+ warning" <<<"$out"; then
  echo "$out" >&2
  exit 1
fi
echo "OpenAPI document lints clean ($(grep -o '"operationId"' "$doc" | wc -l) operations)"
