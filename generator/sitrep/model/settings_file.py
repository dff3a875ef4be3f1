"""mkdocs.yml as YAML nodes: the line of every setting, duplicate keys, ``!ENV`` values.

MkDocs (and PyYAML) keep the last of two equal keys without a word, so a second
``audience: internal`` under the sitrep entry would publish the internal edition.
The composed node tree (``yaml.compose``: no tag is constructed, so MkDocs' own
tags such as ``!ENV``, ``!relative`` and ``!!python/name:`` are no obstacle) tells
where each setting is written; the CLI and the MkDocs plugin read it the same way.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import yaml

from sitrep.model.diagnostics import Diagnostics
from sitrep.model.field_messages import location_name

Loc = tuple[str | int, ...]

_MERGE_TAG = "tag:yaml.org,2002:merge"
ENV_TAG = "!ENV"


@dataclass(frozen=True)
class SettingsFile:
    """One mkdocs.yml: its name (as shown in messages) and its composed YAML nodes (None if unknown).

    With ``INHERIT:`` the nodes are those of the file merged over its parent's, as MkDocs merges
    the settings (:func:`merge_nodes`); each node's mark names the file it is written in
    (:func:`name_nodes`), so a setting written in the parent is reported there.
    """

    path: str
    node: yaml.Node | None

    def where(self, loc: Loc) -> tuple[str, int]:
        """(file, line) ``loc`` is written on (or the closest enclosing setting that is)."""
        node, line = self.node, 1
        path = self.path
        if node is not None:
            path = _file_of(node, path)
        for part in loc:
            if isinstance(node, yaml.MappingNode) and isinstance(part, str):
                found = next(((k, v) for k, v in reversed(node.value)
                              if isinstance(k, yaml.ScalarNode) and k.value == part), None)
                if found is None:
                    break
                path, line, node = _file_of(found[0], path), found[0].start_mark.line + 1, found[1]
            elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
                node = node.value[part]
                path, line = _file_of(node, path), node.start_mark.line + 1
            else:
                break
        return path, line

    def find(self, loc: Loc) -> tuple[yaml.Node | None, int]:
        """The node at ``loc`` (keys and list indexes) and the line of its nearest written part.

        For a mapping key the line is the key's; a location that is not written (a
        missing field) gets the line of the closest enclosing one that is.
        """
        node, line = self.node, 1
        if node is not None:
            line = node.start_mark.line + 1
        for part in loc:
            if isinstance(node, yaml.MappingNode) and isinstance(part, str):
                found = next(((k, v) for k, v in reversed(node.value)
                              if isinstance(k, yaml.ScalarNode) and k.value == part), None)
                if found is None:
                    return None, line
                line, node = found[0].start_mark.line + 1, found[1]
            elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
                node = node.value[part]
                line = node.start_mark.line + 1
            else:
                return None, line
        return node, line

    def line_of(self, loc: Loc) -> int:
        """The line ``loc`` is written on (or of the closest enclosing setting that is)."""
        return self.find(loc)[1]

    def sitrep_loc(self) -> Loc:
        """Where the sitrep plugin's options are: ``("plugins", i, "sitrep")`` or ``("plugins", "sitrep")``."""
        plugins, _ = self.find(("plugins",))
        if isinstance(plugins, yaml.SequenceNode):
            for index, entry in enumerate(plugins.value):
                if isinstance(entry, yaml.ScalarNode) and entry.value == "sitrep":
                    return ("plugins", index)
                if isinstance(entry, yaml.MappingNode) and any(
                        isinstance(k, yaml.ScalarNode) and k.value == "sitrep" for k, _ in entry.value):
                    return ("plugins", index, "sitrep")
        return ("plugins", "sitrep")

    def env_variable(self, loc: Loc, environ: Mapping[str, str] | None = None) -> tuple[str | None, bool]:
        """(the variable an ``!ENV`` value at ``loc`` is read from, whether the value is written there).

        (None, False) when the value is not an ``!ENV`` one; (None, True) when none of its
        variables is set and its default applies. Same rule as MkDocs: the first variable set wins.
        """
        node, _ = self.find(loc)
        if node is None or node.tag != ENV_TAG:
            return None, False
        env = os.environ if environ is None else environ
        if isinstance(node, yaml.ScalarNode):
            names = [node.value]
        elif isinstance(node, yaml.SequenceNode):
            names = [n.value for n in (node.value[:-1] if len(node.value) > 1 else node.value)
                     if isinstance(n, yaml.ScalarNode)]
        else:
            return None, False
        return next((name for name in names if name in env), None), True

    def check_duplicate_keys(self, diags: Diagnostics) -> None:
        """An error on every key given twice in one mapping, naming both lines (merge keys are left alone).

        In a list item, the item's first key again (``id:`` of a second component) starts another
        item written without its ``- ``: one error there, saying so, and none for the keys after it.
        """
        for loc, key, first, again in _duplicates(self.node, (), set()):
            where = f" under {_shown(loc)}" if loc else ""
            if first < 0:  # a list item without its '- '
                diags.error(self.path, again, "missing-dash",
                            f"'{key}:' starts another item of {_shown(loc[:-1])} without its '- ': write "
                            f"'- {key}: …' and line up the item's other lines under '{key}:'")
                continue
            diags.error(self.path, again, "duplicate-key",
                        f"'{key}' is given twice{where} (first on line {first}); YAML would silently keep "
                        "only the last one: remove one of them")

    def check_empty_env(self, loc: Loc, diags: Diagnostics, environ: Mapping[str, str] | None = None) -> None:
        """An error on each ``!ENV`` value under ``loc`` whose variable is set but empty.

        MkDocs reads an empty variable as no value and quietly uses the default; a CI step that
        meant to set it (an empty matrix value, a missing secret) deserves to hear about it.
        """
        env = os.environ if environ is None else environ
        node, _ = self.find(loc)
        for sub, env_node in _env_nodes(node, loc, set()):
            name, _ = self.env_variable(sub, env)
            if name is not None and not env[name].strip():
                default = env_node.value[-1] if isinstance(env_node, yaml.SequenceNode) and len(env_node.value) > 1 \
                    else None
                fallback = (f"the default '{default.value}'" if isinstance(default, yaml.ScalarNode)
                            else "no value")
                diags.error(*self.where(sub), "empty-variable",
                            f"{_shown(sub)}: the environment variable {name} is set but empty: give it a "
                            f"value, or unset it to use {fallback}")


def _shown(loc: Loc) -> str:
    """A location as people name it: ``plugins.sitrep.audience``, not ``plugins[1].sitrep.audience``."""
    if loc[:1] == ("plugins",) and len(loc) > 2 and isinstance(loc[1], int):
        loc = ("plugins", *loc[2:])
    return location_name(loc)


def _duplicates(node: yaml.Node | None, loc: Loc, seen: set[int]) -> Iterator[tuple[Loc, str, int, int]]:
    if node is None or id(node) in seen:  # an alias points at a node already walked
        return
    seen.add(id(node))
    if isinstance(node, yaml.MappingNode):
        first: dict[str, int] = {}
        keys = [k.value for k, _ in node.value if isinstance(k, yaml.ScalarNode) and k.tag != _MERGE_TAG]
        starts = [i for i, k in enumerate(keys) if keys and k == keys[0]]
        # In a list item, each repeat of its first key followed by another key starts an item without '- '.
        item_starts = {i for i, j in zip(starts, [*starts[1:], len(keys)], strict=True)
                       if i > 0 and j - i > 1} if loc and isinstance(loc[-1], int) else set()
        index = -1
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode) and key.tag != _MERGE_TAG:
                index += 1
                line = key.start_mark.line + 1
                if index in item_starts:
                    yield loc, key.value, -1, line
                    first = {key.value: line}
                elif key.value in first:
                    yield loc, key.value, first[key.value], line
                else:
                    first[key.value] = line
                yield from _duplicates(value, (*loc, key.value), seen)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            yield from _duplicates(item, (*loc, index), seen)


def _env_nodes(node: yaml.Node | None, loc: Loc, seen: set[int]) -> Iterator[tuple[Loc, yaml.Node]]:
    if node is None or id(node) in seen:
        return
    seen.add(id(node))
    if node.tag == ENV_TAG:
        yield loc, node
    elif isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode):
                yield from _env_nodes(value, (*loc, key.value), seen)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            yield from _env_nodes(item, (*loc, index), seen)


def _file_of(node: yaml.Node, default: str) -> str:
    name = node.start_mark.name if node.start_mark is not None else None
    return name if isinstance(name, str) and not name.startswith("<") else default


def name_nodes(node: yaml.Node | None, path: str) -> None:
    """Mark every node of a file's tree as written in ``path`` (see :meth:`SettingsFile.where`)."""
    stack, seen = [node], set()
    while stack:
        current = stack.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        if current.start_mark is not None:
            current.start_mark.name = path
        if isinstance(current, yaml.MappingNode):
            stack += [n for pair in current.value for n in pair]
        elif isinstance(current, yaml.SequenceNode):
            stack += current.value


def merge_nodes(parent: yaml.Node | None, child: yaml.Node | None) -> yaml.Node | None:
    """The node tree of ``child`` merged over ``parent``, as MkDocs merges an ``INHERIT``ed file
    (mergedeep's REPLACE): mappings key by key, the parent's keys first; anything else replaced."""
    if not isinstance(parent, yaml.MappingNode) or not isinstance(child, yaml.MappingNode):
        return child if child is not None else parent
    merged = list(parent.value)
    for key, value in child.value:
        at = next((i for i, (k, _) in enumerate(merged) if isinstance(k, yaml.ScalarNode)
                   and isinstance(key, yaml.ScalarNode) and k.value == key.value), None)
        if at is None:
            merged.append((key, value))
        else:
            merged[at] = (key, merge_nodes(merged[at][1], value))
    return yaml.MappingNode(child.tag, merged, child.start_mark, child.end_mark, child.flow_style)


def merge_settings(parent: Any, child: Any) -> Any:
    """The settings of ``child`` merged over ``parent``'s (the values of :func:`merge_nodes`)."""
    if not isinstance(parent, dict) or not isinstance(child, dict):
        return child
    merged = dict(parent)
    for key, value in child.items():
        merged[key] = merge_settings(merged[key], value) if key in merged else value
    return merged


def compose(text: str, loader: type[yaml.SafeLoader]) -> tuple[yaml.Node | None, Any]:
    """(node tree, constructed value) of one YAML document, parsed once; raises yaml.YAMLError."""
    reader = loader(text)
    try:
        node = reader.get_single_node()
        return node, (reader.construct_document(node) if node is not None else None)
    finally:
        reader.dispose()
