"""The record format: incidents, postmortems and runbooks as typed, validated records.

These pydantic-validated dataclasses are the single source of the format. Their field descriptions and
examples feed the validator's messages, ``sitrep schema`` (JSON Schema for
editors) and the format reference page. Rules that span several fields or
several records (time order, references) live in :mod:`sitrep.load.validation`.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import FrozenInstanceError, dataclass
from datetime import datetime
from typing import Annotated, Any, ClassVar, Literal, Self, get_args

from pydantic import AwareDatetime, BeforeValidator, ConfigDict, Field
from pydantic.dataclasses import dataclass as validated_dataclass
from pydantic.fields import FieldInfo
from pydantic_core import TzInfo

from sitrep.model.formatting import compact_stamp, id_word
from sitrep.model.vocabulary import CLOSING_STATUSES, POSTMORTEM_STATUSES, worst

Visibility = Literal["public", "internal"]
#: Built from the vocabulary (subscripting Literal with a tuple lists its values).
PostmortemStatus = Literal[POSTMORTEM_STATUSES]  # type: ignore[valid-type]

ID_PATTERN = r"^[a-z0-9][a-z0-9-]{0,99}$"


def _number_as_text(value: Any) -> Any:
    """A severity written as a bare number (``severity: 2``) as its text: the configuration says which level
    that is, if only one level has that number (:meth:`sitrep.model.config.SitrepConfig.normalise_severity`)."""
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


#: A severity as written: a level's id or alias (text), or a bare number the levels make unambiguous.
SeverityText = Annotated[str | None, BeforeValidator(_number_as_text, json_schema_input_type=str | int | None)]


def _ex(*examples: Any) -> dict[str, Any]:
    return {"examples": list(examples)}


#: One tzinfo object per UTC offset, shared by every record: a portal holds tens of thousands
#: of timestamps, and pydantic makes a tzinfo object for each.
_ZONES: dict[tuple[type, Any], dt.tzinfo] = {}
#: The fixed-offset kinds of time zone that are shared (each only with its own kind, as their
#: tzname() differ): pydantic's, and Python's for values built in code. A named zone (zoneinfo)
#: keeps its own object: its offset changes with DST.
_FIXED_ZONES = (TzInfo, dt.timezone)
#: The timestamp fields of each record class, found on its first instance.
_TIMESTAMP_FIELDS: dict[type, tuple[str, ...]] = {}


def _shared_zone(moment: datetime) -> Any:
    """The one tzinfo object of its kind used for ``moment``'s UTC offset (a named zone: its own)."""
    zone = moment.tzinfo
    kind = type(zone)
    if kind not in _FIXED_ZONES:
        return zone
    return _ZONES.setdefault((kind, moment.utcoffset()), zone)  # type: ignore[arg-type]


def _holds_an_instant(annotation: Any) -> bool:
    """Whether a field's type is ``AwareDatetime`` or ``AwareDatetime | None`` (not a list of them)."""
    return annotation is AwareDatetime or AwareDatetime in get_args(annotation)


def instant_fields(cls: type) -> tuple[str, ...]:
    """The fields of a record class that hold one instant (``AwareDatetime``, optional or not)."""
    timestamps = _TIMESTAMP_FIELDS.get(cls)
    if timestamps is None:
        timestamps = _TIMESTAMP_FIELDS[cls] = tuple(
            name for name, info in cls.__pydantic_fields__.items() if _holds_an_instant(info.annotation))
    return timestamps


def _share_zones(record: Any) -> None:
    """Give a new record's timestamps the shared time zone of their offset (same values)."""
    for name in instant_fields(type(record)):
        value = getattr(record, name)
        if value is not None and value.tzinfo is not None:
            zone = _shared_zone(value)
            if zone is not value.tzinfo:
                object.__setattr__(record, name, value.replace(tzinfo=zone))


#: What a record knows of its file besides the front matter (set by the loader).
_SOURCE = ("_path", "_body", "_body_line")
#: How records are validated: unknown fields are errors.
RECORD_CONFIG = ConfigDict(extra="forbid", str_strip_whitespace=False)


def _rebuild(cls: type[Record], values: tuple[Any, ...], source: tuple[str, str, int]) -> Record:
    """A record from its field values and source, without validating again (unpickling, copies)."""
    record = object.__new__(cls)
    for name, value in zip(cls.__pydantic_fields__, values, strict=True):
        object.__setattr__(record, name, value)
    for name, value in zip(_SOURCE, source, strict=True):
        object.__setattr__(record, name, value)
    return record


class Record:
    """Common base: unknown fields are errors, records are immutable.

    The kinds are pydantic-validated dataclasses with slots rather than models: a portal
    holds thousands of records, and each model carries a ``__dict__``, a private-attribute
    dict and a set of field names (about 1.1 KB for an incident; its slots take 0.3). The
    part of the model API the code uses is here: ``model_validate``, ``model_copy``,
    ``model_fields`` and ``model_json_schema``; validation, messages and the JSON Schema
    are pydantic's, as before.
    """

    __slots__ = _SOURCE
    model_fields: ClassVar[dict[str, FieldInfo]]
    __pydantic_fields__: ClassVar[dict[str, FieldInfo]]
    __pydantic_validator__: ClassVar[Any]
    _path: str
    _body: str
    _body_line: int

    def __post_init__(self) -> None:
        object.__setattr__(self, "_path", "")
        object.__setattr__(self, "_body", "")
        object.__setattr__(self, "_body_line", 1)
        _share_zones(self)

    def __setattr__(self, name: str, value: Any) -> None:
        if name not in _SOURCE:
            raise FrozenInstanceError(f"cannot assign to field {name!r}: {type(self).__name__} is immutable")
        object.__setattr__(self, name, value)

    def __delattr__(self, name: str) -> None:
        raise FrozenInstanceError(f"cannot delete field {name!r}: {type(self).__name__} is immutable")

    def _values(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in self.__pydantic_fields__)

    def _source(self) -> tuple[str, str, int]:
        return self._path, self._body, self._body_line

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return self._values() == other._values() and self._source() == other._source()  # type: ignore[attr-defined]

    __hash__ = None  # type: ignore[assignment]  # mappings and lists inside, as with the models

    def __reduce__(self) -> tuple[Any, ...]:
        return _rebuild, (type(self), self._values(), self._source())

    @classmethod
    def model_validate(cls, data: Any) -> Self:
        """Validate a front matter's data (a mapping) into a record; raises ValidationError."""
        return cls.__pydantic_validator__.validate_python(data)  # type: ignore[no-any-return]

    @classmethod
    def model_json_schema(cls, mode: Literal["validation", "serialization"] = "validation") -> dict[str, Any]:
        """The JSON Schema of the record's front matter."""
        from pydantic import TypeAdapter

        return TypeAdapter(cls).json_schema(mode=mode)

    def model_copy(self, *, update: Mapping[str, Any] | None = None, deep: bool = False) -> Self:
        """A copy with ``update`` applied (not validated, as with a model), source included."""
        copied = copy.deepcopy(self) if deep else copy.copy(self)
        for name, value in (update or {}).items():
            if name not in self.__pydantic_fields__:
                raise ValueError(f"{type(self).__name__} has no field {name!r}")
            object.__setattr__(copied, name, value)
        _share_zones(copied)
        return copied

    @property
    def path(self) -> str:
        """Repository-relative path of the file the record came from."""
        return self._path

    @property
    def body(self) -> str:
        """The Markdown after the front matter."""
        return self._body

    @property
    def body_line(self) -> int:
        """The file's line number where the body starts."""
        return self._body_line


@validated_dataclass(frozen=True, slots=True, config=ConfigDict(extra="forbid"))
class Update:
    """One status update, as posted on the status page."""

    # A validated dataclass with slots rather than a model: a portal holds four or more updates
    # per incident, and each model would carry a __dict__ and a field-name set (72 bytes instead
    # of 260). Validation, messages and the JSON Schema are the same.

    at: AwareDatetime = Field(
        description="When the update was posted: ISO 8601 with a UTC offset.",
        json_schema_extra=_ex("2026-02-10T14:40:00Z"),
    )
    status: str = Field(
        description="investigating, identified, monitoring or resolved (incidents); scheduled, "
        "in_progress, verifying or completed (maintenance).",
        json_schema_extra=_ex("investigating"),
    )
    message: str = Field(
        min_length=1, max_length=20_000,
        description="The public message, written for customers.",
        json_schema_extra=_ex("We are investigating elevated error rates on the Publishing API."),
    )
    severity: SeverityText = Field(
        None, description="Only on an update that escalates or de-escalates: the incident's severity "
        "from this update on, written as the top-level severity.", json_schema_extra=_ex("SEV1"))
    components: dict[str, str] | None = Field(
        None, description="Only on an update that changes the impact: component id -> impact from this "
        "update on (degraded_performance, partial_outage, major_outage, or operational once a component "
        "has recovered); components not listed keep their impact, new ones join the incident.",
        json_schema_extra=_ex({"publishing-api": "major_outage"}))

    def __post_init__(self) -> None:
        zone = _shared_zone(self.at)
        if zone is not self.at.tzinfo:
            object.__setattr__(self, "at", self.at.replace(tzinfo=zone))

    @property
    def changes_impact(self) -> bool:
        """Whether this update escalates, de-escalates or changes the affected components."""
        return self.severity is not None or bool(self.components)




@dataclass(frozen=True)
class ImpactPeriod:
    """A stretch of an incident with one severity and one impact per component.

    ``components`` leaves out components that are operational in the period; the
    period lasts from ``start`` to the next period's start (the last one to the
    incident's impact end), so it may last no time at all (a change in the same
    second as the one before it).
    """

    start: datetime
    severity: str | None
    components: Mapping[str, str]


@validated_dataclass(slots=True, eq=False, config=RECORD_CONFIG)
class Incident(Record):
    """An incident or a scheduled maintenance: ``incidents/YYYY/YYYY-MM-DD-slug.md``."""

    kind: Literal["incident", "maintenance"] = Field(
        "incident", description="'incident' (default) or 'maintenance' for scheduled maintenance."
    )
    id: str = Field(
        pattern=ID_PATTERN,
        description="Stable id; defaults to the file name without .md. Lowercase, digits, dashes.",
        json_schema_extra=_ex("2026-02-10-publishing-api-errors"),
    )
    title: str = Field(min_length=1, max_length=300, description="Short public title.",
                       json_schema_extra=_ex("Publishing API returning errors"))
    severity: SeverityText = Field(
        None, description="Severity id (SEV1..SEV4; aliases P0..P3, SEV-1, sev1 accepted). A bare number is "
        "accepted where only one level has it: with the default levels 4 (SEV4) and 0 (P0, SEV1); 1, 2 and 3 are "
        "refused, each being a SEV and a P level (2: SEV2, or P2, which is SEV3). Required for incidents. The "
        "severity as declared; an update with 'severity' changes it from then on.",
        json_schema_extra=_ex("SEV2"))
    type: Literal["outage", "degradation", "security", "data-loss", "integration"] | None = Field(
        None, description="Kind of incident.")
    detection: Literal["monitoring", "customer", "employee", "external"] | None = Field(
        None, description="How the incident was detected.")
    started: AwareDatetime | None = Field(
        None, description="When customer impact began (required for incidents).",
        json_schema_extra=_ex("2026-02-10T14:30:00Z"))
    detected: AwareDatetime | None = Field(None, description="When the team learnt of it.")
    acknowledged: AwareDatetime | None = Field(None, description="When a responder acknowledged it.")
    mitigated: AwareDatetime | None = Field(
        None, description="When customer impact ended (service restored).")
    resolved: AwareDatetime | None = Field(
        None, description="When the incident was resolved; required once the last update is "
        "resolved (defaults to that update's time).")
    scheduled_start: AwareDatetime | None = Field(
        None, description="Maintenance only: planned start.")
    scheduled_end: AwareDatetime | None = Field(None, description="Maintenance only: planned end.")
    components: dict[str, str] = Field(
        min_length=1,
        description="Affected components: component id -> impact (degraded_performance, "
        "partial_outage, major_outage; under_maintenance for maintenance), as declared; an update "
        "with 'components' changes them from then on.",
        json_schema_extra=_ex({"publishing-api": "partial_outage"}),
    )
    updates: list[Update] = Field(min_length=1, description="Status updates in time order.")
    commander: str | None = Field(None, description="Incident commander (internal).")
    tech_lead: str | None = Field(None, description="Technical lead (internal).")
    comms_lead: str | None = Field(None, description="Communications lead (internal).")
    scribe: str | None = Field(None, description="Scribe (internal).")
    channel: str | None = Field(None, description="The team's chat channel for the incident, e.g. "
                                "#incident-2026-02-10-payments (internal; named in alerts and reminders).")
    war_room: str | None = Field(None, description="Link to the call or war room (internal; named in alerts).")
    runbooks: list[str] = Field(default_factory=list, description="Ids of runbooks used.")
    users_affected: int | None = Field(None, ge=0, description="Number of users affected.")
    visibility: Visibility = Field("public", description="public (default) or internal.")

    # --- derived, pure ------------------------------------------------------
    @property
    def is_maintenance(self) -> bool:
        """Whether the record is a scheduled maintenance rather than an incident."""
        return self.kind == "maintenance"

    @property
    def status(self) -> str:
        """The latest update's status."""
        return self.updates[-1].status

    @property
    def is_resolved(self) -> bool:
        """Whether the latest update closed the record (resolved or completed)."""
        return self.status in CLOSING_STATUSES

    @property
    def update_ids(self) -> tuple[str, ...]:
        """The id of each update, in file order, unique within the record (see :func:`update_ids`)."""
        return update_ids(self.updates)

    @property
    def start(self) -> datetime:
        """When impact (or maintenance) began."""
        if self.is_maintenance:
            return self.started or self.scheduled_start or self.updates[0].at
        return self.started or self.updates[0].at

    @property
    def resolved_at(self) -> datetime | None:
        """When it was resolved: ``resolved:``, else the closing update's time; None while open."""
        if self.resolved:
            return self.resolved
        return self.updates[-1].at if self.is_resolved else None

    @property
    def impact_end(self) -> datetime | None:
        """When customer impact ended: mitigated, else resolved; None while ongoing."""
        return self.mitigated or self.resolved_at

    @property
    def last_updated(self) -> datetime:
        """The time of the latest update."""
        return max(u.at for u in self.updates)

    @property
    def impact_periods(self) -> tuple[ImpactPeriod, ...]:
        """Severity and impact over time: as declared from ``start``, then as each update changes them.

        An update posted before ``start`` takes effect at ``start``. A change at the same moment as
        the one before it follows it as a period of no length, never replaces it: the worst impact
        counts both (the declared impact was declared), the impact at that moment is the later one
        in the file, and uptime counts no time for the empty period.
        """
        severity, impact = self.severity, dict(self.components)
        periods = [ImpactPeriod(self.start, severity, dict(impact))]
        for update in self.updates:
            if not update.changes_impact:
                continue
            severity = update.severity or severity
            impact.update(update.components or {})
            impact = {cid: imp for cid, imp in impact.items() if imp != "operational"}
            periods.append(ImpactPeriod(max(update.at, self.start), severity, dict(impact)))
        return tuple(periods)

    @property
    def components_by_update(self) -> tuple[Mapping[str, str], ...]:
        """For each update (file order), the impact on each affected component once it was posted: the
        declared impact as it and the updates before it changed it (not a later update of the same
        second, which :meth:`components_at` includes). One pass over the updates."""
        periods = self.impact_periods
        changed = 0
        out: list[Mapping[str, str]] = []
        for update in self.updates:
            changed += update.changes_impact
            out.append(periods[changed].components)
        return tuple(out)

    def components_at(self, moment: datetime) -> Mapping[str, str]:
        """The impact on each affected component at ``moment`` (the declared one before ``start``)."""
        found = self.impact_periods[0].components
        for period in self.impact_periods:
            if period.start > moment:
                break
            found = period.components
        return found

    @property
    def latest_severity(self) -> str | None:
        """The severity after the last escalation or de-escalation (the declared one if none)."""
        return next((u.severity for u in reversed(self.updates) if u.severity), self.severity)

    @property
    def latest_components(self) -> dict[str, str]:
        """Every component the incident has affected, with its latest impact (``operational`` if recovered)."""
        impact = dict(self.components)
        for update in self.updates:
            impact.update(update.components or {})
        return impact

    @property
    def worst_components(self) -> dict[str, str]:
        """Every component the incident has affected, with the worst impact it had (declaration order)."""
        found: dict[str, str] = {}
        for period in self.impact_periods:
            for cid, impact in period.components.items():
                found[cid] = worst((found.get(cid, "operational"), impact))
        return found

    @property
    def roles(self) -> dict[str, str]:
        """The response roles that are filled in, by their label ("Tech lead": name)."""
        return {k: v for k, v in (("Commander", self.commander), ("Tech lead", self.tech_lead),
                                  ("Comms lead", self.comms_lead), ("Scribe", self.scribe)) if v}


@validated_dataclass(slots=True, eq=False, config=RECORD_CONFIG)
class Postmortem(Record):
    """A postmortem: ``postmortems/YYYY-MM-DD-slug.md``."""

    id: str = Field(pattern=ID_PATTERN, description="Defaults to the file name without .md.")
    title: str = Field(min_length=1, max_length=300, description="Title of the postmortem.")
    incidents: list[str] = Field(min_length=1, description="Ids of the incidents it covers.",
                                 json_schema_extra=_ex(["2026-02-10-publishing-api-errors"]))
    date: dt.date = Field(description="Date of the postmortem (YYYY-MM-DD).")
    authors: list[str] = Field(min_length=1, description="Authors' names.")
    status: PostmortemStatus = Field(description="draft, in-review or published.")
    visibility: Visibility = Field("internal", description="internal (default) or public.")
    tags: list[str] = Field(default_factory=list, description="Free-form tags.")


@validated_dataclass(slots=True, eq=False, config=RECORD_CONFIG)
class Runbook(Record):
    """A runbook: ``runbooks/slug.md``."""

    id: str = Field(pattern=ID_PATTERN, description="Defaults to the file name without .md.")
    title: str = Field(min_length=1, max_length=300, description="Title of the runbook.")
    components: list[str] = Field(default_factory=list, description="Component ids it applies to.")
    owner: str = Field(min_length=1, description="Team or person who keeps it current.")
    last_reviewed: dt.date = Field(description="Date of the last review (YYYY-MM-DD).")
    review_every: int = Field(90, ge=1, le=3650, description="Days between reviews (default 90, quarterly).")
    visibility: Visibility = Field("internal", description="internal (default) or public.")
    related: list[str] = Field(default_factory=list, description="Ids of related runbooks.")

    @property
    def next_review(self) -> dt.date:
        """When the runbook is next due for review: last review plus its review interval."""
        return self.last_reviewed + dt.timedelta(days=self.review_every)

    def is_stale(self, today: dt.date) -> bool:
        """Whether the runbook is past its review date on ``today`` (due today is not stale yet)."""
        return self.next_review < today


MODELS: dict[str, type[Record]] = {"incident": Incident, "postmortem": Postmortem, "runbook": Runbook}

# The fields of each kind and of an update, as a model's ``model_fields`` lists them (messages, the
# schema, the format page, the CLI's choices).
for _kind in (Incident, Postmortem, Runbook, Update):
    _kind.model_fields = _kind.__pydantic_fields__  # type: ignore[misc]


def update_repeats(updates: Iterable[Update]) -> tuple[int, ...]:
    """For each update of one record, in file order: 1, or 2, 3… when earlier ones share its second and status.

    The rule that keeps update ids unique within a record (see :func:`update_ids`):
    two updates posted in the same second (or written by hand with the same
    minute) with the same status are told apart by their order in the file.
    """
    seen: dict[tuple[str, str], int] = {}
    repeats = []
    for update in updates:
        key = (compact_stamp(update.at), id_word(update.status))
        seen[key] = seen.get(key, 0) + 1
        repeats.append(seen[key])
    return tuple(repeats)


def update_ids(updates: Sequence[Update]) -> tuple[str, ...]:
    """The stable id of each update of one record, in file order: ``20260210T144000Z-identified``.

    The one rule for every id of an update: its page anchor, its feed entry, its
    id in the JSON API and its notification event (so the ledger) all derive from
    it. The update's UTC time to the second and its status; an update whose second
    and status an earlier update of the record already has adds ``-2``, ``-3``…
    (:func:`update_repeats`). So an update that shares its time and status with no
    other keeps the plain form, and appending an update never changes the id of an
    earlier one.
    """
    return tuple(f"{compact_stamp(u.at)}-{id_word(u.status)}" + (f"-{n}" if n > 1 else "")
                 for u, n in zip(updates, update_repeats(updates), strict=True))


def newest_first(updates: Iterable[Update]) -> list[Update]:
    """Updates by time, newest first; equal times keep their file order reversed."""
    return [u for _, u in sorted(enumerate(updates), key=lambda p: (p[1].at, p[0]), reverse=True)]
