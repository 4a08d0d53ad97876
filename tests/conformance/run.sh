#!/usr/bin/env bash
# Conformance of the test fakes to the official SDKs (PyPI anthropic, stripe;
# requirements.txt): installs them into .tools/conformance-venv once, builds
# the fakes and runs pytest. Part of ./plinth test.
set -euo pipefail
ROOT=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)
case ":$PATH:" in *:/usr/local/go/bin:*) ;; *) export PATH="/usr/local/go/bin:$PATH" ;; esac
VENV="$ROOT/.tools/conformance-venv"
REQ="$ROOT/tests/conformance/requirements.txt"
if [[ ! -x $VENV/bin/python ]] || ! cmp -s "$REQ" "$VENV/requirements.txt"; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q --disable-pip-version-check -r "$REQ"
  cp "$REQ" "$VENV/requirements.txt"
fi
BIN=$(mktemp -d)
trap 'rm -rf "$BIN"' EXIT
(cd "$ROOT/tests/e2e" && go build -o "$BIN/fake-anthropic" ./cmd/fake-anthropic && go build -o "$BIN/fake-stripe" ./cmd/fake-stripe)
cd "$ROOT/tests/conformance"
FAKE_ANTHROPIC="$BIN/fake-anthropic" FAKE_STRIPE="$BIN/fake-stripe" "$VENV/bin/python" -m pytest -q -p no:cacheprovider .
