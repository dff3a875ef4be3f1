"""What an engineering manager chasing postmortem follow-ups reads on the action-items page.

A handcrafted portal built for real with MkDocs (internal edition) at 2026-03-01T12:00Z, with items
overdue, due today, done, won't do, without a due date and without an owner; the figures on the page,
the report's completion rate (one rule), the public edition (none of it), and the page in Chromium at
phone and desktop width, light and dark (nothing scrolls sideways on a phone).
"""

from __future__ import annotations

import functools
import os
import tempfile
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from sitrep.derive.action_items import action_rows, completion_rate, most_overdue_first, postmortem_counts
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

PM_API = "postmortems/2026-02-12-api-errors.md"
PM_API_TEXT = """\
---
title: Publishing API errors
incidents: [2026-02-10-api-errors]
date: 2026-02-12
authors: [Priya Raman]
status: published
visibility: public
---
## Summary
A release broke publishing for 35 minutes.

## Impact
About 18% of publish requests failed.

## Timeline
- 14:28 UTC: release deployed.

## Root Cause
A library upgrade changed how empty custom fields are read.

## Resolution
We rolled back to the previous release.

## Lessons Learned
Canary releases would have caught this.

## Action Items
- [ ] Add a canary stage for releases - Owner: Marco Bianchi - Due: 2026-02-19
- [ ] Alert on the publish error rate - Owner: Marco Bianchi - Due: 2026-03-01
- [x] Roll back automatically on errors - Owner: Priya Raman - Due: 2026-02-20
- [ ] Write the library upgrade checklist - Owner: Ana Silva
"""

PM_CACHE = "postmortems/2026-02-14-editor-cache.md"
PM_CACHE_TEXT = """\
---
title: Editor cache review
incidents: [2026-02-10-api-errors]
date: 2026-02-14
authors: [Ana Silva]
status: draft
visibility: internal
---
## Summary
The editor cache was undersized.

## Action Items
- [ ] Plan the cache capacity for peak hours - Due: 2026-02-28
- [ ] Load test the editor before releases - Owner: Ana Silva - Due: 2026-02-28
- [x] Add an editor latency alert - Owner: Ana Silva
- [~] Rewrite the editor cache layer - Owner: Marco Bianchi
"""

FILES = {INC: INCIDENT, RB: RUNBOOK, PM_API: PM_API_TEXT, PM_CACHE: PM_CACHE_TEXT}


#: Material's palette following the visitor's light or dark setting (as the sample portal has it).
PALETTE = """\
  palette:
    - media: "(prefers-color-scheme: light)"
      scheme: default
      toggle:
        icon: material/brightness-7
        name: Switch to dark mode
    - media: "(prefers-color-scheme: dark)"
      scheme: slate
      toggle:
        icon: material/brightness-4
        name: Switch to light mode
"""


@functools.cache
def built(audience: str) -> Path:
    """The handcrafted portal built once per process by a real ``mkdocs build --strict``."""
    root = write_portal(Path(tempfile.mkdtemp(prefix=f"sitrep-actions-{audience}-")) / "portal", FILES)
    config = (root / "mkdocs.yml").read_text(encoding="utf-8")  # the edition and dark mode, as a team's own has them
    config = config.replace("  language: en\n", "  language: en\n" + PALETTE, 1)
    (root / "mkdocs.yml").write_text(config + "      audience: !ENV [SITREP_AUDIENCE, public]\n", encoding="utf-8")
    result = mkdocs_build(root, root / "site", audience, epoch=SMALL_NOW_EPOCH)
    assert result.returncode == 0, result.stdout + result.stderr
    return root / "site"


def page_soup() -> BeautifulSoup:
    html = (built("internal") / "postmortems/action-items/index.html").read_text(encoding="utf-8")
    return BeautifulSoup(html, "html.parser")


def cells(table) -> list[list[str]]:
    return [[c.get_text(" ", strip=True) for c in tr.find_all(["th", "td"])] for tr in table.select("tbody tr")]


# --------------------------------------------------------------------------- derived once, in derive/


def test_days_overdue_counts_days_past_the_due_date_and_today_is_not_overdue(tmp_path: Path) -> None:
    portal, diags = load(write_portal(tmp_path / "p", FILES))
    assert not diags.has_errors, diags.render()
    rows = action_rows(portal.postmortems, SMALL_NOW.date())
    by_text = {r.text: r for r in rows}
    assert by_text["Add a canary stage for releases"].days_overdue == 10  # due 2026-02-19, today 2026-03-01
    assert by_text["Load test the editor before releases"].days_overdue == 1  # due yesterday
    today = by_text["Alert on the publish error rate"]
    assert (today.overdue, today.days_overdue) == (False, None)  # due today: not overdue yet
    assert by_text["Write the library upgrade checklist"].days_overdue is None  # no due date
    assert by_text["Roll back automatically on errors"].days_overdue is None  # done, though its date passed
    assert [r.text for r in most_overdue_first(rows)] == [
        "Add a canary stage for releases", "Plan the cache capacity for peak hours",
        "Load test the editor before releases"]
    counts = {c.postmortem_id: (c.open, c.overdue, c.done, c.wont_do) for c in postmortem_counts(rows)}
    assert counts == {"2026-02-12-api-errors": (3, 1, 1, 0), "2026-02-14-editor-cache": (2, 2, 1, 1)}
    assert completion_rate(5, 2) == pytest.approx(2 / 7)
    assert completion_rate(0, 0) is None


# --------------------------------------------------------------------------- the built page


def test_overdue_list_most_days_overdue_first_with_owner_due_and_postmortem() -> None:
    s = page_soup()
    overdue = cells(s.select_one(".sr-pm-overdue-list table"))
    assert overdue == [
        ["10 days", "Add a canary stage for releases", "Marco Bianchi", "Feb 19, 2026", "Publishing API errors"],
        ["1 day", "Plan the cache capacity for peak hours", "—", "Feb 28, 2026", "Editor cache review"],
        ["1 day", "Load test the editor before releases", "Ana Silva", "Feb 28, 2026", "Editor cache review"],
    ]
    assert "3 open items past their due date, most days overdue first." in s.get_text(" ", strip=True)
    link = s.select_one(".sr-pm-overdue-list tbody tr a")
    assert link["href"].rstrip("/").endswith("postmortems/2026-02-12-api-errors")


def test_all_items_say_how_many_days_overdue_and_due_today_is_open() -> None:
    s = page_soup()
    rows = {tr.select("td")[1].get_text(strip=True): tr.select("td")[4].get_text(" ", strip=True)
            for tr in s.select(".sr-pm-actions tbody tr")}
    assert rows["Add a canary stage for releases"] == "Overdue by 10 days · Open"
    assert rows["Load test the editor before releases"] == "Overdue by 1 day · Open"
    assert rows["Alert on the publish error rate"] == "Open"
    assert rows["Write the library upgrade checklist"] == "Open"
    assert rows["Roll back automatically on errors"] == "Done"
    assert rows["Rewrite the editor cache layer"] == "Won't do"
    order = list(rows)
    assert order[:3] == ["Add a canary stage for releases", "Plan the cache capacity for peak hours",
                         "Load test the editor before releases"]  # the all-items list: overdue first too


def test_counts_per_owner_and_per_postmortem() -> None:
    s = page_soup()
    # open, overdue, done, won't do; most overdue first, then most open
    assert cells(s.select_one(".sr-pm-owners table")) == [
        ["Ana Silva", "2", "1", "1", "0"],
        ["Marco Bianchi", "2", "1", "0", "1"],
        ["(unassigned)", "1", "1", "0", "0"],
        ["Priya Raman", "0", "0", "1", "0"],
    ]
    assert cells(s.select_one(".sr-pm-by-postmortem table")) == [
        ["Editor cache review", "2", "2", "1", "1"],
        ["Publishing API errors", "3", "1", "1", "0"],
    ]


def test_totals_completion_rate_and_every_rule_stated_on_the_page() -> None:
    text = page_soup().get_text(" ", strip=True)
    assert "5 open (3 overdue), 2 done, 1 won't do. Completion rate: 29%." in text  # 2 / (5 + 2)
    assert "due date is before today (the day of the build, UTC)" in text
    assert "an item due yesterday is 1 day overdue and one due today is not overdue" in text
    assert "Completion rate is done divided by open plus done" in text
    assert "The reliability reports use the same rule." in text
    # no item here gives a closing date: the timing figures say so instead of guessing
    assert "Closed on time: — (no done item has both a closing date and a due date)" in text
    assert "No closing date: 2 of 2 done items, counted but not timed" in text
    assert "Time to close counts whole days from the postmortem's date to the item's closing date" in text


def test_report_completion_rate_matches_the_page() -> None:
    html = (built("internal") / "reports/index.html").read_text(encoding="utf-8")
    section = BeautifulSoup(html, "html.parser").select_one("#action-items")
    assert cells(section.select_one("table")) == [["8", "5", "3", "2", "1", "29%", "17 days"]]
    assert "Completion rate is done divided by open plus done" in section.get_text(" ", strip=True)


def test_public_edition_shows_none_of_it() -> None:
    site = built("public")
    assert not (site / "postmortems/action-items").exists()
    assert (site / "postmortems/2026-02-12-api-errors/index.html").is_file()
    needles = ("Overdue by", "days overdue", "Marco Bianchi", "Add a canary stage", "Completion rate",
               "Editor cache review", "By postmortem")
    found = sorted({(p.relative_to(site).as_posix(), n) for p in site.rglob("*") if p.is_file()
                    and p.suffix in (".html", ".xml", ".json", ".ics", ".txt", ".svg")
                    for n in needles if n in p.read_text(encoding="utf-8", errors="ignore")})
    assert found == []


# --------------------------------------------------------------------------- in Chromium

_SIDEWAYS = """() => [...document.querySelectorAll('.md-content *')]
  .filter(e => e.checkVisibility() && e.scrollWidth > e.clientWidth + 1
               && ['auto', 'scroll'].includes(getComputedStyle(e).overflowX))
  .map(e => e.tagName + '.' + e.className)"""


@pytest.mark.slow
@pytest.mark.browser
@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed (.ci/run installs it)")
@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [390, 1280])
def test_page_in_chromium_fits_the_width_in_both_schemes(browser, tmp_path: Path, width: int, scheme: str) -> None:
    shots = Path(os.environ.get("SITREP_SCREENSHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    with serve(built("internal")) as url, visitor_page(browser, url, width=width, height=900) as page:
        page.emulate_media(color_scheme=scheme)
        page.goto(url + "postmortems/action-items/")
        assert page.evaluate("document.body.dataset.mdColorScheme") == ("slate" if scheme == "dark" else "default")
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        assert page.evaluate(_SIDEWAYS) == []  # no table scrolls sideways either
        first = page.locator(".sr-pm-overdue-list tbody tr").first
        assert first.is_visible() and "10 days" in first.inner_text()
        page.screenshot(path=str(shots / f"action-items-{width}-{scheme}.png"), full_page=True)
        assert page.errors == []


@pytest.mark.slow
@pytest.mark.browser
@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed (.ci/run installs it)")
@pytest.mark.parametrize("width", [390, 1280])
def test_filter_narrows_overdue_and_all_items_to_one_owner(browser, width: int) -> None:
    """With JavaScript, typing an owner's name leaves their rows (overdue ones first); without it all show."""
    with serve(built("internal")) as url, visitor_page(browser, url, width=width, height=900) as page:
        page.goto(url + "postmortems/action-items/")
        shown = "rows => rows.filter(r => r.checkVisibility()).map(r => r.cells[1].innerText.trim())"
        page.get_by_label("Filter items").fill("marco")
        assert page.locator(".sr-pm-overdue-list tbody tr").evaluate_all(shown) == ["Add a canary stage for releases"]
        assert page.locator(".sr-pm-actions tbody tr").evaluate_all(shown) == [
            "Add a canary stage for releases", "Alert on the publish error rate", "Rewrite the editor cache layer"]
        assert page.locator("[data-sr-filter-result]").inner_text() == "4 of 11 rows match \u201cmarco\u201d."
        page.get_by_label("Filter items").fill("")
        assert len(page.locator(".sr-pm-actions tbody tr").evaluate_all(shown)) == 8
        assert page.errors == []
    with serve(built("internal")) as url, browser.new_context(java_script_enabled=False) as context:
        page = context.new_page()
        page.goto(url + "postmortems/action-items/")
        assert not page.get_by_label("Filter items").is_visible()
        assert page.locator(".sr-pm-overdue-list tbody tr").count() == 3


# --------------------------------------------------------------------------- sitrep report


@pytest.mark.parametrize(("closed", "expected"), [
    (False, "Action items: 5 open (3 overdue), 2 done, 1 won't do; completion 29%; median age of open items 17 days"),
    (True, "Action items: 0 open (0 overdue), 7 done, 1 won't do; completion 100%; median age of open items —"),
])
def test_sitrep_report_prints_the_pages_figures(tmp_path: Path, monkeypatch, closed: bool, expected: str) -> None:
    """The terminal report gives the page's counts and completion rate, also once every item is closed."""
    from click.testing import CliRunner

    from sitrep.cli import main

    files = {k: v.replace("- [ ]", "- [x]") if closed else v for k, v in FILES.items()}
    root = write_portal(tmp_path / "p", files)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(SMALL_NOW_EPOCH))
    result = CliRunner().invoke(main, ["report", "-f", str(root / "mkdocs.yml")])
    assert result.exit_code == 0, result.output
    assert expected in result.output.splitlines()


def test_a_draft_with_only_placeholder_items_links_to_no_missing_section(tmp_path: Path) -> None:
    """A first postmortem draft (`sitrep new postmortem`: placeholder items only) has no owner or postmortem
    to count: the page's jump links name only the sections it has (the PR check's link check failed)."""
    draft = PM_CACHE_TEXT.split("## Action Items")[0] + (
        "## Action Items\n- [ ] [Action] - Owner - YYYY-MM-DD\n- [ ] [Action] - Owner - YYYY-MM-DD\n")
    root = write_portal(tmp_path / "portal", {INC: INCIDENT, RB: RUNBOOK, PM_CACHE: draft})
    config = root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + "      audience: !ENV [SITREP_AUDIENCE, public]\n",
                      encoding="utf-8")
    result = mkdocs_build(root, root / "site", "internal", epoch=SMALL_NOW_EPOCH)
    assert result.returncode == 0, result.stdout + result.stderr
    soup = BeautifulSoup((root / "site/postmortems/action-items/index.html").read_text(encoding="utf-8"), "html.parser")
    jumps = [a["href"] for a in soup.select(".sr-pm-jump a")]
    assert jumps and all(soup.find(id=href[1:]) is not None for href in jumps), jumps
    assert "#all-items" in jumps and "#by-owner" not in jumps
