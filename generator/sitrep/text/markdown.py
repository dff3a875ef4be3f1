"""One Markdown scanner for record bodies: which lines are code, and where the links are.

The validator (``broken-link``) and the site (links to pages an edition lacks
become plain text) both read links through :func:`links`, so a link the site
shows as a link is exactly a link the validator checks, and text the site shows
literally (code) is checked by neither.

Blocks (:class:`BlockScanner`, also used for postmortem sections and action
items):

* fenced code: an opening line of three or more backticks or tildes indented
  at most three spaces; it closes only on a line of the same character at least
  as long (so a ```` ``` ```` line inside a ```` ```` ```` block is content); a
  backtick fence whose info string holds a backtick is not a fence; an unclosed
  fence runs to the end of the body;
* HTML comments starting a line (``<!--`` ... ``-->``);
* indented code (optional): a line indented four spaces (or a tab) after a
  blank line, outside a list, and the indented or blank lines that follow.

Inline, within a run of prose lines (a paragraph), code spans are found first,
the way Python-Markdown finds them: a run of N backticks, not preceded by a
backslash, up to the next run of exactly N backticks; the span may cross line
breaks. Links are ``[text](target)`` and ``[text](<target> "title")`` outside
code spans; images (``![alt](x)``) and escaped brackets (``\\[``) are not links.
Reference-style links are not read.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})(.*)$")
_COMMENT_OPEN = re.compile(r"^ {0,3}<!--")
_LIST_ITEM = re.compile(r"^ {0,3}(?:[-*+]|\d{1,9}[.)])(?:[ \t]|$)")
_HEADING = re.compile(r"^ {0,3}#")
_CODE_SPAN = re.compile(r"(?<!\\)(`+)(.+?)(?<!`)\1(?!`)", re.DOTALL)
# The text holds no "[": Python-Markdown makes "[a [b](c)" a link named "b", and reading from
# every "[" to the end of the line made a line of unclosed "[" quadratic.
_LINK = re.compile(
    r"(?<![!\\])\[(?P<text>[^\[\]\n]*)\]\(\s*<?(?P<target>[^)\s>]+)>?(?:\s+[\"'][^\"'\n]*[\"'])?\s*\)"
)
#: A scheme (https:, mailto:), a fragment or an absolute path: not a link to another record.
_NOT_RELATIVE = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:|^#|^/")
#: Stands in for code spans while links are matched (not a bracket, parenthesis or line break).
_MASK = "\x1a"


def _indent(line: str) -> int:
    """Width of the leading blank space, a tab counting to the next multiple of four."""
    stripped = line.lstrip(" \t")
    return len(line[: len(line) - len(stripped)].expandtabs(4))


class BlockScanner:
    """Tells, line by line, whether a line belongs to a code block or an HTML comment.

    Feed every line of a body in order to :meth:`skip`. With ``indented_code``
    lines of indented code blocks are skipped too.
    """

    def __init__(self, *, indented_code: bool = False) -> None:
        self.fence: str | None = None
        self.in_comment = False
        self.indented_code = indented_code
        self._in_indented = False
        self._after_blank = True  # the start of a body counts as after a blank line
        self._in_list = False

    def skip(self, line: str) -> bool:
        """True if ``line`` is part of (or opens/closes) a code block or a comment."""
        if self.fence is not None:
            stripped = line.strip()
            if (
                len(line) - len(line.lstrip(" ")) <= 3
                and stripped.startswith(self.fence)
                and set(stripped) == {self.fence[0]}
            ):
                self.fence = None
            return True
        if self.in_comment:
            if "-->" in line:
                self.in_comment = False
            return True
        if self.indented_code:
            return self._skip_indented(line) or self._skip_opening(line)
        return self._skip_opening(line)

    def _skip_opening(self, line: str) -> bool:
        m = _FENCE.match(line)
        if m and not (m.group(1)[0] == "`" and "`" in m.group(2)):
            self.fence = m.group(1)
            return True
        if _COMMENT_OPEN.match(line):
            if "-->" not in line.split("<!--", 1)[1]:
                self.in_comment = True
            return True
        return False

    def _skip_indented(self, line: str) -> bool:
        """Track lists and blank lines; True for a line of an indented code block."""
        blank = not line.strip()
        after_blank, self._after_blank = self._after_blank, blank
        if blank:
            return self._in_indented
        indent = _indent(line)
        if self._in_indented and indent >= 4:
            return True
        self._in_indented = False
        if indent >= 4:
            if after_blank and not self._in_list:
                self._in_indented = True
                return True
            return False  # a paragraph's continuation, or a list item's content
        if _LIST_ITEM.match(line):
            self._in_list = True
        elif after_blank:
            self._in_list = False
        return False


@dataclass(frozen=True)
class Link:
    """A Markdown link in a body: its text, its target and where they are."""

    text: str
    target: str
    #: 0-based index of the body line (as :meth:`str.splitlines` counts) the link starts on
    line: int
    #: offsets in the body of the whole link and of its target
    start: int
    end: int
    target_start: int
    target_end: int


def strip_html_comments(text: str) -> str:
    """``text`` without its HTML comments (``<!-- ... -->``, across lines); an unclosed one stays.

    What ``re.sub(r"<!--.*?-->", "", text, flags=re.S)`` gives, in linear time: that pattern reads
    from every unclosed ``<!--`` to the end of the text, quadratic in a body of them.
    """
    out: list[str] = []
    at = 0
    while (start := text.find("<!--", at)) >= 0:
        end = text.find("-->", start + 4)
        if end < 0:
            break  # no comment closes after this one, so none after it either
        out.append(text[at:start])
        at = end + 3
    out.append(text[at:])
    return "".join(out)


def strip_code_spans(text: str) -> str:
    """``text`` with its inline code spans (`` `like this` ``) blanked out, same length."""
    return _CODE_SPAN.sub(lambda m: " " * len(m.group(0)), text) if "`" in text else text


def links(body: str) -> Iterator[Link]:
    """Every link of a Markdown body outside code, in order."""
    if "](" not in body:  # most bodies have no links: skip the scan
        return
    scanner = BlockScanner(indented_code=True)
    paragraph: list[tuple[int, int]] = []  # (line index, offset) of the current run of prose lines
    offset = 0
    lines = body.splitlines(keepends=True)
    for index, line in enumerate(lines):
        text = line.rstrip("\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")
        if scanner.skip(text) or not text.strip():
            yield from _paragraph_links(body, paragraph, offset)
            paragraph = []
        else:
            if paragraph and (_LIST_ITEM.match(text) or _HEADING.match(text)):
                yield from _paragraph_links(body, paragraph, offset)
                paragraph = []
            paragraph.append((index, offset))
        offset += len(line)
    yield from _paragraph_links(body, paragraph, offset)


def _paragraph_links(body: str, paragraph: list[tuple[int, int]], end: int) -> Iterator[Link]:
    if not paragraph:
        return
    start = paragraph[0][1]
    text = body[start:end]
    if "](" not in text:
        return
    if "`" in text:
        text = _CODE_SPAN.sub(lambda m: _MASK * len(m.group(0)), text)
    line_starts = [off - start for _, off in paragraph]
    line_no = 0
    for match in _LINK.finditer(text):
        while line_no + 1 < len(line_starts) and line_starts[line_no + 1] <= match.start():
            line_no += 1
        yield Link(
            text=body[start + match.start("text"):start + match.end("text")],
            target=body[start + match.start("target"):start + match.end("target")],
            line=paragraph[line_no][0],
            start=start + match.start(),
            end=start + match.end(),
            target_start=start + match.start("target"),
            target_end=start + match.end("target"),
        )


def page_link(target: str) -> str | None:
    """The file part of a relative link to another Markdown page (``../runbooks/x.md#step`` ->
    ``../runbooks/x.md``); None for external, absolute and fragment-only links and other files."""
    if _NOT_RELATIVE.match(target):
        return None
    file_part = target.split("#", 1)[0]
    return file_part if file_part.endswith(".md") else None
