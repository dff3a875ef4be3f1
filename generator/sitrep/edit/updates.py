"""Append a status update to an incident file, checked before it touches the disk.

Every edit is checked before it is saved: the new text is read back with
:func:`sitrep.load.reader.read_record`, its front matter must equal the old one
plus exactly the intended change, and it must pass the same validation as
``sitrep validate``. Files are replaced atomically (temporary file in the same
folder, then :func:`os.replace`), so a crash or a refused edit leaves the
original file as it was. The text itself is spliced by :mod:`sitrep.edit.splice`.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from sitrep.edit.splice import NewUpdate, append_update_text
from sitrep.edit.yaml_text import format_timestamp
from sitrep.load.reader import RecordFile, read_record
from sitrep.load.validation import check_public_names, check_record, people_named, public_prose
from sitrep.model.config import SitrepConfig
from sitrep.model.diagnostics import Diagnostic, Diagnostics, name_invisible
from sitrep.model.exceptions import EditError
from sitrep.model.files import write_atomically
from sitrep.model.formatting import close_match
from sitrep.model.records import Incident, Record
from sitrep.model.vocabulary import CLOSING_STATUSES, INCIDENT_STATUSES, MAINTENANCE_STATUSES


def check_text(kind: str, path: str, content: str | bytes,
               config: SitrepConfig) -> tuple[Record | None, RecordFile | None, Diagnostics]:
    """Read and validate one record exactly as ``sitrep validate`` checks a single file.

    Cross-record checks (duplicate ids, references) are not part of it; public text naming a
    person is, with the people this record and mkdocs.yml name (validate also knows the others').
    """
    diags = Diagnostics()
    raw = content.encode("utf-8") if isinstance(content, str) else content
    rf = read_record(path, raw, diags)
    record = None
    if rf is not None:
        record = check_record(kind, rf, config, diags)
        if record is not None:
            check_public_names([(kind, path, public_prose(record, rf))], people_named(record, config), config,
                               diags)
    if not raw.isascii():
        name_invisible(diags, path, raw.decode("utf-8", "replace"))
    return record, rf, diags


def _expected_data(old: dict[str, Any], update: NewUpdate, set_fields: Mapping[str, datetime]) -> dict[str, Any]:
    data = copy.deepcopy(old)
    item: dict[str, Any] = {"at": format_timestamp(update.at), "status": update.status, "message": update.message}
    if update.severity:
        item["severity"] = update.severity
    if update.components:
        item["components"] = dict(update.components)
    data["updates"] = [*data["updates"], item]
    for key, moment in set_fields.items():
        data[key] = format_timestamp(moment)
    return data


def _check_change(incident: Incident, update: NewUpdate, what: str) -> None:
    """Refuse an escalation that changes nothing, or any on a maintenance."""
    if not (update.severity or update.components):
        return
    if incident.is_maintenance:
        raise EditError(f"{incident.id} is a maintenance: it has no severity, and its components are set "
                        "when it is scheduled; drop --severity/--component")
    if update.severity and update.severity == incident.latest_severity:
        raise EditError(f"{what} {incident.id} is already {update.severity}; drop --severity")
    latest = incident.latest_components
    uninvolved = [cid for cid, impact in update.components.items() if impact == "operational" and cid not in latest]
    if uninvolved:
        cid = uninvolved[0]
        raise EditError(f"{cid} is not affected by this {what}; to add it, give its impact "
                        f"(e.g. {cid}=degraded)")
    same = [cid for cid, impact in update.components.items() if latest.get(cid, "operational") == impact]
    if same:
        listed = ", ".join(f"{cid}={latest.get(cid, 'operational')}" for cid in same)
        raise EditError(f"{what} {incident.id} already has {listed}; drop that --component")


def post_update(root: Path, rel: str, config: SitrepConfig, incident: Incident, update: NewUpdate,
                mitigated: datetime | None = None) -> list[Diagnostic]:
    """Append ``update`` to the incident file ``rel`` (relative to ``root``) and save it.

    A closing status (``resolved``, or ``completed`` for maintenance) also sets
    ``resolved:``; ``mitigated`` is set when given and not yet in the record.
    Refuses (:class:`EditError`) when the incident is already closed, the status
    does not fit the record's kind, ``update.at`` is earlier than the last update,
    or the edited record would not be valid. Returns warnings the edit introduced.
    """
    statuses = MAINTENANCE_STATUSES if incident.is_maintenance else INCIDENT_STATUSES
    what = "maintenance" if incident.is_maintenance else "incident"
    if update.status not in statuses:
        raise EditError(f"'{update.status}' is not a status of {what} {incident.id}"
                        f"{close_match(update.status, statuses)}; "
                        f"use one of: {', '.join(statuses)}")
    if incident.is_resolved:
        raise EditError(f"{what} {incident.id} is already {incident.status} (at "
                        f"{format_timestamp(incident.updates[-1].at)}); nothing changed. To reopen it, "
                        "remove 'resolved:' and append an update by hand, or declare a new incident "
                        "with 'sitrep new incident'")
    _check_change(incident, update, what)
    previous = incident.updates[-1]
    if update.at < previous.at:
        raise EditError(f"the update time {format_timestamp(update.at)} is earlier than the last update "
                        f"({format_timestamp(previous.at)}, {previous.status}); updates stay in time "
                        "order: pass a later --at")
    set_fields: dict[str, datetime] = {}
    notes: list[Diagnostic] = []
    if mitigated is not None:
        if incident.mitigated is None:
            set_fields["mitigated"] = mitigated
        elif incident.mitigated != mitigated:
            notes.append(Diagnostic(rel, 1, "warning", "mitigated-kept",
                                    f"'mitigated' is already {format_timestamp(incident.mitigated)}; "
                                    "left unchanged"))
    if update.status in CLOSING_STATUSES and incident.resolved is None:
        set_fields["resolved"] = update.at

    path = root / rel
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise EditError(f"{rel} is not UTF-8 text") from None
    new_text = append_update_text(text, rel, update, set_fields)
    _, old_rf, old_diags = check_text("incident", rel, text, config)
    assert old_rf is not None  # the caller found a valid incident in this file

    def verify(new_raw: bytes) -> None:
        record, rf, diags = check_text("incident", rel, new_raw, config)
        if rf is not None and rf.data != _expected_data(old_rf.data, update, set_fields):
            raise EditError(f"{rel}: the edited front matter would not read back as intended (unusual "
                            "YAML layout?); nothing changed; add the update by hand")
        if record is None or diags.has_errors:
            raise EditError(f"the update would make {rel} invalid; nothing changed", diags.errors)
        if path.read_bytes() != raw:
            raise EditError(f"{rel} changed while it was being edited; nothing changed: run the command again")
        before = {(d.code, d.message) for d in old_diags.warnings}
        notes.extend(d for d in diags.warnings if (d.code, d.message) not in before)

    write_atomically(path, new_text.encode("utf-8"), verify)
    return notes
