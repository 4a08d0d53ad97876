#!/usr/bin/env bash
# Regenerates the committed clients from protos/:
#   clients/go/plinth/v1/         Go messages and gRPC stubs (module plinth.dev/clients/go)
#   clients/typescript/openapi.json   the gateway's OpenAPI 3.1 document
#   clients/typescript/src/schema.ts its TypeScript types (openapi-typescript,
#                                      scripts/generate.mjs)
#   clients/typescript/src/rules.ts  every field's rules, for forms (Zod in frontend/)
#   docs/ERRORS.md                   the table of error codes (errors.proto)
#   docs/GRPC.md, docs/API.md        the tables of services, methods and routes
#   protos/endpoints.json            every service's endpoint (tests/k8s, ./plinth)
# With --check, fails (and names the files) if anything it wrote differed
# from what was there: `./plinth test` runs it so a proto change cannot land
# without its clients. Generator versions are pinned in gateway/go.mod (tool
# block) and clients/typescript/package-lock.json.
set -euo pipefail
check=0
[[ ${1:-} == --check ]] && check=1
root=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
case ":$PATH:" in *:/usr/local/go/bin:*) ;; *) export PATH="/usr/local/go/bin:$PATH" ;; esac

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
snapshot() { (cd "$root/clients" && find go typescript/openapi.json typescript/src/schema.ts typescript/src/rules.ts ../docs/ERRORS.md ../docs/GRPC.md ../docs/API.md ../protos/endpoints.json -type f \
  -not -path '*/node_modules/*' 2>/dev/null | sort | xargs sha256sum 2>/dev/null) || true; }
before=$(snapshot)

# google/api/*.proto from Debian's googleapis copy (what Bazel uses too).
"$root/protos/googleapis.sh" "$work/googleapis"
(cd "$root/gateway" && GOBIN="$work/bin" go install tool)
protos=$(cd "$root/protos" && find plinth -name '*.proto' | sort)

rm -rf "$root/clients/go/plinth"
(cd "$root/protos" && PATH="$work/bin:$PATH" protoc -I. -I"$work/googleapis" -I/usr/include \
  --go_out="$root/clients/go" --go_opt=module=plinth.dev/clients/go \
  --go-grpc_out="$root/clients/go" --go-grpc_opt=module=plinth.dev/clients/go \
  $protos)
(cd "$root/clients/go" && go mod tidy >/dev/null 2>&1 && go build ./...)

(cd "$root/gateway" && go build -o "$work/bin/protoc-gen-plinth-openapi" ./cmd/protoc-gen-plinth-openapi)
mkdir -p "$work/openapi"
(cd "$root/protos" && PATH="$work/bin:$PATH" protoc -I. -I"$work/googleapis" -I/usr/include \
  --plinth-openapi_out="$work/openapi" $protos)
cp "$work/openapi/openapi.json" "$root/clients/typescript/openapi.json"
# The docs' generated tables, each between its markers; the endpoint list.
python3 - "$root/docs" "$work/openapi" <<'PY'
import sys
docs, gen = sys.argv[1], sys.argv[2]
def insert(doc, name, source):
    path = f"{docs}/{doc}"
    text = open(path).read()
    begin = f"<!-- {name}: generated from {source} by clients/generate.sh -->\n"
    end = "<!-- end of the generated table -->"
    if begin not in text:
        sys.exit(f"{path}: no marker {begin.strip()}")
    head, rest = text.split(begin, 1)
    _, tail = rest.split(end, 1)
    new = head + begin + open(f"{gen}/{name}.md").read() + end + tail
    if new != text:
        open(path, "w").write(new)
insert("ERRORS.md", "errors-table", "protos/plinth/v1/errors.proto")
insert("GRPC.md", "services-table", "the (plinth.v1.endpoint) options")
insert("GRPC.md", "methods-table", "the (plinth.v1.access) options")
insert("API.md", "routes-table", "the (plinth.v1.access) and google.api.http options")
PY
cp "$work/openapi/endpoints.json" "$root/protos/endpoints.json"
ts="$root/clients/typescript"
[[ -x $ts/node_modules/.bin/openapi-typescript ]] || (cd "$ts" && npm ci --no-audit --no-fund --silent)
(cd "$ts" && node scripts/generate.mjs)

after=$(snapshot)
if [[ $before != "$after" ]]; then
  if ((check)); then
    echo "clients/ were stale: regenerated from protos/ (review and commit):" >&2
    diff <(echo "$before") <(echo "$after") | sed -n 's/^[<>] [0-9a-f]*  /  /p' | sort -u >&2
    exit 1
  fi
  echo "clients/ regenerated"
else
  echo "clients/ are up to date with protos/"
fi
