"""What every page builder of an edition shares: its records, the build's ``now`` and its record pages."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sitrep.derive.action_items import ActionItemRow, action_rows
from sitrep.model.config import SitrepConfig
from sitrep.model.portal import Portal
from sitrep.model.records import Postmortem, Runbook
from sitrep.render.body_links import BodyLinks, strip_title


@dataclass(frozen=True)
class RenderContext:
    """One edition being rendered: the (audience-filtered) portal, ``now`` and the pages it publishes."""

    portal: Portal
    now: datetime
    links: BodyLinks
    _rows: dict[str, list[ActionItemRow]] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def of(cls, portal: Portal, now: datetime) -> RenderContext:
        """The context of an audience-filtered portal at ``now``."""
        return cls(portal, now, BodyLinks.of(portal))

    @property
    def config(self) -> SitrepConfig:
        return self.portal.config

    @property
    def internal(self) -> bool:
        """Whether this is the internal edition (authors, responders and internal fields shown)."""
        return self.portal.config.audience == "internal"

    def rows(self, pm: Postmortem) -> list[ActionItemRow]:
        """The postmortem's action items (parsed once per build)."""
        if pm.id not in self._rows:
            self._rows[pm.id] = action_rows([pm], self.now.date(), self.portal.config.person)
        return self._rows[pm.id]

    def body(self, record: Postmortem | Runbook, page_path: str) -> str:
        """A postmortem's or runbook's body for its page: without its H1, links fixed for this edition."""
        return self.links.fix(strip_title(record.body), page_path, record.path)
