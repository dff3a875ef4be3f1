"""The plain YAML that records are written in, read line by line: the reader's fastest path.

Front matters written by hand or by ``sitrep new``/``update`` use a small part
of YAML: ``key: value`` lines, nested mappings and ``- item`` lists by
indentation, one-line ``[a, b]`` lists, plain, single- and double-quoted
scalars without escapes, and ``|``/``>`` block scalars. This module reads
exactly that part, two to four times faster than libyaml through PyYAML, and
**declines** (returns None) on anything else, down to a trailing comment, a
tab or a blank line at the end of a block scalar. Declined texts go to the
next path in :mod:`sitrep.load.reader`.

The promise, checked by tests/test_reader_fast_path.py on every shipped record
and on generated and mutated ones: whenever this returns a value, the careful
path returns the same data and lines and reports nothing.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from typing import Any

PathKey = tuple[str | int, ...]

#: An item of a one-line flow list: ids, numbers, names ("Priya Raman", "O'Brien").
_WORD = re.compile(r"\w(?:[\w.' -]*[\w.])?")
_DOUBLE_QUOTED = re.compile(r'"([^"\\]*)"')
_SINGLE_QUOTED = re.compile(r"'((?:[^']|'')*)'")
_BLOCK_HEADER = re.compile(r"([|>])([-+]?)")
#: Characters that give a plain scalar a special meaning when they come first.
_INDICATORS = frozenset("-?:,[]{}#&*!|>'\"%@`")
#: After a leading ``-``, these make a number (-1, -.5), not a list item.
_NUMBER_STARTS = frozenset("0123456789.")

class _Decline(Exception):
    """Outside the plain subset: leave it to the next path."""


#: One line: indentation, an optional ``-`` item marker with the spaces after it, an
#: optional ``key:`` (then a space or the end of the line), the rest.
_LINE = re.compile(r"( *)(-(?: +|$))?(?:([A-Za-z_][A-Za-z0-9_-]*):(?: +|$))?(.*)")


def parse(text: str, offset: int, max_depth: int,
          plain_scalar: Callable[[str], tuple[Any, Any]]) -> tuple[dict[str, Any], dict[PathKey, int]] | None:
    """(data, file line of each key path) of a plain front matter, or None.

    ``offset`` is the file line of the text's first line; ``max_depth`` the
    nesting the careful path allows; ``plain_scalar`` the reader's resolver for
    unquoted scalars, returning (value, doubt), shared so both paths agree on
    every value.

    One pass over the lines with a stack of open collections (indentation,
    container, key path, is-a-list); a ``key:`` with nothing after it is
    *pending* until the next line shows whether a mapping, a list or nothing
    follows.
    """
    # Python's "printable" excludes every control, format and separator character
    # but the space: tabs, CR, NEL, U+2028/9, BOM, non-characters... all declined.
    if not text.replace("\n", "").isprintable():
        return None
    lines = text.split("\n")
    if lines[-1] == "":  # after the last line break
        lines.pop()
    root: dict[str, Any] = {}
    where: dict[PathKey, int] = {}
    stack: list[tuple[int, Any, PathKey, bool]] = [(0, root, (), False)]
    pending: tuple[dict[str, Any], str, PathKey, int] | None = None
    match_line = _LINE.match
    i, count = 0, len(lines)
    try:
        while i < count:
            indent_text, dash, key, rest = match_line(lines[i]).groups()  # type: ignore[union-attr]
            rest = rest.rstrip(" ")
            line_no = i + offset
            i += 1
            if not dash and not key:
                if not rest or rest[0] == "#":
                    continue  # blank line or comment
                raise _Decline  # a scalar on a line of its own (continued or misplaced)
            indent = len(indent_text)
            if pending is not None:
                container, pending_key, pending_path, pending_indent = pending
                pending = None
                if indent > pending_indent or (dash and indent == pending_indent):
                    if len(stack) > max_depth:
                        raise _Decline
                    child: Any = [] if dash else {}
                    container[pending_key] = child
                    stack.append((indent, child, pending_path, bool(dash)))
            if dash:
                while stack[-1][0] > indent:
                    stack.pop()
                col, items, loc, is_list = stack[-1]
                if not is_list or col != indent:
                    raise _Decline
                path = (*loc, len(items))
                where[path] = line_no
                if not key:
                    if not rest:
                        raise _Decline  # an empty item, or one continued below
                    if rest[0] in "|>":
                        value, i = _block_scalar(lines, i, rest, indent)
                        items.append(value)
                    else:
                        items.append(_inline(rest, path, line_no, plain_scalar, where))
                    continue
                if len(stack) > max_depth:
                    raise _Decline
                mapping: dict[str, Any] = {}
                items.append(mapping)
                indent += len(dash)  # the item's keys line up after "- "
                stack.append((indent, mapping, path, False))
            else:
                while stack[-1][0] > indent or (stack[-1][3] and stack[-1][0] == indent):
                    stack.pop()
                col, mapping, loc, is_list = stack[-1]
                if is_list or col != indent:
                    raise _Decline
            if key in mapping:
                raise _Decline  # the careful path reports duplicate keys
            key = sys.intern(key)  # component ids recur in every record the portal keeps
            path = (*loc, key) if not dash else (*path, key)
            where[path] = line_no
            if not rest:
                mapping[key] = None
                pending = (mapping, key, path, indent)
            elif rest[0] in "|>":
                mapping[key], i = _block_scalar(lines, i, rest, indent)
            elif rest[0] not in _INDICATORS and ": " not in rest and " #" not in rest and rest[-1] != ":":
                # the common case, inlined: a plain scalar (_inline does the same)
                value, doubt = plain_scalar(rest)
                if doubt is not None:
                    raise _Decline
                mapping[key] = value
            else:
                mapping[key] = _inline(rest, path, line_no, plain_scalar, where)
    except _Decline:
        return None
    return (root, where) if root else None


def _inline(rest: str, path: PathKey, line_no: int, plain_scalar: Callable[[str], tuple[Any, Any]],
            where: dict[PathKey, int]) -> Any:
    """A scalar or a one-line flow list written after ``key:`` or ``-`` (no trailing spaces)."""
    first = rest[0]
    if first not in _INDICATORS or (first == "-" and rest[1:2] in _NUMBER_STARTS):
        if ": " in rest or " #" in rest or rest[-1] == ":":
            raise _Decline
        value, doubt = plain_scalar(rest)
        if doubt is not None:
            raise _Decline  # the careful path warns about it
        return value
    if first == '"':
        match = _DOUBLE_QUOTED.fullmatch(rest)
        if match is None:
            raise _Decline
        return match.group(1)
    if first == "'":
        match = _SINGLE_QUOTED.fullmatch(rest)
        if match is None:
            raise _Decline
        return match.group(1).replace("''", "'")
    if first == "[" and rest[-1] == "]":
        inner = rest[1:-1].strip(" ")
        values = []
        for index, item in enumerate(inner.split(",") if inner else ()):
            item = item.strip(" ")
            if not _WORD.fullmatch(item):
                raise _Decline
            value, doubt = plain_scalar(item)
            if doubt is not None:
                raise _Decline
            values.append(value)
            where[(*path, index)] = line_no
        return values
    if rest == "{}":
        return {}
    raise _Decline


def _block_scalar(lines: list[str], i: int, header: str, parent: int) -> tuple[str, int]:
    """A ``|`` or ``>`` block starting at ``lines[i]``, and the index after it.

    Only the forms whose reading is unambiguous: no indentation indicator, no
    comment after the header, no leading, trailing or whitespace-only blank
    lines, and for ``>`` no blank or more-indented lines.
    """
    match = _BLOCK_HEADER.fullmatch(header)
    if match is None:
        raise _Decline
    style, chomp = match.groups()
    body: list[str] = []
    block_indent = 0
    count = len(lines)
    while i < count:
        line = lines[i]
        if line == "":
            body.append("")
            i += 1
            continue
        indent = len(line) - len(line.lstrip(" "))
        if indent == len(line):
            raise _Decline  # a line of spaces: content or not depends on its length
        if not block_indent:
            if indent <= parent:
                break
            block_indent = indent
        elif indent < block_indent:
            break
        body.append(line[block_indent:])
        i += 1
    if not body or body[0] == "" or body[-1] == "":
        raise _Decline
    if style == "|":
        text = "\n".join(body)
    else:
        if any(line[0] == " " or line[-1] == " " for line in body if line) or "" in body:
            raise _Decline  # blank or more-indented lines fold differently
        text = " ".join(body)
    return (text if chomp == "-" else text + "\n"), i
