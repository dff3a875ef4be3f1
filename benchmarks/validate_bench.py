"""Benchmark: `sitrep validate` on a synthetic portal of N incidents (default 10,000).

Reports wall time cold (no .sitrep-cache) and warm (cache of unchanged files),
best and median of 7 runs, as the CLI runs them (separate processes).

    python benchmarks/validate_bench.py [N]
"""

from __future__ import annotations

import shutil
import statistics
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
    runs = 7
    root = write_corpus(Path(tempfile.mkdtemp(prefix="sitrep-bench-")) / "portal", count)
    try:
        run(root, "--no-cache")  # compiles .pyc files and warms the page cache, as any second run would
        cold = []
        for _ in range(runs):
            shutil.rmtree(root / ".sitrep-cache", ignore_errors=True)
            cold.append(run(root))
        single = [run(root, "--no-cache", "--jobs", "1") for _ in range(3)]
        warm = [run(root) for _ in range(runs)]
        # Shared machines are noisy: the best run is what the code costs, the median what to expect.
        print(f"validate {count} incidents ({runs} runs each): cold best {min(cold):.2f} s, median "
              f"{statistics.median(cold):.2f} s (2 workers); cold single process best {min(single):.2f} s; "
              f"warm cache best {min(warm):.2f} s, median {statistics.median(warm):.2f} s")
    finally:
        shutil.rmtree(root.parent, ignore_errors=True)


if __name__ == "__main__":
    main()
