"""A team moving its old postmortems in: the Done, Closed or Status column of their action-item tables.

Old postmortems say an item is closed with ``yes``, ``done``, ``closed``, ``✅``, ``[x]`` or a date, and
open with ``no``, ``open`` or nothing. Each is read as the team meant it (closed with no date is "no
closing date", never a guessed one), anything else is an error on the item's line that names the forms
it accepts, and a postmortem written from the team's template (the procedures' table with a Status
column reading Open) validates as written.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from sitrep.cli import main
from sitrep.derive.action_items import action_rows, summarize
from sitrep.text.postmortem import ActionItem, Section, parse_action_items
from tests import test_action_items_followup as followup
from tests.support.helpers_build import INC, INCIDENT, RB, RUNBOOK, SMALL_NOW, SMALL_NOW_EPOCH, load, write_portal


def parse(lines: str) -> tuple[list[ActionItem], list[tuple[int, str, str]]]:
    items, problems = parse_action_items(Section("Action Items", "action_items", 10, lines))
    return items, [(p.line, p.level, p.code) for p in problems]


@pytest.mark.parametrize("column", ["Done", "Closed", "Status", "Done?", "Completed", "\u2705", ":white_check_mark:"])
@pytest.mark.parametrize(("cell", "state", "closed"), [
    ("yes", "done", None), ("Yes", "done", None), ("done", "done", None), ("closed", "done", None),
    ("\u2705", "done", None), ("\u2714\ufe0f", "done", None), ("[x]", "done", None), ("x", "done", None),
    (":white_check_mark:", "done", None), ("**Yes**", "done", None),
    ("2026-02-20", "done", date(2026, 2, 20)), ("Feb 20, 2026", "done", date(2026, 2, 20)),
    ("\u2705 2026-02-20", "done", date(2026, 2, 20)), ("yes (2026-02-20)", "done", date(2026, 2, 20)),
    ("no", "open", None), ("open", "open", None), ("", "open", None), ("[ ]", "open", None),
    ("\u274c", "open", None), ("-", "open", None),
])
def test_a_teams_done_column_reads_as_they_meant_it(column: str, cell: str, state: str, closed: date | None) -> None:
    items, problems = parse(
        f"| Action | Owner | Due Date | {column} |\n|---|---|---|---|\n| Add a canary | Ana | 2026-02-25 | {cell} |\n")
    assert problems == []
    assert [(i.text, i.state, i.closed) for i in items] == [("Add a canary", state, closed)]
    # a mark is shown as the state, never as the raw symbol
    assert items[0].status in ("Done", "Open") or items[0].status == cell


def test_the_same_marks_after_a_label_on_a_bullet() -> None:
    items, problems = parse(
        "- Alert on lag - Owner: Ana - Due: 2026-02-20 - Done: yes\n"
        "- Add a runbook - Owner: Ana - Due: 2026-02-20 - Closed: \u2705\n"
        "- Add a probe - Owner: Ana - Due: 2026-02-20 - Done: no\n"
        "- [ ] Add a test - Owner: Ana - Due: 2026-02-20 - Status: [x]\n"
        "- Rewrite it - Ana - 2026-02-20 - done 2026-02-18\n"
    )
    assert problems == []
    assert [(i.state, i.closed) for i in items] == [
        ("done", None), ("done", None), ("open", None), ("done", None), ("done", date(2026, 2, 18))]


def test_a_bullet_opening_with_a_check_mark_is_a_ticked_box() -> None:
    items, problems = parse(
        "- \u2705 Alert on lag - Ana - 2026-02-20\n"
        "- \u2714\ufe0f Add a runbook - Ana - 2026-02-20 - done 2026-02-18\n"
        "- :white_check_mark: Add a probe - Ana - 2026-02-20\n"
        "- \u2b1c Add a canary - Ana - 2026-02-20\n"
        "- \u274c Add a test - Ana - 2026-02-20\n"
    )
    assert problems == []
    assert [(i.text, i.state, i.closed) for i in items] == [
        ("Alert on lag", "done", None), ("Add a runbook", "done", date(2026, 2, 18)), ("Add a probe", "done", None),
        ("Add a canary", "open", None), ("Add a test", "open", None)]


def test_a_closing_value_that_contradicts_the_items_state_is_an_error() -> None:
    _, problems = parse(
        "| Action | Owner | Due Date | Status | Closed |\n|---|---|---|---|---|\n"
        "| Add a canary | Ana | 2026-02-25 | Open | yes |\n"
        "| Add a probe | Ana | 2026-02-25 | Done | no |\n"
        "| Add a test | Ana | 2026-02-25 | Done | - |\n"
        "\n- [x] Add an alert - Ana - 2026-02-25 - Done: no\n"
    )
    assert problems == [(13, "error", "action-item-closed-open"), (14, "error", "action-item-closed-open"),
                        (17, "error", "action-item-closed-open")]


PM_OLD = "postmortems/2026-02-12-old-format.md"
PM_OLD_TEXT = followup.PM_API_TEXT.split("## Action Items")[0] + """\
## Action Items

| Action | Owner | Due | Done |
|--------|-------|-----|------|
| Add a canary stage | Marco Bianchi | 2026-02-19 | yes |
| Alert on publish errors | Marco Bianchi | 2026-02-15 | \u2705 |
| Roll back automatically | Priya Raman | 2026-02-20 | 2026-02-18 |
| Write the upgrade checklist | Ana Silva | 2026-03-10 | no |
| Add pre-2023 fixtures | Ana Silva | 2026-03-10 | |
| Review the changelog | Ana Silva | 2026-03-10 | maybe |
"""


def test_sitrep_validate_names_file_line_and_the_accepted_forms(tmp_path: Path, monkeypatch) -> None:
    root = write_portal(tmp_path / "p", {INC: INCIDENT, RB: RUNBOOK, PM_OLD: PM_OLD_TEXT})
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(SMALL_NOW_EPOCH))
    result = CliRunner().invoke(main, ["validate", "-f", str(root / "mkdocs.yml"), "--no-cache", "-j", "1"])
    assert result.exit_code == 1
    line = PM_OLD_TEXT.splitlines().index("| Review the changelog | Ana Silva | 2026-03-10 | maybe |") + 1
    assert [ln for ln in result.output.splitlines() if ln.startswith(PM_OLD)] == [
        f'{PM_OLD}:{line}: error: action item "Review the changelog" has "maybe" in its "Done" column, which is '
        "neither a closing date nor a mark read as closed or open: write the day it was closed (YYYY-MM-DD, e.g. "
        "2026-03-08); yes, done, closed, \u2705, [x] when it is closed and the day is not known; no, open, [ ] or "
        "nothing while it is open [action-item-bad-date]"]


def test_figures_count_undated_closed_items_as_closed_date_unknown(tmp_path: Path) -> None:
    text = PM_OLD_TEXT.replace(" maybe |", " |")
    portal, diags = load(write_portal(tmp_path / "p", {INC: INCIDENT, RB: RUNBOOK, PM_OLD: text}))
    assert not diags.has_errors, diags.render()
    summary = summarize(action_rows(portal.postmortems, SMALL_NOW.date()))
    assert (summary.done, summary.open) == (3, 3)
    closing = summary.closing
    # yes and ✅ are closed with no date: counted, not timed; the date is the only one timed (6 days late? no:
    # closed 02-18, due 02-20: on time, 6 days after the postmortem's 02-12)
    assert (closing.dated, closing.undated, closing.with_due, closing.on_time) == (1, 2, 1, 1)
    assert closing.median_days_to_close == 6.0
    assert summary.completion_rate == 0.5


# The action-items table of the team's postmortem template (the incident-response playbook), filled in,
# one item ticked off the way people do in a Status cell.
PM_TEMPLATE_TEXT = followup.PM_API_TEXT.split("## Action Items")[0] + """\
## Action Items
| Action | Owner | Due Date | Status |
|--------|-------|----------|--------|
| Add a canary stage | @marco | 2026-03-10 | Open |
| Alert on publish errors | @marco | 2026-02-15 | Done |
| Roll back automatically | @priya | 2026-02-20 | \u2705 |
"""


def test_a_postmortem_written_from_the_teams_template_validates(tmp_path: Path, monkeypatch) -> None:
    root = write_portal(tmp_path / "p", {INC: INCIDENT, RB: RUNBOOK, PM_OLD: PM_TEMPLATE_TEXT})
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(SMALL_NOW_EPOCH))
    result = CliRunner().invoke(main, ["validate", "-f", str(root / "mkdocs.yml"), "--no-cache", "-j", "1",
                                       "--strict"])
    assert result.exit_code == 0, result.output
    portal, _ = load(root)
    assert [(r.text, r.state) for r in action_rows(portal.postmortems, SMALL_NOW.date())] == [
        ("Add a canary stage", "open"), ("Alert on publish errors", "done"), ("Roll back automatically", "done")]

