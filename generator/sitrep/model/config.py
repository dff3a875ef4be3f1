"""Site configuration: the ``sitrep`` plugin entry of ``mkdocs.yml``.

Every field carries its own description; ``sitrep docs`` and the format page are
built from them. The default severity scheme is the one of the incident-response
procedures the team follows (SEV1 Critical .. SEV4 Low).
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterable
from datetime import date, timedelta
from functools import cached_property
from pathlib import Path
from typing import Annotated, Any, Literal, get_args

import yaml
from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

from sitrep.model.diagnostics import Diagnostics, name_invisible, not_utf8
from sitrep.model.exceptions import ConfigError
from sitrep.model.field_messages import allowed_fields, field_message, location_name, typo_misses
from sitrep.model.formatting import close_match, closest, quoted
from sitrep.model.settings_file import SettingsFile, compose, merge_nodes, merge_settings, name_nodes
from sitrep.model.yaml_quotes import line_syntax_fix, quote_problem

Audience = Literal["public", "internal"]
#: Team pages that are internal unless ``public_pages`` lists them.
PublicPage = Literal["runbooks", "reports", "action_items", "process"]

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|secs?|seconds?|m|mins?|minutes?|h|hrs?|hours?|d|days?|w|weeks?)\s*$",
                       re.I)
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


def parse_duration(value: Any) -> Any:
    """``"15m"``, ``"4h"``, ``"1d"``, ``"90 minutes"`` or seconds -> timedelta."""
    if isinstance(value, str):
        match = _DURATION.match(value)
        if match:
            unit = match.group(2).lower()
            unit = "m" if unit.startswith("min") else unit[0]
            return timedelta(seconds=float(match.group(1)) * _UNIT_SECONDS[unit])
        if not re.fullmatch(r"\s*P[0-9TWDHMS.]+\s*|\s*\d+:\d\d(:\d\d)?\s*", value):  # ISO 8601 and HH:MM[:SS] pass
            raise PydanticCustomError("duration", f"{quoted(value)} is not a duration: write it like 15m, 4h, 1d "
                                      "or 90 minutes")
    return value


def _web_address(value: Any) -> Any:
    """An address pages are linked to: http(s), with a host."""
    if isinstance(value, str) and not re.match(r"^https?://[^/\s]+", value.strip()):
        raise PydanticCustomError("url", f"{quoted(value)} is not a web address: write it with https://, e.g. "
                                  "https://status-internal.example.com/")
    return value


Duration = Annotated[timedelta, BeforeValidator(parse_duration)]


def _positive(value: timedelta) -> timedelta:
    """A duration that must be longer than nothing (a time limit)."""
    if value <= timedelta(0):
        raise PydanticCustomError("duration", "a time limit must be longer than 0: write it like 30s or 2m")
    return value


class Model(BaseModel):
    """Base of the settings models: unknown keys are errors, values are frozen."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Component(Model):
    """A part of the service customers see on the status page."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$", description="Stable id used in records and URLs.",
                    json_schema_extra={"examples": ["publishing-api"]})
    name: str = Field(description="Display name on the status page.")
    group: str | None = Field(None, description="Group heading the component is listed under.")
    description: str | None = Field(None, description="One line shown under the name.")
    retired: date | None = Field(
        None, description="The day (YYYY-MM-DD, UTC) the component was retired: from that day it is off the "
        "status page, the API's component list, the embed script and the responders' lists (issue forms, "
        "PR template, `sitrep new` and `update`), and no incident starting then may name it; past "
        "incidents, their pages, feeds, reports and the component's history page keep it. A day ahead "
        "plans the retirement: it shows until then.")

    def retired_by(self, day: date) -> bool:
        """Whether the component is retired on ``day`` (its retirement day included)."""
        return self.retired is not None and self.retired <= day


def by_group(components: Iterable[Component]) -> list[tuple[str | None, list[Component]]]:
    """Components in the order the status page lists them, and the JSON API numbers them: each group (None:
    the components in no group) at its first member's place, with all its members in configured order."""
    groups: dict[str | None, list[Component]] = {}
    for comp in components:
        groups.setdefault(comp.group, []).append(comp)
    return list(groups.items())


class Severity(Model):
    """One level of the severity scheme, with the targets the reports measure."""

    id: str = Field(description="Canonical id written in records, e.g. SEV1.")
    name: str = Field(description="Short name, e.g. Critical.")
    definition: str = Field(description="When to use this level.")
    examples: list[str] = Field(default_factory=list, description="Typical incidents of this level.")
    response: str = Field(description="Response expectation, in words.")
    respond_within: Duration | None = Field(None, description="Target time to acknowledge.")
    first_update_within: Duration | None = Field(
        None, description="Target from detection to the first public status-page update."
    )
    update_every: Duration | None = Field(
        None, description="Update cadence while the incident is open ('next update due')."
    )
    resolve_within: Duration | None = Field(None, description="Target time to resolve (MTTR target).")
    aliases: list[str] = Field(default_factory=list, description="Other spellings accepted in records.")

    @property
    def requires_postmortem(self) -> bool:
        """A resolved incident of this level needs a postmortem: the levels with a resolution target
        (SEV1 and SEV2 by default), as the reports count and the internal resolution notice asks."""
        return self.resolve_within is not None


DEFAULT_SEVERITIES: tuple[Severity, ...] = (
    Severity(
        id="SEV1", name="Critical",
        definition="Complete service outage, data loss or corruption, or a security breach with "
        "data exposure; revenue-critical functionality broken.",
        examples=["Production database down", "Payment processing failure",
                  "Security breach detected", "Complete API unavailability"],
        response="Immediate, all hands; executive notification within 15 minutes; war room.",
        respond_within=timedelta(minutes=5), first_update_within=timedelta(minutes=15),
        update_every=timedelta(minutes=15), resolve_within=timedelta(hours=1),
        aliases=["P0", "critical"],
    ),
    Severity(
        id="SEV2", name="High",
        definition="Major functionality degraded or significant performance impact for many "
        "users; a workaround exists but is painful; partial data unavailability.",
        examples=["50%+ API error rate", "Major feature completely broken",
                  "Significant performance degradation", "Partial data loss"],
        response="Response within 15 minutes; manager notified within 30 minutes.",
        respond_within=timedelta(minutes=15), first_update_within=timedelta(minutes=30),
        update_every=timedelta(minutes=30), resolve_within=timedelta(hours=4),
        aliases=["P1", "high", "major"],
    ),
    Severity(
        id="SEV3", name="Medium",
        definition="Minor functionality issues or non-critical degradation with limited user "
        "impact; a workaround is available.",
        examples=["Minor feature broken", "Slow response times (2-3x normal)",
                  "Non-critical integration failure"],
        response="Response within 1 hour; standard ticket workflow.",
        respond_within=timedelta(hours=1), first_update_within=timedelta(hours=1),
        update_every=timedelta(hours=4), resolve_within=None,
        aliases=["P2", "medium", "minor"],
    ),
    Severity(
        id="SEV4", name="Low",
        definition="Cosmetic issues or problems isolated to a single user; minimal impact.",
        examples=["UI glitch", "Typo in a notification", "Non-critical log errors"],
        response="Response within 24 hours (next business day); standard ticket workflow.",
        respond_within=timedelta(hours=24), first_update_within=None,
        update_every=timedelta(days=1), resolve_within=None,
        aliases=["P3", "low"],
    ),
)


#: Every event ``sitrep notify`` derives from the records (see sitrep.derive.events).
NotifyEvent = Literal[
    "incident.declared", "incident.updated", "incident.severity_changed", "incident.impact_changed",
    "incident.resolved", "incident.update_overdue",
    "maintenance.scheduled", "maintenance.starting", "maintenance.started", "maintenance.completed",
    "postmortem.published",
]
NOTIFY_EVENTS: tuple[str, ...] = get_args(NotifyEvent)
#: Events that only ever go to internal channels: they talk about the team's process.
INTERNAL_ONLY_EVENTS: tuple[str, ...] = ("incident.update_overdue",)
#: What a public channel receives unless it lists its own events.
PUBLIC_DEFAULT_EVENTS: tuple[str, ...] = tuple(e for e in NOTIFY_EVENTS if e not in INTERNAL_ONLY_EVENTS)
#: The procedures' customer policy: a proactive email for SEV1; SEV2 is opt-in; SEV3/4 status page only.
PUBLIC_DEFAULT_SEVERITIES: tuple[str, ...] = ("SEV1",)
_ENV_NAME = r"^[A-Za-z_][A-Za-z0-9_]*$"


def _env_name(value: Any) -> Any:
    """A channel's ``url_env`` must name a variable. What else is written there is probably the secret
    URL itself, so the message never repeats it (CI logs are read by many)."""
    if isinstance(value, str) and not re.fullmatch(_ENV_NAME, value):
        raise PydanticCustomError(
            "env_name", "this is not the name of an environment variable, and its value is not repeated here in case "
            "it is a secret: write the NAME of the variable that holds the Apprise URL (e.g. "
            "SITREP_NOTIFY_TEAM) and keep the URL itself in a repository secret; if a URL was committed, "
            "revoke it and make a new one")
    return value


class Channel(Model):
    """One destination of ``sitrep notify``: a team chat, a customer mailing list, a webhook."""

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$",
                      description="Stable id of the channel; the ledger of sent events is kept per channel.")
    audience: Audience = Field(
        description="'internal' (the team: every field, internal incidents, reminders) or 'public' "
        "(customers: only what the public status page shows).")
    url_env: Annotated[str, BeforeValidator(_env_name)] = Field(
        json_schema_extra={"pattern": _ENV_NAME},
        description="Name of the environment variable (a GitHub secret) holding the destination as an "
        "Apprise URL, e.g. SITREP_NOTIFY_TEAM (slack://…, workflows://…, discord://…, mailto://…, "
        "json://…). The URL itself never goes in the repository.")
    style: Literal["chat", "email"] = Field(
        "chat", description="'chat': short messages (Slack, Teams, Discord, webhooks); 'email': "
        "letters with a subject (the customer email after resolution).")
    events: list[NotifyEvent] | None = Field(
        None, description="Events this channel receives. Default: every event for internal channels; "
        "every event except the internal-only 'incident.update_overdue' for public ones.")
    severities: list[str] | None = Field(
        None, description="Incident severities this channel receives (maintenance is not filtered). "
        "Default: all for internal channels; SEV1 for public ones (the procedures' policy: proactive "
        "customer email for SEV1; add SEV2 to opt in).")
    components: list[str] | None = Field(
        None, description="Only incidents and maintenance affecting one of these component ids. Default: all.")

    def wants(self, event: str) -> bool:
        """Whether the channel is subscribed to an event kind."""
        if self.events is not None:
            return event in self.events
        return self.audience == "internal" or event in PUBLIC_DEFAULT_EVENTS

    def wants_severity(self, severity: str | None) -> bool:
        """Whether an incident of this severity reaches the channel."""
        if self.severities is not None:
            return severity in self.severities
        return self.audience == "internal" or severity in PUBLIC_DEFAULT_SEVERITIES


class NotifySettings(Model):
    """Settings of ``sitrep notify`` (under ``notify:`` in the sitrep entry of mkdocs.yml)."""

    channels: list[Channel] = Field(default_factory=list, description="Where notifications go.")
    max_age: Duration = Field(
        timedelta(hours=24),
        description="Events older than this are recorded as sent without sending: a first run, or a run "
        "after the ledger was lost, never floods the channels with history.")
    maintenance_notice: Duration = Field(
        timedelta(hours=1), description="How long before a maintenance window the 'starts soon' notice goes out.")
    retrospective_after: Duration = Field(
        timedelta(hours=1),
        description="An incident (or maintenance) a channel first finds already resolved (completed), and resolved "
        "more than this before a run of the channel that did not have it yet (written up after the fact), is "
        "recorded retrospectively: public channels are not sent it, internal ones its resolution (completion) "
        "only, marked so. Shorter gaps (declared and resolved between two runs, or resolved while its commit was "
        "being published) are news, sent as usual. Set it to max_age or more to send such incidents too.")
    delivery_timeout: Annotated[timedelta, BeforeValidator(parse_duration), AfterValidator(_positive)] = Field(
        timedelta(seconds=30),
        description="The longest one message may take to reach one destination (connecting, sending, every "
        "answer awaited). A delivery still going then (a receiver that accepts and never answers, or trickles) "
        "counts as failed: the next run retries it, and the other channels get their messages meanwhile. Within "
        "it, each step has Apprise's own limit: 5 s to connect, 10 s per answer (SMTP: 15 s per reply), which a "
        "channel's URL changes with ?cto= and ?rto= (seconds).")
    templates_dir: str = Field(
        "templates/messages",
        description="Folder (relative to mkdocs.yml) whose message templates override the built-in ones "
        "(same file names, e.g. internal_alert.txt.j2).")
    internal_site_url: Annotated[str | None, BeforeValidator(_web_address)] = Field(
        None, description="Address of the internal edition (built with SITREP_AUDIENCE=internal, behind your "
        "access control), e.g. https://status-internal.example.com/: internal channels' messages link there. "
        "Without it they link to the public site, and a message about an internal incident or postmortem "
        "carries no link (the public site does not have it).")
    ledger: str = Field(
        ".sitrep-notify/ledger.json",
        description="File (relative to mkdocs.yml) recording which event went to which channel; the "
        "publish workflow keeps it in the Actions cache.")


def _severity_key(text: str) -> str:
    return re.sub(r"[\s_\-]+", "", text).lower()


#: A spelling of a level that carries a number (``sev2``, ``p1``, ``2``): letters, then the number.
_NUMBERED = re.compile(r"[a-z]*([0-9]+)")


def _bare_number(value: object) -> int | None:
    """``2`` or ``"2"`` (a severity written as a number) as the number; None for anything else."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value if value >= 0 else None
    text = value.strip() if isinstance(value, str) else ""
    return int(text) if text.isascii() and text.isdigit() else None


class SitrepConfig(Model):
    """Options of the ``sitrep`` plugin entry in ``mkdocs.yml``."""

    site_name: str = Field("Status", description="Name shown in titles and feeds (MkDocs' site_name).")
    site_url: str = Field(
        "https://status.example.com/",
        description="Public URL of the site; feed links, shortlinks and the API use it.",
    )
    audience: Audience = Field(
        "public",
        description="Which edition to build: 'public' (records with visibility public, no "
        "internal fields) or 'internal' (everything). Usually !ENV [SITREP_AUDIENCE, public].",
    )
    records_dir: str = Field(
        ".", description="Folder holding incidents/, postmortems/ and runbooks/, relative to mkdocs.yml."
    )
    components: list[Component] = Field(description="Components shown on the status page, in order.")
    severities: list[Severity] = Field(
        default_factory=lambda: list(DEFAULT_SEVERITIES),
        description="Severity scheme, most severe first. Defaults to SEV1 Critical .. SEV4 Low.",
    )
    since: date | None = Field(
        None,
        description="The portal's first day (YYYY-MM-DD): uptime before it shows as 'no data', and the "
        "reports' MTBF window and trend start there. Default: the day of the earliest incident or maintenance "
        "(`sitrep init` writes the day it ran).",
    )
    public_pages: list[PublicPage] = Field(
        default_factory=list,
        description="Team pages the public edition shows too; by default it is for customers only "
        "(status, incidents, history, feeds, API, badges, calendar and published public postmortems). "
        "Any of: runbooks (public runbooks), reports, action_items (the action-items page and each "
        "postmortem's action-item status), process (the severity levels page).",
    )
    uptime_days: int = Field(90, ge=7, le=366, description="Days shown in the uptime bars.")
    recent_days: int = Field(14, ge=1, le=90, description="Days of past incidents on the status page.")
    history_page_size: int = Field(20, ge=5, le=200, description="Incidents per page of the history archive.")
    feed_max_entries: int = Field(50, ge=1, le=500, description="Most entries in each feed.")
    feed_days: int = Field(90, ge=1, le=3650, description="Feeds hold incidents of at most this many days.")
    allow_raw_html: bool = Field(
        False, description="Keep raw HTML (scripts, event handlers) in record bodies. Off: sanitised."
    )
    people: dict[str, str] = Field(
        default_factory=dict,
        description="Other spellings of people's names, e.g. `marco: Marco Bianchi`: action items owned "
        "by `@marco`, `Marco` or `marco` then count as Marco Bianchi's in the reports. Matched "
        "ignoring case and a leading @. Internal edition only: the public one shows owners as the "
        "postmortem writes them, so it never publishes a name the text does not.",
    )

    notify: NotifySettings = Field(
        default_factory=NotifySettings,
        description="Channels and timing of `sitrep notify` (team alerts, customer emails, reminders).",
    )

    @model_validator(mode="after")
    def _unique_ids(self) -> SitrepConfig:
        # The error's context names where the second one is written ('at'), so it is reported on its line.
        for what, where, key, ids in (
                ("component", ("components",), "id", [c.id for c in self.components]),
                ("severity", ("severities",), "id", [s.id for s in self.severities]),
                ("notify channel", ("notify", "channels"), "name", [c.name for c in self.notify.channels])):
            first: dict[str, int] = {}
            for index, ident in enumerate(ids):
                if ident not in first:
                    first[ident] = index
                    continue
                raise PydanticCustomError(
                    "duplicate_id", "{what} ids must be unique: '{ident}' is also the {key} of {earlier}; give "
                    "each {what} its own {key}",
                    {"what": what, "ident": ident, "key": key, "at": (*where, index, key),
                     "earlier": location_name((*where, first[ident]))})
        return self

    @model_validator(mode="after")
    def _known_channel_filters(self) -> SitrepConfig:
        for channel in self.notify.channels:
            where = f"notify channel {channel.name!r}"
            for sev in channel.severities or ():
                canonical = self.normalise_severity(sev)
                if canonical is None:
                    raise ValueError(f"{where}: {self.unknown_severity(sev)}")
                if canonical != sev:
                    raise ValueError(f"{where}: write the severity id {canonical} instead of {sev!r}")
            for cid in channel.components or ():
                if self.component(cid) is None:
                    raise ValueError(f"{where}: {self.unknown_component(cid)}")
            leaks = [e for e in channel.events or () if e in INTERNAL_ONLY_EVENTS]
            if channel.audience == "public" and leaks:
                raise ValueError(f"{where}: {', '.join(leaks)} is internal-only; a public channel cannot "
                                 "receive it")
        return self

    # --- lookups -------------------------------------------------------------
    def component(self, component_id: str) -> Component | None:
        """The configured component with this id, or None."""
        return next((c for c in self.components if c.id == component_id), None)

    def component_name(self, component_id: str) -> str:
        """Display name of a component; its id when it is not configured (a renamed or removed one)."""
        component = self.component(component_id)
        return component.name if component else component_id

    @property
    def component_ids(self) -> list[str]:
        """The configured component ids, in the order of mkdocs.yml (retired ones included)."""
        return [c.id for c in self.components]

    def listed_components(self, day: date) -> list[Component]:
        """The components shown and offered on ``day``: those not retired by then, in configured order."""
        return [c for c in self.components if not c.retired_by(day)]

    def retired_component(self, component_id: str, day: date) -> str | None:
        """The message for naming a component retired by ``day`` where only current ones are offered; None
        when it is not retired."""
        component = self.component(component_id)
        if component is None or component.retired is None or not component.retired_by(day):
            return None
        listed = ", ".join(c.id for c in self.listed_components(day)) or "none"
        return (f"{quoted(component_id)} ({component.name}) was retired on {component.retired.isoformat()} "
                f"(retired: in mkdocs.yml) and is no longer offered; use one of: {listed}")

    def severity(self, severity_id: str | None) -> Severity | None:
        """The severity level with this canonical id, or None (see :meth:`normalise_severity` for aliases)."""
        return next((s for s in self.severities if s.id == severity_id), None)

    def unknown_component(self, component_id: object) -> str:
        """The message for a component id that is not configured: a guess (of the ids, else the id of the
        component whose name was written) and the known ids."""
        guess = close_match(str(component_id), self.component_ids)
        if not guess:
            by_name = {c.name.casefold(): c.id for c in self.components}
            named = closest(str(component_id).casefold(), by_name)
            guess = f" (did you mean '{by_name[named]}'? '{component_id}' is its name)" if named else ""
        return (f"{quoted(component_id)} is not a configured component{guess}; "
                f"use one of: {', '.join(self.component_ids)} (components are listed in mkdocs.yml)")

    def unknown_severity(self, value: object, key: str | None = None) -> str:
        """The message for a severity that is neither a level nor an alias of one, nor a number only one level
        has; with ``key`` (``severity``), the fix is written as the line to write (``'severity: SEV2'``)."""
        number = _bare_number(value)
        levels = self.severity_numbers.get(number, []) if number is not None else []
        if len(levels) > 1:
            write = [f"'{key}: {sev.id}'" if key else sev.id for sev, _ in levels]
            which = " or ".join(f"{sev.id} ({sev.name})" if spelling == sev.id
                                else f"{spelling}, that is {sev.id} ({sev.name})" for sev, spelling in levels)
            return f"{quoted(value)} is a bare number, which could mean {which}; write the level: {' or '.join(write)}"
        listed = "; ".join(f"{s.id} ({s.name})" for s in self.severities)
        aliases = ", ".join(a for s in self.severities for a in s.aliases)
        return (f"{quoted(value)} is not a known severity; use one of: {listed}"
                + (f" (or an alias: {aliases}; sev1 and SEV-1 spellings work too)" if aliases else ""))

    def normalise_severity(self, value: object) -> str | None:
        """Canonical id for ``SEV1``, ``sev-1``, ``Sev 1``, ``P0``, ``critical``…, and for a bare number (``4``,
        ``"4"``) that only one level has (see :attr:`severity_numbers`); None if unknown or ambiguous."""
        number = _bare_number(value)
        if number is not None:
            text = str(value).strip()
            if text in self._severity_lookup:  # a level's own alias "2" says what 2 is
                return self._severity_lookup[text]
            levels = self.severity_numbers.get(number, [])
            return levels[0][0].id if len(levels) == 1 else None
        if not isinstance(value, str):
            return None
        if value in self._severity_lookup:
            return self._severity_lookup[value]
        return self._severity_lookup.get(_severity_key(value))

    @cached_property
    def _severity_lookup(self) -> dict[str, str]:
        table: dict[str, str] = {}
        for sev in self.severities:
            for name in (sev.id, *sev.aliases):
                table[name] = sev.id
                table[_severity_key(name)] = sev.id
        return table

    @cached_property
    def severity_numbers(self) -> dict[int, list[tuple[Severity, str]]]:
        """Number -> the levels whose id or an alias carries it (``SEV2``, ``P1``), each with that spelling (its
        id when the id does). A bare number names a level when only one has it: with the default levels, 0
        (P0, SEV1) and 4 (SEV4); 1, 2 and 3 are each one level's id and another's alias (SEV2 and P2, SEV3),
        so ``severity: 2`` is refused, naming both."""
        numbers: dict[int, list[tuple[Severity, str]]] = {}
        for sev in self.severities:
            for name in (sev.id, *sev.aliases):
                found = _NUMBERED.fullmatch(_severity_key(name))
                if found is None:
                    continue
                carriers = numbers.setdefault(int(found[1]), [])
                if all(other is not sev for other, _ in carriers):
                    carriers.append((sev, name))
        return numbers

    @property
    def severity_by_number(self) -> dict[int, str]:
        """The bare numbers that name one level (``4`` -> ``SEV4``), for the JSON Schema and the docs."""
        return {n: levels[0][0].id for n, levels in sorted(self.severity_numbers.items()) if len(levels) == 1}

    def person(self, name: str | None) -> str | None:
        """The name to show for an action item's owner as written (``@marco`` -> ``Marco Bianchi``)."""
        if not name or self.audience != "internal":
            return name
        return self._people_lookup.get(name.removeprefix("@").casefold(), name)

    @cached_property
    def _people_lookup(self) -> dict[str, str]:
        table = {full.casefold(): full for full in self.people.values()}
        table.update({alias.removeprefix("@").casefold(): full for alias, full in self.people.items()})
        return table

    def publishes(self, section: PublicPage) -> bool:
        """Whether this edition shows a team section (always in the internal edition)."""
        return self.audience == "internal" or section in self.public_pages

    def severity_rank(self, severity_id: str | None) -> int:
        """0 for the most severe level; unknown sorts last."""
        ids = [s.id for s in self.severities]
        return ids.index(severity_id) if severity_id in ids else len(ids)


class _MkDocsYamlLoader(yaml.SafeLoader):
    """Reads mkdocs.yml without MkDocs: resolves !ENV, tolerates other tags."""


def _env_tag(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    # MkDocs' rule (pyyaml_env_tag): the first variable set wins, read as a YAML scalar (an
    # empty one is null); the last item of a list is the default.
    default = None
    if isinstance(node, yaml.ScalarNode):
        names = [loader.construct_scalar(node)]
    else:
        items = list(node.value)  # type: ignore[attr-defined]
        if len(items) > 1:
            default = loader.construct_object(items[-1])
            items = items[:-1]
        names = [loader.construct_scalar(item) for item in items]
    for name in names:
        if name in os.environ:
            value = os.environ[name]
            tag = loader.resolve(yaml.ScalarNode, value, (True, False))
            return loader.construct_object(yaml.ScalarNode(tag, value))
    return default


def _any_tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
    return None


_MkDocsYamlLoader.add_constructor("!ENV", _env_tag)
_MkDocsYamlLoader.add_multi_constructor("", _any_tag)
_MkDocsYamlLoader.add_multi_constructor("tag:yaml.org,2002:python/", _any_tag)


def plugin_options(mkdocs_config: dict[str, Any]) -> dict[str, Any] | None:
    """The options dict of the ``sitrep`` entry of a parsed mkdocs.yml, or None."""
    for entry in mkdocs_config.get("plugins") or []:
        if entry == "sitrep":
            return {}
        if isinstance(entry, dict) and "sitrep" in entry:
            return dict(entry["sitrep"] or {})
    if isinstance(mkdocs_config.get("plugins"), dict) and "sitrep" in mkdocs_config["plugins"]:
        return dict(mkdocs_config["plugins"]["sitrep"] or {})
    return None


def build_config(options: dict[str, Any], site_name: str | None, site_url: str | None) -> SitrepConfig:
    """Validate plugin options (plus MkDocs' site_name/site_url) into a SitrepConfig (pydantic's errors)."""
    data = dict(options)
    if site_name and "site_name" not in data:
        data["site_name"] = site_name
    if site_url and "site_url" not in data:
        data["site_url"] = site_url
    if data.get("audience") is None:
        data.pop("audience", None)
    return SitrepConfig.model_validate(data)


def validate_settings(file: SettingsFile, options: dict[str, Any], site_name: str | None,
                      site_url: str | None) -> SitrepConfig:
    """:func:`build_config`, with every problem a :class:`ConfigError` naming its line in ``file``.

    One message per problem: an unknown key that is a typo of a missing required one
    (``idd`` for ``id``) is reported once, as the unknown key with its correction.
    """
    from pydantic import ValidationError

    within = file.sitrep_loc()
    diags = Diagnostics()
    file.check_empty_env(within, diags)
    _raise_if_errors(diags)
    try:
        return build_config(options, site_name, site_url)
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
    named = ("plugins", "sitrep")
    for err in typo_misses(SitrepConfig, errors):
        loc = tuple(err["loc"])
        code, message = field_message(SitrepConfig, err, allowed_fields(SitrepConfig, loc), within=named)
        if not loc and err["type"] == "value_error":  # a rule across fields (ids unique, channel filters)
            code, message = "invalid", f"{location_name(named)}: {err['msg'].removeprefix('Value error, ')}"
        elif not loc and "at" in err.get("ctx", {}):  # a rule across fields that knows where it broke
            loc = tuple(err["ctx"]["at"])
            code, message = "invalid", f"{location_name((*named, *loc))}: {err['msg']}"
        where = (*within, *loc)
        if loc and loc[0] in ("site_name", "site_url") and loc[0] not in options:
            where = loc  # MkDocs' own setting, at the top of the file
        variable, from_env = file.env_variable(where)
        if from_env:
            source = (f"from the environment variable {variable}" if variable
                      else "the default of its !ENV: none of its variables is set")
            value = quoted(err.get("input"))
            message = (message.replace(value, f"{value} ({source})", 1) if value in message
                       else f"{message} ({source})")
        diags.error(*file.where(where), code, message)
    _raise_if_errors(diags)
    raise AssertionError("unreachable: pydantic reported an error")  # pragma: no cover


def _raise_if_errors(diags: Diagnostics) -> None:
    if diags.has_errors:
        for path in {d.path for d in diags.errors}:
            # Read again, on the error path only: a key or value that looks right may hold invisible characters.
            with contextlib.suppress(OSError):
                name_invisible(diags, path, Path(path).read_bytes().decode("utf-8", "replace"))
        first = diags.errors[0]
        raise ConfigError(first.path, first.line, first.message, diags.errors)


def read_settings(mkdocs_yml: Path, missing: str) -> tuple[SettingsFile, dict[str, Any]]:
    """An MkDocs-style configuration file: its nodes, and its settings (``!ENV`` resolved, other tags null).

    ``missing`` is the message when the file does not exist; every problem, a key given
    twice included, is a :class:`ConfigError`. A file with ``INHERIT: PATH`` is read over its
    parent's settings, as MkDocs reads it: the parent (relative to the file's folder, and its own
    parent in turn) is checked the same way, its problems named with its path.
    """
    return _read_settings(mkdocs_yml, str(mkdocs_yml), missing, ())


def _read_settings(path: Path, name: str, missing: str,
                   children: tuple[Path, ...]) -> tuple[SettingsFile, dict[str, Any]]:
    try:
        data = path.read_bytes()
        text = data.decode("utf-8")
        node, raw = compose(text, _MkDocsYamlLoader)
    except FileNotFoundError:
        raise ConfigError(name, 1, missing) from None
    except UnicodeDecodeError as exc:
        raise ConfigError(name, *not_utf8(data, exc)) from None
    except IsADirectoryError as exc:
        raise ConfigError(name, 1, f"{path.name} cannot be read ({exc.__class__.__name__}): "
                          "it must be a UTF-8 text file") from None
    except yaml.MarkedYAMLError as exc:
        if (quote := quote_problem(text, exc)) is not None:
            raise ConfigError(name, quote[0] + 1, quote[1].format(line=quote[0] + 1)) from None
        line = exc.problem_mark.line + 1 if exc.problem_mark else 1
        source = text.splitlines()
        text_line = source[line - 1] if 0 < line <= len(source) else ""
        if (fix := line_syntax_fix(text_line, line)) is not None:
            raise ConfigError(name, line, f"YAML syntax error: {fix[0]}" if fix[1]
                              else f"YAML syntax error: {exc.problem}; {fix[0]}") from None
        raise ConfigError(name, line, f"YAML syntax error: {exc.problem}; check the indentation (spaces, not "
                          "tabs) and quote values that contain ': ' or start with a special character") from None
    if not isinstance(raw, dict):
        raise ConfigError(name, 1, f"{path.name} must be a mapping of settings")
    name_nodes(node, name)
    file = SettingsFile(name, node)
    diags = Diagnostics()
    file.check_duplicate_keys(diags)
    _raise_if_errors(diags)
    if "INHERIT" not in raw:
        return file, raw
    inherit, line = raw.pop("INHERIT"), file.line_of(("INHERIT",))
    if not isinstance(inherit, str) or not inherit.strip():
        raise ConfigError(name, line, "INHERIT: give the path of the parent configuration file, e.g. "
                          "'INHERIT: base.yml' (relative to this file's folder)")
    parent_path = Path(os.path.normpath(path.parent / inherit))
    parent_name = os.path.normpath(os.path.join(os.path.dirname(name), inherit))
    if parent_path.resolve() in {p.resolve() for p in (*children, path)}:
        raise ConfigError(name, line, f"INHERIT: '{inherit}' inherits, in turn, this file: MkDocs would "
                          "read them for ever; remove the INHERIT line of one of them")
    if not parent_path.is_file():
        raise ConfigError(name, line, f"INHERIT: the parent configuration file '{inherit}' does not exist "
                          f"(looked for {parent_name}): correct the path, relative to the folder of "
                          f"{path.name}, or remove the INHERIT line")
    parent_file, parent_raw = _read_settings(parent_path, parent_name, missing, (*children, path))
    merged = merge_settings(parent_raw, raw)
    return SettingsFile(name, merge_nodes(parent_file.node, _without_inherit(node))), merged


def _without_inherit(node: yaml.Node | None) -> yaml.Node | None:
    if not isinstance(node, yaml.MappingNode):
        return node
    return yaml.MappingNode(node.tag, [(k, v) for k, v in node.value
                                       if not (isinstance(k, yaml.ScalarNode) and k.value == "INHERIT")],
                            node.start_mark, node.end_mark, node.flow_style)


def read_mkdocs_yml(mkdocs_yml: Path, missing: str) -> dict[str, Any]:
    """The settings of an MkDocs-style configuration file (see :func:`read_settings`)."""
    return read_settings(mkdocs_yml, missing)[1]


def load_config(mkdocs_yml: Path) -> SitrepConfig:
    """Read ``mkdocs.yml`` and return the validated sitrep configuration."""
    name = str(mkdocs_yml)
    file, raw = read_settings(mkdocs_yml, "mkdocs.yml not found: run sitrep in the portal's root folder "
                                          "or pass --config PATH")
    options = plugin_options(raw)
    if options is None:
        raise ConfigError(name, 1, "no 'sitrep' entry under 'plugins': add '- sitrep:' with its "
                          "components (`sitrep init --component id=\"Name\"` in an empty folder writes an "
                          "example mkdocs.yml)")
    return validate_settings(file, options, raw.get("site_name"), raw.get("site_url"))
