"""The portal: every valid record of a repository under one configuration, with lookups."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, date
from typing import Any

from sitrep.model.config import SitrepConfig
from sitrep.model.records import Incident, Postmortem, Runbook


@dataclass(frozen=True)
class Portal:
    """All valid records of a repository, with lookups. Immutable."""

    config: SitrepConfig
    incidents: tuple[Incident, ...] = ()
    postmortems: tuple[Postmortem, ...] = ()
    runbooks: tuple[Runbook, ...] = ()
    _index: dict[str, dict[str, Any]] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self._index.update({
            "incident": {i.id: i for i in self.incidents},
            "postmortem": {p.id: p for p in self.postmortems},
            "runbook": {r.id: r for r in self.runbooks},
        })
        # Reverse indexes: pages ask these once per incident or runbook.
        self._index["pm_by_incident"] = {}
        for pm in self.postmortems:
            for incident_id in pm.incidents:
                self._index["pm_by_incident"].setdefault(incident_id, []).append(pm)  # type: ignore[attr-defined]
        self._index["incidents_by_runbook"] = {}
        for inc in self.incidents:
            for runbook_id in inc.runbooks:
                self._index["incidents_by_runbook"].setdefault(runbook_id, []).append(inc)  # type: ignore[attr-defined]

    def incident(self, incident_id: str) -> Incident | None:
        """The incident or maintenance with this id, or None."""
        return self._index["incident"].get(incident_id)  # type: ignore[return-value]

    def runbook(self, runbook_id: str) -> Runbook | None:
        """The runbook with this id, or None."""
        return self._index["runbook"].get(runbook_id)  # type: ignore[return-value]

    def postmortem(self, postmortem_id: str) -> Postmortem | None:
        """The postmortem with this id, or None."""
        return self._index["postmortem"].get(postmortem_id)  # type: ignore[return-value]

    def postmortems_for(self, incident_id: str) -> list[Postmortem]:
        """The postmortems whose ``incidents:`` name this incident, in file order."""
        return list(self._index["pm_by_incident"].get(incident_id, []))  # type: ignore[arg-type]

    def incidents_using(self, runbook_id: str) -> list[Incident]:
        """The incidents whose ``runbooks:`` name this runbook, in file order."""
        return list(self._index["incidents_by_runbook"].get(runbook_id, []))  # type: ignore[arg-type]

    @property
    def since(self) -> date | None:
        """The portal's first day: the ``since`` setting, else the UTC day of the earliest incident."""
        if self.config.since is not None:
            return self.config.since
        return min((i.start.astimezone(UTC).date() for i in self.incidents), default=None)

    def for_audience(self, audience: str) -> Portal:
        """The records a given edition may show: everything, or what customers may read.

        The public edition keeps public incidents, public postmortems once ``published``
        (drafts and reviews never), and public runbooks only when ``public_pages`` lists
        runbooks. Its first day stays the whole portal's (``since``), so hiding an early
        internal incident does not move where uptime data begins.
        """
        if audience == "internal":
            return self
        config = self.config
        if config.since is None and self.since is not None:
            config = config.model_copy(update={"since": self.since})
        return Portal(
            config=config,
            incidents=tuple(i for i in self.incidents if i.visibility == "public"),
            postmortems=tuple(p for p in self.postmortems if p.visibility == "public" and p.status == "published"),
            runbooks=tuple(r for r in self.runbooks if r.visibility == "public" and "runbooks" in config.public_pages),
        )


def with_config(portal: Portal, config: SitrepConfig) -> Portal:
    """The same records under another configuration (e.g. another audience)."""
    return replace(portal, config=config, _index={})
