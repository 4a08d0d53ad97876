#!/usr/bin/env bash
# Builds the gateway binary from the protos: generates the Go code
# (protoc-gen-go, -go-grpc, -grpc-gateway, -openapiv2, pinned in go.mod's
# tool block) into a scratch copy of this module, then `go build`s it.
# Usage: gateway/build.sh OUTPUT PROTOS_DIR GOOGLEAPIS_DIR
# Called by Bazel (//gateway:gateway) so that one `bazel build //...` builds
# the C++ services and the gateway from the same protos.
set -euo pipefail
out=$(realpath -m "$1")
protos=$(realpath "$2")
googleapis=$(realpath "$3")
here=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/src" "$work/bin"
(cd "$here" && tar --exclude=./gen -cf - .) | tar -C "$work/src" -xf -
cd "$work/src"
GOBIN="$work/bin" go install tool
mkdir -p gen/openapi
PATH="$work/bin:$PATH" protoc -I"$protos" -I"$googleapis" -I/usr/include \
  --go_out=gen --go_opt=module=plinth/gateway/gen \
  --go-grpc_out=gen --go-grpc_opt=module=plinth/gateway/gen \
  --grpc-gateway_out=gen --grpc-gateway_opt=module=plinth/gateway/gen \
  --openapiv2_out=gen/openapi \
  --openapiv2_opt=allow_merge=true,merge_file_name=plinth,json_names_for_fields=false,disable_default_errors=true \
  $(cd "$protos" && find plinth -name '*.proto' | sort)
cat > gen/openapi/embed.go <<'GO'
// Package openapi embeds the document protoc-gen-openapiv2 generated.
package openapi

import _ "embed"

//go:embed plinth.swagger.json
var Spec []byte
GO
CGO_ENABLED=0 go build -trimpath -o "$out" .
