"""Read one record file: bytes -> text -> front matter + body, with line numbers.

This is the only place that parses YAML. It avoids the traps that silently
corrupt data with PyYAML's defaults and python-frontmatter:

* a front matter whose closing ``---`` is missing is an error (python-frontmatter
  returns empty metadata and treats everything as body);
* a duplicate key is an error (PyYAML keeps the last value);
* YAML 1.1 coercions are not applied: ``yes``/``no``/``on``/``off`` stay strings
  and ``1:30`` is not read as the number 90; a plain scalar that YAML 1.1 tools
  would coerce gets a warning asking for quotes;
* timestamps are not converted by YAML (which drops offsets in some versions):
  they stay strings and the record models parse them, rejecting naive ones;
* aliases cannot expand without bound (billion laughs) and nesting is capped.

Three paths read a front matter, fastest first; the first two may decline:

1. :mod:`sitrep.load.plainyaml` reads the plain shapes records are written in, line
   by line (about 70 µs for a typical incident);
2. libyaml's composer (C) builds nodes that :func:`_fast_parse` walks, for
   plain documents in other shapes (comments, escapes, CRLF...; ~150 µs);
3. the careful builder walks libyaml's events and explains every problem with
   its line (~300 µs). It alone reports diagnostics: the fast paths accept a
   text only if this one would return the same values and lines and report
   nothing, which tests/test_reader_fast_path.py checks.

The C parser is used when PyYAML was built with libyaml.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.parser import Parser
from yaml.reader import Reader
from yaml.scanner import Scanner

from sitrep.load import plainyaml
from sitrep.model.diagnostics import Diagnostics, not_utf8
from sitrep.model.invisible import INVISIBLE, describe, find_invisible, invisible_message, is_space
from sitrep.model.records import Incident, Update
from sitrep.model.yaml_quotes import (
    line_syntax_fix,
    quote_problem,
    takes_in_fields,
    unclosed_quote_message,
)

try:  # libyaml is several times faster on large corpora
    from yaml._yaml import CParser
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    CParser = None

Path_ = tuple[str | int, ...]

#: Most values a record's front matter may expand to (aliases included).
MAX_NODES = 20_000
#: Deepest nesting accepted; records need three levels.
MAX_DEPTH = 32



if CParser is not None:
    _EventLoader: type = CParser
else:  # pragma: no cover

    class _PyEventLoader(Reader, Scanner, Parser):
        def __init__(self, stream: str) -> None:
            Reader.__init__(self, stream)
            Scanner.__init__(self)
            Parser.__init__(self)

    _EventLoader = _PyEventLoader


_YAML11_SEXAGESIMAL = re.compile(r"^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$")


@dataclass
class RecordFile:
    """A record file split into front matter (data + line map) and body."""

    path: str
    text: str
    data: dict[str, Any]
    #: 1-based file line of each key path, e.g. ``("updates", 2, "status")``.
    lines: dict[Path_, int] = field(default_factory=dict)
    #: file line of the opening and closing ``---``
    start_line: int = 1
    end_line: int = 1
    body: str = ""
    body_line: int = 1

    def line_of(self, loc: Path_) -> int:
        """Line of the deepest known prefix of ``loc``; the opening ``---`` if none."""
        loc = tuple(loc)
        while loc:
            if loc in self.lines:
                return self.lines[loc]
            loc = loc[:-1]
        return self.start_line


class _TooBig(Exception):
    """A front matter the builder refuses (too big, or a YAML feature records don't use)."""

    def __init__(self, line: int, message: str, code: str = "yaml-too-large"):
        self.line = line
        self.message = message
        self.code = code


_DELIMITERS = ("---", "...")


def read_record(path: str, raw: bytes, diags: Diagnostics, needs: str = "") -> RecordFile | None:
    """Decode and split one file; report problems to ``diags``; None if unusable.

    ``needs`` says what the record's front matter holds, for a file that has none
    (:func:`sitrep.model.field_messages.front_matter_needs`)."""
    empty_message = ("the file is empty: start it with a front matter block ('---', the fields, "
                     "'---'), or delete it")
    if not raw or raw.isspace():
        diags.error(path, 1, "empty-file", empty_message)
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, message = not_utf8(raw, exc)
        diags.error(path, line, "not-utf8", message)
        return None
    text = text.removeprefix("\ufeff")
    if not text or text.isspace():  # only a byte order mark
        diags.error(path, 1, "empty-file", empty_message)
        return None
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        diags.error(path, line, "nul-byte", "the file contains a NUL byte: it looks binary; "
                    "records must be UTF-8 Markdown text")
        return None
    lines = text.splitlines(keepends=True)
    if lines[0].rstrip("\r\n").rstrip() != "---":
        if _hidden_delimiter(lines[0]):  # a second byte order mark, a zero-width space before the '---'
            diags.error(path, 1, "bad-character", f"{_named_invisible(lines[0])}. The "
                        "first line must be exactly '---', which opens the front matter")
            return None
        diags.error(path, 1, "no-front-matter", "the file must start with a line '---' that opens "
                    "the front matter, then the fields, then a closing '---'" + (f"; {needs}" if needs else ""))
        return None
    end = None
    for i in range(1, len(lines)):  # a plain loop: faster than next(generator) on every file
        line = lines[i]
        if line.startswith(_DELIMITERS) and line.rstrip() in _DELIMITERS:
            end = i
            break
    if end is None:
        hidden = next((i for i in range(1, len(lines)) if _hidden_delimiter(lines[i])), None)
        if hidden is not None:
            diags.error(path, hidden + 1, "bad-character", f"{_named_invisible(lines[hidden])}. This line would "
                        "close the front matter opened on line 1: it must be exactly '---'")
            return None
        diags.error(path, 1, "front-matter-not-closed", "the front matter opened on line 1 is never "
                    "closed: add a line '---' after the last field, before the body")
        return None
    record = RecordFile(path=path, text=text, data={}, start_line=1, end_line=end + 1,
                        body="".join(lines[end + 1:]), body_line=end + 2)
    fm_text = "".join(lines[1:end])
    if not fm_text.isascii() and (odd := _ODD_BREAK.search(fm_text)):
        # YAML 1.1 parsers (libyaml) read these as line breaks: values change and
        # every line number after them is off by one. isascii() is O(1).
        char = odd.group()
        diags.error(path, 2 + fm_text.count("\n", 0, odd.start()), "bad-character",
                    f"the front matter contains the invisible character U+{ord(char):04X} "
                    f"({_ODD_NAMES[char]}), which YAML reads as a line break: delete it or "
                    "replace it with a space")
        return None
    if not fm_text.isascii() and (odd := _ODD_INDENT.search(fm_text)):
        # A space YAML does not count as one (pasted from a chat or a web page): the line's field
        # becomes part of the value above it, or a syntax error on a later line.
        char = odd.group("char")
        column = odd.start("char") - odd.start() + 1
        where = f"{describe(char)} at column {column}"
        if column == 1 and not is_space(char):  # a byte order mark, a zero-width space: nothing to replace
            message = (f"this line starts with the invisible character {where}, which YAML reads as part of the "
                       "key: delete it")
        else:
            message = (f"this line is indented with the invisible character {where}, which YAML does not read "
                       "as a space: replace the indentation with ordinary spaces")
        diags.error(path, 2 + fm_text.count("\n", 0, odd.start()), "bad-character", message)
        return None
    data = _parse_yaml(record, fm_text, diags)
    if data is None:
        return None
    record.data = data
    return record


def _parse_yaml(record: RecordFile, fm_text: str, diags: Diagnostics) -> dict[str, Any] | None:
    offset = 2  # front matter text starts on file line 2
    # Three paths, fastest first; each of the first two may decline (see tests/test_reader_fast_path.py)
    fast = plainyaml.parse(fm_text, offset, MAX_DEPTH, plain_scalar) if len(fm_text) < MAX_NODES else None
    if fast is None:
        fast = _fast_parse(fm_text, offset)
    if fast is not None and not isinstance(fast[0].get("updates"), dict):
        record.lines = fast[1]
        return fast[0]
    found = Diagnostics()
    data = _careful_parse(record, fm_text, offset, found)
    if (data is None or found.items or isinstance(data.get("updates"), dict)) and (
            missing := _missing_dashes(fm_text)):
        # A list item without its '- ' makes duplicate keys, a mapping for a list or a syntax
        # error, each a consequence of the one slip: name the slip, once per item, and nothing else.
        for line, fix in missing:
            diags.error(record.path, line + offset, "missing-dash",
                        f"this update has no '- ': write the line as '{fix}' and line up the update's "
                        f"other lines under '{fix.split('- ', 1)[1].split(':', 1)[0]}:' (each update is a "
                        "list item starting with '- ')")
        return None
    diags.extend(found.items)
    return data


#: The fields an update may change from then on, which are also fields of the incident itself.
_UPDATE_CHANGES = frozenset(Update.__pydantic_fields__) & frozenset(Incident.__pydantic_fields__)
#: Front matter fields whose value is a list of mappings (one item per '- ').
_ITEM_LISTS = ("updates",)
_LIST_FIELD = re.compile(r"^(?P<key>[\w-]+):[ \t]*(?:#.*)?$")
_ITEM_LINE = re.compile(r"^(?P<indent> *)(?P<dashes>(?:- +)*)(?:(?P<key>[\w-]+):(?: |$))?")


def _missing_dashes(fm_text: str) -> list[tuple[int, str]]:
    """(0-based line, the line as it should be) of each item of an ``updates:`` list written
    without its ``- ``: a key line at the items' key column or less that comes before any item, or
    repeats the key an item starts with (``at:``) within the item above. A key repeated otherwise
    is a duplicate, not a new item; deeper lines (nested mappings, block text) are not items' keys."""
    lines = fm_text.splitlines()
    started: list[tuple[int, str]] = []  # where each item without its '- ' starts
    items_keys: list[set[str]] = []  # and its keys
    index = 0
    while index < len(lines):
        field = _LIST_FIELD.match(lines[index])
        index += 1
        if field is None or field.group("key") not in _ITEM_LISTS:
            continue
        keys: set[str] | None = None  # the current item's keys; None before the first item
        firsts: set[str] = set()  # the keys items start with
        column: int | None = None  # where the items' keys start
        while index < len(lines):
            text = lines[index]
            stripped = text.strip()
            if not stripped or stripped.startswith("#"):
                index += 1
                continue
            item = _ITEM_LINE.match(text)
            assert item is not None  # every part is optional
            indent, dashes, key = len(item.group("indent")), item.group("dashes"), item.group("key")
            if indent == 0 and not dashes:
                break  # the next top-level field
            if dashes:
                column = indent + len(dashes)
                keys = {key} if key else set()
                firsts.add(key) if key else None
            elif key is not None and (column is None or indent <= column):
                if keys is None or (key in keys and key in firsts):
                    dash_column = max(column - 2, 0) if column is not None else indent
                    fix = " " * dash_column + "- " + stripped
                    started.append((index, fix if len(fix) <= 60 else fix[:59] + "…"))
                    keys, column = set(), dash_column + 2
                    items_keys.append(keys)
                    firsts.add(key)
                keys.add(key)
            index += 1
    # An item is more than its first key: a lone repeated 'at:' is a duplicate, not an update.
    return [start for start, keys in zip(started, items_keys, strict=True) if len(keys) > 1]


def _careful_parse(record: RecordFile, fm_text: str, offset: int,
                   diags: Diagnostics) -> dict[str, Any] | None:
    loader = _EventLoader(fm_text)
    builder = _Builder(record, offset, diags, loader)
    try:
        value = builder.document()
    except yaml.MarkedYAMLError as exc:
        diags.error(record.path, *_syntax_error(exc, offset, record.start_line, fm_text))
        return None
    except yaml.reader.ReaderError as exc:
        bad = _CONTROL.search(fm_text)
        line = offset + fm_text.count("\n", 0, bad.start()) if bad else record.start_line
        code = f"U+{ord(bad.group()):04X}" if bad else f"#x{exc.character:04x}"
        diags.error(record.path, line, "bad-character", f"the front matter contains the control "
                    f"character {code}, which YAML does not allow: delete it (it often comes "
                    "with text pasted from a terminal or a chat)")
        return None
    except yaml.YAMLError as exc:
        message = " ".join(str(exc).split())
        diags.error(record.path, record.start_line, "yaml-syntax", f"YAML error: {message}")
        return None
    except _TooBig as exc:
        diags.error(record.path, exc.line, exc.code, exc.message)
        return None
    finally:
        loader.dispose()
    if value is _EMPTY:
        diags.error(record.path, record.start_line, "empty-front-matter",
                    "the front matter is empty: add the required fields between the '---' lines")
        return None
    if not isinstance(value, dict):
        diags.error(record.path, record.start_line + 1, "front-matter-not-mapping",
                    "the front matter must be a list of 'field: value' lines")
        return None
    return value


def front_matter_events(fm_text: str) -> Iterator[Any]:
    """The parser events of a front matter, from the same parser as the careful path.

    For the editing commands, which need where each node is (line, column,
    style) rather than its value: :mod:`sitrep.edit.outline` builds its outline
    from these events. Raises ``yaml.YAMLError`` on a syntax error.
    """
    loader = _EventLoader(fm_text)
    try:
        while loader.check_event():
            yield loader.get_event()
    finally:
        loader.dispose()


_NOT_A_KEY = ("could not find expected ':'", "did not find expected key")


def _syntax_error(exc: yaml.MarkedYAMLError, offset: int, default: int,
                  fm_text: str) -> tuple[int, str, str]:
    """(line, code, message) for a YAML syntax error, pointing at the line to fix."""
    problem = exc.problem or "invalid YAML"
    problem_line = exc.problem_mark.line + offset if exc.problem_mark else None
    context_line = exc.context_mark.line + offset if exc.context_mark else None
    if problem == _NOT_A_KEY[0] and context_line is not None:
        # libyaml marks where it gave up (often the end); the key started earlier.
        problem_line = context_line
    if (quote := quote_problem(fm_text, exc)) is not None:
        return quote[0] + offset, "yaml-syntax", quote[1].format(line=quote[0] + offset)
    line = problem_line or context_line or default
    context = ""
    if exc.context:
        started = f" that starts on line {context_line}" if context_line and context_line != line else ""
        context = f" ({exc.context}{started})"
    hint = ("check indentation and quote values that contain ': ' or start with a special "
            "character ([ { > | * & ! % @ `)")
    source = fm_text.splitlines()
    text = source[line - offset] if 0 <= line - offset < len(source) else ""
    if (fix := line_syntax_fix(text, line)) is not None:
        if fix[1]:
            return line, "yaml-syntax", f"YAML syntax error: {fix[0]}"
        hint = fix[0]
    elif (misaligned := _misaligned(source, line - offset)) is not None:
        return line, "yaml-syntax", f"YAML syntax error: line {line} {misaligned}"
    elif problem in _NOT_A_KEY:
        hint = (f"line {line} is not a 'field: value' line; if it is Markdown, the closing '---' "
                "of the front matter is missing above it; otherwise " + hint)
    return line, "yaml-syntax", f"YAML syntax error: {problem}{context}; {hint}"


_KEY_LINE = re.compile(r"^(?P<indent>[ ]*)(?P<dashes>(?:-[ ]+)*)(?P<key>[\w-]+):(?P<value>[ ].*)?$")


def _misaligned(source: list[str], row: int) -> str | None:
    """How a ``key: value`` line YAML failed on is out of line with the field above it (``status:``
    indented 3 spaces under ``- at:``'s 4), or None: the fields of one item start at one column."""
    found = _KEY_LINE.match(source[row]) if 0 <= row < len(source) else None
    if found is None or found["dashes"]:
        return None
    above = next((source[r] for r in range(row - 1, -1, -1)
                  if source[r].strip() and not source[r].lstrip().startswith("#")), "")
    previous = _KEY_LINE.match(above)
    if previous is None or not (previous["value"] or "").strip() or previous["value"].strip()[0] in "|>":
        return None  # nothing to line up with, or the line above opens a block that this one is in
    column, indent = len(previous["indent"]) + len(previous["dashes"]), len(found["indent"])
    if indent == column:
        return None
    return (f"is indented {indent} spaces and '{previous['key']}:' above it {column}: line '{found['key']}:' up "
            f"under '{previous['key']}:' (the fields of one item start at the same column)")


#: Characters YAML 1.1 (libyaml) reads as line breaks but editors and YAML 1.2 do not.
_ODD_BREAK = re.compile("[\x85\u2028\u2029]")
_ODD_NAMES = {"\x85": "next line", "\u2028": "line separator", "\u2029": "paragraph separator"}
#: A line indented with a character that looks like a space but is not one to YAML.
_ODD_INDENT = re.compile("^[ \t]*(?P<char>[\u00a0\u1680\u2000-\u200b\u202f\u205f\u3000\ufeff])", re.MULTILINE)


def _named_invisible(line: str) -> str:
    """What to say of the invisible characters of one of the file's lines (line break and all)."""
    line = line.rstrip("\r\n")
    return invisible_message(line, find_invisible(line))


def _hidden_delimiter(line: str) -> bool:
    """Whether ``line`` is a front matter's '---' but for invisible characters in it."""
    return not line.isascii() and INVISIBLE.sub("", line).strip() in _DELIMITERS
#: Characters YAML does not allow in a document (its c-printable set, negated).
_CONTROL = re.compile("[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")

_EMPTY = object()
_BOOLS = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_NULLS = {"", "~", "null", "Null", "NULL"}
_INT = re.compile(r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+")
_FLOAT = re.compile(
    r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)"
)
_YAML11_BOOLS = {"y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO",
                 "on", "On", "ON", "off", "Off", "OFF"}


def _float(value: str) -> float:
    low = value.lower()
    if low.endswith(".nan"):
        return float("nan")
    if low.endswith(".inf"):
        return float("-inf") if low.startswith("-") else float("inf")
    return float(value)


class _Builder:
    """The careful path: builds plain values from the parser's events, noting each key's line.

    It handles every input: it explains each problem (duplicate keys, aliases,
    tags, YAML 1.1 readings) with its line, and guards against alias bombs and
    deep nesting before they cost anything. The fast paths (:mod:`sitrep.load.plainyaml`,
    :func:`_fast_parse`) take the common cases and leave everything else to it.
    """

    def __init__(self, record: RecordFile, offset: int, diags: Diagnostics, loader: Any):
        self.record = record
        self.offset = offset
        self.diags = diags
        self.next = loader.get_event
        self.count = 0
        self.anchors: dict[str, tuple[Any, int]] = {}

    def document(self) -> Any:
        event = self.next()  # StreamStart
        event = self.next()
        if isinstance(event, yaml.StreamEndEvent):
            return _EMPTY
        value = self.value(self.next(), (), 0)  # after DocumentStart
        self.next()  # DocumentEnd
        event = self.next()
        if not isinstance(event, yaml.StreamEndEvent):
            raise _TooBig(event.start_mark.line + self.offset,
                          "the front matter holds more than one YAML document: remove the extra "
                          "'---' or '...' line", "yaml-unsupported")
        return value

    def value(self, event: Any, loc: Path_, depth: int) -> Any:
        self.count += 1
        cls = type(event)
        if cls is yaml.ScalarEvent:
            if self.count > MAX_NODES:
                self._too_big(event)
            return self.scalar(event, loc)
        if self.count > MAX_NODES or depth > MAX_DEPTH:
            self._too_big(event, depth)
        start = self.count
        if cls is yaml.MappingStartEvent:
            result: Any = self.mapping(loc, depth)
        elif cls is yaml.SequenceStartEvent:
            result = self.sequence(loc, depth)
        else:
            assert cls is yaml.AliasEvent
            if event.anchor not in self.anchors:
                raise _TooBig(event.start_mark.line + self.offset,
                              f"alias '*{event.anchor}' refers to no anchor defined before it: "
                              f"define '&{event.anchor}' first, or write the value out", "yaml-syntax")
            result, size = self.anchors[event.anchor]
            self.count += size
            if self.count > MAX_NODES:
                self._too_big(event)
            return result
        if event.anchor:
            self.anchors[event.anchor] = (result, self.count - start + 1)
        return result

    def _too_big(self, event: Any, depth: int = 0) -> None:
        line = event.start_mark.line + self.offset
        if depth > MAX_DEPTH:
            raise _TooBig(line, f"the front matter is nested more than {MAX_DEPTH} levels deep: "
                          "records need at most three")
        if self.anchors:
            raise _TooBig(line, f"the front matter expands to more than {MAX_NODES:,} values through its "
                          "YAML aliases: records never need that much; remove the anchors/aliases")
        size = self.record.end_line - self.record.start_line - 1
        raise _TooBig(self.record.start_line, f"the record is too large: its front matter has {size:,} lines "
                      f"and more than {MAX_NODES:,} values, the limit for one record: keep the updates "
                      "readers need (summarise the rest in one update or in the body), or split it into "
                      "several records")

    def mapping(self, loc: Path_, depth: int) -> dict[str, Any]:
        result: dict[str, Any] = {}
        lines = self.record.lines
        while True:
            key_event = self.next()
            if type(key_event) is yaml.MappingEndEvent:
                return result
            key_line = key_event.start_mark.line + self.offset
            if type(key_event) is not yaml.ScalarEvent:
                raise _TooBig(key_line, "a key must be a plain name, not a list or mapping",
                              "yaml-unsupported")
            key = sys.intern(key_event.value)
            if key == "<<" and key_event.implicit[0]:
                raise _TooBig(key_line, "YAML merge keys ('<<') are not supported in records: "
                              "write the fields out", "yaml-unsupported")
            value = self.value(self.next(), (*loc, key), depth + 1)
            if key in result:
                first = lines.get((*loc, key), key_line)
                # A field an update may carry, written again at the top after the updates: meant for the update.
                in_update = (" (to change it from an update on, write it in that update, indented under its "
                             "'at:')" if not loc and key in _UPDATE_CHANGES and "updates" in result else "")
                self.diags.error(self.record.path, key_line, "duplicate-key",
                                 f"'{key}' is given twice (first on line {first}); YAML would "
                                 f"silently keep only the last one: remove one of them{in_update}")
                continue
            lines[(*loc, key)] = key_line
            result[key] = value

    def sequence(self, loc: Path_, depth: int) -> list[Any]:
        items: list[Any] = []
        lines = self.record.lines
        while True:
            event = self.next()
            if type(event) is yaml.SequenceEndEvent:
                return items
            index = len(items)
            lines[(*loc, index)] = event.start_mark.line + self.offset
            items.append(self.value(event, (*loc, index), depth + 1))

    def scalar(self, event: Any, loc: Path_) -> Any:
        value = event.value
        if event.tag not in (None, "!"):
            line = event.start_mark.line + self.offset
            if not event.tag.startswith("tag:yaml.org,2002:"):
                self.diags.warning(self.record.path, line, "yaml-tag",
                                   f"the YAML tag '{event.tag}' is ignored: remove it")
            return value
        if not event.implicit[0]:  # quoted or block scalar: always text
            first, last = event.start_mark.line, event.end_mark.line
            if event.style in ("'", '"') and last > first and takes_in_fields(
                    self.record.text.splitlines()[self.offset - 1:], first, last):
                # The quote is closed, but only by a later one: the fields between are lost in it.
                raise _TooBig(first + self.offset, unclosed_quote_message(first + self.offset, event.style),
                              "yaml-syntax")
            return self._anchor(event, value)
        result = self._plain(event, value, loc)
        return self._anchor(event, result)

    def _anchor(self, event: Any, value: Any) -> Any:
        if event.anchor:
            self.anchors[event.anchor] = (value, 1)
        return value

    def _plain(self, event: Any, value: str, loc: Path_) -> Any:
        result, doubt = plain_scalar(value)
        if doubt is not None:
            code, what = doubt
            line = event.start_mark.line + self.offset
            field = ".".join(str(p) for p in loc) or "value"
            self.diags.warning(self.record.path, line, code,
                               f"{field}: '{value}' is read as the text \"{value}\", but YAML 1.1 "
                               f"tools read it as {what}: quote it (\"{value}\") so every tool agrees")
        return result


#: First letters no boolean, null, number or YAML 1.1 boolean starts with (checked first:
#: most values are words).
_TEXT_START = frozenset("abcdeghijklmpqrsuvwxzABCDEGHIJKLMPQRSUVWXZ")
_SEXAGESIMAL_DOUBT = ("yaml11-sexagesimal", "a base-60 number")
_BOOLEAN_DOUBT = ("yaml11-boolean", "a boolean")


#: Unquoted words up to this long are interned: ids, statuses, impacts, severities and names
#: recur in every record, and a portal keeps them all (a title or message is left alone).
SHARED_WORD_LENGTH = 40


def plain_scalar(value: str) -> tuple[Any, tuple[str, str] | None]:
    """The YAML 1.2 core-schema value of an unquoted scalar.

    Also returns (code, reading) when YAML 1.1 tools would read the same text
    differently, so callers can warn; None otherwise.
    """
    first = value[:1]
    if first in _TEXT_START:
        return (sys.intern(value) if len(value) <= SHARED_WORD_LENGTH else value), None
    if value[4:5] == "-" == value[7:8]:
        return value, None  # a date or timestamp: numbers never have '-' at both places
    if first in "tTfF" and value in _BOOLS:
        return _BOOLS[value], None
    if value in _NULLS:
        return None, None
    if first and first in "-+.0123456789":
        if _INT.fullmatch(value):
            return (int(value, 0) if value[:2] in ("0o", "0x") else int(value)), None
        if _FLOAT.fullmatch(value):
            return _float(value), None
        if ":" in value and _YAML11_SEXAGESIMAL.match(value):
            return value, _SEXAGESIMAL_DOUBT
    elif value in _YAML11_BOOLS:
        return value, _BOOLEAN_DOUBT
    return value, None


# --- The fast path ---------------------------------------------------------------------------
#
# Most front matters are plain: no aliases, tags, duplicate keys or values YAML 1.1 would
# read differently. For those, libyaml's composer (C) builds the nodes far faster than the
# careful builder walks events in Python. The fast path only ever accepts a front matter for
# which the careful path would return the same data and lines and report nothing; on
# anything else it declines and the careful path decides. tests/test_reader.py checks that
# promise on every sample record and on fuzzed ones.

#: The fast path skips front matters with more of these characters. libyaml's composer
#: recurses in C, about 250 bytes of stack per nesting level, and every level of nesting
#: needs its own ``[``, ``{``, ``-``, ``:`` or ``?``: so its stack stays under ~250 KB, safe on
#: any thread. Real records have 20 to 200.
FAST_PATH_MAX_INDICATORS = 1_000

# Tags the walker's resolver gives untagged nodes; compared by identity, so an explicit
# tag spelled the same way is still an explicit tag.
_PLAIN = "sitrep:plain"  # an unquoted scalar
_TEXT = "sitrep:text"  # a quoted or block scalar
_COLLECTION = "sitrep:collection"  # a mapping or sequence


class _Decline(Exception):
    """The fast path leaves this front matter to the careful one."""


if CParser is not None:

    class _NodeLoader(CParser):  # type: ignore[misc, valid-type]
        """libyaml's parser and composer, with tag resolution left to the walker."""

        def resolve(self, kind: type, value: Any, implicit: tuple[bool, bool]) -> str:
            if kind is yaml.ScalarNode:
                return _PLAIN if implicit[0] else _TEXT
            return _COLLECTION

        def descend_resolver(self, current_node: Any, current_index: Any) -> None:
            pass  # no path-dependent resolution

        def ascend_resolver(self) -> None:
            pass


def _fast_parse(fm_text: str, offset: int) -> tuple[dict[str, Any], dict[Path_, int]] | None:
    """(data, lines) of a plain front matter, or None to leave it to the careful path.

    Declined up front: anchors (so no node is reached twice and nothing expands),
    texts of MAX_NODES characters or more (every node takes at least one, so the
    careful path's size limit cannot trip) and deep nesting (see above).
    """
    if (CParser is None or "&" in fm_text or len(fm_text) >= MAX_NODES
            or sum(map(fm_text.count, "[{-:?")) > FAST_PATH_MAX_INDICATORS):
        return None
    loader = _NodeLoader(fm_text)
    try:
        root = loader.get_single_node()
    except (yaml.YAMLError, ValueError):
        return None  # the careful path explains the problem
    finally:
        loader.dispose()
    if type(root) is not yaml.MappingNode or root.tag is not _COLLECTION:
        return None
    lines: dict[Path_, int] = {}
    try:
        data = _fast_mapping(root, (), 0, lines, offset)
    except _Decline:
        return None
    return data, lines


def _fast_value(node: Any, loc: Path_, depth: int, lines: dict[Path_, int], offset: int) -> Any:
    tag = node.tag
    if tag is _PLAIN:
        value, doubt = plain_scalar(node.value)
        if doubt is not None:
            raise _Decline  # the careful path warns
        return value
    if tag is _TEXT:
        if node.style in ("'", '"') and node.end_mark.line > node.start_mark.line:
            raise _Decline  # a quoted value over several lines: the careful path sees whether it took in fields
        return node.value
    if tag is not _COLLECTION:
        raise _Decline  # an explicit tag
    if type(node) is yaml.MappingNode:
        return _fast_mapping(node, loc, depth + 1, lines, offset)
    return _fast_sequence(node, loc, depth + 1, lines, offset)


def _fast_mapping(node: Any, loc: Path_, depth: int, lines: dict[Path_, int], offset: int) -> dict[str, Any]:
    if depth > MAX_DEPTH:
        raise _Decline
    result: dict[str, Any] = {}
    for key_node, value_node in node.value:
        tag = key_node.tag
        if tag is not _PLAIN and tag is not _TEXT:
            raise _Decline  # a collection or tagged key
        key = sys.intern(key_node.value)
        if key in result or (key == "<<" and tag is _PLAIN):
            raise _Decline  # a duplicate key or a merge key
        path = (*loc, key)
        result[key] = _fast_value(value_node, path, depth, lines, offset)
        lines[path] = key_node.start_mark.line + offset
    return result


def _fast_sequence(node: Any, loc: Path_, depth: int, lines: dict[Path_, int], offset: int) -> list[Any]:
    if depth > MAX_DEPTH:
        raise _Decline
    items: list[Any] = []
    for index, item in enumerate(node.value):
        path = (*loc, index)
        lines[path] = item.start_mark.line + offset
        items.append(_fast_value(item, path, depth, lines, offset))
    return items
