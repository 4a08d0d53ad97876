#!/usr/bin/env bash
# gofmt, go vet and staticcheck on the Go modules besides the gateway (whose
# own are in gateway/build.sh test): the end-to-end tests and their tools,
# the k8s renderer, the generated Go client. Part of ./plinth test.
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)
case ":$PATH:" in *:/usr/local/go/bin:*) ;; *) export PATH="/usr/local/go/bin:$PATH" ;; esac
staticcheck=$("$root/tests/lint/staticcheck.sh")
for module in tests/e2e tests/k8s/render clients/go; do
  (
    cd "$root/$module"
    unformatted=$(gofmt -l .)
    [[ -z $unformatted ]] || { echo "gofmt: $module: not formatted: $unformatted" >&2; exit 1; }
    go vet ./...
    "$staticcheck" ./...
  ) || { echo "go lint failed in $module" >&2; exit 1; }
done
echo "Go modules: gofmt, go vet, staticcheck clean"
