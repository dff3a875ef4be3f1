"""Time against size for hostile records on every path a record takes.

    python benchmarks/hostile_bench.py [--sizes 16 32 64] [--inputs link-open ...] [--paths build ...]

Each hostile input (a record body of unclosed brackets, backticks, asterisks, HTML openers,
deep lists, one long line, CRLF, tabs, control characters; a front matter of many updates, a
very long title, deep YAML nesting; undecodable bytes) is written at each size (KB of body,
or the equivalent in updates) into a small portal and fed through: ``sitrep validate``, both
editions' ``mkdocs build``, ``sitrep preview``, ``sitrep notify --dry-run``, ``sitrep sync
--check`` (the hostile text in CONTRIBUTING.md's hand-written part), the three importers
(``--dry-run``, the body as the source's incident text) and the body scanners of ``text/``
(links, postmortem sections, action items, prose lines, placeholders). Each row prints the
seconds per size and the ratio of the last two: about 2 for a doubling is linear, 4 quadratic.
A run over ``--timeout`` seconds is cut and shown as ``>T``. Builds include MkDocs' fixed cost
(the ``baseline`` row: the same portal with a one-line body). Figures: README "Benchmarks".
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from click.testing import CliRunner

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "generator"))

from sitrep.cli import main  # noqa: E402
from sitrep.text import postmortem as pm_text  # noqa: E402
from sitrep.text.markdown import links  # noqa: E402

NOW = "2026-03-01T12:00:00Z"
MKDOCS = """\
site_name: Hostile Status
site_url: https://status.hostile.example/
docs_dir: docs
theme:
  name: material
  font: false
markdown_extensions:
  - admonition
  - attr_list
  - md_in_html
  - tables
  - toc:
      permalink: true
  - pymdownx.superfences
  - pymdownx.details
  - pymdownx.tasklist:
      custom_checkbox: true
  - pymdownx.tilde:
      subscript: false
plugins:
  - search
  - sitrep:
      audience: !ENV [SITREP_AUDIENCE, public]
      components:
        - id: web-app
          name: Web application
        - id: database
          name: Database
      notify:
        channels:
          - name: team
            audience: internal
            url_env: TEAM_URL
          - name: customers
            audience: public
            url_env: CUSTOMERS_URL
            style: email
"""
INCIDENT = """\
---
title: {title}
severity: SEV2
started: 2026-03-01T10:00:00Z
components:
  web-app: partial_outage
updates:
{updates}
---
{body}"""
UPDATE = "  - at: 2026-03-01T{h:02d}:{m:02d}:{s:02d}Z\n    status: investigating\n    message: {message}\n"
POSTMORTEM = """\
---
title: Postmortem
incidents: [2026-03-01-hostile]
date: 2026-03-01
authors: [Ana]
status: published
visibility: public
---
## Summary
{body}

## Impact
Some.

## Timeline
- 10:00 began.

## Root cause
A bug.

## Resolution
Fixed.

## Action items
{body}

## Lessons learned
None.
"""
CONTRIBUTING = "# Contributing\n\n{body}\n\n<!-- sitrep:begin components -->\n<!-- sitrep:end components -->\n"


def repeated(unit: str) -> Callable[[int], str]:
    return lambda size: (unit * (size // len(unit) + 1))[:size]


def nested_list(size: int) -> str:
    out, depth = [], 0
    while sum(map(len, out)) < size:
        out.append("  " * depth + "- a\n")
        depth = (depth + 1) % 400
    return "".join(out)


#: Hostile record bodies: name -> size in bytes -> text.
BODIES: dict[str, Callable[[int], str]] = {
    "link-open": repeated("[a "), "image-open": repeated("![a "), "paren-open": repeated("[x]( "),
    "paren-quote": repeated("[x]( '"), "angle": repeated("<a "), "autolink-open": repeated("<http://a "),
    "angle-equals": repeated("<a ="), "nested-brackets": lambda n: "[" * (n // 2) + "]" * (n // 2),
    "links": repeated("[a](b) "), "html-tags": repeated("<b>"), "comment-open": repeated("<!-- "),
    "backticks": repeated("``a `b "), "asterisks": repeated("*a "), "underscores": repeated("_a "),
    "emphasis-mix": repeated("*a _b **c "), "shortcodes": repeated("{{< a "),
    "one-long-line": repeated("abcdefgh"), "nested-list": nested_list, "many-lines": repeated("a\n"),
    "task-items": repeated("- [ ] Fix it - Owner: Ana - Due: 2026-04-01\n"),
    "crlf-tabs": repeated("a\tb\r\n"), "control-chars": repeated("a\x01\x1b[0m\x7f "),
    "placeholders": repeated("[TBD] [name] "),
}


def body_record(body: str) -> dict[str, str]:
    updates = UPDATE.format(h=10, m=5, s=0, message="We are looking into it.")
    return {"incidents/2026/2026-03-01-hostile.md": INCIDENT.format(title="Hostile", updates=updates, body=body),
            "postmortems/2026-03-01-hostile.md": POSTMORTEM.format(body=body)}


def many_updates(size: int) -> dict[str, str]:
    count = size // 64  # as many bytes as a body of `size`
    updates = "".join(UPDATE.format(h=10 + i // 3600 % 14, m=i // 60 % 60, s=i % 60, message=f"Update {i}.")
                      for i in range(count))
    return {"incidents/2026/2026-03-01-hostile.md": INCIDENT.format(title="Hostile", updates=updates, body="x\n")}


def long_title(size: int) -> dict[str, str]:
    updates = UPDATE.format(h=10, m=5, s=0, message="x")
    return {"incidents/2026/2026-03-01-hostile.md": INCIDENT.format(title="a" * size, updates=updates, body="")}


def deep_yaml(size: int) -> dict[str, str]:
    depth = size // 4
    updates = UPDATE.format(h=10, m=5, s=0, message="[" * depth + "]" * depth)
    return {"incidents/2026/2026-03-01-hostile.md": INCIDENT.format(title="Deep", updates=updates, body="")}


def _body_files(make: Callable[[int], str], size: int) -> dict[str, str]:
    return body_record(make(size))


#: Hostile front matters: name -> size -> files.
RECORDS: dict[str, Callable[[int], dict[str, str]]] = {
    **{name: functools.partial(_body_files, make) for name, make in BODIES.items()},
    "many-updates": many_updates, "long-title": long_title, "deep-yaml": deep_yaml,
}
#: Bytes no record may hold: validate must name the file and line, never raise.
BAD_BYTES = {"invalid-utf8": b"\xff\xfe\x80", "nul": b"\x00", "bom": b"\xef\xbb\xbf"}


class Timeout(Exception):
    pass


def timed(run: Callable[[], Any], limit: float) -> float:
    def stop(*_: Any) -> None:
        raise Timeout
    signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, limit)
    start = time.perf_counter()
    try:
        run()
        return time.perf_counter() - start
    except Timeout:
        return float("inf")
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)


def write(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8", "surrogateescape"))


def portal(root: Path, files: dict[str, str]) -> Path:
    (root / "docs").mkdir(parents=True, exist_ok=True)
    (root / "docs" / "about.md").write_text("# About\n", encoding="utf-8")
    (root / "mkdocs.yml").write_text(MKDOCS, encoding="utf-8")
    (root / "CONTRIBUTING.md").write_text(CONTRIBUTING.format(body="Hello."), encoding="utf-8")
    git = ["git", "-C", str(root), "-c", "user.name=b", "-c", "user.email=b@b", "-c", "commit.gpgsign=false"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-qm", "base"], check=True)
    write(root, files)
    return root


def cli(root: Path, *args: str, env: dict[str, str] | None = None) -> None:
    result = CliRunner().invoke(main, [*args, "-f", str(root / "mkdocs.yml")], env=env)
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    if "Traceback" in result.output:
        raise RuntimeError(result.output)


def build(root: Path, audience: str) -> None:
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config

    os.environ["SITREP_AUDIENCE"] = audience
    os.environ["SOURCE_DATE_EPOCH"] = "1772366400"
    config = load_config(str(root / "mkdocs.yml"), site_dir=str(root / f"site-{audience}"))
    try:
        mkdocs_build(config)
    except SystemExit:
        pass  # an invalid record: the plugin stopped the build with its messages, as it should
    finally:
        os.environ.pop("SITREP_AUDIENCE")


def importer_inputs(root: Path, body: str) -> dict[str, list[str]]:
    """Each importer's input with ``body`` as the source's incident text; its command line."""
    cstate = root / "cstate" / "content" / "issues"
    cstate.mkdir(parents=True)
    (cstate / "hostile.md").write_text(
        "---\ntitle: Hostile\ndate: 2026-03-01 10:00:00\nresolved: true\nresolvedWhen: 2026-03-01 11:00:00\n"
        f"severity: disrupted\naffected:\n  - Web application\nsection: issue\n---\n{body}\n", encoding="utf-8")
    export = root / "statuspage.json"
    export.write_text(json.dumps({"incidents": [{
        "id": "h1", "name": "Hostile", "status": "resolved", "impact": "minor",
        "created_at": "2026-03-01T10:00:00Z", "resolved_at": "2026-03-01T11:00:00Z",
        "components": [{"id": "c1", "name": "Web application"}], "postmortem_body": body,
        "incident_updates": [{"id": "u1", "status": "investigating", "body": body,
                              "created_at": "2026-03-01T10:05:00Z"},
                             {"id": "u2", "status": "resolved", "body": body, "created_at": "2026-03-01T11:00:00Z"}],
    }]}), encoding="utf-8")
    rc = root / ".upptimerc.yml"
    rc.write_text("owner: o\nrepo: r\nsites:\n  - name: Web application\n    url: https://web.example/\n",
                  encoding="utf-8")
    issues = root / "issues.json"
    issues.write_text(json.dumps([{
        "number": 1, "title": "🛑 Web application is down", "body": body, "state": "CLOSED",
        "labels": [{"name": "status"}, {"name": "web-application"}], "createdAt": "2026-03-01T10:00:00Z",
        "closedAt": "2026-03-01T11:00:00Z", "url": "https://github.com/o/r/issues/1",
        "comments": [{"body": body, "createdAt": "2026-03-01T10:30:00Z"}]}]), encoding="utf-8")
    return {"import-cstate": ["import", "cstate", str(cstate)],
            "import-statuspage": ["import", "statuspage", str(export)],
            "import-upptime": ["import", "upptime", str(rc), str(issues)]}


def body_of(files: dict[str, str]) -> str:
    text = files["incidents/2026/2026-03-01-hostile.md"]
    return text.split("\n---\n", 1)[1]


PATHS = ("validate", "build-public", "build-internal", "preview", "notify", "sync", "import-cstate",
         "import-statuspage", "import-upptime", "text-scanners")


def measure(path: str, name: str, size: int, work: Path, limit: float) -> float:
    files = RECORDS[name](size)
    root = portal(work / f"{path}-{name}-{size}", {} if path in ("sync",) or path.startswith("import") else files)
    body = body_of(files)
    if path == "validate":
        return timed(lambda: cli(root, "validate", "--no-cache", "--jobs", "1"), limit)
    if path.startswith("build-"):
        return timed(lambda: build(root, path.removeprefix("build-")), limit)
    if path == "preview":
        return timed(lambda: cli(root, "preview", "--base", "HEAD", "--now", NOW), limit)
    if path == "notify":
        env = {"TEAM_URL": "json://127.0.0.1:9/", "CUSTOMERS_URL": "mailto://a:b@127.0.0.1:9?to=c@d.example"}
        return timed(lambda: cli(root, "notify", "--dry-run", "--now", NOW, env=env), limit)
    if path == "sync":
        (root / "CONTRIBUTING.md").write_text(CONTRIBUTING.format(body=body), encoding="utf-8")
        return timed(lambda: cli(root, "sync", "--check"), limit)
    if path.startswith("import"):
        command = importer_inputs(root, body)[path]
        table = str(root / "components.yml")
        cli(root, *command, "--components", table)  # first run proposes the component table (untimed)
        return timed(lambda: cli(root, *command, "--components", table, "--dry-run"), limit)
    if path == "text-scanners":
        text = "## Action items\n" + body

        def scan() -> None:
            list(links(body))
            for section in pm_text.parse_sections(text, 1):
                pm_text.parse_action_items(section)
            pm_text.prose_lines(text, 1)
            pm_text.template_placeholders(text, 1)
        return timed(scan, limit)
    raise ValueError(path)


def check_bad_bytes(work: Path) -> list[str]:
    """Each undecodable or binary byte in a record: one ``path:line:`` message, no traceback."""
    out = []
    for name, bad in BAD_BYTES.items():
        root = portal(work / f"bad-{name}", {})
        record = body_record("line one\nline two " + "x")["incidents/2026/2026-03-01-hostile.md"].encode()
        raw = (bad + record) if name == "bom" else record.replace(b"line two", b"line two " + bad)
        (root / "incidents/2026").mkdir(parents=True, exist_ok=True)
        (root / "incidents/2026/2026-03-01-hostile.md").write_bytes(raw)
        result = CliRunner().invoke(main, ["validate", "--no-cache", "-f", str(root / "mkdocs.yml")])
        lines = [ln for ln in result.output.splitlines() if "hostile.md" in ln]
        verdict = "traceback!" if "Traceback" in result.output or (result.exception and not isinstance(
            result.exception, SystemExit)) else (lines[0] if lines else f"valid (exit {result.exit_code})")
        out.append(f"{name:13} {verdict}")
    return out


def main_() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[16, 32, 64], help="body sizes in KB")
    parser.add_argument("--inputs", nargs="+", default=list(RECORDS), choices=list(RECORDS))
    parser.add_argument("--paths", nargs="+", default=list(PATHS), choices=PATHS)
    parser.add_argument("--timeout", type=float, default=60, help="seconds before a run is cut")
    args = parser.parse_args()
    worst: tuple[float, str] = (0.0, "")
    with tempfile.TemporaryDirectory(prefix="sitrep-hostile-") as tmp:
        work = Path(tmp)
        print("bad bytes in a record (sitrep validate):")
        for line in check_bad_bytes(work):
            print("  " + line)
        print(f"{'path':18} {'input':16} " + " ".join(f"{s:>6} KB" for s in args.sizes) + "   ratio")
        for path in args.paths:
            names = (["baseline"] if path.startswith("build") else []) + args.inputs
            for name in names:
                if name == "baseline":
                    RECORDS["baseline"] = lambda size: body_record("Plain.\n")
                times = []
                for size in args.sizes:
                    seconds = measure(path, name, size * 1024, work, args.timeout)
                    times.append(seconds)
                    if seconds == float("inf"):
                        break
                    worst = max(worst, (seconds, f"{path} {name} {size} KB"))
                shown = " ".join(f"{t:9.2f}" if t != float("inf") else f"{'>' + str(int(args.timeout)):>9}"
                                 for t in times)
                ratio = times[-1] / times[-2] if len(times) > 1 and times[-2] > 0 else float("nan")
                print(f"{path:18} {name:16} {shown}   {ratio:5.1f}", flush=True)
                RECORDS.pop("baseline", None)
    print(f"worst: {worst[0]:.2f} s ({worst[1]})")


if __name__ == "__main__":
    main_()
