"""Invisible characters: the ones a value pasted from a chat or a web page brings along unseen.

A zero-width space in ``publishing-api``, a no-break space in a key, a bidi control around a
status or a byte order mark in the middle of a file make a value differ from what everyone
reads. The one place that says which characters those are, what they are called, and what a
message about one says (:func:`invisible_message`, which
:func:`sitrep.model.diagnostics.name_invisible` puts first in a finding whose value holds one,
records and mkdocs.yml alike); :func:`show_invisible` writes them as escapes (``\\u200b``) where a
message quotes a value.
"""

from __future__ import annotations

import re
import unicodedata

#: Characters that show nothing, or a space YAML does not read as one: format and bidi controls,
#: zero-width characters, the byte order mark, spaces other than U+0020, fillers, tag characters.
INVISIBLE = re.compile(
    "[\u00a0\u00ad\u034f\u061c\u115f\u1160\u1680\u17b4\u17b5\u180e\u2000-\u200f\u202a-\u202f\u205f-\u206f"
    "\u3000\u3164\ufeff\uffa0\ufff9-\ufffb\U000e0001\U000e0020-\U000e007f]")

#: The names people know them by (Unicode's names, lowercased, for the others).
NAMES = {
    "\u00a0": "no-break space", "\u00ad": "soft hyphen", "\u200b": "zero-width space",
    "\u200c": "zero-width non-joiner", "\u200d": "zero-width joiner", "\u200e": "left-to-right mark",
    "\u200f": "right-to-left mark", "\u202a": "left-to-right embedding", "\u202b": "right-to-left embedding",
    "\u202c": "pop directional formatting", "\u202d": "left-to-right override", "\u202e": "right-to-left override",
    "\u202f": "narrow no-break space", "\u2060": "word joiner", "\u2066": "left-to-right isolate",
    "\u2067": "right-to-left isolate", "\u2068": "first strong isolate", "\u2069": "pop directional isolate",
    "\u3000": "ideographic space", "\ufeff": "byte order mark, zero-width no-break space",
}


def escape(char: str) -> str:
    """``\\u200b``: a character as Python writes it in a string's repr (``\\xa0``, ``\\U000e0020``)."""
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def show_invisible(text: str) -> str:
    """``text`` with each invisible character written as its escape, so a message shows it."""
    return INVISIBLE.sub(lambda m: escape(m.group()), text) if not text.isascii() else text


def describe(char: str) -> str:
    """``U+200B (zero-width space)``."""
    name = NAMES.get(char) or unicodedata.name(char, "unnamed").lower()
    return f"U+{ord(char):04X} ({name})"


def is_space(char: str) -> bool:
    """A space other than U+0020 (no-break, narrow, ideographic...), as against a zero-width character."""
    return char.isspace() or unicodedata.category(char) == "Zs"


#: What ends the token an invisible character sits in: YAML's separators (a ':' only before a space).
_TOKEN_END = frozenset(" \t,[]{}()<>\"'#")


def _token(line: str, index: int) -> str:
    """The key or value around ``line[index]``, as YAML sees it (invisible characters are part of it)."""
    start = index
    while start > 0 and line[start - 1] not in _TOKEN_END and not (
            line[start - 1] == ":" and start < len(line) and line[start] in " \t"):
        start -= 1
    end = index + 1
    while end < len(line) and line[end] not in _TOKEN_END and not (
            line[end] == ":" and (end + 1 == len(line) or line[end + 1] in " \t")):
        end += 1
    return line[start:end]


def invisible_message(line: str, found: list[tuple[int, str]]) -> str:
    """What to say of the invisible characters ``found`` (column from 1, character) on ``line``:
    ``'publishing\\u200b-api' contains an invisible character, U+200B (zero-width space) at column 13:
    delete it``."""
    tokens = list(dict.fromkeys(_token(line, col - 1) for col, _ in found))
    shown = " and ".join(f"'{show_invisible(t)}'" for t in tokens)
    where = " and ".join(f"{describe(char)} at column {col}" for col, char in found)
    many = len(found) > 1
    spaces = [is_space(char) for _, char in found]
    them = "them" if many else "it"
    if all(spaces):
        fix = f"replace {them} with an ordinary space (or delete {them} where no space belongs)"
    elif any(spaces):
        fix = "delete the zero-width ones and replace the spaces with ordinary ones"
    else:
        fix = f"delete {them}"
    what = "invisible characters" if many else "an invisible character"
    return f"{shown} {'contain' if len(tokens) > 1 else 'contains'} {what}, {where}: {fix}"


def find_invisible(line: str) -> list[tuple[int, str]]:
    """(column from 1, character) of each invisible character of ``line``."""
    if line.isascii():
        return []
    return [(m.start() + 1, m.group()) for m in INVISIBLE.finditer(line)]
