"""Pre-written incident texts: ``templates/NAME.md`` in a portal, filled by ``sitrep new incident --template``.

A template looks like an incident's front matter with ``{{ placeholders }}``::

    ---
    title: "Degraded performance of {{ service }}"
    severity: SEV2
    type: degradation
    components:
      "{{ component }}": degraded_performance
    messages:
      investigating: >-
        We are investigating slow responses of {{ service }}. …
      identified: …
      monitoring: …
      resolved: …
    ---
    Notes for the responders (not copied into the incident).

The front matter is read first (by the one YAML reader, so a template's own
mistakes come with a line) and the placeholders are then replaced inside the
strings, so a value such as ``EU: Frankfurt`` can never change the YAML. Every
placeholder needs a value (``--var name=value``); one left without is an error
at the template's line, and nothing is written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sitrep.load.reader import RecordFile, read_record
from sitrep.load.validation import PLACEHOLDER
from sitrep.model.diagnostics import Diagnostics
from sitrep.model.formatting import close_match

TEMPLATES_DIR = "templates"
_KEYS = ("title", "severity", "type", "detection", "components", "messages")


@dataclass(frozen=True)
class FilledTemplate:
    """A template with every placeholder replaced."""

    name: str
    title: str | None = None
    severity: str | None = None
    type: str | None = None
    detection: str | None = None
    components: dict[str, str] = field(default_factory=dict)
    messages: dict[str, str] = field(default_factory=dict)


def available(root: Path) -> list[str]:
    """Names of the templates in the portal (file names without .md)."""
    folder = root / TEMPLATES_DIR
    return sorted(p.stem for p in folder.glob("*.md")) if folder.is_dir() else []


def placeholders(text: str) -> list[str]:
    """Placeholder names in a text, first occurrence order."""
    return list(dict.fromkeys(PLACEHOLDER.findall(text)))


def find(root: Path, name: str, diags: Diagnostics) -> Path | None:
    """The file of template ``name``; None, with an error naming the available ones, if there is none."""
    rel = f"{TEMPLATES_DIR}/{name}.md"
    path = root / rel
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]*", name) or not path.is_file():
        names = available(root)
        listed = ", ".join(names) or f"none: {TEMPLATES_DIR}/ is empty or missing"
        diags.error(rel, 1, "unknown-template",
                    f"no incident template {name!r}{close_match(name, names)}; available: {listed}")
        return None
    return path


def fill(root: Path, name: str, values: dict[str, str], diags: Diagnostics) -> FilledTemplate | None:
    """Read ``templates/<name>.md`` and replace its placeholders; problems go to ``diags`` (path:line)."""
    rel = f"{TEMPLATES_DIR}/{name}.md"
    path = find(root, name, diags)
    if path is None:
        return None
    rf = read_record(rel, path.read_bytes(), diags)
    if rf is None:
        return None
    unknown = [k for k in rf.data if k not in _KEYS]
    for key in unknown:
        diags.error(rel, rf.line_of((key,)), "unknown-field",
                    f"{key!r} is not a template field; use: {', '.join(_KEYS)}")
    used: set[str] = set()

    def sub(value: Any, loc: tuple[Any, ...]) -> str | None:
        if value is None:
            return None
        text = str(value)
        for missing in placeholders(text):
            if missing not in values:
                diags.error(rel, rf.line_of(loc), "unfilled-placeholder",
                            f"placeholder {{{{ {missing} }}}} has no value: pass --var {missing}=…")
        used.update(placeholders(text))
        return PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), text)

    components = _mapping(rf, "components", diags)
    messages = _mapping(rf, "messages", diags)
    filled = FilledTemplate(
        name=name,
        title=sub(rf.data.get("title"), ("title",)),
        severity=sub(rf.data.get("severity"), ("severity",)),
        type=sub(rf.data.get("type"), ("type",)),
        detection=sub(rf.data.get("detection"), ("detection",)),
        components={sub(k, ("components", k)) or "": sub(v, ("components", k)) or ""
                    for k, v in components.items()},
        messages={str(k): sub(v, ("messages", k)) or "" for k, v in messages.items()},
    )
    for extra in sorted(set(values) - used):
        diags.warning(rel, 1, "unused-variable", f"--var {extra}: the template has no {{{{ {extra} }}}}")
    return filled


def _mapping(rf: RecordFile, key: str, diags: Diagnostics) -> dict[Any, Any]:
    value = rf.data.get(key) or {}
    if not isinstance(value, dict):
        diags.error(rf.path, rf.line_of((key,)), "bad-value", f"{key} must be a mapping")
        return {}
    return value
