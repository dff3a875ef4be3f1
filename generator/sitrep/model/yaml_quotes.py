"""Values YAML cannot read as written, named on their line with the fix: quotes, and values to quote.

Unclosed and cut-short quotes: the slip is where the quote opens, not where the parse gives up.

YAML lets a quoted value span lines, so a quote left open takes in the lines after it until a
quote of the same kind (an apostrophe, say) closes it, and the parser fails there, or at the end
of the text, or not at all. Records (:mod:`sitrep.load.reader`) and mkdocs.yml
(:mod:`sitrep.model.config`) name the line the quote opens on, with the fix.

Unquoted values that hold ``': '`` or start with one of YAML's indicators (a backtick, ``@``,
``[``), and ``key:value`` without its space: the fix shows the line as it should be.
"""

from __future__ import annotations

import re

import yaml

#: A text line that starts a field or a list item: ``key:``, ``- key:``, ``- ``.
_FIELD_LINE = re.compile(r"^(?P<indent>[ ]*)(?:-(?:[ ]+|$)|[\w-]+:(?:[ ]|$))")
#: Where a line's key starts: after its indentation and any list dashes.
_KEY_COLUMN = re.compile(r"^[ ]*(?:-[ ]+)*")


#: A ``key: value`` line (or ``- key: value``) with an unquoted value.
_PLAIN_FIELD = re.compile(r"^(?P<lead>[ ]*(?:-[ ]+)*[\w-]+:[ ]+)(?P<value>[^'\"|>\s].*?)[ ]*$")
#: Characters an unquoted value cannot start with (YAML's indicators), as people write them in text.
_INDICATOR_START = "`@%*&!{["
#: A value that is a whole flow list or mapping (``[a, b]``): its brackets are meant.
_FLOW_COLLECTION = re.compile(r"^(?:\[.*\]|\{.*\})$")
#: Longest value shown whole in a fix; longer ones are shown cut, with the quotes in place.
_SHOWN = 70


def quoting_fix(line: str) -> str | None:
    """What is wrong with the unquoted value of a ``key: value`` line YAML cannot read, and the line with
    the value in double quotes: one holding ``': '`` (read as another field) or starting with one of
    YAML's indicators (a backtick, ``@``, ``[``...), as text often does; None otherwise."""
    found = _PLAIN_FIELD.match(line)
    if found is None:
        return None
    value = found.group("value")
    if ": " in value:
        before = value.partition(": ")[0].split()
        after = f" (after {before[-1]!r})" if before else ""
        why = f"holds ': '{after}, which YAML reads as another field"
    elif value[0] in _INDICATOR_START and not _FLOW_COLLECTION.match(value):
        why = f"starts with {value[0]!r}, which YAML reserves"
    else:
        return None
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    shown = escaped if len(escaped) <= _SHOWN else escaped[:_SHOWN - 1] + "…"
    return (f"the value {why}: put the whole value in double quotes: "
            f"{found.group('lead').strip()} \"{shown}\"")


def tab_indent_fix(line: str, number: int) -> str | None:
    """The fix for a line indented with a tab (YAML indents with spaces only), or None."""
    indent = line[:len(line) - len(line.lstrip())]
    return f"line {number} is indented with a tab: YAML needs spaces" if "\t" in indent else None


#: ``key:value``: a field name and its value with no space between, which YAML reads as one word.
_NO_SPACE = re.compile(r"^(?P<lead>[ ]*(?:-[ ]+)*)(?P<key>[A-Za-z_][\w-]*):(?P<value>[^\s:/].*)$")


def colon_space_fix(line: str) -> str | None:
    """The fix for a ``key:value`` line (no space after the colon), or None."""
    found = _NO_SPACE.match(line.rstrip())
    if found is None:
        return None
    return (f"'{found['key']}:{found['value'][:20]}' has no space after the colon, so YAML does not read it as "
            f"a field: write {found['key']}: {found['value'][:_SHOWN]}")


def line_syntax_fix(line: str, number: int) -> tuple[str, bool] | None:
    """What to change on line ``number``, the one a YAML syntax error names, for records and mkdocs.yml alike:
    ``(fix, whole)``, ``whole`` when the fix says all there is (a value to quote, a space after a colon), not
    when it follows YAML's own words (a tab in the indentation); None when the line shows none of these."""
    if (tab := tab_indent_fix(line, number)) is not None:
        return tab, False
    fix = quoting_fix(line)
    if fix is None:
        fix = colon_space_fix(line)
    return (fix, True) if fix is not None else None


def _quoted_scalars(text: str, limit: int) -> list[yaml.ScalarToken]:
    """The quoted scalars the scanner reads before index ``limit`` (as far as it can read)."""
    found = []
    try:
        for token in yaml.scan(text, Loader=yaml.SafeLoader):
            if token.start_mark.index >= limit:
                break
            if isinstance(token, yaml.ScalarToken) and token.style in ("'", '"'):
                found.append(token)
    except yaml.YAMLError:
        pass
    return found


def takes_in_fields(lines: list[str], first: int, last: int) -> bool:
    """Whether a quoted value from ``lines[first]`` to ``lines[last]`` (0-based) takes in lines that
    are the text's own: a field or list item at its key's indentation or less. A value
    continued on more indented lines ("Next update: 15:00") does not."""
    if last == first or first >= len(lines):
        return False
    column = len(_KEY_COLUMN.match(lines[first]).group())  # type: ignore[union-attr]
    for following in lines[first + 1:last + 1]:
        field_line = _FIELD_LINE.match(following)
        if field_line is not None and len(field_line.group("indent")) <= column:
            return True
    return False


def unclosed_quote_message(line: int | str, quote: str) -> str:
    """The message for a quote opened on ``line`` and closed only by a later one (or never)."""
    return (f"YAML syntax error: the quote {quote} opened on line {line} is never closed, so YAML reads the "
            f"lines after it as part of the value: add the closing {quote} at the end of the value")


def _quote_swallowing_lines(fm_text: str, exc: yaml.MarkedYAMLError) -> tuple[int, str] | None:
    """(0-based line, quote) of the last quoted value before the error that took in the front
    matter's own lines (:func:`takes_in_fields`), i.e. one whose quote was never closed where the
    writer meant; None if there is none."""
    limit = exc.problem_mark.index if exc.problem_mark else len(fm_text)
    lines = fm_text.splitlines()
    for token in reversed(_quoted_scalars(fm_text, limit)):
        if takes_in_fields(lines, token.start_mark.line, token.end_mark.line):
            return token.start_mark.line, token.style
    return None


def _apostrophe_ending_quote(fm_text: str, exc: yaml.MarkedYAMLError) -> tuple[int, str] | None:
    """(0-based line, word) where a single-quoted value ends at an apostrophe inside a word
    (``title: 'Can't connect'``), causing the error; None otherwise."""
    if exc.problem_mark is None:
        return None
    for token in reversed(_quoted_scalars(fm_text, exc.problem_mark.index + 1)):
        end = token.end_mark.index  # just after the closing quote
        if (token.style == "'" and token.end_mark.line == exc.problem_mark.line and end < len(fm_text)
                and fm_text[end].isalnum() and fm_text[end - 2].isalnum()):
            before = re.search(r"\w+$", fm_text[:end - 1])
            after = re.match(r"\w+", fm_text[end:])
            return token.end_mark.line, f"{before.group() if before else ''}'{after.group() if after else ''}"
    return None


def quote_problem(text: str, exc: yaml.MarkedYAMLError) -> tuple[int, str] | None:
    """(0-based line, message with ``{line}`` for the file line) when a quote caused ``exc``:
    one never closed before the end, one that took in the lines after it, or an apostrophe that
    ended a single-quoted value; None otherwise."""
    if exc.context == "while scanning a quoted scalar" and exc.context_mark is not None:
        # The scanner gives up where the text ends, or at the next line it cannot read; the
        # slip is the quote that opens the value, on the line the scalar started.
        source = text.splitlines()
        row = exc.context_mark.line
        opened = source[row] if 0 <= row < len(source) else ""
        quote = opened[exc.context_mark.column:exc.context_mark.column + 1] or '"'
        return row, (f"YAML syntax error: the quote {quote} opened on line {{line}} is never closed: add the "
                     f"closing {quote} at the end of the value")
    if (swallowed := _quote_swallowing_lines(text, exc)) is not None:
        row, quote = swallowed
        return row, unclosed_quote_message("{line}", quote)
    if (apostrophe := _apostrophe_ending_quote(text, exc)) is not None:
        row, word = apostrophe
        return row, (f"YAML syntax error: the ' in {word} ends the value in single quotes: write it twice "
                     f"({word.replace(chr(39), chr(39) * 2)}) or put the value in double quotes")
    return None
