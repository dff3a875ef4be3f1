"""Benchmark: what the build's loaded portal and sitrep's imports cost in memory and time.

For each N, in a fresh process per run (as ``mkdocs build`` starts): resident memory
after Python + MkDocs + Material, after importing the sitrep plugin, and after
``load_portal`` of N synthetic incidents (``benchmarks/corpus.py``), with the
load's wall time, in one process (what the build does) and with two worker
processes (``jobs=2``, from 2,000 files on), whose own memory is sampled during
the load and added to the peak. Prints the best of ``--runs`` runs per figure
(the least disturbed by other jobs on a shared machine) and the memory per
loaded incident.

    python benchmarks/load_bench.py [--runs 3] [N ...]      (default: 1000 10000)
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from corpus import write_corpus

#: Runs in the child process: prints one JSON line of figures.
PROBE = r"""
import json, os, sys, threading, time
from pathlib import Path

def rss():
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * 4096 / 2**20

def private(pid):
    try:
        with open(f"/proc/{pid}/smaps_rollup") as fh:
            return sum(int(line.split()[1]) for line in fh if line.startswith("Private_")) / 1024
    except OSError:
        return 0.0

def sample(peak, done):
    tasks = f"/proc/{os.getpid()}/task"
    while not done.is_set():
        children = []
        for task in os.listdir(tasks):
            try:  # a thread may end between listing and reading
                with open(f"{tasks}/{task}/children") as fh:
                    children += fh.read().split()
            except OSError:
                pass
        peak[0] = max(peak[0], rss() + sum(private(pid) for pid in children))
        time.sleep(0.02)

import mkdocs.commands.build, mkdocs.config, material, pymdownx.superfences
floor = rss()
import sitrep.plugin
imported = rss()
from sitrep.load.loader import load_portal
from sitrep.model.config import load_config
root = Path(sys.argv[1])
config = load_config(root / "mkdocs.yml")
before = rss()
peak, done = [before], threading.Event()
sampler = threading.Thread(target=sample, args=(peak, done))
sampler.start()
start = time.perf_counter()
portal, diags = load_portal(root, config, jobs=int(sys.argv[2]))
seconds = time.perf_counter() - start
done.set()
sampler.join()
assert not diags.errors, "the synthetic corpus must validate"
print(json.dumps({"floor": floor, "imported": imported, "loaded": rss() - before, "seconds": seconds,
                  "peak": max(peak[0], rss()) - before,
                  "incidents": len(portal.incidents)}))
"""


def probe(root: Path, jobs: str) -> dict[str, float]:
    result = subprocess.run([sys.executable, "-c", PROBE, str(root), jobs], capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"probe failed:\n{result.stderr[-2000:]}")
    return json.loads(result.stdout.splitlines()[-1])  # type: ignore[no-any-return]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("counts", nargs="*", type=int, default=[1000, 10_000])
    args = parser.parse_args()
    print("| incidents | MkDocs + Material MiB | + sitrep imports MiB | load_portal MiB, 1 process | "
          "per incident | load s, 1 process | peak MiB, 2 workers | load s, 2 workers |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    for count in args.counts:
        with tempfile.TemporaryDirectory(prefix="sitrep-load-") as tmp:
            root = write_corpus(Path(tmp) / "portal", count)
            runs = {jobs: [probe(root, jobs) for _ in range(args.runs)] for jobs in ("1", "2")}
            serial, workers = runs["1"], runs["2"]
            loaded = min(r["loaded"] for r in serial)
            print(f"| {count:,} | {min(r['floor'] for r in serial):.1f} | "
                  f"{min(r['imported'] - r['floor'] for r in serial):.1f} | {loaded:.1f} | "
                  f"{loaded * 2**20 / count / 1000:.1f} KB | {min(r['seconds'] for r in serial):.2f} | "
                  f"{min(r['peak'] for r in workers):.1f} | {min(r['seconds'] for r in workers):.2f} |")


if __name__ == "__main__":
    main()
