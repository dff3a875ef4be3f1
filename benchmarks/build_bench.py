"""Benchmark: the site build of N synthetic incidents against the floor, MkDocs building as many plain pages.

Both builds use the repository's own ``mkdocs.yml`` (search, Markdown extensions,
theme features, ``overrides/``, ``docs/``): the build with the ``sitrep`` plugin
over ``benchmarks/corpus.py``'s records, the floor without the plugin over as
many plain Markdown pages as the build produced (kept out of the navigation, as
record pages are). Builds and floors run alternately (paired A/B runs, so a busy
moment on a shared machine hits both), and the table shows medians and the
ratios of the medians: wall time, CPU time (user + system of the build process,
much less sensitive to other jobs on the machine) and peak memory (the build's
resident memory plus its worker processes' own, sampled every 20 ms); the spread
column is (slowest - fastest) / median of the wall times. Each side first builds
once unmeasured in the medians (its time is the last column): that build compiles
the templates Sitrep then keeps in the user's cache folder, as a team's first build
does; the floor's first build is timed the same way.

    python benchmarks/build_bench.py [--runs 3] [--work-dir DIR] [N ...]      (default: 1000 10000)
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from corpus import write_corpus

REPO = Path(__file__).resolve().parent.parent
MKDOCS = str(Path(sys.executable).parent / "mkdocs")
ENV = {**os.environ, "SOURCE_DATE_EPOCH": "1795435200", "NO_MKDOCS_2_WARNING": "1", "SITREP_AUDIENCE": "public"}
# Both builds run as a user's do: Python keeps its compiled modules (a shell that sets
# PYTHONDONTWRITEBYTECODE would make every build of ours compile Sitrep's modules again,
# while the floor's libraries were compiled when pip installed them).
ENV.pop("PYTHONDONTWRITEBYTECODE", None)
FLOOR_PAGE = """# Plain page {n}

A plain page of the floor benchmark: a heading and two short paragraphs, the
kind of page MkDocs and Material build fastest.

Nothing here is generated; it stands for one page of the portal's build.
"""


def repository_config(root: Path, *, plugin: bool) -> None:
    """Copy the repository's mkdocs.yml, docs/ and overrides/ into ``root``; without the sitrep plugin if asked."""
    for folder in ("docs", "overrides"):
        shutil.rmtree(root / folder, ignore_errors=True)
        shutil.copytree(REPO / folder, root / folder)
    text = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    if plugin:
        for folder in ("incidents", "postmortems", "runbooks"):  # watched by the repository's config
            (root / folder).mkdir(exist_ok=True)
    else:
        text = re.sub(r"\n  - sitrep:\n(?:      .*\n|\n)*", "\n", text)
        text = re.sub(r"\nwatch:\n(?:  - .*\n)+", "\n", text)
        pages = sorted(p.relative_to(root / "docs").as_posix() for p in (root / "docs").rglob("*.md"))
        text += "\nnav:\n" + "".join(f"  - {p}\n" for p in pages) + "not_in_nav: |\n  /plain/\n"
    (root / "mkdocs.yml").write_text(text, encoding="utf-8")


def _smaps(pid: int) -> dict[str, int]:
    """The kB figures of /proc/<pid>/smaps_rollup (empty once the process is gone)."""
    try:
        lines = Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]
    except OSError:
        return {}
    return {name: int(value.split()[0]) for name, value in (line.split(":", 1) for line in lines)}


def _descendants(pid: int) -> list[int]:
    out, todo = [], [pid]
    while todo:
        for task in Path(f"/proc/{todo.pop()}/task").glob("*/children"):
            try:
                children = [int(c) for c in task.read_text().split()]
            except OSError:
                continue
            out += children
            todo += children
    return out


def tree_memory_kb(pid: int) -> int:
    """Memory of a build and its worker processes: the build's RSS plus what each worker has of its own.

    Workers are forked and share the build's pages until they write to them; counting their
    whole RSS would count those pages twice, counting only the build's RSS would miss the
    workers (``ru_maxrss`` reports the largest single process).
    """
    total = _smaps(pid).get("Rss", 0)
    for child in _descendants(pid):
        figures = _smaps(child)
        total += figures.get("Private_Clean", 0) + figures.get("Private_Dirty", 0)
    return total


def run_build(root: Path) -> tuple[float, float, float]:
    """(wall seconds, peak MiB of the build and its workers, CPU seconds) of one ``mkdocs build`` of ``root``.

    Compiled templates are kept in ``root/.cache`` (``XDG_CACHE_HOME``), as they are in a
    user's cache folder between two builds: the first build of a portal fills it.
    """
    site = root / "site"
    shutil.rmtree(site, ignore_errors=True)
    start = time.perf_counter()
    proc = subprocess.Popen([MKDOCS, "build", "-q", "-f", str(root / "mkdocs.yml"), "-d", str(site)],
                            env={**ENV, "XDG_CACHE_HOME": str(root / ".cache")},
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = [0]

    def sample() -> None:  # every 20 ms until the build ends
        while proc.returncode is None and not done.is_set():
            peak[0] = max(peak[0], tree_memory_kb(proc.pid))
            done.wait(0.02)

    done = threading.Event()
    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, status, usage = os.wait4(proc.pid, 0)
    done.set()
    sampler.join()
    elapsed = time.perf_counter() - start
    stderr = proc.stderr.read().decode() if proc.stderr else ""
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"build of {root} failed:\n{stderr[-3000:]}")
    # ru_maxrss: the build's own peak, in case it fell between two samples.
    return elapsed, max(peak[0], usage.ru_maxrss) / 1024, usage.ru_utime + usage.ru_stime


def page_count(site: Path) -> int:
    return sum(1 for _ in site.rglob("*.html")) - (1 if (site / "404.html").exists() else 0)


def bench(count: int, runs: int, work: Path) -> dict[str, float]:
    portal = write_corpus(work / f"portal-{count}", count)
    repository_config(portal, plugin=True)
    first = run_build(portal)  # with no compiled template kept yet: reported apart, not in the medians
    build = [run_build(portal)]
    site = portal / "site"
    pages = page_count(site)
    figures = {
        "incidents": count, "pages": pages,
        "output_mb": sum(p.stat().st_size for p in site.rglob("*") if p.is_file()) / 1e6,
        "search_mb": (site / "search" / "search_index.json").stat().st_size / 1e6,
    }
    floor_root = work / f"floor-{count}"
    shutil.rmtree(floor_root, ignore_errors=True)
    floor_root.mkdir()
    repository_config(floor_root, plugin=False)
    plain = floor_root / "docs" / "plain"
    plain.mkdir()
    extra = pages - page_count_of_docs(floor_root / "docs")
    for n in range(max(extra, 0)):
        (plain / f"page-{n:05d}.md").write_text(FLOOR_PAGE.format(n=n), encoding="utf-8")
    floor_first = run_build(floor_root)
    floor = [run_build(floor_root)]
    figures["first_s"], figures["floor_first_s"] = first[0], floor_first[0]
    figures["floor_pages"] = page_count(floor_root / "site")
    for _ in range(runs - 1):
        build.append(run_build(portal))
        floor.append(run_build(floor_root))
    times, floor_times = [t for t, _, _ in build], [t for t, _, _ in floor]
    figures.update(
        build_s=statistics.median(times), floor_s=statistics.median(floor_times),
        build_mib=statistics.median(m for _, m, _ in build), floor_mib=statistics.median(m for _, m, _ in floor),
        build_cpu=statistics.median(c for _, _, c in build), floor_cpu=statistics.median(c for _, _, c in floor),
        spread=(max(times) - min(times)) / statistics.median(times),
        floor_spread=(max(floor_times) - min(floor_times)) / statistics.median(floor_times),
    )
    shutil.rmtree(portal, ignore_errors=True)
    shutil.rmtree(floor_root, ignore_errors=True)
    return figures


def page_count_of_docs(docs: Path) -> int:
    return sum(1 for _ in docs.rglob("*.md"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("counts", nargs="*", type=int, default=[1_000, 10_000])
    parser.add_argument("--runs", type=int, default=3, help="paired runs per size (medians are reported)")
    parser.add_argument("--work-dir", type=Path, default=None,
                        help="where the portals and sites are written (default: the system's temporary folder); "
                             "/dev/shm takes the disk out of the comparison")
    args = parser.parse_args()
    if args.work_dir is not None:
        args.work_dir.mkdir(parents=True, exist_ok=True)  # /dev/shm/<name> is gone after a reboot
    print(f"| incidents | pages | build s | floor s | time ratio | build CPU s | floor CPU s | CPU ratio | "
          f"build MiB | floor MiB | memory ratio | search index MB | output MB | "
          f"spread build / floor (of {args.runs}) | first build s / floor s |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory(prefix="sitrep-build-bench-", dir=args.work_dir) as tmp:
        for n in args.counts:
            f = bench(n, args.runs, Path(tmp))
            print(f"| {n} | {f['pages']:.0f} | {f['build_s']:.1f} | {f['floor_s']:.1f} | "
                  f"{f['build_s'] / f['floor_s']:.2f} | {f['build_cpu']:.1f} | {f['floor_cpu']:.1f} | "
                  f"{f['build_cpu'] / f['floor_cpu']:.2f} | {f['build_mib']:.0f} | {f['floor_mib']:.0f} | "
                  f"{f['build_mib'] / f['floor_mib']:.2f} | {f['search_mb']:.2f} | {f['output_mb']:.0f} | "
                  f"{f['spread']:.0%} / {f['floor_spread']:.0%} | {f['first_s']:.1f} / {f['floor_first_s']:.1f} |",
                  flush=True)


if __name__ == "__main__":
    main()
