"""Action items of postmortems: one row per item, its owner, due date, state and whether it is overdue.

The one place that reads action items for the reports, the metrics and the
action-items page; items are parsed from postmortem bodies by
:func:`sitrep.text.postmortem.action_items_in`.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from sitrep.model.records import Postmortem
from sitrep.text.postmortem import action_items_in

#: Owner name for action items without an owner.
UNASSIGNED = "(unassigned)"


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
    age_days: int


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
