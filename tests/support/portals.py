"""In-memory portals for tests of the derive and render stages: no files, no loader."""

from __future__ import annotations

from typing import Any

from sitrep.model.config import Component, SitrepConfig
from sitrep.model.portal import Portal
from sitrep.model.records import Incident, Postmortem, Runbook

SITE = "https://status.example.com/"


def make_config(*components: Component, api_name: str = "Publishing API", site_url: str = SITE,
                **options: Any) -> SitrepConfig:
    """Settings of "Example Status" with ``components``, by default ``api`` (named ``api_name``) and ``db``."""
    listed = list(components) or [Component(id="api", name=api_name), Component(id="db", name="Database")]
    return SitrepConfig(site_name="Example Status", site_url=site_url, components=listed, **options)


def portal_of(*records: Incident | Postmortem | Runbook, config: SitrepConfig | None = None,
              **options: Any) -> Portal:
    """A portal of ``records`` in the order :func:`sitrep.load.loader.load_portal` gives them.

    The settings are ``config``, else :func:`make_config` with ``options``.
    """
    incidents = sorted((r for r in records if isinstance(r, Incident)), key=lambda i: (i.start, i.id))
    postmortems = sorted((r for r in records if isinstance(r, Postmortem)), key=lambda p: (p.date, p.id))
    runbooks = sorted((r for r in records if isinstance(r, Runbook)), key=lambda r: r.id)
    return Portal(config=config or make_config(**options), incidents=tuple(incidents),
                  postmortems=tuple(postmortems), runbooks=tuple(runbooks))
