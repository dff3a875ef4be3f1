"""``/embed.js``: a dependency-free script any product page includes to show a status banner.

The script (``templates/embed/embed.js``) reads the site's ``api/v2/summary.json``
and shows a banner while an incident or a maintenance in progress affects the
components the page chose (``data-components="api,web"``, the ids of
mkdocs.yml). Sitrep fills in the table from those ids to the API's component ids,
so pages never need to know the latter.
"""

from __future__ import annotations

from pathlib import Path

from sitrep.derive.state import PortalState
from sitrep.model.formatting import dump_json
from sitrep.model.vocabulary import INDICATOR_RANK, OUTAGE_WORDS
from sitrep.render.statuspage_api import statuspage_id
from sitrep.render.urls import BADGE_FILES, EMBED_SCRIPT, urls_for

SOURCE = Path(__file__).parent / "templates" / "embed" / "embed.js"
_SLOT = "/*SITREP_COMPONENT_IDS*/{}"


def build_embed(state: PortalState) -> dict[str, bytes]:
    """``embed.js`` with the portal's component ids."""
    # Listed components only: a retired one has no incidents to show a banner for.
    ids = {c.id: statuspage_id("component", c.id) for c in state.components}
    script = SOURCE.read_text(encoding="utf-8")
    table = dump_json(ids, sort_keys=True).decode().strip()
    # The usage comment shows this portal's own address and two of its own component ids.
    script = script.replace("/*SITREP_SCRIPT_URL*/", urls_for(state.portal.config.site_url).file(EMBED_SCRIPT), 1)
    script = script.replace("/*SITREP_EXAMPLE_IDS*/", ",".join(list(ids)[:2]), 1)
    # The fallback for pages without JavaScript: the status badge, linked to the status page.
    urls = urls_for(state.portal.config.site_url)
    script = script.replace("/*SITREP_SITE_URL*/", urls.root, 1)
    script = script.replace("/*SITREP_BADGE_URL*/", urls.file(BADGE_FILES[0]), 1)
    script = script.replace("/*SITREP_IMPACT_RANK*/{}", dump_json(INDICATOR_RANK, sort_keys=True).decode().strip(), 1)
    script = script.replace("/*SITREP_STATUS_WORDS*/{}", dump_json(OUTAGE_WORDS).decode().strip(), 1)
    return {EMBED_SCRIPT: script.replace(_SLOT, table, 1).encode("utf-8")}
