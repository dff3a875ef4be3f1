"""Action items of postmortems: one row per item, its owner, due date, state and whether it is overdue.

The one place that reads action items for the reports, the metrics and the
action-items page; items are parsed from postmortem bodies by
:func:`sitrep.text.postmortem.action_items_in`.  Each rule (overdue, days
overdue, completion rate) is stated here once, in code and in the plain words
the pages print beside the figures.

The record format holds no date an item was done (a checkbox or a status says
*that* it is done, not *when*), so no time to close is derived: see
:data:`NO_TIME_TO_CLOSE`.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from sitrep.model.records import Postmortem
from sitrep.text.postmortem import action_items_in

#: Owner name for action items without an owner.
UNASSIGNED = "(unassigned)"

#: The rule for "overdue", as the pages state it.
OVERDUE_DEFINITION = (
    "An item is overdue when it is open and its due date is before today (the day of the build, UTC); "
    "days overdue = today minus the due date, so an item due yesterday is 1 day overdue and one due "
    "today is not overdue."
)
#: The rule for the completion rate, as the pages and the reports state it.
COMPLETION_RATE_DEFINITION = (
    "Completion rate is done divided by open plus done; items deliberately not done (won't do) "
    "are left out of it."
)
#: Why no time to close is shown.
NO_TIME_TO_CLOSE = (
    "Time to close is not shown: an action item records whether it is done (its checkbox or status), "
    "not the day it was done, so there is no completion date to measure from."
)


@dataclass(frozen=True)
class ActionItemRow:
    """One action item with its postmortem and whether it is overdue."""

    postmortem_id: str
    line: int
    text: str
    owner: str | None
    due: date | None
    state: str
    status: str
    overdue: bool
    #: Whole days past the due date (today minus due) for an overdue item; None otherwise.
    days_overdue: int | None
    age_days: int


@dataclass(frozen=True)
class PostmortemCounts:
    """Action items of one postmortem."""

    postmortem_id: str
    open: int
    overdue: int
    done: int
    wont_do: int


@dataclass(frozen=True)
class OwnerCounts:
    """Action items of one owner."""

    owner: str
    open: int
    overdue: int
    done: int
    wont_do: int


def action_rows(postmortems: Iterable[Postmortem], today: date,
                person: Callable[[str | None], str | None] = lambda name: name) -> list[ActionItemRow]:
    """Every action item of some postmortems, oldest postmortem first, items in file order.

    ``person`` maps an owner as written to the name to show (``SitrepConfig.person``).
    """
    rows = []
    for pm in sorted(postmortems, key=lambda p: (p.date, p.id)):
        for item in action_items_in(pm.body, pm.body_line):
            overdue = is_overdue(item.state, item.due, today)
            rows.append(ActionItemRow(
                postmortem_id=pm.id, line=item.line, text=item.text, owner=person(item.owner),
                due=item.due, state=item.state, status=item.status, overdue=overdue,
                days_overdue=(today - item.due).days if overdue and item.due is not None else None,
                age_days=(today - pm.date).days,
            ))
    return rows


def is_overdue(state: str, due: date | None, today: date) -> bool:
    """An open item whose due date is before ``today`` (the day of the build, UTC)."""
    return state == "open" and due is not None and due < today


def owner_counts(rows: Sequence[ActionItemRow]) -> tuple[OwnerCounts, ...]:
    """Open, overdue, done and won't-do items per owner ("(unassigned)" for none), by name."""
    by_owner: dict[str, list[ActionItemRow]] = defaultdict(list)
    for row in rows:
        by_owner[row.owner or UNASSIGNED].append(row)
    return tuple(
        OwnerCounts(owner, *state_counts(by_owner[owner]))
        for owner in sorted(by_owner, key=lambda o: (o.casefold(), o))
    )


def state_counts(rows: Sequence[ActionItemRow]) -> tuple[int, int, int, int]:
    """(open, overdue, done, wont_do)."""
    states = Counter(row.state for row in rows)
    return states["open"], sum(r.overdue for r in rows), states["done"], states["wont_do"]


def postmortem_counts(rows: Sequence[ActionItemRow]) -> tuple[PostmortemCounts, ...]:
    """Open, overdue, done and won't-do items per postmortem with any item, in the rows' order
    (:func:`action_rows`: oldest postmortem first)."""
    by_pm: dict[str, list[ActionItemRow]] = defaultdict(list)
    for row in rows:
        by_pm[row.postmortem_id].append(row)
    return tuple(PostmortemCounts(pm_id, *state_counts(pm_rows)) for pm_id, pm_rows in by_pm.items())


def most_overdue_first(rows: Iterable[ActionItemRow]) -> list[ActionItemRow]:
    """The overdue items, most days overdue first; ties by postmortem and file order."""
    overdue = [row for row in rows if row.days_overdue is not None]
    return sorted(overdue, key=lambda r: (-(r.days_overdue or 0), r.postmortem_id, r.line))


def completion_rate(open_: int, done: int) -> float | None:
    """Done / (open + done), a fraction from 0 to 1; None with neither (see :data:`COMPLETION_RATE_DEFINITION`)."""
    return done / (open_ + done) if open_ + done else None


@dataclass(frozen=True)
class ActionItemSummary:
    """Action items across postmortems: the figures of the reports and of the action-items page."""

    total: int
    open: int
    done: int
    wont_do: int
    overdue: int
    completion_rate: float | None
    median_open_age_days: float | None
    by_owner: tuple[OwnerCounts, ...]
    by_postmortem: tuple[PostmortemCounts, ...]
    items: tuple[ActionItemRow, ...]
    #: The overdue items, most days overdue first (pages only: the JSON has them among ``items``).
    most_overdue: tuple[ActionItemRow, ...] = field(default=(), metadata={"json": None})


def summarize(rows: Sequence[ActionItemRow]) -> ActionItemSummary:
    """The counts, completion rate, median age of open items (days since the postmortem's date),
    per-owner and per-postmortem counts and the overdue items of some rows, in one pass."""
    open_, overdue, done, wont_do = state_counts(rows)
    ages = sorted(row.age_days for row in rows if row.state == "open")
    return ActionItemSummary(
        total=len(rows), open=open_, done=done, wont_do=wont_do, overdue=overdue,
        completion_rate=completion_rate(open_, done),
        median_open_age_days=float(statistics.median(ages)) if ages else None,
        by_owner=owner_counts(rows), by_postmortem=postmortem_counts(rows), items=tuple(rows),
        most_overdue=tuple(most_overdue_first(rows)),
    )
