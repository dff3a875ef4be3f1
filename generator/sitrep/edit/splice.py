"""Splice a new update (and lifecycle timestamps) into a record's text, keeping every other byte.

Records are written by people: comments, key order, quoting, blank lines, CRLF
line endings and the Markdown body all carry meaning (or at least reviewers'
expectations) and must survive an automated edit byte for byte. A YAML
round-trip (load, change, dump) loses all of that, so the edits here are
*textual*: the front matter is outlined only to learn where things are (lines
and columns), new lines are spliced in at those places, and every other line is
copied unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

import yaml

from sitrep.edit.outline import Node, Outliner
from sitrep.edit.yaml_text import format_timestamp, message_lines, yaml_scalar
from sitrep.load.reader import read_record
from sitrep.model.diagnostics import Diagnostics
from sitrep.model.exceptions import EditError

#: Top-level timestamps in the order a reader expects them; new ones go after the
#: last one present that comes earlier in this order.
LIFECYCLE_KEYS: tuple[str, ...] = (
    "started", "scheduled_start", "scheduled_end", "detected", "acknowledged", "mitigated", "resolved",
)
#: Where a timestamp goes when no earlier lifecycle key is present.
FALLBACK_ANCHORS: tuple[str, ...] = ("title", "severity", "type", "detection")

#: Key order of a new update when the existing items give no better example.
UPDATE_KEYS: tuple[str, ...] = ("at", "status", "message")

_NULL_VALUES = ("~", "null", "Null", "NULL")


@dataclass(frozen=True)
class NewUpdate:
    """A status update to append to an incident's ``updates:`` list."""

    at: datetime
    status: str
    message: str
    #: An escalation or de-escalation: the severity from this update on.
    severity: str | None = None
    #: A change of impact: component id -> impact from this update on (``operational`` once recovered).
    components: Mapping[str, str] = field(default_factory=dict)


@dataclass
class _Splice:
    """Text changes to one file, applied bottom-up so line indices stay valid."""

    lines: list[str]
    inserts: dict[int, list[str]] = field(default_factory=dict)
    replaces: dict[int, str] = field(default_factory=dict)

    def insert(self, index: int, new_lines: list[str]) -> None:
        self.inserts.setdefault(index, []).extend(new_lines)

    def text(self) -> str:
        out = list(self.lines)
        for index, line in self.replaces.items():
            out[index] = line
        for index in sorted(self.inserts, reverse=True):
            out[index:index] = self.inserts[index]
        return "".join(out)


def _newline(line: str, fallback: str) -> str:
    for ending in ("\r\n", "\n", "\r"):
        if line.endswith(ending):
            return ending
    return fallback


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _block_indent(items: list[Node], fm_lines: list[str]) -> int:
    """How far block scalars of existing ``message`` keys are indented past their key."""
    for item in reversed(items):
        pair = item.get("message") if item.kind == "mapping" else None
        if pair and pair[1].style in ("|", ">"):
            key, value = pair
            for line in fm_lines[value.line + 1: value.last + 1]:
                if line.strip():
                    return max(_indent(line) - key.col, 1)
    return 2


def append_update_text(text: str, path: str, update: NewUpdate,
                       set_fields: Mapping[str, datetime] | None = None) -> str:
    """Return ``text`` with ``update`` appended to ``updates:`` and ``set_fields`` set.

    ``text`` is a whole record file (front matter and body). Only new lines are
    added (and, for a field present with an empty value, that one line gets its
    value); the new item copies the indentation, key order and ``at`` quoting of
    the last existing item and the line endings of the file.
    ``set_fields`` are top-level timestamps such as ``resolved``; each must be
    missing or empty. Raises :class:`EditError` if the file cannot be edited safely.
    """
    diags = Diagnostics()
    rf = read_record(path, text.encode("utf-8"), diags)
    if rf is None or diags.has_errors:
        raise EditError(f"{path} cannot be read as a record; run 'sitrep validate' and fix it first",
                        diags.errors)
    lines = text.splitlines(keepends=True)  # same line split as the reader: indices agree
    first_fm = 1  # file index of the first front-matter line
    fm_lines = [line.rstrip("\r\n") for line in lines[first_fm: rf.end_line - 1]]
    try:
        root = Outliner("".join(lines[first_fm: rf.end_line - 1])).document()
    except yaml.YAMLError as exc:  # pragma: no cover - read_record parsed it already
        raise EditError(f"{path}: cannot parse the front matter: {exc}") from None
    if root is None or root.kind != "mapping":
        raise EditError(f"{path}: the front matter is not a mapping of fields")
    splice = _Splice(lines)
    default_newline = _newline(lines[0], "\n")

    # -- the new update item --------------------------------------------------
    found = root.get("updates")
    if found is None:
        raise EditError(f"{path}: there is no 'updates:' list to append to")
    updates_key, seq = found
    where = f"{path}:{updates_key.line + first_fm + 1}"
    if seq.kind != "sequence" or not seq.items:
        raise EditError(f"{where}: 'updates' is not a list of updates; fix the record by hand")
    if seq.flow:
        raise EditError(f"{where}: 'updates' is written in flow style ([...]), which cannot be "
                        "extended without rewriting it; rewrite it as '- at: …' items, one per "
                        "update (see CONTRIBUTING.md), then run the command again")
    last = seq.items[-1]
    dash_col = seq.col
    if last.kind == "mapping" and not last.flow and last.col > dash_col:
        content_col = last.col
        keys = [k.value for k, _ in last.pairs if k.value in UPDATE_KEYS]
        at_pair = last.get("at")
        at_style = at_pair[1].style if at_pair else None
    else:  # a flow item ({at: …}) or something odd: use the usual layout
        content_col, keys, at_style = dash_col + 2, [], None
    keys += [k for k in UPDATE_KEYS if k not in keys]
    keys += [k for k, wanted in (("severity", update.severity), ("components", update.components)) if wanted]
    block_indent = _block_indent(seq.items, fm_lines)
    declared = root.get("components")
    step = 2
    if declared is not None and declared[1].kind == "mapping" and not declared[1].flow:
        step = max(declared[1].col - declared[0].col, 1)

    stamp = format_timestamp(update.at)
    at_text = {"'": f"'{stamp}'", '"': f'"{stamp}"'}.get(at_style or "", stamp)
    item_lines: list[str] = []
    for key in keys:
        if key == "at":
            item_lines.append(" " * content_col + f"at: {at_text}")
        elif key == "status":
            item_lines.append(" " * content_col + f"status: {yaml_scalar(update.status)}")
        elif key == "severity" and update.severity:
            item_lines.append(" " * content_col + f"severity: {yaml_scalar(update.severity)}")
        elif key == "components":
            item_lines.append(" " * content_col + "components:")
            item_lines += [" " * (content_col + step) + f"{yaml_scalar(cid)}: {yaml_scalar(impact)}"
                           for cid, impact in update.components.items()]
        else:
            item_lines += message_lines("message", update.message, content_col, block_indent)
    item_lines[0] = " " * dash_col + "-" + " " * (content_col - dash_col - 1) + item_lines[0][content_col:]

    # After the last item, and after comment lines indented like its content
    # (notes on that update); blank lines and less indented comments stay with
    # whatever follows (the next field or the closing '---').
    pos = last.last + 1
    scan = pos
    while scan < len(fm_lines):
        line = fm_lines[scan]
        if not line.strip():
            scan += 1
        elif line.lstrip(" ").startswith("#") and _indent(line) >= content_col:
            scan += 1
            pos = scan
        else:
            break
    insert_at = pos + first_fm
    newline = _newline(lines[insert_at - 1], default_newline)
    splice.insert(insert_at, [line + newline for line in item_lines])

    # -- top-level timestamps ---------------------------------------------------
    # In lifecycle order, so that e.g. mitigated lands above resolved when both are new.
    rank = {k: i for i, k in enumerate(LIFECYCLE_KEYS)}
    for key, moment in sorted((set_fields or {}).items(), key=lambda kv: rank.get(kv[0], len(rank))):
        _set_top_level(splice, root, fm_lines, first_fm, path, key, format_timestamp(moment),
                       default_newline)
    return splice.text()


def _set_top_level(splice: _Splice, root: Node, fm_lines: list[str], first_fm: int, path: str,
                   key: str, value: str, default_newline: str) -> None:
    existing = root.get(key)
    if existing is not None:
        key_node, value_node = existing
        index = key_node.line + first_fm
        line = splice.lines[index]
        body = line.rstrip("\r\n")
        match = re.fullmatch(
            rf"(\s*(?:{key}|'{key}'|\"{key}\")\s*:)([ \t]*)(~|null|Null|NULL)?((?:[ \t]+#.*)?[ \t]*)", body)
        empty = value_node.kind == "scalar" and value_node.style in (None, "") and (
            value_node.value == "" or value_node.value in _NULL_VALUES)
        if not empty:
            raise EditError(f"{path}:{index + 1}: '{key}' is already set; change it by hand if it is wrong")
        if match is None or (value_node.value and value_node.line != key_node.line):
            raise EditError(f"{path}:{index + 1}: cannot tell where the value of '{key}' goes; "
                            f"write '{key}: {value}' there by hand")
        head, space, null, rest = match.groups()
        # Keep the spacing before a trailing comment as it was.
        new_body = f"{head}{space or ' '}{value}{rest}" if null else f"{head} {value}{space}{rest}"
        splice.replaces[index] = new_body + line[len(body):]
        return
    order = LIFECYCLE_KEYS[: LIFECYCLE_KEYS.index(key)] if key in LIFECYCLE_KEYS else LIFECYCLE_KEYS
    anchors = [(k, v) for k, v in root.pairs if k.value in order]
    if not anchors:
        anchors = [(k, v) for k, v in root.pairs if k.value in FALLBACK_ANCHORS]
    if not anchors:
        raise EditError(f"{path}: no place found for '{key}'; add '{key}: {value}' by hand")
    anchor_key, anchor_value = max(anchors, key=lambda kv: max(kv[0].last, kv[1].last))
    after = max(anchor_key.last, anchor_value.last) + 1 + first_fm
    newline = _newline(splice.lines[after - 1], default_newline)
    splice.insert(after, [" " * anchor_key.col + f"{key}: {value}{newline}"])
