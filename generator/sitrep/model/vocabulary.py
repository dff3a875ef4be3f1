"""The words of the domain, each stated once: statuses in order, their labels, the overall banner.

Everything that orders, names or validates a status reads it from here: the
record models, the validator, JSON Schema, the status page, feeds, the
Statuspage-compatible API, badges, reports and the CLI.
"""

from __future__ import annotations

from collections.abc import Iterable

#: Component statuses from best to worst (Statuspage's component statuses). A component
#: acted on by several incidents and maintenances at once shows the worst of them.
COMPONENT_STATUSES: tuple[str, ...] = (
    "operational", "under_maintenance", "degraded_performance", "partial_outage", "major_outage",
)
#: Position of each component status in :data:`COMPONENT_STATUSES` (higher is worse).
STATUS_RANK: dict[str, int] = {status: rank for rank, status in enumerate(COMPONENT_STATUSES)}
#: The impacts an incident may record on a component, least to most severe.
IMPACTS: tuple[str, ...] = ("degraded_performance", "partial_outage", "major_outage")
#: The impact a maintenance records on its components.
MAINTENANCE_IMPACT = "under_maintenance"
#: Impacts that count as downtime (uptime, MTBF); degraded performance and maintenance do not.
OUTAGE_IMPACTS: frozenset[str] = frozenset({"partial_outage", "major_outage"})
#: What an update may set a component to: an impact, or operational once the component has recovered.
UPDATE_IMPACTS: tuple[str, ...] = (*IMPACTS, "operational")

#: An incident's update statuses, in lifecycle order.
INCIDENT_STATUSES: tuple[str, ...] = ("investigating", "identified", "monitoring", "resolved")
#: A maintenance's update statuses, in lifecycle order.
MAINTENANCE_STATUSES: tuple[str, ...] = ("scheduled", "in_progress", "verifying", "completed")
#: The update status that closes each kind of record (an incident's ``kind``).
CLOSING_STATUS: dict[str, str] = {"incident": "resolved", "maintenance": "completed"}
#: The update statuses that close a record.
CLOSING_STATUSES: tuple[str, ...] = tuple(CLOSING_STATUS.values())

STATUS_LABELS: dict[str, str] = {
    "operational": "Operational",
    "under_maintenance": "Under maintenance",
    "degraded_performance": "Degraded performance",
    "partial_outage": "Partial outage",
    "major_outage": "Major outage",
}

UPDATE_LABELS: dict[str, str] = {
    "investigating": "Investigating", "identified": "Identified", "monitoring": "Monitoring",
    "resolved": "Resolved", "scheduled": "Scheduled", "in_progress": "In progress",
    "verifying": "Verifying", "completed": "Completed",
}

#: How a maintenance names the components it acts on, by its state (``derive.status.maintenance_state``):
#: Statuspage's "This scheduled maintenance will affect"; "Under maintenance" only while it is in progress.
MAINTENANCE_AFFECTS: dict[str, str] = {
    "scheduled": "Scheduled maintenance: will affect",
    "in_progress": STATUS_LABELS["under_maintenance"] + ":",
    "completed": "Maintenance completed: affected",
}

#: Overall indicator (Statuspage's ``status.indicator``) and banner text per worst component status.
OVERALL: dict[str, tuple[str, str]] = {
    "operational": ("none", "All Systems Operational"),
    "under_maintenance": ("maintenance", "Service Under Maintenance"),
    "degraded_performance": ("minor", "Degraded Performance"),
    "partial_outage": ("major", "Partial System Outage"),
    "major_outage": ("critical", "Major System Outage"),
}

#: Each overall indicator ranked as its component status is, higher is worse. An incident's impact (the
#: Statuspage API's ``impact``: none, minor, major, critical) is one of them: open incidents are listed most
#: severe first by it, on the status page and in the embed script's banners.
INDICATOR_RANK: dict[str, int] = {indicator: STATUS_RANK[status] for status, (indicator, _) in OVERALL.items()}
#: The statuses a component has while an incident affects it, worst first, in the status page's words (the
#: embed script's banners name the worst of them).
OUTAGE_WORDS: dict[str, str] = {status: STATUS_LABELS[status] for status in
                                sorted(("degraded_performance", "partial_outage", "major_outage"),
                                       key=lambda status: -STATUS_RANK[status])}

POSTMORTEM_STATUS_LABELS: dict[str, str] = {"draft": "Draft", "in-review": "In review", "published": "Published"}
#: A postmortem's statuses, in the order it goes through them.
POSTMORTEM_STATUSES: tuple[str, ...] = tuple(POSTMORTEM_STATUS_LABELS)

#: Action-item states in the order lists show them (open first).
ACTION_STATES: tuple[str, ...] = ("open", "done", "wont_do")
ACTION_STATE_LABELS: dict[str, str] = {"open": "Open", "done": "Done", "wont_do": "Won't do"}
#: What a team's action-item table writes in its Done, Closed or Status column (or after a ``Done:``
#: label) for an item closed on a day it does not give, compared ignoring case, emphasis and emoji
#: variation selectors; messages show the first five. A date there is the closing date instead.
ACTION_CLOSED_MARKS: tuple[str, ...] = (
    "yes", "done", "closed", "\u2705", "[x]", "x", "y", "true", "complete", "completed", "\u2714", "\u2713",
    "\u2611", ":white_check_mark:", ":heavy_check_mark:", ":ballot_box_with_check:",
)
#: What the same columns write for an item still open (an empty cell is open too); messages show the first three.
ACTION_OPEN_MARKS: tuple[str, ...] = (
    "no", "open", "[ ]", "n", "false", "not done", "not yet", "todo", "to do", "\u274c", "\u2717", "\u2718",
    "\u2610", "\u2b1c", ":x:",
)


def worst(statuses: Iterable[str]) -> str:
    """The most severe of some component statuses (operational when there are none)."""
    return max(statuses, key=STATUS_RANK.__getitem__, default="operational")


def status_label(status: str) -> str:
    """Human label of a component status or impact ("Partial outage"); unknown values readable."""
    return STATUS_LABELS.get(status) or status.replace("_", " ").capitalize()


def component_list_label(name: str, retired: bool) -> str:
    """A component's name where pages list components to choose from (history and postmortem filters):
    a retired one says so ("Legacy FTP (retired)")."""
    return f"{name} (retired)" if retired else name


def update_label(status: str) -> str:
    """Human label of an update status ("In progress"); the raw value when unknown."""
    return UPDATE_LABELS.get(status, status)


def closing_label(kind: str) -> str:
    """What the end of a record of ``kind`` is called: "Resolved" (incident), "Completed" (maintenance)."""
    return update_label(CLOSING_STATUS.get(kind, CLOSING_STATUS["incident"]))


def maintenance_affects(state: str) -> str:
    """What precedes the components of a maintenance in ``state`` ("Scheduled maintenance: will affect")."""
    return MAINTENANCE_AFFECTS.get(state, MAINTENANCE_AFFECTS["in_progress"])


def status_page_title(worst_status: str, site_name: str) -> str:
    """The status page's ``<title>`` when the worst component status is ``worst_status``: the overall
    status first while not all is operational, as githubstatus.com does ("Partial System Outage ·
    Acme Status"), so a browser tab says it; the site name alone otherwise."""
    if worst_status == "operational" or worst_status not in OVERALL:
        return site_name
    return f"{OVERALL[worst_status][1]} · {site_name}"


def postmortem_status_label(status: str) -> str:
    """Human label of a postmortem status ("In review")."""
    return POSTMORTEM_STATUS_LABELS.get(status, status)


def action_state_label(state: str) -> str:
    """Human label of an action-item state ("Won't do")."""
    return ACTION_STATE_LABELS.get(state, state)


def action_mark_forms() -> str:
    """The accepted forms of an action item's Done/Closed cell, in words, for messages and pages."""
    closed = ", ".join(ACTION_CLOSED_MARKS[:5])
    open_ = ", ".join(ACTION_OPEN_MARKS[:3])
    return (f"the day it was closed (YYYY-MM-DD, e.g. 2026-03-08); {closed} when it is closed and the day "
            f"is not known; {open_} or nothing while it is open")
