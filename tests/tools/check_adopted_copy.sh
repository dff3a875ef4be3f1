#!/usr/bin/env bash
# The tool's tests never depend on the sample records: run them in a copy of this repository
# whose top-level portal is a team's own (one incident, two other components).
#
#   bash tests/tools/check_adopted_copy.sh            # make test in the copy (fresh .venv)
#   bash tests/tools/check_adopted_copy.sh -- ARGS    # only `python -m pytest ARGS`, with this checkout's
#                                                     # .venv (no installs)
#
# The copy holds the committed files of HEAD plus uncommitted changes to tracked files.
set -euo pipefail

here=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/sitrep-adopted-XXXXXX")
trap 'rm -rf "$work"' EXIT
copy="$work/repo"
mkdir -p "$copy"
git -C "$here" ls-files -z --cached | (cd "$here" && xargs -0 cp --parents -P -t "$copy" 2>/dev/null || true)

# A team's own portal: the sample's records replaced by one incident, two other components.
rm -rf "$copy/incidents" "$copy/postmortems" "$copy/runbooks"
mkdir -p "$copy/incidents/2026" "$copy/postmortems" "$copy/runbooks"
cat > "$copy/incidents/2026/2026-04-02-checkout-errors.md" <<'EOF'
---
title: Checkout errors for some customers
severity: SEV2
started: 2026-04-02T09:10:00Z
components:
  checkout: partial_outage
updates:
  - at: 2026-04-02T09:15:00Z
    status: investigating
    message: We are investigating errors when paying for an order.
  - at: 2026-04-02T10:05:00Z
    status: resolved
    message: Payments work again; we are watching closely.
---
A configuration change to the payment gateway was rolled back.
EOF
python3 - "$copy/mkdocs.yml" <<'EOF'
import re, sys
path = sys.argv[1]
text = open(path, encoding="utf-8").read()
new = ("      components:\n"
       "        - id: checkout\n          name: Checkout\n"
       "        - id: search\n          name: Product search\n")
text, n = re.subn(r"(?ms)^      components:\n.*?(?=^      \S(?!- )|^\S|\Z)", new, text, count=1)
assert n == 1, "no components list in mkdocs.yml"
open(path, "w", encoding="utf-8").write(text)
EOF
echo "copy with an adopted portal: $copy" >&2
grep -A5 "^      components:" "$copy/mkdocs.yml" >&2

cd "$copy"
# As the README's "Adopt it" says: after changing the components, `sitrep sync` regenerates the
# issue forms', PR template's and CONTRIBUTING.md's lists of them.
sync=(-c 'import sys; from sitrep.cli import main; sys.argv[0] = "sitrep"; main()' sync)
if [ "${1:-}" = "--" ]; then
  shift
  # This checkout's .venv, with sitrep and the tests imported from the copy (subprocesses too).
  PYTHONPATH="$copy/generator" "$here/.venv/bin/python" "${sync[@]}"
  PYTHONPATH="$copy/generator:$copy" "$here/.venv/bin/python" -m pytest "$@"
else
  make .venv/.site-installed
  .venv/bin/python "${sync[@]}"
  make test
fi
