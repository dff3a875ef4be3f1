"""Repeat failures in the reliability reports: outages soon after the previous one on the same component,
and incidents that began while an earlier postmortem on the same component still had open action items.

The derive tests use a small portal built in code whose answers are worked out by hand in the comments
(as in tests/test_metrics.py); the build test reads the section of a real MkDocs build of the internal
edition, and a browser checks it at phone and desktop width.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup

from sitrep.derive.metrics import REPEAT_WITHIN, compute_metrics
from sitrep.model.portal import Portal
from sitrep.model.records import Incident
from sitrep.render.report_text import render_text
from tests.support.helpers_build import CHROMIUM, chromium, serve, visitor_page, write_portal
from tests.support.sitebuild import mkdocs_build
from tests.test_metrics import DAY, HOUR, NOW, portal, postmortem, resolved, t

# --------------------------------------------------------------------------- derive

ACTIONS_A1 = """\
## Action Items

- [ ] Add a retry budget - @ana - 2026-03-20
- [x] Add a timeout - @ana - due 2026-03-10 - done 2026-03-06
- [x] Add a health check - @ben - due 2026-03-10 - done 2026-03-05
- [x] Fix the proxy config - @ben - 2026-03-03
- [-] Rewrite the proxy - @ben - 2026-06-01
"""

ACTIONS_W1 = """\
## Action Items

- [x] Raise the web pool - @cy - 2026-02-25
"""

ACTIONS_D1 = """\
## Action Items

- [ ] Add a replica - @cy
"""


def relapsing_db_incident() -> Incident:
    """db down 08:00-09:00, degraded 09:00-10:00, down again 10:00-11:00 on Mar 10, all one incident."""
    return Incident.model_validate({
        "id": "d1", "title": "d1", "severity": "SEV2", "started": t(10, 8), "components": {"db": "major_outage"},
        "updates": [
            {"at": t(10, 8), "status": "investigating", "message": "Down."},
            {"at": t(10, 9), "status": "identified", "message": "Slow.", "components": {"db": "degraded_performance"}},
            {"at": t(10, 10), "status": "identified", "message": "Down.", "components": {"db": "major_outage"}},
            {"at": t(10, 11), "status": "resolved", "message": "Fixed."},
        ],
    })


def repeat_portal() -> Portal:
    """NOW is 2026-03-31 00:00 UTC. Outages (start-end, UTC):

    api: a0 Jan 10 00:00-01:00; a1 Mar 1 10:00-11:00; a2 Mar 5 11:00-13:00 (partial) overlapped by
         a3 Mar 5 12:00-15:00 (one outage 11:00-15:00); a4 Mar 6 15:00-16:00 (partial).
    web: w1 Feb 20 09:00-10:00; w2 Mar 22 10:00-11:00 (partial): exactly 30 days later (Feb has 28 days).
    db:  d1 Mar 10 08:00-09:00 and 10:00-11:00 (one incident, degraded in between); d2 Mar 12 09:00 and
         d3 Mar 13 09:00 are degraded only (not outages).
    """
    return portal(
        resolved("a0", t(10, month=1), HOUR),
        resolved("a1", t(1, 10), HOUR),
        resolved("a2", t(5, 11), 2 * HOUR, components={"api": "partial_outage"}),
        resolved("a3", t(5, 12), 3 * HOUR),
        resolved("a4", t(6, 15), HOUR, components={"api": "partial_outage"}),
        resolved("w1", t(20, 9, month=2), HOUR, components={"web": "major_outage"}),
        resolved("w2", t(22, 10), HOUR, components={"web": "partial_outage"}),
        relapsing_db_incident(),
        resolved("d2", t(12, 9), HOUR, components={"db": "degraded_performance"}),
        resolved("d3", t(13, 9), HOUR, components={"db": "degraded_performance"}),
        postmortems=(postmortem("pm-a1", ["a1"], date(2026, 3, 2), body=ACTIONS_A1),
                     postmortem("pm-w1", ["w1"], date(2026, 2, 21), body=ACTIONS_W1),
                     postmortem("pm-d1", ["d1"], date(2026, 3, 12), status="draft", body=ACTIONS_D1)),
    )


def pairs(m: Any) -> dict[str, tuple[int, int, list[tuple[str, str, timedelta]]]]:
    return {c.component: (c.outages, c.repeats, [(p.earlier_incident, p.later_incident, p.gap) for p in c.pairs])
            for c in m.repeat_failures.by_component}


def test_repeat_window_is_thirty_days() -> None:
    assert REPEAT_WITHIN == 30 * DAY


def test_repeat_outages_per_component_over_all_time() -> None:
    rf = compute_metrics(repeat_portal(), NOW).repeat_failures
    assert pairs(compute_metrics(repeat_portal(), NOW)) == {
        # api: 4 outages (a0, a1, a2+a3 merged, a4). a0 -> a1: Jan 10 01:00 to Mar 1 10:00 = 50 days
        # 9 h > 30 days: not a repeat. a1 -> a2: Mar 1 11:00 to Mar 5 11:00 = 4 days. a3 ended the
        # merged outage (15:00, after a2's 13:00), so a3 -> a4: Mar 5 15:00 to Mar 6 15:00 = 1 day.
        "api": (4, 2, [("a1", "a2", 4 * DAY), ("a3", "a4", DAY)]),
        # web: Feb 20 10:00 to Mar 22 10:00 = 30 days exactly: "at most 30 days" keeps it.
        "web": (2, 1, [("w1", "w2", 30 * DAY)]),
        # db: d1's two outages are one incident coming back, not a repeat; d2, d3 are no outages.
        "db": (2, 0, []),
    }
    assert rf.repeats == 3
    first = rf.by_component[0].pairs[0]
    assert (first.earlier_ended, first.later_started) == (t(1, 11), t(5, 11))


def test_open_action_items_at_a_later_incident_on_the_same_component() -> None:
    rf = compute_metrics(repeat_portal(), NOW).repeat_failures
    found = [(x.incident_id, x.postmortem_id, x.components, x.earlier_incidents, [i.text for i in x.open_items])
             for x in rf.open_action_items]
    assert found == [
        # pm-a1 (dated Mar 2, about a1 on api): a2, a3 (Mar 5) and a4 (Mar 6) began on api after Mar 2.
        # The retry budget is open today: open for all three. The timeout was done Mar 6: open when a2
        # and a3 began (Mar 5), not counted for a4 (closed the day it began: order unknown). The health
        # check was done Mar 5, the day a2 and a3 began: not counted. The proxy fix has no closing date,
        # the rewrite was dropped without one: never counted.
        ("a2", "pm-a1", ("api",), ("a1",), ["Add a retry budget", "Add a timeout"]),
        ("a3", "pm-a1", ("api",), ("a1",), ["Add a retry budget", "Add a timeout"]),
        ("a4", "pm-a1", ("api",), ("a1",), ["Add a retry budget"]),
        # pm-d1 is dated Mar 12: d2 began that same day, so only d3 (Mar 13) counts; any impact counts.
        ("d3", "pm-d1", ("db",), ("d1",), ["Add a replica"]),
        # w2 is not listed: pm-w1's only item is done.
    ]
    assert rf.incidents_with_open_action_items == 4
    assert rf.open_action_items[0].open_items[0].owner == "ana"


def test_a_window_counts_repeats_that_began_in_it_even_after_an_outage_before_it() -> None:
    m = compute_metrics(repeat_portal(), NOW, window_start=t(6))
    # From Mar 6 00:00: api's a4 (its earlier outage a3 ended before the window), web's w2, db's d1 twice.
    assert pairs(m) == {"api": (1, 1, [("a3", "a4", DAY)]), "web": (1, 1, [("w1", "w2", 30 * DAY)]),
                        "db": (2, 0, [])}
    assert m.repeat_failures.repeats == 2
    # Incidents that began in the window: a4 (pm-a1) and d3 (pm-d1).
    assert [x.incident_id for x in m.repeat_failures.open_action_items] == ["a4", "d3"]


def test_a_component_report_keeps_to_its_component() -> None:
    m = compute_metrics(repeat_portal(), NOW, component="web")
    assert pairs(m) == {"web": (2, 1, [("w1", "w2", 30 * DAY)])}
    assert m.repeat_failures.open_action_items == ()


def test_an_item_done_since_is_not_counted_and_no_repeat_without_outages() -> None:
    # The same records with every item done: no incident is listed under open action items.
    done = portal(resolved("a1", t(1, 10), HOUR), resolved("a2", t(5, 11), HOUR),
                  postmortems=(postmortem("pm", ["a1"], date(2026, 3, 2), body=ACTIONS_W1),))
    assert compute_metrics(done, NOW).repeat_failures.open_action_items == ()
    assert compute_metrics(portal(), NOW).repeat_failures.by_component == ()


def test_json_and_text() -> None:
    m = compute_metrics(repeat_portal(), NOW)
    data = json.loads(json.dumps(m.to_json()))
    rf = data["repeat_failures"]
    assert rf["within"] == 30 * 86400 and rf["repeats"] == 3 and rf["incidents_with_open_action_items"] == 4
    assert rf["by_component"][0]["pairs"][0] == {
        "component": "api", "earlier_incident": "a1", "earlier_ended": "2026-03-01T11:00:00Z",
        "later_incident": "a2", "later_started": "2026-03-05T11:00:00Z", "gap": 4 * 86400}
    assert rf["open_action_items"][3]["open_items"][0]["text"] == "Add a replica"
    assert data["definitions"]["repeat_failures"].startswith("Repeat failures: an outage")
    text = render_text(m)
    assert "Repeat failures (within 30 d): 3 repeat outages; 4 incidents began with earlier action items open" in text
    assert "  api: a1 -> a2 after 4 d" in text
    assert "  d3: pm-d1 had 1 open action item" in text


# --------------------------------------------------------------------------- a real build

#: 2026-03-31T00:00:00Z, the build's "now".
BUILD_NOW = 1774915200
COMPONENTS = (("api", "Public API"), ("web", "Web app"))


def _incident(slug: str, title: str, started: str, resolved_at: str, component: str, impact: str) -> str:
    return f"""---
title: {title}
severity: SEV2
started: {started}
components:
  {component}: {impact}
updates:
  - at: {started}
    status: investigating
    message: Looking.
  - at: {resolved_at}
    status: resolved
    message: Fixed.
---
Body.
"""


RECORDS: dict[str, str] = {
    # api: down Mar 1 10:00-11:00, then Mar 5 11:00-13:00: a repeat after 4 days.
    "incidents/2026/2026-03-01-api-down.md": _incident(
        "api-down", "API down", "2026-03-01T10:00:00Z", "2026-03-01T11:00:00Z", "api", "major_outage"),
    "incidents/2026/2026-03-05-api-down-again.md": _incident(
        "api-down-again", "API down again", "2026-03-05T11:00:00Z", "2026-03-05T13:00:00Z", "api", "partial_outage"),
    # web: down Jan 2, then Mar 20: 77 days later, not a repeat.
    "incidents/2026/2026-01-02-web-down.md": _incident(
        "web-down", "Web down", "2026-01-02T10:00:00Z", "2026-01-02T11:00:00Z", "web", "major_outage"),
    "incidents/2026/2026-03-20-web-down.md": _incident(
        "web-down-2", "Web down in March", "2026-03-20T10:00:00Z", "2026-03-20T11:00:00Z", "web", "major_outage"),
    "postmortems/2026-03-02-api-down.md": """---
title: "Postmortem: API down"
incidents: [2026-03-01-api-down]
date: 2026-03-02
authors: [Ana Silva]
status: draft
---
## Summary

The API was down.

## Action Items

- [ ] (@ana, Due: 2026-03-20) Add a retry budget to every client of the API gateway
- [x] (@ben, Due: 2026-03-03) Fix the proxy config
- [x] (@ben, Due: 2026-03-10) Add a canary - done 2026-03-07
""",
}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = write_portal(tmp_path_factory.mktemp("repeats") / "portal", RECORDS, components=COMPONENTS,
                        options={"since": "2026-01-01", "audience": "internal"})
    out = root.parent / "site"
    result = mkdocs_build(root, out, "internal", epoch=BUILD_NOW)
    assert result.returncode == 0, result.stderr
    return out


def page(site: Path, path: str) -> BeautifulSoup:
    return BeautifulSoup((site / path / "index.html").read_text(encoding="utf-8"), "html.parser")


def text_of(node: Any) -> str:
    # Elements are joined with a space; punctuation right after a link closes up again, as a reader sees it.
    return " ".join(node.get_text(" ", strip=True).split()).replace(" ,", ",").replace("( ", "(").replace(" )", ")")


def test_each_report_shows_both_kinds_of_repeats_defined(site: Path) -> None:
    for path in ("reports", "reports/last-90-days", "reports/last-12-months", "reports/component/api"):
        s = page(site, path)
        section = s.select_one("section#repeat-failures")
        assert section is not None, path
        assert text_of(section.select_one("h2")) == "Repeat failures"
        # The definition states the window once, from the constant.
        assert "at most 30 days after the previous outage" in text_of(section.select_one(".sr-rep-def"))
        assert s.select_one('.sr-rep-toc a[href="#repeat-failures"]') is not None
        # One repeat, on the API: Mar 1 11:00 -> Mar 5 11:00.
        row = section.select_one('.sr-rep-repeats tbody tr[data-component="api"]')
        assert [text_of(c) for c in row.select("th, td")] == [
            "Public API", "API down", "Mar 1, 2026 11:00 UTC", "API down again", "Mar 5, 2026 11:00 UTC", "4 d"]
        links = [a["href"] for a in row.select("a")]
        assert links[0].endswith("incidents/2026-03-01-api-down/") and links[1].endswith(
            "incidents/2026-03-05-api-down-again/")
        # The later API incident began with the postmortem's open item still open (the done one is not).
        item = section.select_one('.sr-rep-open-actions tbody tr[data-incident="2026-03-05-api-down-again"]')
        cells = [text_of(c) for c in item.select("th, td")]
        assert cells[:2] == ["API down again", "Mar 5, 2026 11:00 UTC"]
        assert cells[2] == "Postmortem: API down (about API down, on Public API)"
        # The canary was done Mar 7, after the incident began on Mar 5: it was open then, and says when it was done.
        assert cells[3] == ("Add a retry budget to every client of the API gateway (ana, due Mar 20, 2026) "
                            "Add a canary (ben, due Mar 10, 2026) done Mar 7, 2026")
    # Web's second outage is 77 days after the first: not a repeat, and the web report says so.
    web = page(site, "reports/component/web").select_one("section#repeat-failures")
    assert web.select_one(".sr-rep-repeats") is None
    assert "No outage began within 30 days of the previous one" in text_of(web)


def test_metrics_json_carries_repeat_failures(site: Path) -> None:
    for path in ("reports/metrics.json", "reports/last-90-days/metrics.json"):
        data = json.loads((site / path).read_text(encoding="utf-8"))
        rf = data["repeat_failures"]
        assert rf["repeats"] == 1 and rf["within"] == 30 * 86400
        api = next(c for c in rf["by_component"] if c["component"] == "api")
        assert [(p["earlier_incident"], p["later_incident"], p["gap"]) for p in api["pairs"]] == [
            ("2026-03-01-api-down", "2026-03-05-api-down-again", 4 * 86400)]
        assert [x["incident_id"] for x in rf["open_action_items"]] == ["2026-03-05-api-down-again"]


def test_the_public_edition_has_no_reports(tmp_path: Path) -> None:
    root = write_portal(tmp_path / "portal", RECORDS, components=COMPONENTS, options={"since": "2026-01-01"})
    out = tmp_path / "site"
    result = mkdocs_build(root, out, "public", epoch=BUILD_NOW)
    assert result.returncode == 0, result.stderr
    assert not (out / "reports").exists()
    assert "retry budget" not in "".join(p.read_text(encoding="utf-8", errors="replace")
                                          for p in out.rglob("*.html"))


PUBLISHED_PM = """---
title: "Postmortem: API down"
incidents: [2026-03-01-api-down]
date: 2026-03-02
authors: [Ana Silva]
status: published
visibility: public
---
## Summary

The API was down.

## Impact

Everyone.

## Timeline

- 10:00 down.

## Root Cause

A bug.

## Resolution

Rolled back.

## Lessons Learned

Test more.

## Action Items

- [ ] (@ana, Due: 2026-03-20) Add a retry budget to every client of the API gateway
"""


def test_public_reports_count_action_items_unless_action_items_are_public_too(tmp_path: Path) -> None:
    records = {**RECORDS, "postmortems/2026-03-02-api-down.md": PUBLISHED_PM}
    for public_pages, shown in ((["reports"], False), (["reports", "action_items"], True)):
        root = write_portal(tmp_path / "-".join(public_pages) / "portal", records, components=COMPONENTS,
                            options={"since": "2026-01-01", "public_pages": public_pages})
        out = root.parent / "site"
        result = mkdocs_build(root, out, "public", epoch=BUILD_NOW)
        assert result.returncode == 0, result.stderr
        section = page(out, "reports").select_one("section#repeat-failures")
        item = section.select_one('.sr-rep-open-actions tr[data-incident="2026-03-05-api-down-again"]')
        cell = text_of(item.select_one('td[data-label="Action items open then"]'))
        # The postmortem's page leaves its action items out unless public_pages lists them; so does the report.
        assert cell == ("Add a retry budget to every client of the API gateway (ana, due Mar 20, 2026)" if shown
                        else "1"), public_pages
        # Nor does metrics.json: the counts stay, the items' words and owners go; and the report links to
        # the action-items page only where there is one.
        figures = (out / "reports" / "metrics.json").read_text(encoding="utf-8")
        assert ("retry budget" in figures) is shown and ('"ana"' in figures) is shown, public_pages
        assert json.loads(figures)["action_items"]["total"] == 1
        assert (out / "postmortems" / "action-items" / "index.html").is_file() is shown
        assert ('href="../postmortems/action-items/"' in (out / "reports" / "index.html").read_text(
            encoding="utf-8")) is shown, public_pages


@pytest.mark.slow
@pytest.mark.browser
@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed (.ci/run installs it)")
def test_repeat_failures_read_without_scrolling_sideways(site: Path, tmp_path: Path) -> None:
    with serve(site) as url, chromium() as browser:
        for width in (390, 1280):
            with visitor_page(browser, url, width=width) as tab:
                tab.goto(url + "reports/")
                section = tab.locator("#repeat-failures")
                for table in (".sr-rep-repeats", ".sr-rep-open-actions"):
                    sizes = section.locator(table).evaluate("e => [e.scrollWidth, e.clientWidth]")
                    assert sizes[0] <= sizes[1], (width, table, sizes)
                right = tab.evaluate("Math.max(...[...document.querySelectorAll('#repeat-failures *')]"
                                     ".map(e => e.getBoundingClientRect().right))")
                assert right <= width, (width, right)
                assert tab.evaluate("document.documentElement.scrollWidth") <= width
                section.screenshot(path=str(tmp_path / f"repeats-{width}.png"))
                assert tab.errors == []
