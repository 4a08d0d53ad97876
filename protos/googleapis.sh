#!/usr/bin/env bash
# Extracts google/api and google/rpc protos from Debian's googleapis copy
# (libgoogle-common-protos-java, the one Bazel uses) into DIR, for protoc
# runs outside Bazel (clients/generate.sh, tests/buf/run.sh).
set -euo pipefail
python3 - "$1" <<'PY'
import sys, zipfile
with zipfile.ZipFile("/usr/share/java/proto-google-common-protos.jar") as z:
    for n in z.namelist():
        if n.startswith(("google/api/", "google/rpc/")) and n.endswith(".proto"):
            z.extract(n, sys.argv[1])
PY
