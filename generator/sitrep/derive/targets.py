"""Which severity's target a response is judged against when the severity changes while its clock runs.

Time to acknowledge and time to first update run a clock from detection (the first update: from the start
of impact when detection was not recorded) to the acknowledgement or the first update. An incident's
severity may change on an update while that clock runs, or only after it stopped; the target it is judged
against is the one of the severity in force while the clock ran (:data:`IN_FORCE_RULE` says it in words,
for the report page, and :func:`judged_deadline` computes it):

* the severity in force when the clock started sets the deadline: the start plus its target;
* raised (a tighter target) before the deadline passed: the deadline comes forward to the raise plus the new
  severity's target, when that is sooner. A raise never gives more time, and the time before it is not held
  to a target nobody was working to (a SEV3 raised to SEV1 after 50 minutes owes its acknowledgement 5
  minutes after the raise, not 45 minutes before it);
* lowered (a looser target) before the deadline passed: the deadline moves back to the start plus the new
  severity's target, when that is later: the incident was reclassified before anyone was late;
* a deadline that passed before the severity changed stays missed, whatever the change: a SEV1 not
  acknowledged in its 5 minutes and lowered to SEV3 afterwards still missed SEV1's target;
* a change after the clock stopped (or at that very moment: the update that raises it is the first
  update) does not count: a SEV3 acknowledged in 20 minutes and raised to SEV1 later met SEV3's hour.

The incident counts under the severity whose deadline judged it: the one in force when the clock stopped,
or the one whose deadline passed before a later change. Time to detect and time to resolve keep the
latest severity (the resolve target covers the whole incident, as its final classification does), and
update cadence judges each gap by the severity in force when it began.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import NamedTuple

from sitrep.model.config import Severity, SitrepConfig
from sitrep.model.records import Incident

__all__ = ["FIRST_UPDATE_RULE", "IN_FORCE_RULE", "Judged", "judged_deadline", "severity_changes"]

#: The rule in words, for the definitions of time to acknowledge and to first update on the report page
#: (``{stop}`` names the moment the clock stops: "the acknowledgement", "the first update").
IN_FORCE_RULE = (
    "The target is the one of the severity in force while the clock ran: the severity when it started sets "
    "the deadline, the start plus its target; raised before that deadline passed, the deadline comes forward "
    "to the raise plus the new severity's target, if sooner; lowered before it passed, it moves back to the "
    "start plus the new severity's target, if later; a deadline that passed before the change stays missed, "
    "and a change at or after {stop} does not count. Each incident counts under the severity whose deadline "
    "judged it: the one in force at {stop}, or the one whose deadline passed before a later change. So a "
    "SEV3 raised to SEV1 after {stop} is judged, and counted, as a SEV3."
)
#: The same rule for the first update, whose clock nothing can change: a severity changes only on an update.
FIRST_UPDATE_RULE = (
    "The target is the one of the severity in force while the clock ran, as for time to acknowledge: as a "
    "severity changes only on an update, that is the severity declared, and one set on the first update or "
    "later does not count. So a SEV3 raised to SEV1 on its first update or after is judged, and counted, as "
    "a SEV3."
)


class Judged(NamedTuple):
    """The severity a response is judged and counted under, and the time it was due by."""

    #: The severity id as written (normalised by the caller), or None when the incident has none.
    severity: str | None
    #: The deadline; None when that severity has no target (the response is measured, not judged).
    deadline: datetime | None


def severity_changes(inc: Incident) -> list[tuple[datetime, str]]:
    """Each update that sets a severity, as (its time, the severity it sets), in time order (updates of
    the same moment in file order)."""
    return [(u.at, u.severity) for u in sorted(inc.updates, key=lambda u: u.at) if u.severity]


def judged_deadline(inc: Incident, config: SitrepConfig, start: datetime, stop: datetime,
                    target: Callable[[Severity | None], timedelta | None]) -> Judged:
    """The severity and deadline a response timed from ``start`` to ``stop`` is judged by (see the module's
    rule); ``target`` gives a severity's target for this response (``respond_within``, ``first_update_within``)."""

    def canonical(severity: str | None) -> str | None:
        return config.normalise_severity(severity) or severity

    def target_of(severity: str | None) -> timedelta | None:
        return target(config.severity(severity))

    severity = canonical(inc.severity)
    later: list[tuple[datetime, str | None]] = []
    for at, value in severity_changes(inc):
        if at >= stop:
            break  # made when the clock stopped or after: it judged nothing
        if at <= start:
            severity = canonical(value)  # already in force when the clock started
        else:
            later.append((at, canonical(value)))
    allowed = target_of(severity)
    deadline = start + allowed if allowed is not None else None
    for at, new in later:
        if new == severity:
            continue  # restated, not changed
        if deadline is not None and at >= deadline:
            break  # passed while ``severity`` was in force: missed, whatever follows
        new_allowed = target_of(new)
        if new_allowed is None:
            deadline = None  # lowered to a severity that promises nothing
        elif deadline is None or allowed is None or new_allowed < allowed:
            deadline = at + new_allowed if deadline is None else min(deadline, at + new_allowed)
        elif new_allowed > allowed:
            deadline = max(deadline, start + new_allowed)
        severity, allowed = new, new_allowed
    return Judged(severity, deadline)
