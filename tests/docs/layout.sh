#!/usr/bin/env bash
# The docs' layout against the tree: docs/ARCHITECTURE.md's table of
# processes names every folder of services/ (as `services/<name>/`), its
# table of libraries every folder of libs/ (as `<name>`), README's layout
# line lists libs/ exactly, and none of them names a folder that is gone.
# Part of ./plinth test.
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)
python3 - "$root" <<'PY'
import os, re, sys
root = sys.argv[1]
arch = open(f"{root}/docs/ARCHITECTURE.md").read()
readme = open(f"{root}/README.md").read()
folders = lambda d: sorted(n for n in os.listdir(f"{root}/{d}") if os.path.isdir(f"{root}/{d}/{n}"))
failures = []

def section(text, heading):
    start = text.index(heading)
    end = text.find("\n## ", start + len(heading))
    return text[start:end if end > 0 else len(text)]

processes = section(arch, "## Components")
named = sorted(set(re.findall(r"^\| [^|]+ \| `services/([a-z0-9_]+)/`", processes, re.M)))
if named != folders("services"):
    failures.append(f"ARCHITECTURE.md's processes name services/{named}, the tree has {folders('services')}")

libraries = section(arch, "## Libraries (`libs/`)")
named = sorted(re.findall(r"^\| `([a-z0-9_]+)` \|", libraries, re.M))
if named != folders("libs"):
    failures.append(f"ARCHITECTURE.md's libraries are {named}, libs/ has {folders('libs')}")

line = re.search(r"^libs/\s+small independent libraries: (.*)$", readme, re.M)
listed = sorted(x.strip() for x in line.group(1).split(",")) if line else []
if listed != folders("libs"):
    failures.append(f"README's libs/ line lists {listed}, libs/ has {folders('libs')}")

if failures:
    print("\n".join(failures), file=sys.stderr)
    sys.exit(1)
print("docs name every folder of services/ and libs/")
PY
