#!/usr/bin/env bash
# Installs the official stripe-mock (github.com/stripe/stripe-mock, from the
# Go module proxy) into .tools/bin on first use and prints its path.
# tests/e2e replays every request the billing service sent to the Stripe
# stand-in during its run against it: stripe-mock validates each one against
# Stripe's OpenAPI specification (tests/e2e/stripe_mock_test.go).
set -euo pipefail
ROOT=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)
case ":$PATH:" in *:/usr/local/go/bin:*) ;; *) export PATH="/usr/local/go/bin:$PATH" ;; esac
VERSION=v0.203.0
BIN="$ROOT/.tools/stripe-mock-$VERSION/stripe-mock"
if [[ ! -x $BIN ]]; then
  echo "installing stripe-mock $VERSION (go install)" >&2
  GOBIN="$(dirname "$BIN")" go install "github.com/stripe/stripe-mock@$VERSION" >&2
fi
echo "$BIN"
