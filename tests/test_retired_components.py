"""A component the team retires leaves the status page, the API and the responders' lists; its history stays.

The sample portal (built at its pinned time, 2026-11-23) gains "Legacy FTP", retired on 2026-10-01, and
two resolved incidents that named it before. Real MkDocs builds of both editions, the real CLI.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import feedparser
import pytest
from click.testing import CliRunner, Result

from sitrep.cli import main
from tests.support.sitebuild import SAMPLE_NOW, copy_sample, mkdocs_build

NOW = "2026-11-23T12:00:00Z"
RETIRED = "2026-10-01"
FTP_ENTRY = ("        - id: legacy-ftp\n"
             "          name: Legacy FTP\n"
             "          group: Integrations\n"
             "          description: File uploads over FTP.\n"
             "          retired: {day}\n")
#: Two weeks before the retirement: FTP and Webhooks partly down for two hours.
PAST = """---
title: FTP uploads failing
severity: SEV3
started: 2026-09-15T10:00:00Z
resolved: 2026-09-15T12:00:00Z
components:
  legacy-ftp: partial_outage
  webhooks: degraded_performance
updates:
  - at: 2026-09-15T10:05:00Z
    status: investigating
    message: FTP uploads are failing for some customers.
  - at: 2026-09-15T12:00:00Z
    status: resolved
    message: FTP uploads work again.
---
"""
PAST_PATH = "incidents/2026/2026-09-15-ftp-uploads-failing.md"
#: A postmortem of that incident (internal): the postmortem library's component filter lists it.
POSTMORTEM = """---
title: FTP uploads failing
incidents: [2026-09-15-ftp-uploads-failing]
date: 2026-09-17
authors: [Ana]
status: published
visibility: internal
---
## Summary

FTP uploads failed for two hours.

## Impact

Some customers could not upload by FTP.

## Timeline

- 10:00 UTC: uploads start failing.

## Root Cause

A full disk on the FTP host.

## Resolution

The disk was cleaned up.

## Action Items

- [x] Alert on the FTP host's disk - Ana - 2026-09-30

## Lessons Learned

Watch the disks of the hosts nobody watches.
"""
POSTMORTEM_PATH = "postmortems/2026-09-17-ftp-uploads-failing.md"


def add_ftp(root: Path, day: str = RETIRED) -> Path:
    """The sample with Legacy FTP (after Email notifications) retired on ``day`` and its past incident."""
    config = root / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    anchor = "          name: Email notifications\n          group: Integrations\n"
    assert anchor in text
    config.write_text(text.replace(anchor, anchor + FTP_ENTRY.format(day=day), 1), encoding="utf-8")
    (root / PAST_PATH).write_text(PAST, encoding="utf-8")
    (root / POSTMORTEM_PATH).write_text(POSTMORTEM, encoding="utf-8")
    return root


def sitrep(root: Path, *args: str) -> Result:
    result = CliRunner().invoke(main, [*args, "-f", str(root / "mkdocs.yml")])
    assert "Traceback" not in result.output, result.output
    return result


def build(root: Path, out: Path, audience: str = "public") -> Path:
    result = mkdocs_build(root, out, audience)
    assert result.returncode == 0, result.stdout + result.stderr
    return out


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Both editions with Legacy FTP retired, and the public one with it still in service (no retired:)."""
    base = tmp_path_factory.mktemp("retired")
    root = add_ftp(copy_sample(base / "portal"))
    live = copy_sample(base / "live")
    add_ftp(live)
    (live / "mkdocs.yml").write_text((live / "mkdocs.yml").read_text(encoding="utf-8").replace(
        f"          retired: {RETIRED}\n", ""), encoding="utf-8")
    return {"public": build(root, base / "site"), "internal": build(root, base / "site-internal", "internal"),
            "live": build(live, base / "site-live"), "root": root}


def read(site: Path, rel: str) -> str:
    return (site / rel).read_text(encoding="utf-8")


def uptime_figures(html: str) -> dict[str, str]:
    """Component id -> the text of its uptime figures on the status page."""
    out = {}
    for match in re.finditer(r'<li class="sr-component[^"]*" id="component-([a-z0-9-]+)">(.*?)</li>\n', html, re.S):
        foot = re.search(r'<span class="sr-uptime">(.*?)</span><span>Today', match.group(2), re.S)
        out[match.group(1)] = foot.group(1) if foot else ""
    return out


@pytest.mark.parametrize("edition", ["public", "internal"])
def test_the_status_page_no_longer_lists_it_and_the_others_read_as_before(sites: dict[str, Path],
                                                                           edition: str) -> None:
    page = read(sites[edition], "index.html")
    assert "Legacy FTP" not in page and "legacy-ftp" not in page  # not a row, not in Subscribe, not the embed
    live = read(sites["live"], "index.html")
    assert "component-legacy-ftp" in live  # in service it is listed: the build above really had it
    figures, before = uptime_figures(page), uptime_figures(live)
    assert "legacy-ftp" not in figures and set(before) - set(figures) == {"legacy-ftp"}
    if edition == "public":
        assert figures == {cid: text for cid, text in before.items() if cid != "legacy-ftp"}
        banner = re.search(r'class="sr-banner-text">([^<]*)<', page)
        assert banner is not None and banner.group(0) in live


def test_the_api_drops_it_from_components_and_keeps_it_in_the_updates(sites: dict[str, Path]) -> None:
    api = sites["public"] / "api" / "v2"
    summary, components = (json.loads((api / n).read_text(encoding="utf-8")) for n in ("summary.json",
                                                                                       "components.json"))
    for data in (summary, components):
        assert "Legacy FTP" not in {c["name"] for c in data["components"]}
        assert {c["name"] for c in data["components"]} >= {"Webhooks & integrations", "Integrations"}
    ids = {c["id"] for c in components["components"]}
    group = next(c for c in components["components"] if c["name"] == "Integrations")
    assert set(group["components"]) <= ids  # the group no longer points at it
    incidents = json.loads((api / "incidents.json").read_text(encoding="utf-8"))["incidents"]
    ftp = next(i for i in incidents if i["name"] == "FTP uploads failing")
    # As Statuspage does for a deleted component: gone from the incident's components (every id there
    # resolves in components.json), still named in the update that told customers about it.
    assert [c["name"] for c in ftp["components"]] == ["Webhooks & integrations"]
    assert {c["id"] for i in incidents for c in i["components"]} <= ids
    first = ftp["incident_updates"][-1]
    assert {a["name"] for a in first["affected_components"]} == {"Legacy FTP", "Webhooks & integrations"}
    live = json.loads(read(sites["live"], "api/v2/components.json"))
    assert len(live["components"]) == len(components["components"]) + 1


def test_badge_says_retired_and_the_embed_does_not_offer_it(sites: dict[str, Path]) -> None:
    site = sites["public"]
    svg = read(site, "components/legacy-ftp/badge.svg")
    assert "retired" in svg and "Legacy FTP" in svg
    assert json.loads(read(site, "components/legacy-ftp/badge.json"))["message"] == "retired"
    assert read(site, "components/webhooks/badge.json") == read(sites["live"], "components/webhooks/badge.json")
    assert "legacy-ftp" not in read(site, "embed.js") and "legacy-ftp" in read(sites["live"], "embed.js")


@pytest.mark.parametrize("edition", ["public", "internal"])
def test_its_history_incidents_and_feeds_stay(sites: dict[str, Path], edition: str) -> None:
    site = sites[edition]
    history = read(site, "history/index.html")
    assert '<a href="../history/component/legacy-ftp/">Legacy FTP (retired)</a>' in history
    page = read(site, "history/component/legacy-ftp/index.html")
    assert "Legacy FTP was retired on Oct 1, 2026 and is no longer on the status page" in page
    assert "FTP uploads failing" in page and "sr-bar" not in page
    assert "#component-legacy-ftp" not in page  # no link to a row the status page no longer has
    for feed in ("history.atom", "history.rss"):
        parsed = feedparser.parse(read(site, f"components/legacy-ftp/{feed}"))
        assert not parsed.bozo and len(parsed.entries) == 1 and "FTP uploads failing" in parsed.entries[0].title
        assert f'href="../../../components/legacy-ftp/{feed}"' in page
    assert (site / "components/legacy-ftp/maintenance.ics").is_file()
    incident = read(site, "incidents/2026-09-15-ftp-uploads-failing/index.html")
    assert "Legacy FTP" in incident
    assert "FTP uploads failing" in read(site, "history.atom")


def test_the_postmortem_library_filter_marks_it_retired(sites: dict[str, Path]) -> None:
    library = read(sites["internal"], "postmortems/index.html")
    assert '<a href="../postmortems/component/legacy-ftp/">Legacy FTP (retired)&nbsp;(1)</a>' in library
    assert "FTP uploads failing" in read(sites["internal"], "postmortems/component/legacy-ftp/index.html")


def test_reports_keep_naming_it(sites: dict[str, Path]) -> None:
    report = sites["internal"] / "reports"
    assert any("Legacy FTP" in p.read_text(encoding="utf-8") for p in report.rglob("*.html"))


def test_the_validator_guards_the_edges(tmp_path: Path) -> None:
    root = add_ftp(copy_sample(tmp_path / "portal"))
    assert sitrep(root, "validate", "--now", NOW, "--no-cache").exit_code == 0
    # An incident that starts after the retirement and names it: an error on its line, with the fix.
    late = PAST.replace("2026-09-15", "2026-10-20")
    (root / "incidents/2026/2026-10-20-ftp-again.md").write_text(late, encoding="utf-8")
    # An update after the retirement giving it an impact.
    update = PAST.replace("""  - at: 2026-09-15T12:00:00Z
    status: resolved""", """  - at: 2026-10-02T09:00:00Z
    status: identified
    components:
      legacy-ftp: major_outage
    message: Worse.
  - at: 2026-10-02T12:00:00Z
    status: resolved""").replace("resolved: 2026-09-15T12:00:00Z", "resolved: 2026-10-02T12:00:00Z")
    (root / PAST_PATH).write_text(update, encoding="utf-8")
    # An incident still open on it.
    open_ = PAST.replace("2026-09-15", "2026-09-20").replace("""  - at: 2026-09-20T12:00:00Z
    status: resolved
    message: FTP uploads work again.
""", "").replace("resolved: 2026-09-20T12:00:00Z\n", "")
    (root / "incidents/2026/2026-09-20-ftp-stuck.md").write_text(open_, encoding="utf-8")
    result = sitrep(root, "validate", "--now", NOW)
    assert result.exit_code == 1, result.output
    out = result.output
    assert ("incidents/2026/2026-10-20-ftp-again.md:7: error: components.legacy-ftp: Legacy FTP was retired on "
            "2026-10-01 (retired: in mkdocs.yml), and this incident starts after that (2026-10-20T10:00:00Z): "
            "remove legacy-ftp from it, or, if Legacy FTP was still in service, move its retired: day in "
            "mkdocs.yml after 2026-10-20 [retired-component]") in out, out
    assert f"{PAST_PATH}:16: error: updates[1].components.legacy-ftp: Legacy FTP was retired on 2026-10-01" in out
    assert "it can only be marked operational now" in out
    assert ("incidents/2026/2026-09-20-ftp-stuck.md:6: error: components.legacy-ftp: Legacy FTP was retired on "
            "2026-10-01 (retired: in mkdocs.yml), but this incident is still open on it") in out
    assert "resolve it first (sitrep resolve 2026-09-20-ftp-stuck" in out and "[retired-open]" in out
    # Before the retirement day the open incident is fine; the cache does not hide it once the day comes.
    assert "retired-open" not in sitrep(root, "validate", "--now", "2026-09-25T00:00:00Z").output
    assert "retired-open" in sitrep(root, "validate", "--now", NOW).output
    # The way out the message gives works: resolving it clears the error.
    assert sitrep(root, "resolve", "2026-09-20-ftp-stuck", "--message", "Retired.", "--at",
                  "2026-09-30T12:00:00Z", "--now", NOW).exit_code == 0
    assert "retired-open" not in sitrep(root, "validate", "--now", NOW).output


def test_a_planned_retirement_shows_until_its_day(tmp_path: Path) -> None:
    root = add_ftp(copy_sample(tmp_path / "portal"), day="2026-12-15")
    assert sitrep(root, "validate", "--now", NOW, "--no-cache").exit_code == 0
    site = build(root, tmp_path / "site")
    assert 'id="component-legacy-ftp"' in read(site, "index.html")
    assert "Legacy FTP (retired)" not in read(site, "history/index.html")
    after = mkdocs_build(root, tmp_path / "after", epoch=SAMPLE_NOW + 30 * 86400)
    assert after.returncode == 0, after.stderr
    assert "component-legacy-ftp" not in read(tmp_path / "after", "index.html")


def test_responders_are_not_offered_it(tmp_path: Path) -> None:
    root = add_ftp(copy_sample(tmp_path / "portal"))
    result = sitrep(root, "new", "incident", "--title", "FTP down", "--severity", "SEV2",
                    "--component", "legacy-ftp=major", "--now", NOW)
    assert result.exit_code == 2 and "'legacy-ftp' (Legacy FTP) was retired on 2026-10-01" in result.output
    assert "no longer offered; use one of: web-app," in result.output
    assert sitrep(root, "new", "maintenance", "--title", "FTP", "--component", "legacy-ftp", "--start",
                  "2026-12-01T00:00:00Z", "--end", "2026-12-01T01:00:00Z", "--now", NOW).exit_code == 2


def test_sync_takes_it_out_of_the_issue_forms_pr_template_and_contributing(tmp_path: Path) -> None:
    root = tmp_path / "status"
    made = CliRunner().invoke(main, ["init", str(root), "--component", 'api="Public API"', "--component",
                                     'legacy-ftp="Legacy FTP"', "--name", "Acme Status", "--now", NOW])
    assert made.exit_code == 0, made.output
    files = (".github/ISSUE_TEMPLATE/declare-incident.yml", ".github/pull_request_template.md", "CONTRIBUTING.md")
    assert all("legacy-ftp" in (root / rel).read_text(encoding="utf-8") for rel in files)
    config = root / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    entry = re.search(r"( *)- id: legacy-ftp\n( *)name: .*\n", text)
    assert entry is not None
    config.write_text(text.replace(entry.group(0), entry.group(0) + f"{entry.group(2)}retired: {RETIRED}\n"),
                      encoding="utf-8")
    assert sitrep(root, "sync", "--check").exit_code != 0  # the PR check says the lists are stale
    assert sitrep(root, "sync").exit_code == 0
    for rel in files:
        text = (root / rel).read_text(encoding="utf-8")
        assert "legacy-ftp" not in text and "Legacy FTP" not in text, rel
    assert "`api` (Public API)" in (root / files[0]).read_text(encoding="utf-8")
    assert sitrep(root, "sync", "--check").exit_code == 0
