#!/usr/bin/env bash
# Installs schemathesis (tests/contract/requirements.txt, from PyPI) into
# .tools/contract-venv once and prints the path of its `st` command.
set -euo pipefail
ROOT=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)
VENV="$ROOT/.tools/contract-venv"
REQ="$ROOT/tests/contract/requirements.txt"
if [[ ! -x $VENV/bin/st ]] || ! cmp -s "$REQ" "$VENV/requirements.txt"; then
  python3 -m venv "$VENV" >&2
  "$VENV/bin/pip" install -q --disable-pip-version-check -r "$REQ" >&2
  cp "$REQ" "$VENV/requirements.txt"
fi
echo "$VENV/bin/st"
