"""Benchmark: moving in from Statuspage, the README's three commands on N incidents (default 1,000).

Writes a Statuspage Manage API export of N records (tests/support/importdata.py: maintenance,
postmortems, escalations, a renamed component, two impossible records) in pages of
100, then times, as separate processes:

1. ``sitrep import statuspage EXPORT --components table.yml`` (first run: proposes the table);
2. the same after the table is reviewed (writes the records);
3. ``mkdocs build`` of the result (after the two flagged records are dealt with).

    python benchmarks/import_bench.py [N]
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
from tests.support.helpers_build import write_portal  # noqa: E402 - after the path set-up
from tests.support.importdata import PORTAL_COMPONENTS, statuspage_history, write_statuspage_export  # noqa: E402

BIN = Path(sys.executable).parent


def timed(args: list[str], cwd: Path) -> tuple[float, str]:
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1795435200", "NO_MKDOCS_2_WARNING": "1"}
    start = time.perf_counter()
    result = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(f"{args} failed:\n{result.stdout[-2000:]}\n{result.stderr[-3000:]}")
    return elapsed, result.stdout + result.stderr


def main(count: int) -> None:
    work = Path(tempfile.mkdtemp(prefix="sitrep-import-"))
    export = work / "export"
    write_statuspage_export(export, statuspage_history(count))
    root = write_portal(work / "portal", components=PORTAL_COMPONENTS, search=True)
    sitrep = [str(BIN / "sitrep"), "import", "statuspage", str(export), "--components", "table.yml"]
    propose, _ = timed(sitrep, root)
    table = root / "table.yml"
    table.write_text(table.read_text().replace("k2s9cdn00001: cdn ", "k2s9cdn00001: media "))
    imported, output = timed(sitrep, root)
    for line in output.splitlines():  # the flagged records: a human would fix them; here they go
        if line.startswith("  incidents/"):
            (root / line.split(":")[0].strip()).unlink()
    build, _ = timed([str(BIN / "mkdocs"), "build", "-q", "-d", str(root / "site")], root)
    records = len(list((root / "incidents").rglob("*.md"))) + len(list((root / "postmortems").rglob("*.md")))
    print(f"{count} Statuspage records -> {records} files: propose table {propose:.1f} s, "
          f"import {imported:.1f} s, build {build:.1f} s, total {propose + imported + build:.1f} s")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000)
