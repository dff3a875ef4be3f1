"""What every page builder of an edition shares: its derived state, the build's ``now`` and its record pages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sitrep.derive.action_items import ActionItemRow
from sitrep.derive.state import PortalState
from sitrep.model.config import SitrepConfig
from sitrep.model.portal import Portal
from sitrep.model.records import Postmortem, Runbook
from sitrep.render.body_links import BodyLinks, strip_title


@dataclass(frozen=True)
class RenderContext:
    """One edition being rendered: its state at ``now`` (UTC) and the pages it publishes."""

    state: PortalState
    links: BodyLinks

    @classmethod
    def of(cls, state: PortalState, links: BodyLinks | None = None) -> RenderContext:
        """The context of an audience-filtered portal's state."""
        return cls(state, links or BodyLinks.of(state.portal))

    @property
    def portal(self) -> Portal:
        """The portal of the edition being rendered."""
        return self.state.portal

    @property
    def now(self) -> datetime:
        """The build's instant, in UTC."""
        return self.state.now.astimezone(UTC)

    @property
    def config(self) -> SitrepConfig:
        """The edition's settings."""
        return self.state.portal.config

    @property
    def internal(self) -> bool:
        """Whether this is the internal edition (authors, responders and internal fields shown)."""
        return self.config.audience == "internal"

    def rows(self, pm: Postmortem) -> tuple[ActionItemRow, ...]:
        """The postmortem's action items (parsed once per build)."""
        return self.state.action_items[pm.id]

    def body(self, record: Postmortem | Runbook, page_path: str) -> str:
        """A postmortem's or runbook's body for its page: without its H1, links fixed for this edition."""
        return self.links.fix(strip_title(record.body), page_path, record.path)
