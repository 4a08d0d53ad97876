#!/usr/bin/env bash
# Runs every test: C++ unit and integration tests (bazel test //...), the
# lints (clang-format, clang-tidy, gofmt, go vet, staticcheck, ESLint) and the
# docs' layout check, the generated clients' freshness and type-check
# (clients/), the frontend's tsc,
# ESLint and unit tests, buf lint/breaking, the end-to-end tests through the
# real gateway (tests/e2e, Go; schemathesis, stripe-mock, the TypeScript client's example
# and the frontend in Debian's Chromium among them), the fuzzers (tests/fuzz)
# the k8s manifest validation (tests/k8s) and the dev overlay on a real
# single-node Kubernetes (tests/cluster), against a
# throwaway PostgreSQL and Redis started here and removed afterwards.
# Called by `./plinth test` after the build; exits non-zero on any failure.
set -uo pipefail

ROOT=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
# Go for this script's own go commands (Bazel's actions get a pinned PATH:
# .bazelrc).
case ":$PATH:" in *:/usr/local/go/bin:*) ;; *) export PATH="/usr/local/go/bin:$PATH" ;; esac
WORK=$(mktemp -d /tmp/plinth-test-XXXXXX)
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)

source "$ROOT/tests/free_port.sh"

cleanup() {
  runuser -u postgres -- "$PGBIN/pg_ctl" -D "$WORK/pg" -m immediate stop >/dev/null 2>&1
  [[ -f $WORK/redis.pid ]] && kill "$(cat "$WORK/redis.pid")" 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT

PG_PORT=$(free_port)
chown postgres "$WORK"
runuser -u postgres -- "$PGBIN/initdb" -D "$WORK/pg" -U postgres --auth=trust -E UTF8 >/dev/null || exit 1
runuser -u postgres -- "$PGBIN/pg_ctl" -D "$WORK/pg" -l "$WORK/pg.log" -w -o \
  "-p $PG_PORT -k $WORK -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300" start >/dev/null || exit 1
REDIS_PORT=$(free_port)
redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --save '' --appendonly no --daemonize yes \
  --pidfile "$WORK/redis.pid" --logfile "$WORK/redis.log" >/dev/null || exit 1

export PLINTH_TEST_DATABASE_URL="postgresql://postgres@127.0.0.1:$PG_PORT/postgres"
# For tests/e2e's restart test (it runs after the C++ tests, alone on this server).
export PLINTH_TEST_PG_RESTART="runuser -u postgres -- $PGBIN/pg_ctl -D $WORK/pg -l $WORK/pg.log -w -m fast restart >/dev/null"
export PLINTH_TEST_REDIS_URL="redis://127.0.0.1:$REDIS_PORT/0"

failed=()
echo "==> C++ unit and integration tests (bazel test //...)"
(cd "$ROOT" && bazel test //... --test_output=errors) || failed+=("bazel test //...")

echo "==> C++ habits: clang-format, clang-tidy with thread-safety analysis (tests/lint/cpp.sh)"
"$ROOT/tests/lint/cpp.sh" || failed+=("tests/lint/cpp.sh")

echo "==> Go habits: gofmt, go vet, staticcheck on the test and client modules (tests/lint/go.sh)"
"$ROOT/tests/lint/go.sh" || failed+=("tests/lint/go.sh")

echo "==> the docs name every folder of services/ and libs/ (tests/docs/layout.sh)"
"$ROOT/tests/docs/layout.sh" || failed+=("tests/docs/layout.sh")

echo "==> the fakes against the official Anthropic and Stripe SDKs (tests/conformance)"
"$ROOT/tests/conformance/run.sh" || failed+=("tests/conformance")

echo "==> generated clients match the protos; the TypeScript client type-checks and lints (clients/)"
("$ROOT/clients/generate.sh" --check && cd "$ROOT/clients/typescript" && npm run --silent typecheck &&
  npm run --silent lint) ||
  failed+=("clients")

echo "==> frontend: tsc, ESLint, unit tests of hooks (frontend/)"
(cd "$ROOT/frontend" && npm run --silent typecheck && npm run --silent lint && npm run --silent test:unit) ||
  failed+=("frontend")

echo "==> the gateway: gofmt, go vet, staticcheck, unit tests (gateway/build.sh test)"
googleapis=$(mktemp -d)
{ "$ROOT/protos/googleapis.sh" "$googleapis" && "$ROOT/gateway/build.sh" test "$ROOT/protos" "$googleapis"; } ||
  failed+=("gateway unit tests")
rm -rf "$googleapis"

echo "==> protos: buf lint, buf breaking (tests/buf)"
"$ROOT/tests/buf/run.sh" || failed+=("tests/buf")

echo "==> end-to-end tests through the gateway, schemathesis, the TypeScript client's example and the frontend in Chromium (tests/e2e)"
# schemathesis runs against the e2e stack (contract_test.go); so do the
# TypeScript example and the frontend's Playwright suite (frontend_test.go;
# screenshots and failure traces in frontend/test-results).
export PLINTH_FRONTEND=1
if st=$("$ROOT/tests/contract/install.sh"); then
  export PLINTH_SCHEMATHESIS=$st PLINTH_TS_CLIENT=1
else
  failed+=("schemathesis install")
fi
# Every request billing sent to the Stripe stand-in is then replayed against
# the official stripe-mock, which checks it against Stripe's OpenAPI.
if sm=$("$ROOT/tests/stripe-mock/install.sh"); then
  export PLINTH_STRIPE_MOCK=$sm
else
  failed+=("stripe-mock install")
fi
(cd "$ROOT/tests/e2e" && go test -count=1 ./...) || failed+=("tests/e2e")

echo "==> fuzzing the parsers under ASan/UBSan, 30 s per target (tests/fuzz)"
"$ROOT/tests/fuzz/run.sh" 30 || failed+=("tests/fuzz")

echo "==> OpenAPI lint (tests/openapi)"
"$ROOT/tests/openapi/run.sh" || failed+=("tests/openapi")

echo "==> alert rules: promtool check and unit tests (k8s/monitoring)"
(cd "$ROOT/k8s/monitoring" && promtool check rules alerts.yml && promtool test rules alerts_test.yml &&
  python3 -c 'import json; json.load(open("dashboard.json"))') || failed+=("k8s/monitoring")

echo "==> Kubernetes manifests: render every overlay and validate offline (tests/k8s)"
"$ROOT/tests/k8s/run.sh" || failed+=("tests/k8s")

echo "==> deployment proof: the dev overlay on a real single-node Kubernetes (tests/cluster)"
"$ROOT/tests/cluster/test.sh" || failed+=("tests/cluster")

echo
if ((${#failed[@]})); then
  echo "FAILED: ${failed[*]}"
  exit 1
fi
echo "all tests passed"
