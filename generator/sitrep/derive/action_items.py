"""Action items of postmortems: one row per item, its owner, due date, state and whether it is overdue.

The one place that reads action items for the reports, the metrics and the
action-items page; items are parsed from postmortem bodies by
:func:`sitrep.text.postmortem.action_items_in`.  Each rule (overdue, days
overdue, completion rate, closed on time, time to close) is stated here once, in
code and in the plain words the pages print beside the figures.

An item says *when* it was done only when its line gives a closing date
(``- done 2026-03-08``, a date in a Done or Closed column); done items written without one (a tick,
``yes`` or ✅ in an old postmortem's Done column: most older ones) are
counted as "no closing date" and left out of the timing figures, never given a
guessed date (from git history or the postmortem's date).
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from sitrep.derive.stats import median, percentile
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
#: The rule for "closed on time", as the pages and the reports state it.
ON_TIME_DEFINITION = (
    "Closed on time is the share of done items closed on or before their due date, of the done items "
    "that have both a closing date and a due date."
)
#: The rule for the time to close, as the pages and the reports state it.
TIME_TO_CLOSE_DEFINITION = (
    "Time to close counts whole days from the postmortem's date to the item's closing date (an item "
    "closed before the postmortem was written counts 0 days): the median and the 90th percentile "
    "(nearest rank: 9 in 10 done items closed within it)."
)
#: Where the closing date comes from, and what happens without one.
CLOSING_DATE_DEFINITION = (
    "A done item's closing date is the one its line gives (“- done 2026-03-08”, or a date in a Done or "
    "Closed column); done items without one are counted as having no closing date and left out of both "
    "figures (a tick, or “yes” or ✅ in a Done column, closes an item without one)."
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
    #: The day a done or dropped item was closed, when its line says so.
    closed: date | None = None
    #: Days from the postmortem's date to the closing date of a done item (0 if closed before it); else None.
    days_to_close: int | None = None
    #: Whether a done item with a closing date and a due date was closed on or before the due date; else None.
    on_time: bool | None = None


@dataclass(frozen=True)
class ClosingFigures:
    """How done items were closed: on time, and how long they took (see the definitions above)."""

    done: int
    #: Done items whose line gives a closing date.
    dated: int
    #: Done items without one ("no closing date"): left out of the figures below.
    undated: int
    #: Dated done items that also have a due date: the base of the on-time share.
    with_due: int
    on_time: int
    on_time_share: float | None
    median_days_to_close: float | None
    p90_days_to_close: int | None


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
    closing: ClosingFigures


def action_rows(postmortems: Iterable[Postmortem], today: date,
                person: Callable[[str | None], str | None] = lambda name: name) -> list[ActionItemRow]:
    """Every action item of some postmortems, oldest postmortem first, items in file order.

    ``person`` maps an owner as written to the name to show (``SitrepConfig.person``).
    """
    rows = []
    for pm in sorted(postmortems, key=lambda p: (p.date, p.id)):
        for item in action_items_in(pm.body, pm.body_line):
            overdue = is_overdue(item.state, item.due, today)
            timed = item.state == "done" and item.closed is not None
            rows.append(ActionItemRow(
                postmortem_id=pm.id, line=item.line, text=item.text, owner=person(item.owner),
                due=item.due, state=item.state, status=item.status, overdue=overdue,
                days_overdue=(today - item.due).days if overdue and item.due is not None else None,
                age_days=(today - pm.date).days, closed=item.closed,
                days_to_close=days_to_close(pm.date, item.closed) if timed and item.closed else None,
                on_time=item.closed <= item.due if timed and item.closed and item.due else None,
            ))
    return rows


def days_to_close(postmortem_date: date, closed: date) -> int:
    """Whole days from the postmortem's date to the closing date; 0 when closed before the postmortem."""
    return max(0, (closed - postmortem_date).days)


def closing_figures(rows: Sequence[ActionItemRow]) -> ClosingFigures:
    """Closed on time and time to close of the done items among ``rows`` (see :data:`ON_TIME_DEFINITION`,
    :data:`TIME_TO_CLOSE_DEFINITION`); done items without a closing date are only counted."""
    done = [row for row in rows if row.state == "done"]
    days = [row.days_to_close for row in done if row.days_to_close is not None]
    judged = [row.on_time for row in done if row.on_time is not None]
    on_time = sum(judged)
    median_days = median(days)
    return ClosingFigures(
        done=len(done), dated=len(days), undated=len(done) - len(days), with_due=len(judged), on_time=on_time,
        on_time_share=on_time / len(judged) if judged else None,
        median_days_to_close=float(median_days) if median_days is not None else None,
        p90_days_to_close=percentile(days, 90),
    )


def is_overdue(state: str, due: date | None, today: date) -> bool:
    """An open item whose due date is before ``today`` (the day of the build, UTC)."""
    return state == "open" and due is not None and due < today


def owner_counts(rows: Sequence[ActionItemRow]) -> tuple[OwnerCounts, ...]:
    """Open, overdue, done and won't-do items per owner ("(unassigned)" for none), by name."""
    by_owner: dict[str, list[ActionItemRow]] = defaultdict(list)
    for row in rows:
        by_owner[row.owner or UNASSIGNED].append(row)
    return tuple(
        OwnerCounts(owner, *state_counts(by_owner[owner]), closing=closing_figures(by_owner[owner]))
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
    closing: ClosingFigures
    by_owner: tuple[OwnerCounts, ...]
    by_postmortem: tuple[PostmortemCounts, ...]
    items: tuple[ActionItemRow, ...]
    #: The overdue items, most days overdue first (pages only: the JSON has them among ``items``).
    most_overdue: tuple[ActionItemRow, ...] = field(default=(), metadata={"json": None})


def summarize(rows: Sequence[ActionItemRow]) -> ActionItemSummary:
    """The counts, completion rate, median age of open items (days since the postmortem's date), how
    done items were closed, per-owner and per-postmortem counts and the overdue items of some rows."""
    open_, overdue, done, wont_do = state_counts(rows)
    ages = sorted(row.age_days for row in rows if row.state == "open")
    return ActionItemSummary(
        total=len(rows), open=open_, done=done, wont_do=wont_do, overdue=overdue,
        completion_rate=completion_rate(open_, done),
        median_open_age_days=float(statistics.median(ages)) if ages else None,
        closing=closing_figures(rows),
        by_owner=owner_counts(rows), by_postmortem=postmortem_counts(rows), items=tuple(rows),
        most_overdue=tuple(most_overdue_first(rows)),
    )
