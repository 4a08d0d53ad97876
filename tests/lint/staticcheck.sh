#!/usr/bin/env bash
# Prints the path of staticcheck at the pinned version, installing it into
# .tools/bin from the Go module proxy on first use (as tests/buf does buf).
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)
case ":$PATH:" in *:/usr/local/go/bin:*) ;; *) export PATH="/usr/local/go/bin:$PATH" ;; esac
version=v0.8.2  # honnef.co/go/tools
bin="$root/.tools/bin/staticcheck"
if [[ ! -x $bin ]] || ! "$bin" -version 2>/dev/null | grep -q "(${version#v})"; then
  GOBIN="$root/.tools/bin" go install "honnef.co/go/tools/cmd/staticcheck@$version" >&2
fi
echo "$bin"
