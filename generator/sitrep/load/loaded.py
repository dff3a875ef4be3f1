"""What loading one file yields: its record (if valid), findings and references."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from sitrep.model.diagnostics import Diagnostic
from sitrep.model.records import Record


class Ref(NamedTuple):
    """A reference from one record to another, kept with its line for cross-checks."""

    source: str
    line: int
    #: "runbook", "incident", "link"; "started" (an incident's UTC start day, target "YYYY-MM-DD") and
    #: "closed" (an action item's closing day) are dates kept for a cross-record check, not references.
    kind: str
    target: str


@dataclass
class Loaded:
    """What loading one record file gave: the record (None when invalid) and its diagnostics."""

    record: Record | None
    diagnostics: list[Diagnostic]
    refs: list[Ref]
    id_line: int = 1
    record_id: str | None = None
    #: False when the file has an id but its fields are invalid: the id still
    #: counts for duplicates and references, so those are not reported twice.
    valid: bool = True
    #: Hash of the file's bytes, when a findings cache asked for it ("" otherwise).
    digest: str = ""
    #: The people the record names in its people fields (validation.people_named), for the
    #: cross-record check of public postmortems and incidents.
    people: tuple[str, ...] = ()
    #: (line, text) of what customers read of a public postmortem or incident (validation.public_prose).
    public_lines: tuple[tuple[int, str], ...] = ()
