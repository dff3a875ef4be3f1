"""Benchmark: `sitrep validate` on a synthetic portal of N incidents (default 10,000).

Reports wall time cold (no .sitrep-cache) and warm (cache of unchanged files),
each the best of 3 runs, as the CLI runs them (separate processes).

    python benchmarks/validate_bench.py [N]
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from corpus import write_corpus

SITREP = str(Path(sys.executable).parent / "sitrep")


def run(root: Path, *args: str) -> float:
    start = time.perf_counter()
    result = subprocess.run([SITREP, "validate", *args], cwd=root, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(f"validate failed:\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}")
    return elapsed


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    root = write_corpus(Path(tempfile.mkdtemp(prefix="sitrep-bench-")) / "portal", count)
    try:
        cold = []
        for _ in range(3):
            shutil.rmtree(root / ".sitrep-cache", ignore_errors=True)
            cold.append(run(root))
        single = run(root, "--no-cache", "--jobs", "1")
        warm = [run(root) for _ in range(3)]
        print(f"validate {count} incidents: cold {min(cold):.2f} s (2 workers), "
              f"cold single process {single:.2f} s, warm cache {min(warm):.2f} s")
    finally:
        shutil.rmtree(root.parent, ignore_errors=True)


if __name__ == "__main__":
    main()
