#!/usr/bin/env bash
# C++ habits, part of ./plinth test (after `bazel build`, whose generated
# protobuf headers clang-tidy reads):
#   clang-format: every tracked .cc/.h as .clang-format says;
#   clang-tidy:   .clang-tidy's checks on services/, libs/ and migrations/,
#                 with -Wthread-safety (ABSL_GUARDED_BY). Debian's clang 14.
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)
cd "$root"
mapfile -t sources < <(git ls-files '*.cc' '*.h')
if ! clang-format --dry-run --Werror "${sources[@]}" 2>/tmp/plinth-clang-format.txt; then
  grep -m 20 "error:" /tmp/plinth-clang-format.txt >&2 || true
  echo "clang-format: the files above are not formatted (clang-format -i FILE)" >&2
  exit 1
fi
echo "clang-format: ${#sources[@]} files formatted"

# Bazel's output tree, whatever this checkout's folder is called (the
# bazel-<folder> symlink is named after it).
execroot=$(bazel info execution_root 2>/dev/null)
bin=$(bazel info bazel-bin 2>/dev/null)
[[ -d $execroot/external/googleapis && -d $bin/protos ]] || {
  echo "clang-tidy needs a built tree: bazel build //..." >&2
  exit 1
}
flags=(-x c++ -std=c++17 -Wthread-safety -DSPDLOG_SHARED_LIB -DSPDLOG_COMPILED_LIB -DSPDLOG_FMT_EXTERNAL
  -iquote . -iquote "$bin" -isystem protos -isystem "$bin/protos"
  -isystem "$execroot/external/googleapis" -isystem "$bin/external/googleapis")
out=$(mktemp)
trap 'rm -f "$out"' EXIT
# Two at a time (the machine's cores); each file parses gRPC's headers.
if ! git ls-files 'services/*.cc' 'libs/*.cc' 'migrations/*.cc' |
  xargs -P 2 -n 4 sh -c 'clang-tidy -quiet "$@" -- '"${flags[*]@Q}" _ >"$out" 2>/dev/null; then
  grep -A3 "warning:\|error:" "$out" | head -60 >&2
  echo "clang-tidy: the findings above (.clang-tidy)" >&2
  exit 1
fi
echo "clang-tidy: clean"
