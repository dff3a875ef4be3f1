"""Tests for the team pages (render.postmortems, runbooks, reports, body_links): library, action items, runbooks.

A small portal built in code (hand-checkable ordering, dates and flags) and the
repository's sample portal (every page renders, every link lands on a page).
"""

from __future__ import annotations

import posixpath
import re
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from bs4 import BeautifulSoup

from sitrep.derive.state import portal_state
from sitrep.load.loader import load_portal
from sitrep.model.config import Component, SitrepConfig, load_config
from sitrep.model.portal import Portal, with_config
from sitrep.model.records import Incident, Postmortem, Runbook
from sitrep.render.body_links import drop_links_to_absent
from sitrep.render.page import BODY_END, BODY_START, Page
from sitrep.render.reports import metrics_file
from sitrep.render.site import build_team_pages
from sitrep.render.status_site import build_pages
from sitrep.render.urls import dir_url as url_of
from tests.support.sitebuild import SAMPLE

NOW = datetime(2026, 3, 31, 12, 0, tzinfo=UTC)  # "today" is 2026-03-31
COMPONENTS = [Component(id="api", name="API"), Component(id="web", name="Web app"),
              Component(id="db", name="Database")]

PM_A_BODY = """# Postmortem A

## Summary

See the [public runbook](../runbooks/rb-public.md) and the [internal one](../runbooks/rb-internal.md).

## Action Items

- [ ] Fix the late thing - Olga Owner - 2026-03-01
- [ ] Fix the future thing - Olga Owner - 2026-06-01
- [ ] Think about it - Pat Person
- [x] Done thing - Pat Person - 2026-01-01
- [-] Dropped thing - Olga Owner - 2026-02-01
"""

PM_B_BODY = """## Action Items

- [ ] Very late thing - Pat Person - 2026-02-15
- [ ] Later due thing - Pat Person - 2026-04-15
"""

PM_C_BODY = """## Action Items

- [ ] Secret thing - Ivy Insider - 2026-01-10
"""


def _incident(id_: str, start: datetime, hours: float, severity: str, components: dict[str, str],
              **extra: Any) -> Incident:
    end = start + timedelta(hours=hours)
    return Incident.model_validate({
        "id": id_, "title": f"Incident {id_}", "severity": severity, "started": start,
        "components": components,
        "updates": [{"at": start, "status": "investigating", "message": f"Looking at {id_}."},
                    {"at": end, "status": "resolved", "message": f"Fixed {id_}."}],
        **extra,
    })


def _with_body(record: Any, body: str, path: str) -> Any:
    record._body, record._body_line, record._path = body, 8, path
    return record


def _postmortem(id_: str, incidents: list[str], on: date, body: str, **extra: Any) -> Postmortem:
    pm = Postmortem.model_validate({"id": id_, "title": f"Postmortem {id_}", "incidents": incidents, "date": on,
                                    "authors": ["Ann Author"], "status": "published", **extra})
    return _with_body(pm, body, f"postmortems/{id_}.md")


def _runbook(id_: str, reviewed: date, every: int, **extra: Any) -> Runbook:
    rb = Runbook.model_validate({"id": id_, "title": f"Runbook {id_}", "owner": "Team Ops",
                                 "last_reviewed": reviewed, "review_every": every, **extra})
    return _with_body(rb, f"# {id_}\n\nSteps for {id_}.\n", f"runbooks/{id_}.md")


#: Every team section, so the public edition's rules for each can be checked (the default publishes none).
ALL_SECTIONS = ["runbooks", "reports", "action_items", "process"]


def small_portal(audience: str = "internal", public_pages: list[str] = ALL_SECTIONS) -> Portal:
    incidents = (
        _incident("inc-a", datetime(2025, 11, 10, 9, tzinfo=UTC), 0.5, "SEV1", {"api": "major_outage"},
                  commander="Cora Commander", users_affected=1234, runbooks=["rb-public"]),
        _incident("inc-b", datetime(2026, 2, 5, 9, tzinfo=UTC), 3, "SEV2", {"web": "partial_outage"}),
        _incident("inc-c", datetime(2026, 3, 1, 9, tzinfo=UTC), 1, "SEV3", {"db": "degraded_performance"},
                  visibility="internal", runbooks=["rb-internal"]),
    )
    postmortems = (
        _postmortem("pm-a", ["inc-a"], date(2025, 11, 12), PM_A_BODY, visibility="public",
                    tags=["Database", "failover"]),
        _postmortem("pm-b", ["inc-b"], date(2026, 2, 8), PM_B_BODY, visibility="public", tags=["api"],
                    status="draft"),
        _postmortem("pm-c", ["inc-c"], date(2026, 3, 3), PM_C_BODY),
    )
    runbooks = (
        _runbook("rb-public", date(2026, 1, 1), 30, visibility="public", components=["api"],
                 related=["rb-internal", "rb-fresh"]),
        _runbook("rb-fresh", date(2026, 3, 15), 90, visibility="public"),
        _runbook("rb-internal", date(2026, 3, 1), 30, components=["db"]),
    )
    config = SitrepConfig(components=COMPONENTS, audience=audience, public_pages=public_pages)
    return Portal(config=config, incidents=incidents, postmortems=postmortems,
                  runbooks=runbooks).for_audience(audience)


def pages_of(portal: Portal) -> dict[str, Page]:
    return {p.path: p for p in build_team_pages(portal_state(portal, NOW))}


def soup(page: Page) -> BeautifulSoup:
    return BeautifulSoup(page.text, "html.parser")


def listed_ids(page: Page) -> list[str]:
    return [li["id"].removeprefix("pm-") for li in soup(page).select("li.sr-pm-item")]


# --------------------------------------------------------------------------- postmortem library


def test_index_is_newest_first_and_in_nav() -> None:
    pages = pages_of(small_portal())
    index = pages["postmortems/index.md"]
    assert index.in_nav
    assert listed_ids(index) == ["pm-c", "pm-b", "pm-a"]
    # pm-b is public but a draft: not in the public edition until published
    assert listed_ids(pages_of(small_portal("public"))["postmortems/index.md"]) == ["pm-a"]
    # The typing filter reuses the history markup sitrep.js understands.
    s = soup(index)
    assert s.select_one(".sr-js-only[hidden] input[data-sr-filter]") is not None
    assert all(li.has_attr("data-sr-text") for li in s.select(".sr-hitem"))


def test_index_entry_shows_incident_severity_duration_status_tags_and_open_items() -> None:
    entry = soup(pages_of(small_portal())["postmortems/index.md"]).select_one("#pm-pm-a")
    text = entry.get_text(" ", strip=True)
    assert entry.select_one("h2 a")["href"] == "../postmortems/pm-a/"
    assert entry.select_one(".sr-pm-incidents a")["href"] == "../incidents/inc-a/"
    assert "SEV1" in text and "lasted 30 min" in text and "Published" in text
    assert [a.get_text() for a in entry.select(".sr-pm-tags a")] == ["Database", "failover"]
    assert entry.select_one(".sr-pm-tags a")["href"] == "../postmortems/tag/database/"
    assert "3 open action items (1 overdue)" in text
    assert "Ann Author" in text


def test_authors_are_internal_only() -> None:
    for page in pages_of(small_portal("public")).values():
        assert "Ann Author" not in page.text, page.path
    assert "Ann Author" in pages_of(small_portal())["postmortems/pm-a.md"].text


@pytest.mark.parametrize(("path", "expected"), [
    ("postmortems/year/2025/index.md", ["pm-a"]),
    ("postmortems/year/2026/index.md", ["pm-c", "pm-b"]),
    ("postmortems/severity/sev1/index.md", ["pm-a"]),
    ("postmortems/severity/sev3/index.md", ["pm-c"]),
    ("postmortems/component/web/index.md", ["pm-b"]),
    ("postmortems/component/db/index.md", ["pm-c"]),
    ("postmortems/tag/database/index.md", ["pm-a"]),
    ("postmortems/tag/api/index.md", ["pm-b"]),
])
def test_filter_pages_list_only_matching_postmortems(path: str, expected: list[str]) -> None:
    pages = pages_of(small_portal())
    assert listed_ids(pages[path]) == expected
    assert not pages[path].in_nav
    # every filter is linked from the library, and the current one is marked
    hrefs = [a["href"] for a in soup(pages["postmortems/index.md"]).select(".sr-pm-filters a")]
    assert "../" + url_of(path) in hrefs
    current = soup(pages[path]).select_one('.sr-pm-filters a[aria-current="page"]')
    assert current["href"] == "../" * url_of(path).count("/") + url_of(path)


def test_public_edition_has_no_filter_for_internal_only_values() -> None:
    pages = pages_of(small_portal("public"))
    assert "postmortems/component/db/index.md" not in pages
    assert "postmortems/severity/sev3/index.md" not in pages
    assert "postmortems/pm-c.md" not in pages


def test_postmortem_page_header_timeline_body_and_action_table() -> None:
    page = pages_of(small_portal())["postmortems/pm-a.md"]
    assert page.text.startswith("---\ntitle: \"Postmortem pm-a\"\n")
    s = soup(page)
    head = s.select_one(".sr-pm-page")
    assert head.select_one("h1").get_text() == "Postmortem pm-a"
    facts = head.select_one("dl.sr-facts").get_text(" ", strip=True)
    assert "SEV1" in facts and "30 min" in facts and "Ann Author" in facts and "Published" in facts
    incident = head.select_one("details.sr-pm-incident")
    assert incident.select_one("a")["href"] == "../../incidents/inc-a/"
    assert "Cora Commander" in incident.get_text() and "1234" in incident.get_text()
    assert [t["datetime"] for t in incident.select("ol.sr-updates time")] == \
        ["2025-11-10T09:30:00Z", "2025-11-10T09:00:00Z"]
    # the body sits between the markers, without its own H1
    body = page.text.split(BODY_START)[1].split(BODY_END)[0]
    assert "## Summary" in body and "# Postmortem A" not in body
    # the action items once, as a task list (not also as the body's raw list)
    assert "Fix the late thing" not in body
    rows = s.select("ul.task-list > li.sr-pm-action")
    cells = [tr.get_text(" ", strip=True) for tr in rows]
    assert cells[0] == "Fix the late thing Overdue by 30 days · Open · Owner: Olga Owner · Due: Mar 1, 2026"
    assert cells[1].startswith("Fix the future thing Open ·") and "Due: no date" in cells[2]
    assert " Done · " in cells[3] and rows[3].select_one("input").has_attr("checked")
    assert " Won't do · " in cells[4] and rows[4].select_one("del") is not None
    assert "sr-pm-is-overdue" in rows[0]["class"]


def test_postmortem_page_public_edition_hides_responders() -> None:
    text = pages_of(small_portal("public"))["postmortems/pm-a.md"].text
    assert "Cora Commander" not in text and "1234" not in text and "Ann Author" not in text


def test_body_links_to_absent_runbooks_become_text() -> None:
    internal = pages_of(small_portal())["postmortems/pm-a.md"].text
    public = pages_of(small_portal("public"))["postmortems/pm-a.md"].text
    assert "[internal one](../runbooks/rb-internal.md)" in internal
    assert "[public runbook](../runbooks/rb-public.md)" in public
    assert "rb-internal" not in public and "the internal one." in public


def test_postmortem_duration_is_how_long_its_incidents_were_open_together() -> None:
    """Overlapping incidents count once, a gap between them not at all (not the longest one alone)."""
    base = small_portal()
    first = _incident("inc-x", datetime(2025, 8, 19, 14, 2, tzinfo=UTC), 56 / 60, "SEV1", {"api": "major_outage"})
    second = _incident("inc-y", datetime(2025, 8, 19, 14, 10, tzinfo=UTC), 2 + 55 / 60, "SEV2",
                       {"web": "partial_outage"})  # 14:10-17:05
    later = _incident("inc-z", datetime(2025, 8, 20, 9, 0, tzinfo=UTC), 0.5, "SEV3", {"db": "degraded_performance"})
    pm = _postmortem("pm-x", ["inc-x", "inc-y", "inc-z"], date(2025, 8, 22), "## Summary\n\nText.\n")
    portal = Portal(config=base.config, incidents=(first, second, later), postmortems=(pm,), runbooks=())
    pages = pages_of(portal)
    facts = soup(pages["postmortems/pm-x.md"]).select_one("dl.sr-facts").get_text(" ", strip=True)
    assert "Duration 3 h 33 min" in facts  # 14:02-17:05 (3 h 3 min) + 30 min the next day
    entry = soup(pages["postmortems/index.md"]).select_one("#pm-pm-x").get_text(" ", strip=True)
    assert "lasted 3 h 33 min" in entry


# --------------------------------------------------------------------------- action items


def test_action_items_page_order_flags_and_owner_counts() -> None:
    page = pages_of(small_portal())["postmortems/action-items.md"]
    s = soup(page)
    rows = s.select(".sr-pm-actions tbody tr")
    texts = [tr.select("td")[1].get_text() for tr in rows]
    assert texts == [
        "Secret thing",         # open, overdue, due 2026-01-10
        "Very late thing",      # open, overdue, due 2026-02-15
        "Fix the late thing",   # open, overdue, due 2026-03-01
        "Later due thing",      # open, due 2026-04-15
        "Fix the future thing",  # open, due 2026-06-01
        "Think about it",       # open, no due date
        "Done thing",           # done
        "Dropped thing",        # won't do
    ]
    overdue = ["Overdue" in tr.select("td")[4].get_text() for tr in rows]
    assert overdue == [True, True, True, False, False, False, False, False]
    assert rows[0].select_one("a")["href"] == "../../postmortems/pm-c/"
    assert all(tr.has_attr("data-sr-text") and "sr-hitem" in tr["class"] for tr in rows)
    owners = {tr.select_one("th").get_text(): [td.get_text() for td in tr.select("td")]
              for tr in s.select(".sr-pm-owners tbody tr")}
    # open, overdue, done, won't do
    assert owners == {"Pat Person": ["3", "1", "1", "0"], "Olga Owner": ["2", "1", "0", "1"],
                      "Ivy Insider": ["1", "1", "0", "0"]}
    assert "6 open (3 overdue), 1 done, 1 won't do." in s.get_text()


def test_action_items_page_public_edition_only_published_public_postmortems() -> None:
    text = pages_of(small_portal("public"))["postmortems/action-items.md"].text
    assert "Secret thing" not in text and "Ivy Insider" not in text
    assert "Fix the late thing" in text and "Very late thing" not in text  # pm-b is a draft


def test_public_edition_publishes_no_team_section_by_default() -> None:
    public = pages_of(small_portal("public", public_pages=[]))
    assert sorted(p for p in public if not p.startswith("postmortems/")) == []
    assert "postmortems/action-items.md" not in public
    pm = public["postmortems/pm-a.md"].text
    assert "Action items status" not in pm and "action-items" not in pm and "open action item" not in pm
    assert "action-items" not in public["postmortems/index.md"].text
    assert "reports/" not in public["postmortems/index.md"].text
    internal = pages_of(small_portal("internal", public_pages=[]))
    assert {"postmortems/action-items.md", "runbooks/index.md", "reports/index.md"} <= set(internal)


PM_WITH_NOTES = """## Summary

A short outage.

## Follow-up Actions

- [x] Add a pool alert - Leo Lookout - 2026-01-23
- [ ] ~~Move to a proxy~~ - Dana Dropper - 2026-04-30

The proxy item was dropped after a talk with Dana Dropper.

## Lessons Learned

Alerts matter.
"""


def test_public_edition_drops_action_items_sections_with_their_prose() -> None:
    portal = small_portal("public", public_pages=[])
    pm = _postmortem("pm-a", ["inc-a"], date(2025, 11, 12), PM_WITH_NOTES, visibility="public")
    portal = Portal(config=portal.config, incidents=portal.incidents, postmortems=(pm,), runbooks=())
    public = pages_of(portal)["postmortems/pm-a.md"].text
    for hidden in ("Follow-up Actions", "Leo Lookout", "Dana Dropper", "Add a pool alert", "was dropped"):
        assert hidden not in public, hidden
    assert "A short outage." in public and "Alerts matter." in public
    # the internal edition keeps the section with its prose (the items themselves show once, in the table)
    internal_portal = Portal(config=small_portal("internal").config, incidents=portal.incidents,
                             postmortems=(pm,), runbooks=())
    internal = pages_of(internal_portal)["postmortems/pm-a.md"].text
    assert "The proxy item was dropped after a talk with Dana Dropper." in internal
    assert "Leo Lookout" in internal


# --------------------------------------------------------------------------- runbooks


def test_next_review() -> None:
    assert _runbook("x", date(2026, 1, 1), 30).next_review == date(2026, 1, 31)


def test_runbook_index_groups_stale_flags_and_review_dates() -> None:
    page = pages_of(small_portal())["runbooks/index.md"]
    assert page.in_nav
    s = soup(page)
    groups = {sec.select_one("h2").get_text(): [a.get_text() for a in sec.select("li > a")]
              for sec in s.select("section.sr-rb-group")}
    assert groups == {"API": ["Runbook rb-public"], "Database": ["Runbook rb-internal"],
                      "Not specific to a component": ["Runbook rb-fresh"]}
    items = {li.select_one("a").get_text(): li for li in s.select("li.sr-rb-item")}
    stale = items["Runbook rb-public"]
    assert "Stale" in stale.get_text() and "sr-rb-is-stale" in stale["class"]
    assert stale.select("time")[-1]["datetime"] == "2026-01-31"
    fresh = items["Runbook rb-fresh"]
    assert "Stale" not in fresh.get_text()
    assert fresh.select("time")[-1]["datetime"] == "2026-06-13"  # 2026-03-15 + 90 days
    # rb-internal: 2026-03-01 + 30 days = 2026-03-31 = today: not stale (stale means before today)
    assert "Stale" not in items["Runbook rb-internal"].get_text()


def test_runbook_page_header_body_incidents_and_related() -> None:
    pages = pages_of(small_portal("public"))
    page = pages["runbooks/rb-public.md"]
    s = soup(page)
    assert s.select_one(".sr-rb-warning") is not None and "Stale" in s.select_one(".sr-rb-warning").get_text()
    assert "Team Ops" in s.select_one("dl.sr-facts").get_text()
    assert [a["href"] for a in s.select(".sr-rb-incidents a")] == ["../../incidents/inc-a/"]
    # rb-internal is absent from the public edition: skipped, rb-fresh kept
    assert [a["href"] for a in s.select(".sr-rb-related a")] == ["../../runbooks/rb-fresh/"]
    assert "Steps for rb-public." in page.text.split(BODY_START)[1]
    internal = soup(pages_of(small_portal())["runbooks/rb-public.md"])
    assert [a["href"] for a in internal.select(".sr-rb-related a")] == ["../../runbooks/rb-internal/",
                                                                         "../../runbooks/rb-fresh/"]
    assert soup(pages["runbooks/rb-fresh.md"]).select_one(".sr-rb-warning") is None
    assert "runbooks/rb-internal.md" not in pages


# --------------------------------------------------------------------------- drop_links_to_absent


PRESENT = {"runbooks/a.md", "postmortems/p.md", "incidents/i.md"}


@pytest.mark.parametrize(("body", "source", "expected"), [
    ("See [A](a.md) and [B](b.md).", "runbooks/x.md", "See [A](a.md) and B."),
    ("See [A](../runbooks/a.md#step-2).", "postmortems/p.md", "See [A](../runbooks/a.md#step-2)."),
    ("See [B](../runbooks/b.md \"title\").", "postmortems/p.md", "See B."),
    ("[web](https://example.com/b.md) [top](#x) [abs](/b.md) ![img](b.md)", "runbooks/x.md",
     "[web](https://example.com/b.md) [top](#x) [abs](/b.md) ![img](b.md)"),
    ("Code `[B](b.md)` and [B](b.md)", "runbooks/x.md", "Code `[B](b.md)` and B"),
    ("```\n[B](b.md)\n```\n[B](b.md)\n", "runbooks/x.md", "```\n[B](b.md)\n```\nB\n"),
    ("[file](notes.txt)", "runbooks/x.md", "[file](notes.txt)"),
])
def test_drop_links_to_absent(body: str, source: str, expected: str) -> None:
    assert drop_links_to_absent(body, PRESENT, source) == expected


def test_drop_links_rebases_links_of_records_stored_elsewhere() -> None:
    moved = {"incidents/2026/i.md": "incidents/i.md", "runbooks/a.md": "runbooks/a.md",
             "incidents/2026/gone.md": "incidents/gone.md"}
    body = "[rb](../../runbooks/a.md#x) [i](i.md) [gone](gone.md) [other](../../runbooks/zz.md)"
    got = drop_links_to_absent(body, PRESENT, "incidents/i.md", repo_path="incidents/2026/i.md", moved=moved)
    assert got == "[rb](../runbooks/a.md#x) [i](i.md) gone other"


# --------------------------------------------------------------------------- the sample portal


@pytest.fixture(scope="module")
def sample() -> Portal:
    config = load_config(SAMPLE / "mkdocs.yml")
    portal, diags = load_portal(SAMPLE, config)
    assert not diags.has_errors
    return portal


SAMPLE_NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def _hrefs_resolve(pages: list[Page], others: list[Page], files: set[str]) -> None:
    """Every relative link of ``pages`` lands on a page (of either list) or a generated file."""
    urls = {url_of(p.path) for p in [*pages, *others]} | files
    for page in pages:
        base = url_of(page.path)
        for a in soup(page).select("a[href]"):
            href = a["href"].split("#")[0]
            if not href or re.match(r"^[a-z]+:", href):
                continue
            target = posixpath.normpath(posixpath.join(base, href))
            target = "" if target == "." else target + ("/" if href.endswith("/") else "")
            assert target in urls, f"{page.path}: {a['href']} -> {target}"


@pytest.mark.parametrize("audience", ["internal", "public"])
def test_sample_portal_pages_render_and_links_land(sample: Portal, audience: str) -> None:
    portal = with_config(sample, sample.config.model_copy(update={"audience": audience})).for_audience(audience)
    team = build_team_pages(portal_state(portal, SAMPLE_NOW))
    paths = [p.path for p in team]
    assert len(paths) == len(set(paths))
    assert {f"postmortems/{p.id}.md" for p in portal.postmortems} <= set(paths)
    assert {f"runbooks/{r.id}.md" for r in portal.runbooks} <= set(paths)
    index = {p.path: p for p in team}["postmortems/index.md"]
    dates = [t["datetime"] for t in soup(index).select("li.sr-pm-item .sr-hmeta time")]
    assert dates == sorted(dates, reverse=True) and len(dates) == len(portal.postmortems)
    files = set(metrics_file(portal_state(portal, SAMPLE_NOW))) | {"history.atom", "history.rss", "updates.atom",
                                                         "maintenance.ics", "api/v2/summary.json"}
    _hrefs_resolve(team, build_pages(portal_state(portal, SAMPLE_NOW)), files)
    # Markdown HTML blocks must not contain blank lines outside the embedded bodies.
    for page in team:
        outside = re.sub(re.escape(BODY_START) + ".*?" + re.escape(BODY_END), "", page.text, flags=re.S)
        for block in outside.split("---\n", 2)[-1].split("\n\n"):
            block = block.strip()
            assert not block.startswith("</"), (page.path, block[:200])
            if block.startswith(("<div", "<section")):
                assert block.endswith(("</div>", "</section>")), (page.path, block[-200:])


def test_build_is_deterministic(sample: Portal) -> None:
    def rendered() -> list[tuple[str, str, bool]]:
        return [(p.path, p.text, p.in_nav) for p in build_team_pages(portal_state(sample, SAMPLE_NOW))]

    assert rendered() == rendered()
