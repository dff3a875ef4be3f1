"""Whether action items are closed on time, and how long they take: the closing date an item's line gives.

The date is read by the one parser (every form the due date has), checked by ``sitrep validate`` (on an open
item, not a date, before the incident started, after the day of the check), and turned into the share
closed on time and the time to close on the action-items page, the reports, ``sitrep report`` and
metrics.json, of a handcrafted portal built for real by MkDocs at 2026-03-01T12:00Z whose answers are
worked out by hand below; and the page in Chromium at phone and desktop width.
"""

from __future__ import annotations

import functools
import json
import os
import tempfile
from datetime import date
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from click.testing import CliRunner

from sitrep.cli import main
from sitrep.derive.action_items import action_rows, summarize
from sitrep.text.postmortem import ActionItem, Section, parse_action_items
from tests import test_action_items_followup as followup
from tests.support.helpers_build import (
    CHROMIUM,
    INC,
    INCIDENT,
    RB,
    RUNBOOK,
    SMALL_NOW,
    SMALL_NOW_EPOCH,
    load,
    serve,
    visitor_page,
    write_portal,
)
from tests.support.sitebuild import mkdocs_build


def parse(lines: str) -> tuple[list[ActionItem], list[tuple[int, str, str]]]:
    items, problems = parse_action_items(Section("Action Items", "action_items", 10, lines))
    return items, [(p.line, p.level, p.code) for p in problems]


# --------------------------------------------------------------------------- the parser


@pytest.mark.parametrize(("line", "due", "closed"), [
    # the dash form, as `sitrep new postmortem` suggests it
    ("- [x] Alert on queue lag - @ana - due 2026-11-30 - done 2026-11-28", date(2026, 11, 30), date(2026, 11, 28)),
    ("- [x] Alert on queue lag - Ana Silva - 2026-11-30 - done 2026-11-28", date(2026, 11, 30), date(2026, 11, 28)),
    ("- [x] Alert on queue lag - Ana Silva - 2026-11-30 -- closed on Nov 28, 2026", date(2026, 11, 30),
     date(2026, 11, 28)),
    ("- [x] Alert on queue lag \u2013 Ana Silva \u2013 2026-11-30 \u2013 completed 28 November 2026",
     date(2026, 11, 30), date(2026, 11, 28)),
    ("- [x] Alert on queue lag - done 2026-11-28 - Ana Silva - 2026-11-30", date(2026, 11, 30), date(2026, 11, 28)),
    # labels, as the seeds' template writes owner and due
    ("- [x] Alert on queue lag - Owner: Ana - Due: 2026-11-30 - Done: 2026-11-28", date(2026, 11, 30),
     date(2026, 11, 28)),
    ("- [x] Alert on queue lag - **Owner:** Ana, **Due:** 2026-11-30, **Closed:** 2026/11/28", date(2026, 11, 30),
     date(2026, 11, 28)),
    # inside the leading (or trailing) parenthesis
    ("- [x] (@ana, Due: 2026-11-30, done 2026-11-28) Alert on queue lag", date(2026, 11, 30), date(2026, 11, 28)),
    ("- [x] Alert on queue lag (@ana, due Nov 30, 2026, closed Nov 28, 2026)", date(2026, 11, 30),
     date(2026, 11, 28)),
    # a dated done status
    ("- [ ] Alert on queue lag - Owner: Ana - Due: 2026-11-30 - Status: Done 2026-11-28", date(2026, 11, 30),
     date(2026, 11, 28)),
    # no closing date: old items stay done, undated
    ("- [x] Alert on queue lag - Ana Silva - 2026-11-30", date(2026, 11, 30), None),
    ("- [x] Alert on queue lag - Ana Silva - 2026-11-30 - done YYYY-MM-DD", date(2026, 11, 30), None),
])
def test_closing_date_is_read_in_every_form_the_due_date_has(line: str, due: date, closed: date | None) -> None:
    items, problems = parse(line)
    assert problems == []
    assert [(i.text, i.due, i.state, i.closed) for i in items] == [("Alert on queue lag", due, "done", closed)]


def test_closing_date_in_a_table_column_or_a_dated_status_cell() -> None:
    items, problems = parse(
        "| Action | Owner | Due | Status | Closed on |\n"
        "|---|---|---|---|---|\n"
        "| Alert on lag | Ana | 2026-11-30 | Done | 2026-11-28 |\n"
        "| Add a runbook | Leo | 2026-11-30 | Done (2026-12-01) | |\n"
        "| Old item | Leo | 2026-11-30 | Done | |\n"
    )
    assert problems == []
    assert [(i.text, i.closed) for i in items] == [
        ("Alert on lag", date(2026, 11, 28)), ("Add a runbook", date(2026, 12, 1)), ("Old item", None)]


def test_words_that_only_look_like_a_closing_date_are_left_alone() -> None:
    items, problems = parse(
        "- [ ] Plan the migration - Leo - done by 2026-03-01\n"          # "done by" is a deadline
        "- [x] Rollback is done - Leo - 2026-03-01\n"                    # "done" in the action
        "- [ ] Investigate the done 2026-01-01 regression - Leo - 2026-03-01\n"
        "- [x] Ship it - Leo - 2026-03-01 (PR #12 closed)\n"
    )
    assert [(i.text, i.state, i.closed) for i in items] == [
        ("Plan the migration", "open", None),
        ("Rollback is done", "done", None),
        ("Investigate the done 2026-01-01 regression", "open", None),
        ("Ship it", "done", None),
    ]
    assert not [p for p in problems if "closed" in p[2] or p[2] == "action-item-bad-date"]


def test_closing_date_problems_on_the_items_line() -> None:
    items, problems = parse(
        "- [ ] Alert on lag - Ana - 2026-11-30 - done 2026-11-28\n"   # open, yet closed
        "- [x] Add a runbook - Ana - 2026-11-30 - done 2026-02-30\n"  # no such day
        "- [x] Add a probe - Ana - 2026-11-30 - done 03/04/2026\n"    # ambiguous
        "- [x] Add a probe 2 - Ana - 2026-11-30 - Done: next week\n"  # not a date
        "- [~] Rewrite it - Ana - done 2026-11-20\n"                  # dropped, with its day: fine
    )
    assert problems == [
        (11, "error", "action-item-closed-open"),
        (12, "error", "action-item-bad-date"),
        (13, "error", "action-item-bad-date"),
        (14, "error", "action-item-bad-date"),
    ]
    assert items[0].closed is None  # an open item has no closing date
    assert items[4].state == "wont_do" and items[4].closed == date(2026, 11, 20)


# --------------------------------------------------------------------------- sitrep validate

PM_CHECKS = "postmortems/2026-02-12-checks.md"
PM_CHECKS_TEXT = """\
---
title: Closing dates to check
incidents: [2026-02-10-api-errors]
date: 2026-02-12
authors: [Priya Raman]
status: draft
---
## Action Items
- [ ] Add a canary stage - Owner: Marco Bianchi - Due: 2026-02-19 - Done: 2026-02-18
- [x] Alert on publish errors - Marco Bianchi - 2026-02-15 - done 2026-02-30
- [x] Roll back automatically - Priya Raman - 2026-02-20 - done 2026-02-09
- [x] Write the upgrade checklist - Ana Silva - 2026-02-20 - done 2026-03-05
- [x] Review the library changelog - Ana Silva - 2026-02-20
- [x] Add fixtures - Ana Silva - 2026-02-20 - done 2026-02-10
"""


def _validate(root: Path, monkeypatch) -> tuple[int, list[str]]:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(SMALL_NOW_EPOCH))  # now: 2026-03-01T12:00Z
    result = CliRunner().invoke(main, ["validate", "-f", str(root / "mkdocs.yml"), "--format", "text", "-j", "1"])
    return result.exit_code, [ln for ln in result.output.splitlines() if ln.startswith(PM_CHECKS)]


def test_sitrep_validate_names_file_line_and_fix_of_each_closing_date(tmp_path: Path, monkeypatch) -> None:
    root = write_portal(tmp_path / "p", {INC: INCIDENT, RB: RUNBOOK, PM_CHECKS: PM_CHECKS_TEXT})
    code, lines = _validate(root, monkeypatch)
    assert code == 1
    assert lines == [
        f"{PM_CHECKS}:9: error: action item \"Add a canary stage\" is open but says it was closed on 2026-02-18: "
        "if it is done, tick its box (\"- [x]\") or set its status to Done; if not, remove the closing date "
        "[action-item-closed-open]",
        f"{PM_CHECKS}:10: error: action item \"Alert on publish errors\" has closing date \"2026-02-30\", which "
        "does not exist: write the day it was closed in the form YYYY-MM-DD, e.g. \"- done 2026-03-08\" "
        "[action-item-bad-date]",
        # the incident started 2026-02-10T14:30Z: the 9th is before it, the 10th is its day
        f"{PM_CHECKS}:11: error: action item closed on 2026-02-09, before the incident it follows up started "
        "(2026-02-10-api-errors, 2026-02-10, UTC): write the day the item was done, on or after 2026-02-10 "
        "(check the year) [closed-before-start]",
        f"{PM_CHECKS}:12: warning: action item \"Write the upgrade checklist\" was closed on 2026-03-05, which is "
        "after today (2026-03-01, UTC, the day of the check): write the day it was done, e.g. \"- done "
        "2026-03-01\" [future-time]",
    ]
    # a warm run reads the findings from the cache and still compares with the incident's start
    assert _validate(root, monkeypatch) == (code, lines)
    assert (root / ".sitrep-cache").is_dir()


def test_done_items_without_a_closing_date_are_valid(tmp_path: Path, monkeypatch) -> None:
    text = PM_CHECKS_TEXT.split("## Action Items\n")[0] + (
        "## Action Items\n- [x] Review the library changelog - Ana Silva - 2026-02-20\n"
        "- [x] Roll back automatically - Priya Raman - 2026-02-20 - done 2026-02-10\n")
    root = write_portal(tmp_path / "p", {INC: INCIDENT, RB: RUNBOOK, PM_CHECKS: text})
    assert _validate(root, monkeypatch) == (0, [])


# --------------------------------------------------------------------------- the figures

PM_API = followup.PM_API
# The follow-up tests' published postmortem, with action items closed in every form the date takes.
PM_API_TEXT = followup.PM_API_TEXT.split("## Action Items")[0] + """\
## Action Items
- [x] Add a canary stage - Owner: Marco Bianchi - Due: 2026-02-19 - Done: 2026-02-18
- [x] Alert on publish errors - Marco Bianchi - 2026-02-15 - done 2026-02-20
- [x] (@priya, Due: 2026-02-20, done 2026-02-11) Roll back automatically on errors
- [x] Write the upgrade checklist - Owner: Ana Silva - done 2026-02-26
- [x] Review the library changelog - Owner: Ana Silva - Due: 2026-02-20
- [ ] Add pre-2023 fixtures - Owner: Ana Silva - Due: 2026-03-10
- [~] Rewrite the client - Owner: Marco Bianchi - done 2026-02-14
"""

PM_CACHE = "postmortems/2026-02-14-editor-cache.md"
PM_CACHE_TEXT = """\
---
title: Editor cache review
incidents: [2026-02-10-api-errors]
date: 2026-02-14
authors: [Ana Silva]
status: draft
---
## Summary
The editor cache was undersized.

## Action Items

| Action | Owner | Due Date | Status | Closed on |
|---|---|---|---|---|
| Add an editor latency alert | Ana Silva | 2026-02-21 | Done | 2026-02-21 |
| Load test the editor | Ana Silva | 2026-02-20 | Done | 2026-03-01 |
| Plan the cache capacity | Marco Bianchi | 2026-02-28 | Done | |
"""

FILES = {INC: INCIDENT, RB: RUNBOOK, PM_API: PM_API_TEXT, PM_CACHE: PM_CACHE_TEXT}

# Worked out by hand (days to close = closing date - postmortem date, 0 if before; on time = closed <= due):
#   api-errors (2026-02-12): canary 02-18 due 02-19 -> 6 days, on time; alert 02-20 due 02-15 -> 8, late;
#     rollback 02-11 due 02-20 -> 0 (before the postmortem), on time; checklist 02-26, no due -> 14, not judged;
#     changelog: done, no closing date; fixtures: open; rewrite: won't do (its date is not timed).
#   editor-cache (2026-02-14): latency 02-21 due 02-21 -> 7, on time (on the day); load test 03-01 due 02-20
#     -> 15, late; capacity: done, no closing date.
# Done 8: dated 6 (0, 6, 7, 8, 14, 15), undated 2. With a due date 5, on time 3: 60%.
# Median of 6 values: (7 + 8) / 2 = 7.5 days; p90 nearest rank ceil(0.9 * 6) = 6th = 15 days.
# Per owner (by name): Ana Silva: done 4 (checklist 14, changelog undated, latency 7 on time, load test 15
#   late): 1 of 2 on time = 50%, median of 7, 14, 15 = 14, p90 rank 3 = 15. Marco Bianchi: done 3 (canary 6
#   on time, alert 8 late, capacity undated): 1 of 2 = 50%, median 7, p90 rank 2 = 8. priya: done 1
#   (rollback 0, on time): 1 of 1 = 100%, median 0, p90 0.
TOTALS = {"done": 8, "dated": 6, "undated": 2, "with_due": 5, "on_time": 3, "on_time_share": 0.6,
          "median_days_to_close": 7.5, "p90_days_to_close": 15}


@functools.cache
def built(audience: str) -> Path:
    """The handcrafted portal built once per process by a real ``mkdocs build --strict``."""
    root = write_portal(Path(tempfile.mkdtemp(prefix=f"sitrep-closing-{audience}-")) / "portal", FILES)
    with (root / "mkdocs.yml").open("a", encoding="utf-8") as config:
        config.write("      audience: !ENV [SITREP_AUDIENCE, public]\n")
    result = mkdocs_build(root, root / "site", audience, epoch=SMALL_NOW_EPOCH)
    assert result.returncode == 0, result.stdout + result.stderr
    return root / "site"


def cells(table) -> list[list[str]]:
    return [[c.get_text(" ", strip=True) for c in tr.find_all(["th", "td"])] for tr in table.select("tbody tr")]


def test_derived_figures_match_the_hand_count(tmp_path: Path) -> None:
    portal, diags = load(write_portal(tmp_path / "p", FILES))
    assert not diags.has_errors, diags.render()
    summary = summarize(action_rows(portal.postmortems, SMALL_NOW.date()))
    c = summary.closing
    assert {k: getattr(c, k) for k in TOTALS} == TOTALS
    owners = {o.owner: (o.closing.done, o.closing.undated, o.closing.on_time, o.closing.with_due,
                        o.closing.median_days_to_close, o.closing.p90_days_to_close) for o in summary.by_owner}
    assert owners == {"Ana Silva": (4, 1, 1, 2, 14.0, 15), "Marco Bianchi": (3, 1, 1, 2, 7.0, 8),
                      "priya": (1, 0, 1, 1, 0.0, 0)}


def test_action_items_page_gives_and_defines_the_figures() -> None:
    html = (built("internal") / "postmortems/action-items/index.html").read_text(encoding="utf-8")
    s = BeautifulSoup(html, "html.parser")
    figures = [li.get_text(" ", strip=True) for li in s.select(".sr-pm-closing-figures li")]
    assert figures == [
        "Closed on time: 60% (3 of 5 done items with a closing date and a due date)",
        "Time to close: median 7.5 days , 90th percentile 15 days (6 done items with a closing date)",
        "No closing date: 2 of 8 done items, counted but not timed",
    ]
    assert cells(s.select_one(".sr-pm-closing-owners table")) == [
        ["Ana Silva", "4", "1", "50% (1 of 2)", "14 days", "15 days"],
        ["Marco Bianchi", "3", "1", "50% (1 of 2)", "7 days", "8 days"],
        ["priya", "1", "0", "100% (1 of 1)", "0 days", "0 days"],
    ]
    text = s.get_text(" ", strip=True)
    assert ("Closed on time is the share of done items closed on or before their due date, of the done items "
            "that have both a closing date and a due date.") in text
    assert "Time to close counts whole days from the postmortem's date to the item's closing date" in text
    assert "(an item closed before the postmortem was written counts 0 days)" in text
    assert "done items without one are counted as having no closing date and left out of both figures" in text
    # each item's row says the day it was closed; the others read as before
    rows = {tr.select("td")[1].get_text(strip=True): tr.select("td")[4].get_text(" ", strip=True)
            for tr in s.select(".sr-pm-actions tbody tr")}
    assert rows["Alert on publish errors"] == "Done · closed Feb 20, 2026"
    assert rows["Review the library changelog"] == "Done"
    assert rows["Rewrite the client"] == "Won't do · closed Feb 14, 2026"


def test_postmortem_page_lists_the_closing_day_of_its_items() -> None:
    html = (built("internal") / "postmortems/2026-02-12-api-errors/index.html").read_text(encoding="utf-8")
    items = [li.get_text(" ", strip=True) for li in BeautifulSoup(html, "html.parser").select(".sr-pm-tasks li")]
    assert items[0].endswith("Owner: Marco Bianchi · Due: Feb 19, 2026 · Closed: Feb 18, 2026")
    assert items[4].endswith("Owner: Ana Silva · Due: Feb 20, 2026")


def test_report_and_metrics_json_give_the_same_figures() -> None:
    site = built("internal")
    section = BeautifulSoup((site / "reports/index.html").read_text(encoding="utf-8"), "html.parser") \
        .select_one("#action-items")
    text = section.get_text(" ", strip=True)
    assert ("Closed on time: 60% (3 of 5 done items with a closing date and a due date). Time to close: median "
            "7.5 days , 90th percentile 15 days (6 done items with a closing date). No closing date: 2 of 8 done "
            "items.") in text
    assert "Closed on time is the share of done items closed on or before their due date" in text
    data = json.loads((site / "reports/metrics.json").read_text(encoding="utf-8"))
    assert data["action_items"]["closing"] == TOTALS
    by_owner = {o["owner"]: o["closing"]["on_time_share"] for o in data["action_items"]["by_owner"]}
    assert by_owner == {"Ana Silva": 0.5, "Marco Bianchi": 0.5, "priya": 1.0}
    item = next(i for i in data["action_items"]["items"] if i["text"] == "Load test the editor")
    assert (item["closed"], item["days_to_close"], item["on_time"]) == ("2026-03-01", 15, False)
    assert "Time to close counts whole days" in data["definitions"]["action_items"]


def test_sitrep_report_prints_them(tmp_path: Path, monkeypatch) -> None:
    root = write_portal(tmp_path / "p", FILES)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(SMALL_NOW_EPOCH))
    result = CliRunner().invoke(main, ["report", "-f", str(root / "mkdocs.yml")])
    assert result.exit_code == 0, result.output
    assert ("  closed on time 60% (3 of 5 with a closing and a due date); time to close median 7.5 days, p90 15 days "
            "(6 with a closing date); no closing date: 2 of 8 done") in result.output.splitlines()


def test_public_edition_shows_none_of_it() -> None:
    site = built("public")
    assert not (site / "postmortems/action-items").exists()
    page = (site / "postmortems/2026-02-12-api-errors/index.html").read_text(encoding="utf-8")
    assert "Closed on time" not in page and "Closed: Feb" not in page and "Marco Bianchi" not in page


# --------------------------------------------------------------------------- in Chromium

_SIDEWAYS = """() => [...document.querySelectorAll('.md-content *')]
  .filter(e => e.checkVisibility() && e.scrollWidth > e.clientWidth + 1
               && ['auto', 'scroll'].includes(getComputedStyle(e).overflowX))
  .map(e => e.tagName + '.' + e.className)"""


@pytest.mark.slow
@pytest.mark.browser
@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed (.ci/run installs it)")
@pytest.mark.parametrize("width", [390, 1280])
def test_closing_figures_in_chromium_fit_the_width(browser, tmp_path: Path, width: int) -> None:
    shots = Path(os.environ.get("SITREP_SCREENSHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    with serve(built("internal")) as url, visitor_page(browser, url, width=width, height=900) as page:
        page.goto(url + "postmortems/action-items/")
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        assert page.evaluate(_SIDEWAYS) == []  # no table scrolls sideways either
        figures = page.locator(".sr-pm-closing-figures")
        assert figures.is_visible() and "Closed on time: 60%" in figures.inner_text()
        owners = page.locator(".sr-pm-closing-owners tbody tr").first
        assert owners.is_visible() and "Ana Silva" in owners.inner_text()
        page.locator("#closing").scroll_into_view_if_needed()
        page.screenshot(path=str(shots / f"action-items-closing-{width}.png"), full_page=True)
        assert page.errors == []
