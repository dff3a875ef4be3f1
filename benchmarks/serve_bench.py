"""Benchmark: save-to-reload under ``mkdocs serve`` for a one-record edit, at N incidents (default 2,000).

Starts ``mkdocs serve`` on a synthetic portal with the repository's configuration,
then edits one incident's title several times and measures, for each edit, the
time from writing the file to its page serving the new title. Prints the median
and the range.

    python benchmarks/serve_bench.py [N] [--edits 3]
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from build_bench import ENV, repository_config

from corpus import write_corpus

MKDOCS = str(Path(sys.executable).parent / "mkdocs")


def fetch(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.read().decode("utf-8")
    except OSError:
        return ""


def wait_for(url: str, text: str, seconds: float) -> float:
    """Seconds until ``url`` serves ``text`` (raises after ``seconds``)."""
    start = time.perf_counter()
    while time.perf_counter() - start < seconds:
        if text in fetch(url):
            return time.perf_counter() - start
        time.sleep(0.1)
    raise SystemExit(f"{url} did not show {text!r} within {seconds} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", nargs="?", type=int, default=2_000)
    parser.add_argument("--edits", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="sitrep-serve-bench-") as tmp:
        root = write_corpus(Path(tmp) / "portal", args.count)
        repository_config(root, plugin=True)
        record = sorted((root / "incidents").rglob("*.md"))[-1]
        page = f"incidents/{record.stem}/"
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        server = subprocess.Popen([MKDOCS, "serve", "--livereload", "-a", f"127.0.0.1:{port}"], cwd=root,
                                  env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            url = f"http://127.0.0.1:{port}/{page}"
            first = wait_for(url, "sr-incident", 900)
            text = record.read_text(encoding="utf-8")
            title = next(line for line in text.splitlines() if line.startswith("title:"))
            times = []
            for n in range(args.edits):
                time.sleep(2)  # let the watcher settle after the previous build
                marker = f"Edited while serving {n}"
                record.write_text(text.replace(title, f"title: {marker}", 1), encoding="utf-8")
                times.append(wait_for(url, marker, 900))
        finally:
            server.terminate()
            server.wait(timeout=60)
    print(f"{args.count} incidents: first build served after {first:.1f} s; one-record edit to reload: "
          f"median {statistics.median(times):.1f} s (range {min(times):.1f}-{max(times):.1f} s, {len(times)} edits)")


if __name__ == "__main__":
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    main()
