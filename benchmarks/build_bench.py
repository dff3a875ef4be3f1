"""Benchmark: `mkdocs build` of a synthetic portal with N incidents (default 1k, 2.5k, 5k, 10k).

Reports wall time, peak memory (max RSS of the build process), output size and
the largest HTML page, to show the build grows linearly with the archive.

    python benchmarks/build_bench.py [N ...]
"""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from corpus import write_corpus

REPO = Path(__file__).resolve().parent.parent
MKDOCS = str(Path(sys.executable).parent / "mkdocs")


def build(count: int) -> dict[str, float]:
    root = write_corpus(Path(tempfile.mkdtemp(prefix="sitrep-build-")) / "portal", count)
    yml = root / "mkdocs.yml"
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1795435200", "NO_MKDOCS_2_WARNING": "1"}
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    result = subprocess.run([MKDOCS, "build", "-q", "-f", str(yml), "-d", str(root / "site")],
                            env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if result.returncode != 0:
        raise SystemExit(f"build failed:\n{result.stderr[-3000:]}")
    files = [p for p in (root / "site").rglob("*") if p.is_file()]
    html = [p for p in files if p.suffix == ".html"]
    largest = max(html, key=lambda p: p.stat().st_size)
    figures = {
        "incidents": count, "seconds": elapsed, "peak_mb": max(peak, before) / 1024,
        "output_mb": sum(p.stat().st_size for p in files) / 1e6, "files": len(files),
        "largest_kb": largest.stat().st_size / 1e3, "status_kb": (root / "site" / "index.html").stat().st_size / 1e3,
    }
    shutil.rmtree(root.parent, ignore_errors=True)
    return figures


def main() -> None:
    counts = [int(a) for a in sys.argv[1:]] or [1_000, 2_500, 5_000, 10_000]
    print("| incidents | build s | s per 1k | peak MB | output MB | files | largest page KB | status page KB |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    for n in counts:
        f = build(n)
        print(f"| {n} | {f['seconds']:.1f} | {f['seconds'] / n * 1000:.2f} | {f['peak_mb']:.0f} | "
              f"{f['output_mb']:.0f} | {f['files']:.0f} | {f['largest_kb']:.0f} | {f['status_kb']:.0f} |", flush=True)


if __name__ == "__main__":
    main()
