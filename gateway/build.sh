#!/usr/bin/env bash
# Builds the gateway binary from the protos. The Go messages and gRPC stubs
# are the committed module clients/go (clients/generate.sh); here, in a
# scratch copy of this module, protoc generates what only the gateway needs:
# the grpc-gateway handlers (standalone, package plinthgw) and the OpenAPI 3.1
# document (cmd/protoc-gen-plinth-openapi), which the binary embeds. Plugin
# versions are pinned in go.mod's tool block.
# Usage: gateway/build.sh OUTPUT PROTOS_DIR GOOGLEAPIS_DIR [PACKAGE]
# PACKAGE (default `.`, the gateway) may name another main package of this
# module: bench/run.sh builds ./cmd/ceiling this way. OUTPUT `test` runs
# gofmt, go vet, staticcheck and the module's unit tests instead
# (tests/run_all.sh).
# Called by Bazel (//gateway:gateway) so that one `bazel build //...` builds
# the C++ services and the gateway from the same protos.
set -euo pipefail
out=$(realpath -m "$1")
protos=$(realpath "$2")
googleapis=$(realpath "$3")
package=${4:-.}
here=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/src" "$work/bin" "$work/clients" "$work/gw"
(cd "$here" && tar --exclude=./gen -cf - .) | tar -C "$work/src" -xf -
cp -r "$here/../clients/go" "$work/clients/go" # go.mod: replace => ../clients/go
cd "$work/src"
GOBIN="$work/bin" go install tool
go build -o "$work/bin/protoc-gen-plinth-openapi" ./cmd/protoc-gen-plinth-openapi
files=$(cd "$protos" && find plinth -name '*.proto' | sort)
mkdir -p gen/gw gen/openapi
PATH="$work/bin:$PATH" protoc -I"$protos" -I"$googleapis" -I/usr/include \
  --grpc-gateway_out="$work/gw" --grpc-gateway_opt=standalone=true \
  --plinth-openapi_out=gen/openapi \
  $files
# Standalone handlers import the stubs' package; they live in their own.
find "$work/gw" -name '*.pb.gw.go' -exec sh -c \
  'sed "s/^package plinthv1$/package plinthgw/" "$1" > gen/gw/$(basename "$1")' _ {} \;
cat > gen/openapi/embed.go <<'GO'
// Package openapi embeds the document protoc-gen-plinth-openapi generated.
package openapi

import _ "embed"

// Document is served at /openapi.json and printed by --print-openapi.
//
//go:embed openapi.json
var Document []byte
GO
if [[ $1 == test ]]; then
  unformatted=$(gofmt -l $(find . -name '*.go' -not -path './gen/*'))
  [[ -z $unformatted ]] || { echo "gofmt: not formatted: $unformatted" >&2; exit 1; }
  go vet ./...
  "$("$here/../tests/lint/staticcheck.sh")" ./...
  go test -count=1 ./...
  exit 0
fi
CGO_ENABLED=0 go build -trimpath -o "$out" "$package"
