"""YAML text for values sitrep writes: scalars, flow lists, timestamps and message blocks.

Every fragment is checked by reading it back through :mod:`sitrep.load.reader`,
which decides what a plain scalar means (without YAML 1.1 coercions).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import yaml

from sitrep.load.reader import read_record
from sitrep.model.diagnostics import Diagnostics
from sitrep.model.formatting import iso_z

#: Lines of front matter are wrapped at this column when a message is folded.
WRAP_WIDTH = 80


def format_timestamp(moment: datetime) -> str:
    """``YYYY-MM-DDTHH:MM:SSZ`` in UTC, the form the records use (seconds precision)."""
    if moment.tzinfo is None:
        raise ValueError("timestamp without a UTC offset")
    return iso_z(moment.replace(microsecond=0))


def _reads_back(fragment_lines: Sequence[str], expected: Any) -> bool:
    """True if ``v: <fragment>`` reads back as ``expected`` through sitrep's reader, warning-free.

    The reader, not PyYAML's resolver, decides what a plain scalar means (it
    does not apply YAML 1.1 coercions), so it is the one to ask.
    """
    text = "---\n" + "\n".join(fragment_lines) + "\n---\n"
    diags = Diagnostics()
    rf = read_record("check.md", text.encode("utf-8"), diags)
    return rf is not None and not diags.items and rf.data == {"v": expected}


def _dump_inline(value: Any, **style: Any) -> str:
    out = yaml.safe_dump(value, allow_unicode=True, width=10**9, default_flow_style=True, **style)
    # A top-level plain scalar is followed by an explicit document end marker.
    return out.removesuffix("\n").removesuffix("\n...").removesuffix("\n")


def yaml_scalar(value: str) -> str:
    """``value`` as a one-line YAML scalar that sitrep's reader reads back exactly.

    PyYAML picks plain, single- or double-quoted style; if its choice would be
    read differently (or with a warning) by the reader, double quotes are used,
    which always mean a string and escape any line break.
    """
    for style in ({}, {"default_style": '"'}):
        out = _dump_inline(value, **style)
        if "\n" not in out and _reads_back([f"v: {out}"], value):
            return out
    raise ValueError(f"cannot write {value!r} as a YAML scalar")  # pragma: no cover - double quotes always work


def yaml_flow_list(values: Sequence[str]) -> str:
    """``[a, b]`` with each item quoted as needed in flow context (commas, brackets…)."""
    values = list(values)
    for style in ({}, {"default_style": '"'}):
        out = _dump_inline(values, **style)
        if "\n" not in out and _reads_back([f"v: {out}"], values):
            return out
    raise ValueError(f"cannot write {values!r} as a YAML list")  # pragma: no cover


def _fold(text: str, indent: int, width: int) -> list[str] | None:
    """Lines of a ``>-`` block that fold back to ``text``, or None if folding is not safe.

    Folding turns each line break into one space, so breaks go only where there is
    exactly one space between two non-blank characters: no line then starts or
    ends with white space (which would make it a "more indented" line or add
    trailing spaces). Runs of spaces and tabs stay inside a line.
    """
    if not text or text != text.strip() or any(c in text for c in "\r\n"):
        return None
    words = re.split(r"(?<=\S) (?=\S)", text)
    lines: list[str] = []
    current = ""
    for word in words:
        if current and indent + len(current) + 1 + len(word) > width:
            lines.append(" " * indent + current)
            current = word
        else:
            current = f"{current} {word}" if current else word
    lines.append(" " * indent + current)
    return lines


def _literal(text: str, indent: int) -> tuple[str, list[str]] | None:
    """Header (``|-``, ``|`` or ``|+``) and lines of a literal block holding ``text``."""
    body = text.rstrip("\n")
    trailing = len(text) - len(body)
    if not body or body[0] in " \t" or "\r" in text:
        return None
    chomp = "-" if trailing == 0 else ("" if trailing == 1 else "+")
    lines = [(" " * indent + line) if line else "" for line in body.split("\n")]
    lines += [""] * max(trailing - 1, 0)
    return "|" + chomp, lines


def message_lines(key: str, value: str, col: int, block_indent: int = 2, width: int = WRAP_WIDTH) -> list[str]:
    """Lines (without line endings) writing ``key: value`` at column ``col``.

    One line when it fits; a ``>-`` folded block wrapped at ``width`` for long
    one-line text; a literal block (``|-``) for text with line breaks. Each
    block form is used only if it reads back exactly, otherwise one line with
    a quoted scalar.
    """
    prefix = " " * col + f"{key}:"
    inline = [f"{prefix} {yaml_scalar(value)}"]
    if "\n" not in value and len(inline[0]) <= width:
        return inline
    candidates: list[tuple[str, list[str]]] = []
    folded = _fold(value, col + block_indent, width) if "\n" not in value else None
    if folded:
        candidates.append((">-", folded))
    literal = _literal(value, col + block_indent) if "\n" in value else None
    if literal:
        candidates.append(literal)
    for header, body in candidates:
        # Checked with the key at column 0: the same block, shifted left by ``col``.
        if _reads_back([f"v: {header}", *(line[col:] for line in body)], value):
            return [f"{prefix} {header}", *body]
    return inline
