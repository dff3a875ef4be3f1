"""Edit incident records in place without disturbing anything else in the file.

Records are written by people: comments, key order, quoting, blank lines, CRLF
line endings and the Markdown body all carry meaning (or at least reviewers'
expectations) and must survive an automated edit byte for byte. A YAML
round-trip (load, change, dump) loses all of that, so the edits here are
*textual*: the front matter is parsed only to learn where things are (lines and
columns from the YAML parser's events), new lines are spliced in at those
places, and every other line is copied unchanged.

Every edit is checked before it touches the disk: the new text is read back
with :func:`sitrep.reader.read_record`, its front matter must equal the old one
plus exactly the intended change, and it must pass the same validation as
``sitrep validate``. Files are replaced atomically (temporary file in the same
folder, then :func:`os.replace`), so a crash or a refused edit leaves the
original file as it was.
"""

from __future__ import annotations

import copy
import difflib
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import Any

import yaml

from sitrep.load.reader import RecordFile, read_record
from sitrep.load.validation import check_record
from sitrep.model.config import SitrepConfig
from sitrep.model.diagnostics import Diagnostic, Diagnostics
from sitrep.model.exceptions import EditError, UnknownRecord
from sitrep.model.files import write_atomically
from sitrep.model.formatting import iso_z
from sitrep.model.records import Incident, Record
from sitrep.model.vocabulary import CLOSING_STATUSES, INCIDENT_STATUSES, MAINTENANCE_STATUSES

#: Top-level timestamps in the order a reader expects them; new ones go after the
#: last one present that comes earlier in this order.
LIFECYCLE_KEYS: tuple[str, ...] = (
    "started", "scheduled_start", "scheduled_end", "detected", "acknowledged", "mitigated", "resolved",
)
#: Where a timestamp goes when no earlier lifecycle key is present.
FALLBACK_ANCHORS: tuple[str, ...] = ("title", "severity", "type", "detection")
#: Statuses that close a record.
#: Key order of a new update when the existing items give no better example.
UPDATE_KEYS: tuple[str, ...] = ("at", "status", "message")
#: Lines of front matter are wrapped at this column when a message is folded.
WRAP_WIDTH = 80

_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # same parser as the reader when available
_BLOCK_HEADER = re.compile(r"[|>]([0-9+-]*)")
_NULL_VALUES = ("~", "null", "Null", "NULL")


@dataclass(frozen=True)
class NewUpdate:
    """A status update to append to an incident's ``updates:`` list."""

    at: datetime
    status: str
    message: str


# --------------------------------------------------------------------------- scalars


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


# --------------------------------------------------------------------------- outline of the YAML


@dataclass
class _Node:
    """Where one YAML node is: 0-based front-matter line/column of its start and last line."""

    kind: str  # "scalar", "alias", "mapping" or "sequence"
    line: int
    col: int
    last: int
    flow: bool = False
    style: str | None = None
    value: str | None = None
    pairs: list[tuple[_Node, _Node]] = field(default_factory=list)
    items: list[_Node] = field(default_factory=list)

    def get(self, key: str) -> tuple[_Node, _Node] | None:
        return next(((k, v) for k, v in self.pairs if k.value == key), None)


class _Outliner:
    """Builds :class:`_Node` trees from parser events, with exact extents.

    Block collections end where the *next* token starts (after trailing comments
    and blank lines), so their extent is taken from their last scalar instead;
    block scalars end after the line breaks they consumed, so trailing blank
    lines are given back unless the scalar keeps them (``|+``/``>+``).
    """

    def __init__(self, fm_text: str):
        self.lines = fm_text.splitlines()
        self.events = iter(yaml.parse(fm_text, Loader=_Loader))

    def document(self) -> _Node | None:
        for event in self.events:
            if isinstance(event, yaml.DocumentStartEvent):
                return self.node(next(self.events))
        return None

    def node(self, event: Any) -> _Node:
        start = event.start_mark
        if isinstance(event, yaml.ScalarEvent):
            return _Node("scalar", start.line, start.column, self._scalar_last(event), style=event.style,
                         value=event.value)
        if isinstance(event, yaml.AliasEvent):
            return _Node("alias", start.line, start.column, event.end_mark.line)
        flow = bool(event.flow_style)
        if isinstance(event, yaml.MappingStartEvent):
            node = _Node("mapping", start.line, start.column, start.line, flow=flow)
            while not isinstance(event := next(self.events), yaml.MappingEndEvent):
                key = self.node(event)
                value = self.node(next(self.events))
                node.pairs.append((key, value))
                node.last = max(node.last, key.last, value.last)
        else:
            node = _Node("sequence", start.line, start.column, start.line, flow=flow)
            while not isinstance(event := next(self.events), yaml.SequenceEndEvent):
                item = self.node(event)
                node.items.append(item)
                node.last = max(node.last, item.last)
        if flow:  # the closing bracket is exact for flow collections
            node.last = max(node.last, event.end_mark.line)
        return node

    def _scalar_last(self, event: Any) -> int:
        start, end = event.start_mark, event.end_mark
        if event.value == "" and event.style in (None, ""):
            return -1  # an empty value has no text; its key's line counts
        last = end.line - 1 if end.column == 0 and end.line > start.line else end.line
        if event.style in ("|", ">"):
            header = _BLOCK_HEADER.match(self.lines[start.line], start.column)
            if header is None or "+" not in header.group(1):
                while last > start.line and not self.lines[last].strip():
                    last -= 1
        return last


# --------------------------------------------------------------------------- the edit


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


def _block_indent(items: list[_Node], fm_lines: list[str]) -> int:
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
        root = _Outliner("".join(lines[first_fm: rf.end_line - 1])).document()
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
    block_indent = _block_indent(seq.items, fm_lines)

    stamp = format_timestamp(update.at)
    at_text = {"'": f"'{stamp}'", '"': f'"{stamp}"'}.get(at_style or "", stamp)
    item_lines: list[str] = []
    for key in keys:
        if key == "at":
            item_lines.append(" " * content_col + f"at: {at_text}")
        elif key == "status":
            item_lines.append(" " * content_col + f"status: {yaml_scalar(update.status)}")
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


def _set_top_level(splice: _Splice, root: _Node, fm_lines: list[str], first_fm: int, path: str,
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


# --------------------------------------------------------------------------- checking and writing


def check_text(kind: str, path: str, content: str | bytes,
               config: SitrepConfig) -> tuple[Record | None, RecordFile | None, Diagnostics]:
    """Read and validate one record exactly as ``sitrep validate`` checks a single file.

    Cross-record checks (duplicate ids, references) are not part of it.
    """
    diags = Diagnostics()
    raw = content.encode("utf-8") if isinstance(content, str) else content
    rf = read_record(path, raw, diags)
    if rf is None:
        return None, None, diags
    return check_record(kind, rf, config, diags), rf, diags


def _expected_data(old: dict[str, Any], update: NewUpdate, set_fields: Mapping[str, datetime]) -> dict[str, Any]:
    data = copy.deepcopy(old)
    data["updates"] = [*data["updates"], {"at": format_timestamp(update.at), "status": update.status,
                                          "message": update.message}]
    for key, moment in set_fields.items():
        data[key] = format_timestamp(moment)
    return data


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
        close = difflib.get_close_matches(update.status, statuses, n=1)
        guess = f" (did you mean '{close[0]}'?)" if close else ""
        raise EditError(f"'{update.status}' is not a status of {what} {incident.id}{guess}; "
                        f"use one of: {', '.join(statuses)}")
    if incident.is_resolved:
        raise EditError(f"{what} {incident.id} is already {incident.status} (at "
                        f"{format_timestamp(incident.updates[-1].at)}); nothing changed. To reopen it, "
                        "remove 'resolved:' and append an update by hand, or declare a new incident "
                        "with 'sitrep new incident'")
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


# --------------------------------------------------------------------------- finding records


def find_incident(root: Path, config: SitrepConfig, incident_id: str) -> tuple[str, Incident]:
    """(path relative to ``root``, incident) for an incident id or a path to its file.

    The file named after the id is tried first, which avoids reading the whole
    portal; an id set explicitly with ``id:`` is found through
    :func:`sitrep.portal.load_portal`. Raises :class:`UnknownRecord`.
    """
    from sitrep.load.discovery import discover
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
    close = difflib.get_close_matches(wanted, ids, n=3, cutoff=0.5)
    close += [i for i in ids if wanted in i and i not in close][: max(0, 3 - len(close))]
    hint = f"; did you mean {', '.join(close)}?" if close else "; ids are file names without .md"
    raise UnknownRecord(f"no incident with id '{wanted}' under {root / 'incidents'}{hint}")


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
