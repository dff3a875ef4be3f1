"""An outline of a front matter: where each YAML node starts and ends (line, column).

The editing commands splice new lines into a record at places this outline
gives. It is built from the events of :func:`sitrep.load.reader.front_matter_events`,
the same parser that reads the values, so both agree on what the text means.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from sitrep.load.reader import front_matter_events

_BLOCK_HEADER = re.compile(r"[|>]([0-9+-]*)")


@dataclass
class Node:
    """Where one YAML node is: 0-based front-matter line/column of its start and last line."""

    kind: str  # "scalar", "alias", "mapping" or "sequence"
    line: int
    col: int
    last: int
    flow: bool = False
    style: str | None = None
    value: str | None = None
    pairs: list[tuple[Node, Node]] = field(default_factory=list)
    items: list[Node] = field(default_factory=list)

    def get(self, key: str) -> tuple[Node, Node] | None:
        """The (key, value) nodes of a mapping's ``key``, or None."""
        return next(((k, v) for k, v in self.pairs if k.value == key), None)


class Outliner:
    """Builds :class:`Node` trees from parser events, with exact extents.

    Block collections end where the *next* token starts (after trailing comments
    and blank lines), so their extent is taken from their last scalar instead;
    block scalars end after the line breaks they consumed, so trailing blank
    lines are given back unless the scalar keeps them (``|+``/``>+``).
    """

    def __init__(self, fm_text: str):
        self.lines = fm_text.splitlines()
        self.events = front_matter_events(fm_text)

    def document(self) -> Node | None:
        """The root node of the front matter, or None when it holds no document."""
        for event in self.events:
            if isinstance(event, yaml.DocumentStartEvent):
                return self.node(next(self.events))
        return None

    def node(self, event: Any) -> Node:
        """The node that starts with ``event``, reading the events of its children."""
        start = event.start_mark
        if isinstance(event, yaml.ScalarEvent):
            return Node("scalar", start.line, start.column, self._scalar_last(event), style=event.style,
                         value=event.value)
        if isinstance(event, yaml.AliasEvent):
            return Node("alias", start.line, start.column, event.end_mark.line)
        flow = bool(event.flow_style)
        if isinstance(event, yaml.MappingStartEvent):
            node = Node("mapping", start.line, start.column, start.line, flow=flow)
            while not isinstance(event := next(self.events), yaml.MappingEndEvent):
                key = self.node(event)
                value = self.node(next(self.events))
                node.pairs.append((key, value))
                node.last = max(node.last, key.last, value.last)
        else:
            node = Node("sequence", start.line, start.column, start.line, flow=flow)
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
