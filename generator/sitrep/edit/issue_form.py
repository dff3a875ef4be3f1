"""Read a filed "Declare an incident" issue form into the fields of ``sitrep new incident``.

GitHub writes a filed issue form as Markdown: one ``### <label>`` heading per field,
then its value (``_No response_`` when left empty; ticked checkboxes as
``- [X] …``). The labels below are those of ``.github/ISSUE_TEMPLATE/declare-incident.yml``
(a test keeps the two in step). The ``declare`` workflow runs
``sitrep new from-issue`` on the issue body and opens a pull request with the record.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sitrep.model.exceptions import FormError

TITLE = "Public title"
SEVERITY = "Severity"
COMPONENTS = "Affected components"
IMPACT = "Impact on those components"
MESSAGE = "First public update"
COMMANDER = "Incident commander"
STARTED = "Started at (UTC, with offset)"
#: Every label the command reads; all must exist in the form.
LABELS = (TITLE, SEVERITY, COMPONENTS, IMPACT, MESSAGE, COMMANDER, STARTED)
REQUIRED = (TITLE, SEVERITY, COMPONENTS, IMPACT, MESSAGE, COMMANDER)

_HEADING = re.compile(r"^### (.+?)\s*$", re.MULTILINE)
_TICKED = re.compile(r"^\s*-\s*\[[xX]\]\s*`?([^`\s]+)`?", re.MULTILINE)
_PLACEHOLDER = re.compile(r"\[[^\]\n]{3,}\]")


@dataclass(frozen=True)
class DeclaredIncident:
    """What a filed "Declare an incident" issue form asks to declare, as `sitrep new incident` takes it."""

    title: str
    severity: str
    components: tuple[str, ...]
    impact: str
    message: str
    commander: str
    started: str | None


def form_fields(body: str) -> dict[str, str | None]:
    """Label -> value of a filed issue form (None for ``_No response_``)."""
    parts = _HEADING.split(body.replace("\r\n", "\n"))
    fields: dict[str, str | None] = {}
    for label, value in zip(parts[1::2], parts[2::2], strict=True):
        text = value.strip()
        fields[label.strip()] = None if text in ("", "_No response_") else text
    return fields


def declared_incident(body: str) -> DeclaredIncident:
    """The incident a filed form declares; :class:`FormError` naming every field to fix."""
    fields = form_fields(body)
    missing = [label for label in REQUIRED if not fields.get(label)]
    components = tuple(_TICKED.findall(fields.get(COMPONENTS) or ""))
    if COMPONENTS not in missing and not components:
        missing.append(COMPONENTS)
    problems = [f"'{label}' is empty" for label in missing]
    message = fields.get(MESSAGE) or ""
    leftover = _PLACEHOLDER.findall(message)
    if leftover:
        problems.append(f"'{MESSAGE}' still has the placeholder {leftover[0]}: replace every [bracketed] "
                        "part with what customers see")
    if problems:
        raise FormError("; ".join(problems) + ". Edit the issue (… → Edit) and the workflow runs again.")
    return DeclaredIncident(
        title=" ".join((fields[TITLE] or "").split()),
        severity=(fields[SEVERITY] or "").split()[0],  # "SEV2 – High: …" -> "SEV2"
        components=components,
        impact=(fields[IMPACT] or "").split()[0],  # "partial_outage – failing for …"
        message=message,
        commander=(fields[COMMANDER] or "").strip(),
        started=fields.get(STARTED),
    )
