#!/usr/bin/env bash
# buf lint and buf breaking on protos/ (rules: protos/buf.yaml). buf is
# installed into .tools/bin from the Go module proxy on first use. It reads
# images that protoc builds (googleapis from Debian's copy), so no module
# registry is needed. `breaking` compares with PLINTH_BUF_AGAINST, by default
# the last commit (HEAD) when protos/ has uncommitted changes, else the one
# before it: the change being landed.
set -euo pipefail
ROOT=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)
case ":$PATH:" in *:/usr/local/go/bin:*) ;; *) export PATH="/usr/local/go/bin:$PATH" ;; esac
BUF_VERSION=v1.75.0
BUF="$ROOT/.tools/bin/buf"
if [[ ! -x $BUF ]] || [[ $("$BUF" --version) != "${BUF_VERSION#v}" ]]; then
  echo "installing buf $BUF_VERSION (go install)"
  GOBIN="$ROOT/.tools/bin" go install "github.com/bufbuild/buf/cmd/buf@$BUF_VERSION"
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$ROOT/protos/googleapis.sh" "$work/googleapis"
image() { # image PROTOS_DIR OUT
  (cd "$1" && protoc -I. -I"$work/googleapis" -I/usr/include --include_imports --include_source_info \
    -o "$2" $(find plinth -name '*.proto' | sort))
}
image "$ROOT/protos" "$work/current.binpb"
cd "$ROOT/protos"
"$BUF" lint "$work/current.binpb" --path plinth --config buf.yaml
echo "buf lint: clean"

against=${PLINTH_BUF_AGAINST:-}
if [[ -z $against ]]; then
  if [[ -n $(git -C "$ROOT" status --porcelain -- protos) ]]; then
    against=HEAD
  else
    against=HEAD~1
  fi
fi
if ! git -C "$ROOT" rev-parse -q --verify "$against^{commit}" >/dev/null; then
  echo "buf breaking: no $against to compare with (shallow or first commit); skipped"
  exit 0
fi
mkdir -p "$work/against"
git -C "$ROOT" archive "$against" protos | tar -x -C "$work/against"
if [[ -d $work/against/protos/plinth ]]; then
  image "$work/against/protos" "$work/against.binpb"
  "$BUF" breaking "$work/current.binpb" --against "$work/against.binpb" --path plinth --config buf.yaml
  echo "buf breaking: none against $against ($(git -C "$ROOT" rev-parse --short "$against"))"
fi
