"""Python-Markdown's link, image and raw-HTML parsing, in time linear in a record body's size.

Python-Markdown 3.11 looks for the ``]`` that closes each ``[`` (and the ``)`` that closes
each ``[text](``) by walking the rest of the paragraph character by character, in Python, and
walks it again for the next opener when none is found; its block HTML parser (a copy of the
standard library's) reads every ``<a`` to the end of the text when no ``>`` follows. A record
body of 12 KB of ``[a `` took 6.6 s to convert, and 64 KB would take minutes, in the PR check of
an on-call engineer. Upstream knows: https://github.com/Python-Markdown/markdown/issues/798
("Parsing [[[[[[… takes quadratic time", open) and #1619.

:class:`BoundedMarkdown` swaps the processors for subclasses that answer the same questions from
tables built in one pass over a text (where each ``[`` and ``(`` closes, where the last ``>``
is) and give up at once when no closer exists. Their output is the stock processors' output,
byte for byte (``tests/test_bounded_markdown.py`` compares them on the sample's bodies, tricky
Markdown and generated text); only Sitrep's own Markdown instance for record pages uses them
(``plugin.SharedMarkdown``), so a team's ``docs/`` pages are converted by MkDocs as before.
"""

from __future__ import annotations

import re
from typing import Any

from markdown import Markdown
from markdown import inlinepatterns as ip
from markdown.extensions import Extension
from markdown.htmlparser import HTMLExtractor
from markdown.preprocessors import HtmlBlockPreprocessor, Preprocessor

#: How many texts' tables are kept: a link's own text is converted (and asks) between two
#: questions about the paragraph around it, so one would not be enough.
_KEPT_TABLES = 8


class Closers:
    """Where each opener (``[`` or ``(``) of a text is closed, by the stock processors' rule.

    ``getText`` counts brackets from an opener until the count returns to zero; that is the
    opener's match in a stack matching of the text's brackets, which depends only on the text
    from the opener on. A table is therefore keyed by distance from the end of its text, and
    serves any later text that ends the same way: after a link is replaced by a placeholder,
    the openers after it are still answered from the table of the text before.
    """

    def __init__(self, opener: str, closer: str) -> None:
        self.opener, self.closer = opener, closer
        self._brackets = re.compile(f"[{re.escape(opener)}{re.escape(closer)}]")
        #: (text, {distance of an opener from the end: distance of its closer}), newest first
        self._tables: list[tuple[str, dict[int, int]]] = []
        #: the last text asked about and the offset from which a table is known to serve it
        self._checked: tuple[str, int, dict[int, int]] | None = None
        #: how many tables were built (tests count them: one per text, not one per opener)
        self.tables_built = 0

    def close_of(self, data: str, at: int) -> int | None:
        """The index of the closer matching the opener at ``data[at]``, or None if it has none."""
        closes = self._table_for(data, at)
        tail = closes.get(len(data) - at)
        return None if tail is None else len(data) - tail

    def _table_for(self, data: str, at: int) -> dict[int, int]:
        checked = self._checked
        if checked is not None and checked[0] is data and at >= checked[1]:
            return checked[2]
        tail = len(data) - at
        for text, closes in self._tables:
            if text is data or (len(text) >= tail and text.endswith(data[at:])):
                self._checked = (data, at if text is not data else 0, closes)
                return closes
        closes = self._build(data)
        self._tables.insert(0, (data, closes))
        del self._tables[_KEPT_TABLES:]
        self._checked = (data, 0, closes)
        return closes

    def _build(self, text: str) -> dict[int, int]:
        self.tables_built += 1
        size = len(text)
        stack: list[int] = []
        closes: dict[int, int] = {}
        opener = self.opener
        for match in self._brackets.finditer(text):
            if match.group() == opener:
                stack.append(size - match.start())
            elif stack:
                closes[stack.pop()] = size - match.start()
        return closes


class _TextFacts:
    """Per text, found once: the last parenthesis and the last quote (C speed, a few scans)."""

    def __init__(self) -> None:
        self._text: str | None = None
        self.last_paren = self.last_quote = -1

    def of(self, data: str) -> _TextFacts:
        if data is not self._text:
            self._text = data
            self.last_paren = max(data.rfind("("), data.rfind(")"))
            self.last_quote = max(data.rfind("'"), data.rfind('"'))
        return self


class _BoundedLinkMixin:
    """``getText`` and ``getLink`` of :class:`markdown.inlinepatterns.LinkInlineProcessor`, bounded."""

    brackets: Closers
    parens: Closers
    facts: _TextFacts
    RE_LINK: re.Pattern[str]

    def getText(self, data: str, index: int) -> tuple[str, int, bool]:
        """The text between ``[`` (at ``index - 1``) and its ``]``; ``("", len, False)`` when unclosed.

        (Stock returns the rest of the text with False; every caller drops it.)
        """
        if index < 1 or data[index - 1] != "[":
            return super().getText(data, index)  # type: ignore[misc]
        close = self.brackets.close_of(data, index - 1)
        if close is None:
            return "", len(data), False
        return data[index:close], close + 1, True

    def getLink(self, data: str, index: int) -> tuple[str, str | None, int, bool]:
        """Stock ``getLink``, except that a walk for the ``)`` starts where it can first end."""
        m = self.RE_LINK.match(data, pos=index)
        if not m or m.group(1):
            return super().getLink(data, index)  # type: ignore[misc]
        start = m.end()
        facts = self.facts.of(data)
        close = self.parens.close_of(data, index)
        quote_at = -1
        if start <= facts.last_quote:
            quote_at = min(at for at in (data.find("'", start), data.find('"', start)) if at >= 0)
        if close is not None and (quote_at < 0 or close < quote_at):
            return super().getLink(data, index)  # type: ignore[misc]  # closes before any quote: a short walk
        if quote_at < 0:
            return "", None, index, False  # never closes, and no quote changes how it counts
        # Until the first quote the walk only counts parentheses and cannot end (the "(" closes
        # after the quote or never): it is resumed at the quote with the count it would have.
        count = 1 + data.count("(", start, quote_at) - data.count(")", start, quote_at)
        return self._walk(data, start, quote_at, count, facts.last_paren)

    def _walk(self, data: str, start_index: int, index: int, bracket_count: int,
              last_paren: int) -> tuple[str, str | None, int, bool]:
        """The stock loop of ``getLink`` from ``index`` (a quote) with the counts it would have there.

        Copied from Python-Markdown 3.11 (``LinkInlineProcessor.getLink``) with one addition: it
        stops once no parenthesis is left, since only a parenthesis can end it or change what
        it returns after the loop.
        """
        href = ""
        title: str | None = None
        backtrack_count = 1
        last_bracket = -1
        quote: str | None = None
        start_quote = -1
        exit_quote = -1
        ignore_matches = False
        alt_quote = None
        start_alt_quote = -1
        exit_alt_quote = -1
        last = ""
        for pos in range(index, len(data)):
            if pos > last_paren:
                break
            c = data[pos]
            if c == "(":
                if not ignore_matches:
                    bracket_count += 1
                elif backtrack_count > 0:
                    backtrack_count -= 1
            elif c == ")":
                if (exit_quote != -1 and quote == last) or (exit_alt_quote != -1 and alt_quote == last):
                    bracket_count = 0
                elif not ignore_matches:
                    bracket_count -= 1
                elif backtrack_count > 0:
                    backtrack_count -= 1
                    if backtrack_count == 0:
                        last_bracket = index + 1
            elif c in ("'", '"'):
                if not quote:
                    ignore_matches = True
                    backtrack_count = bracket_count
                    bracket_count = 1
                    start_quote = index + 1
                    quote = c
                elif c != quote and not alt_quote:
                    start_alt_quote = index + 1
                    alt_quote = c
                elif c == quote:
                    exit_quote = index + 1
                elif alt_quote and c == alt_quote:
                    exit_alt_quote = index + 1
            index += 1
            if bracket_count == 0:
                if exit_quote >= 0 and quote == last:
                    href = data[start_index:start_quote - 1]
                    title = "".join(data[start_quote:exit_quote - 1])
                elif exit_alt_quote >= 0 and alt_quote == last:
                    href = data[start_index:start_alt_quote - 1]
                    title = "".join(data[start_alt_quote:exit_alt_quote - 1])
                else:
                    href = data[start_index:index - 1]
                break
            if c != " ":
                last = c
        if bracket_count != 0 and backtrack_count == 0:
            href = data[start_index:last_bracket - 1]
            index = last_bracket
            bracket_count = 0
        handled = bracket_count == 0
        if title is not None:
            title = self.RE_TITLE_CLEAN.sub(" ", ip.dequote(self.unescape(title.strip())))  # type: ignore[attr-defined]
        href = self.unescape(href).strip()  # type: ignore[attr-defined]
        return href, title, index, handled


def _bounded(stock: type[ip.LinkInlineProcessor]) -> type[ip.LinkInlineProcessor]:
    return type(f"Bounded{stock.__name__}", (_BoundedLinkMixin, stock), {})


#: The stock processors that look for closing brackets, and their bounded stand-ins.
_LINK_PROCESSORS: dict[type, type] = {
    stock: _bounded(stock) for stock in (
        ip.LinkInlineProcessor, ip.ImageInlineProcessor, ip.ReferenceInlineProcessor,
        ip.ImageReferenceInlineProcessor, ip.ShortReferenceInlineProcessor,
        ip.ShortImageReferenceInlineProcessor)
}

#: Characters that can end (or stop) the block HTML parser's reading of a start tag early.
_TAG_STOPS = ">=`\x00'\""


def _bounded_extractor(stock: type[HTMLExtractor]) -> type[HTMLExtractor]:
    """``stock`` whose ``check_for_whole_start_tag`` answers at once when it would read to the end.

    In a text with none of ``> = ` NUL ' "`` after ``<x``, the start-tag pattern (Python-Markdown's
    ``locatestarttagend_tolerant``) reads a tag name and then names separated by blanks to the
    end of the text, so the tag is incomplete (-1) and ``<`` becomes text; stock finds that by
    reading to the end from every ``<``.
    """

    def check_for_whole_start_tag(self: Any, i: int) -> int:
        rawdata = self.rawdata
        if getattr(self, "_sitrep_text", None) is not rawdata:
            self._sitrep_text = rawdata
            self._sitrep_last_stop = max(rawdata.rfind(c) for c in _TAG_STOPS)
        if i > self._sitrep_last_stop:
            return -1
        return stock.check_for_whole_start_tag(self, i)

    return type(f"Bounded{stock.__name__}", (stock,), {"check_for_whole_start_tag": check_for_whole_start_tag})


class _BoundedHtmlBlock(Preprocessor):
    """The ``html_block`` preprocessor (stock or md_in_html's) with a bounded extractor."""

    def __init__(self, md: Markdown, extractor: type[HTMLExtractor]) -> None:
        super().__init__(md)
        self.extractor = _bounded_extractor(extractor)

    def run(self, lines: list[str]) -> list[str]:
        source = "\n".join(lines)
        parser = self.extractor(self.md)
        parser.feed(source)
        parser.close()
        return "".join(parser.cleandoc).split("\n")


def _extractor_of(preprocessor: Preprocessor) -> type[HTMLExtractor] | None:
    """The extractor class a stock ``html_block`` preprocessor makes (None for any other one)."""
    if type(preprocessor) is HtmlBlockPreprocessor:
        return HTMLExtractor
    from markdown.extensions import md_in_html

    if type(preprocessor) is md_in_html.HtmlBlockPreprocessor:
        return md_in_html.HTMLExtractorExtra
    return None


class BoundedMarkdown(Extension):
    """Swap the stock link, image, reference and block-HTML processors for the bounded ones.

    Register it after every other extension; a processor another extension replaced is kept.
    """

    def extendMarkdown(self, md: Markdown) -> None:
        brackets, parens, facts = Closers("[", "]"), Closers("(", ")"), _TextFacts()
        patterns = md.inlinePatterns
        for name in list(patterns._data):
            stock = patterns[name]
            bounded = _LINK_PROCESSORS.get(type(stock))
            if bounded is None:
                continue
            swap = bounded.__new__(bounded)
            swap.__dict__.update(stock.__dict__)
            swap.brackets, swap.parens, swap.facts = brackets, parens, facts
            patterns._data[name] = swap  # in place: register() could reorder processors of equal priority
        if "html_block" in md.preprocessors:
            stock_pre = md.preprocessors["html_block"]
            extractor = _extractor_of(stock_pre)
            if extractor is not None:
                md.preprocessors._data["html_block"] = _BoundedHtmlBlock(md, extractor)
        md.sitrep_closers = (brackets, parens)  # type: ignore[attr-defined]
