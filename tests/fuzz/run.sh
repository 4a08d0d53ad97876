#!/usr/bin/env bash
# Builds the libFuzzer targets with Debian's clang under ASan and UBSan and
# runs each for a bounded time from its seed corpus (tests/fuzz/corpus/…).
# Usage: tests/fuzz/run.sh [SECONDS_PER_TARGET]   (default 30)
# Needs `bazel build //...` first: the generated protobuf code comes from
# bazel-bin. A crash, leak or sanitizer report fails the run; the input that
# caused it is kept in the printed directory.
set -euo pipefail
ROOT=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)
SECONDS_PER_TARGET=${1:-30}
OUT=$(mktemp -d /tmp/plinth-fuzz-XXXXXX)

# What the targets link: our sources, compiled instrumented; the system
# libraries as they are.
COMMON=(libs/utf8/utf8.cc libs/validation/text.cc libs/auth/jwt.cc libs/auth/base64url.cc libs/auth/jwks.cc libs/crypto/crypto.cc libs/errors/errors.cc
  libs/http/http_client.cc libs/logging/logging.cc)
GENERATED=(bazel-bin/protos/plinth/v1/errors.pb.cc bazel-bin/external/googleapis/google/rpc/status.pb.cc)
declare -A SOURCES=(
  [jwt]="tests/fuzz/jwt_fuzz.cc"
  [stripe]="tests/fuzz/stripe_fuzz.cc services/billing/signature.cc services/billing/stripe_event.cc services/billing/catalog.cc"
  [validation]="tests/fuzz/validation_fuzz.cc"
)
FLAGS=(-std=c++17 -O1 -g -fno-omit-frame-pointer -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
  -I"$ROOT" -I"$ROOT/bazel-bin/protos" -I"$ROOT/bazel-bin/external/googleapis" -w)
# shellcheck disable=SC2207
LIBS=($(pkg-config --libs grpc++ protobuf absl_status absl_statusor absl_strings absl_synchronization spdlog libcurl openssl))

cd "$ROOT"
for f in "${GENERATED[@]}"; do
  [[ -f $f ]] || { echo "fuzz: $f missing: run bazel build //... first" >&2; exit 1; }
done
# The shared sources once, then one link per target.
objects=()
for src in "${COMMON[@]}" "${GENERATED[@]}"; do
  obj="$OUT/$(echo "$src" | tr '/' '_').o"
  clang++ "${FLAGS[@]}" -fsanitize=fuzzer-no-link -c "$src" -o "$obj" &
  objects+=("$obj")
done
wait
failed=()
for target in jwt stripe validation; do
  # shellcheck disable=SC2086
  clang++ "${FLAGS[@]}" ${SOURCES[$target]} "${objects[@]}" "${LIBS[@]}" -o "$OUT/$target"
  mkdir -p "$OUT/$target-corpus" "$OUT/$target-crashes"
  echo "==> fuzzing $target for ${SECONDS_PER_TARGET}s"
  if ! "$OUT/$target" -max_total_time="$SECONDS_PER_TARGET" -timeout=5 -rss_limit_mb=2048 -max_len=8192 \
      -artifact_prefix="$OUT/$target-crashes/" -print_final_stats=1 \
      "$OUT/$target-corpus" "tests/fuzz/corpus/$target" >"$OUT/$target.log" 2>&1; then
    tail -40 "$OUT/$target.log"
    failed+=("$target (inputs in $OUT/$target-crashes)")
  else
    grep -E "stat::number_of_executed_runs|cov:" "$OUT/$target.log" | tail -2
  fi
done
if ((${#failed[@]})); then
  echo "fuzz: FAILED: ${failed[*]}"
  exit 1
fi
rm -rf "$OUT"
echo "fuzz: 0 crashes"
