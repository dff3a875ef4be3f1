"""Find records on disk by id: the incident to edit, the postmortems covering incidents."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path, PurePosixPath

from sitrep.edit.updates import check_text
from sitrep.load.reader import read_record
from sitrep.model.config import SitrepConfig
from sitrep.model.diagnostics import Diagnostics
from sitrep.model.exceptions import UnknownRecord
from sitrep.model.formatting import did_you_mean
from sitrep.model.records import Incident


def find_incident(root: Path, config: SitrepConfig, incident_id: str) -> tuple[str, Incident]:
    """(path relative to ``root``, incident) for an incident id or a path to its file.

    The file named after the id is tried first, which avoids reading the whole
    portal; an id set explicitly with ``id:`` is found through
    :func:`sitrep.load.loader.load_portal`. Raises :class:`UnknownRecord`.
    """
    from sitrep.load.discovery import RECORD_FOLDERS, discover
    from sitrep.load.loader import load_portal

    wanted = incident_id
    if wanted.endswith(".md") or "/" in wanted or os.sep in wanted:
        wanted = PurePosixPath(wanted.replace(os.sep, "/")).stem
    files = [rel for kind, rel in discover(root) if kind == "incident"]

    def attempt(rel: str) -> Incident | None:
        record, _, diags = check_text("incident", rel, (root / rel).read_bytes(), config)
        if isinstance(record, Incident) and record.id != wanted:
            return None  # named like the id but declares another one
        if record is None or diags.has_errors:
            # Editing a broken record would hide its problems behind ours.
            raise UnknownRecord(f"incident {wanted} ({rel}) has errors; fix them first (sitrep validate)",
                                diags.errors)
        assert isinstance(record, Incident)
        return record

    tried = [r for r in files if PurePosixPath(r).stem == wanted]
    for rel in tried:
        if (record := attempt(rel)) is not None:
            return rel, record
    # An explicit 'id:' in a file named differently: only the whole portal knows.
    portal, _ = load_portal(root, config)
    found = portal.incident(wanted)
    if found is not None and found.path not in tried and (record := attempt(found.path)) is not None:
        return found.path, record
    ids = sorted({i.id for i in portal.incidents} | {PurePosixPath(r).stem for r in files})
    guess = did_you_mean(wanted, ids)
    hint = f"; {guess}" if guess else "; ids are file names without .md"
    raise UnknownRecord(f"no incident with id '{wanted}' under {root / RECORD_FOLDERS['incident']}{hint}")


def postmortems_covering(root: Path, incident_ids: Sequence[str]) -> list[str]:
    """Paths (relative to ``root``) of postmortems whose ``incidents:`` name one of ``incident_ids``.

    Reads only the front matter, without validation: an unfinished draft counts too.
    """
    from sitrep.load.discovery import discover

    wanted = set(incident_ids)
    found = []
    for kind, rel in discover(root):
        if kind != "postmortem":
            continue
        try:
            rf = read_record(rel, (root / rel).read_bytes(), Diagnostics())
        except OSError:
            continue
        listed = rf.data.get("incidents") if rf is not None else None
        if isinstance(listed, list) and wanted & {i for i in listed if isinstance(i, str)}:
            found.append(rel)
    return found
