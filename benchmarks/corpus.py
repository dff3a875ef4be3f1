"""Generate a synthetic portal of N incidents (plus postmortems and runbooks).

Used by the benchmarks and by tests that need volume. Deterministic for a given
N and seed: the same arguments write the same bytes.

    python benchmarks/corpus.py /tmp/portal 10000
    python benchmarks/corpus.py /tmp/portal busy     (every component marked on each of the last 90 days)
"""

from __future__ import annotations

import random
import shutil
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

COMPONENTS = ["web-app", "publishing-api", "auth", "database", "cache", "media", "payments",
              "webhooks", "email"]
IMPACTS = ["degraded_performance", "partial_outage", "major_outage"]
SEVERITIES = ["SEV1", "SEV2", "SEV3", "SEV4"]
RUNBOOKS = ["database-failover", "redis-recovery", "deployment-rollback", "service-degradation"]
END = datetime(2026, 11, 1, tzinfo=UTC)


def _ts(t: datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def mkdocs_yml() -> str:
    comps = "\n".join(f"        - id: {c}\n          name: {c.replace('-', ' ').title()}\n"
                      f"          group: {'Core' if i < 4 else 'Other'}" for i, c in enumerate(COMPONENTS))
    return f"""site_name: Bench Status
site_url: https://status.bench.example/
docs_dir: docs
theme:
  name: material
  font: false
plugins:
  - sitrep:
      audience: !ENV [SITREP_AUDIENCE, public]
      components:
{comps}
"""


def incident(rng: random.Random, n: int, start: datetime) -> tuple[str, str]:
    sev = rng.choices(SEVERITIES, weights=[1, 3, 6, 3])[0]
    comps = rng.sample(COMPONENTS, rng.randint(1, 3))
    detected = start + timedelta(minutes=rng.randint(1, 20))
    ack = detected + timedelta(minutes=rng.randint(1, 15))
    mitigated = ack + timedelta(minutes=rng.randint(5, 600))
    resolved = mitigated + timedelta(minutes=rng.randint(0, 120))
    slug = f"{start:%Y-%m-%d}-synthetic-incident-{n:05d}"
    updates = [(detected + timedelta(minutes=2), "investigating"), (ack + timedelta(minutes=5), "identified"),
               (mitigated, "monitoring"), (resolved, "resolved")]
    lines = [
        "---",
        f"title: Elevated error rates on {comps[0]} (synthetic {n})",
        f"severity: {sev}",
        "type: outage",
        "detection: monitoring",
        f"started: {_ts(start)}",
        f"detected: {_ts(detected)}",
        f"acknowledged: {_ts(ack)}",
        f"mitigated: {_ts(mitigated)}",
        f"resolved: {_ts(resolved)}",
        "components:",
        *[f"  {c}: {rng.choice(IMPACTS)}" for c in comps],
        "commander: Alex Doe",
        f"runbooks: [{rng.choice(RUNBOOKS)}]",
        f"visibility: {'internal' if n % 10 == 0 else 'public'}",
        "updates:",
    ]
    for at, status in updates:
        first = f"We are {status} the elevated error rates on {comps[0]}."
        second = "Some requests may fail or be slow; next update within 30 minutes."
        lines += [f"  - at: {_ts(at)}", f"    status: {status}"]
        if n % 2:  # as `sitrep update` writes long messages: a folded block
            lines += ["    message: >-", f"      {first}", f"      {second}"]
        else:
            lines += [f"    message: {first} {second}"]
    lines += ["---", "", f"Synthetic incident {n} affecting {', '.join(comps)}.", ""]
    return f"incidents/{start:%Y}/{slug}.md", "\n".join(lines)


def write_corpus(root: Path, count: int, seed: int = 7) -> Path:
    """Write a portal with ``count`` incidents under ``root`` (replacing it)."""
    if root.exists():
        shutil.rmtree(root)
    rng = random.Random(seed)
    (root / "docs").mkdir(parents=True)
    (root / "docs" / "about.md").write_text("# About\n\nA synthetic portal for benchmarks.\n")
    (root / "mkdocs.yml").write_text(mkdocs_yml())
    span = timedelta(days=3 * 365)
    for n in range(count):
        start = END - span + timedelta(seconds=int(span.total_seconds() * n / max(count, 1)))
        rel, text = incident(rng, n, start.replace(second=0))
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    (root / "runbooks").mkdir()
    for rb in RUNBOOKS:
        (root / "runbooks" / f"{rb}.md").write_text(
            f"---\ntitle: {rb.replace('-', ' ').title()}\ncomponents: [database]\nowner: SRE\n"
            f"last_reviewed: 2026-09-01\n---\n\n## Steps\n\n1. Check the dashboards.\n")
    return root


def write_busy_corpus(root: Path, days: int = 90) -> Path:
    """Write a portal where every component has an incident on each of the ``days`` days before :data:`END`.

    The status page's worst case (every day of every uptime bar marked, so as many linked days as the
    page allows) with few records: three incidents a day, each on three components, impacts in turn.
    Build it with the clock on :data:`END`'s day (``SOURCE_DATE_EPOCH``) to see that case.
    """
    if root.exists():
        shutil.rmtree(root)
    (root / "docs").mkdir(parents=True)
    (root / "docs" / "about.md").write_text("# About\n\nA synthetic portal for benchmarks.\n")
    (root / "mkdocs.yml").write_text(mkdocs_yml())
    first = END - timedelta(days=days)
    for d in range(days):
        for k in range(3):
            start = first + timedelta(days=d, hours=2 + 6 * k)
            comps = COMPONENTS[3 * k:3 * k + 3]
            impacts = [IMPACTS[(d + k + j) % 3] for j in range(3)]
            resolved = start + timedelta(hours=1 + (d + k) % 4)
            slug = f"{start:%Y-%m-%d}-busy-day-incident-{k + 1}"
            lines = ["---", f"title: Elevated error rates on {comps[0]} and {comps[1]} (busy day {d}, {k + 1})",
                     f"severity: {SEVERITIES[(d + k) % 4]}", f"started: {_ts(start)}", f"resolved: {_ts(resolved)}",
                     "components:", *[f"  {c}: {i}" for c, i in zip(comps, impacts, strict=True)],
                     "visibility: public", "updates:",
                     f"  - at: {_ts(start + timedelta(minutes=5))}", "    status: investigating",
                     f"    message: We are investigating elevated error rates on {comps[0]}.",
                     f"  - at: {_ts(resolved)}", "    status: resolved",
                     "    message: This incident has been resolved.", "---", "", "What happened, in a sentence.", ""]
            path = root / "incidents" / f"{start:%Y}" / f"{slug}.md"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text("\n".join(lines))
    return root


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[2] == "busy":
        out = write_busy_corpus(Path(sys.argv[1]))
    else:
        out = write_corpus(Path(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 10_000)
    print(out)
