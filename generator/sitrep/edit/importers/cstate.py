"""Read a cState ``content/issues/`` folder (Hugo pages with YAML front matter).

cState's fields and how they map (documented in the README):

* ``title`` -> ``title``; ``date`` -> ``started``; ``resolvedWhen`` ("when downtime stopped", which
  cState lets a team set before it resolves the issue, leaving time for monitoring) -> ``resolved``
  when no update is posted after it, else ``mitigated`` (and on an issue not resolved yet); the
  resolution is then the last update (``resolved: true`` without ``resolvedWhen`` is flagged: there
  is no time to use);
* ``severity`` down / disrupted / notice -> impact major_outage / partial_outage /
  degraded_performance on every ``affected`` system, and the portal's first,
  second and third severity;
* ``informational: true`` posts are announcements (no status, no affected systems):
  not incidents, so they are skipped and listed in the summary;
* the body's updates (paragraphs ``*Label* - text {{< track "2021-08-25 17:15:00" >}}``,
  newest first; the label and the track are each optional, but an update has at
  least one) -> updates: the label gives the status (:data:`STATUS_WORDS`; one that
  names no status keeps the status before it and stays at the start of the
  message), the track the time (an update without one gets the issue's ``date``
  when it is the oldest, ``resolvedWhen`` when it is the newest of a resolved issue,
  else the time of the update before it). Messages are plain text on Sitrep's
  pages, so Markdown links become ``text (url)`` and emphasis marks go. Without
  any update, an ``investigating`` one at ``date`` tells the first paragraph; a
  resolved issue whose updates never say so gets a ``resolved`` one at
  ``resolvedWhen`` that says it was added by the import. The rest of the body stays
  the public description;
* Hugo shortcodes (``{{< … >}}``, ``{{% … %}}``) are removed from bodies and
  messages, keeping their human text (a ``caption``, ``title`` or ``alt``, and what
  a pair of them encloses);
* cState writes times without an offset (Hugo reads them in the site's time zone):
  ``timezone`` says which one (UTC by default); a time with its own offset keeps it.

Files with ``section`` other than ``issue`` (if set) are not incidents and are skipped.
The front matter is read by :mod:`sitrep.load.reader`, like every record.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from datetime import datetime, tzinfo
from pathlib import Path
from typing import Any

from sitrep.edit.importers.writing import (
    ImportedIncident,
    ImportedUpdate,
    SourceComponent,
    parse_time,
    stamp,
)
from sitrep.load.reader import read_record
from sitrep.model.config import SitrepConfig
from sitrep.model.diagnostics import Diagnostics
from sitrep.model.exceptions import ImportRefused
from sitrep.text.markdown import BlockScanner, links

#: cState severity -> (component impact, position of the portal's severity).
SEVERITIES = {"down": ("major_outage", 0), "disrupted": ("partial_outage", 1), "notice": ("degraded_performance", 2)}

#: Update labels cState sites write -> Sitrep's status (the README lists them). A label not here,
#: like ``Update``, names no status: the update keeps the status before it.
STATUS_WORDS = {
    "investigating": ("investigating", "investigation", "investigating issue", "just began", "began", "started",
                      "starting", "detected", "reported", "acknowledged", "alert", "automated system alert",
                      "outage", "disruption", "degraded", "ongoing"),
    "identified": ("identified", "issue identified", "cause identified", "problem identified", "in progress",
                   "working on it", "working on a fix", "fix in progress", "fixing", "mitigating", "mitigation"),
    "monitoring": ("monitoring", "fix deployed", "fix implemented", "fix applied", "deployed", "recovering",
                   "recovery", "mitigated", "verifying", "watching"),
    "resolved": ("resolved", "fixed", "completed", "complete", "done", "closed", "finished", "restored",
                 "solved", "back online", "back up", "operational", "all clear", "ended", "over"),
}
_STATUS_OF = {word: status for status, words in STATUS_WORDS.items() for word in words}
#: Labels that only say "a new update" (no status of their own, nothing worth keeping in the text).
_GENERIC = frozenset({"update", "updated", "new update", "status update"})
#: The message of the resolved update the import adds when the source has none.
ADDED_RESOLUTION = "Marked resolved in cState, with no message (this update was added by sitrep import)."
INFORMATIONAL = ("a cState informational post (an announcement, with no status or affected systems), which is "
                 "not an incident: Sitrep has no record for it; to keep its text, add it to a page of the site")

# Parameters never hold "{{": each "{{<" is read to the next "{{" at most, not to the end of the
# text (a body of unclosed "{{<" was quadratic).
_SHORTCODE = re.compile(r"\{\{([<%])\s*(/?)\s*([\w./-]+)((?:(?!\{\{).)*?)\s*[>%]\}\}", re.DOTALL)
_CLOSING_SHORTCODE = re.compile(r"\{\{[<%]\s*/\s*([\w./-]+)\s*[>%]\}\}")
_HUMAN_PARAM = re.compile(r"\b(?:caption|title|alt|text)\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|`([^`]*)`)")
_TRACK_AT_END = re.compile(r"\{\{[<%]\s*track\s+\"([^\"]*)\"\s*[>%]\}\}\s*$")
_LABEL = re.compile(r"^\s*([*_]{1,3})(?P<label>[^*_\n]{1,80}?)[*_]{1,3}\s*(?:[-–—:]|$)\s*", re.DOTALL)
_BREAK = re.compile(r"^ {0,3}(?:(?:-[ \t]*){3,}|(?:\*[ \t]*){3,}|(?:_[ \t]*){3,})$")
# Alt text holds no "[" (as text.markdown's links): a line of unclosed "![" is linear.
_IMAGE = re.compile(r"!\[([^\[\]\n]*)\]\(\s*<?([^)\s>]+)>?(?:\s+[\"'][^\"'\n]*[\"'])?\s*\)")
_AUTOLINK = re.compile(r"<((?:https?|mailto):[^>\s]+)>")
_URL = re.compile(r"((?:https?|mailto):[^\s()<>]+)")
#: The longest emphasised span read (characters): an update's emphasis is a few words.
_EMPHASIS_SPAN = 500
#: Where an emphasis may open: a mark not after a word character or a star (either mark, or one).
#: (The mark first, then what comes before it, as in :func:`_closers`.)
_OPENERS = {"*_": re.compile(r"[*_](?<![\w*][*_])"), "*": re.compile(r"\*(?<![\w*]\*)"),
            "_": re.compile(r"_(?<![\w*]_)")}


def _closers(text: str, mark: str) -> list[int]:
    """Where ``mark`` (``*``, ``**``, ``_``...) may close an emphasis: after a non-space, before neither a
    word character nor a star; in one pass over ``text``. Two such places never overlap: the character
    after the first would be a mark, a star or a word character (``_``)."""
    # The mark first, then what comes before it: the regular expression engine looks for the mark alone.
    marks = re.escape(mark)
    return [m.start() for m in re.finditer(rf"{marks}(?<=\S{marks})(?![\w*])", text)]


def strip_emphasis(text: str, span: int = _EMPHASIS_SPAN) -> str:
    r"""``text`` with each emphasis (``*a*``, ``**a**``, ``___a___``, ``_a_``) given way to what it encloses,
    left to right, the outermost first; snake_case and a lone mark stay.

    The same as ``re.sub(r"(?<![\w*])(\*{1,3}|_{1,3})(?=\S)(.{1,SPAN}?)(?<=\S)\1(?![\w*])", r"\2", text,
    flags=re.DOTALL)`` (tests/test_bounded_markdown.py compares them) at a fraction of its cost: the
    expression read up to ``span`` characters after every mark that does not close (16 KB of ``*a `` took
    50 ms a pass), where this looks up, for each mark, the nearest place it may close, in a list made
    once per text.
    """
    closers = {char: _closers(text, char) for char in "*_" if char in text}
    # A mark that closes nowhere opens nothing; a "**" or "***" that closes holds a "*" that does.
    marks = "".join(char for char, places in closers.items() if places)
    if not marks:
        return text
    out: list[str] = []
    done = 0  # the text before it is in out
    size = len(text)
    for opener in _OPENERS[marks].finditer(text):
        start = opener.start()
        if start < done:
            continue  # inside the emphasis just read
        char = text[start]
        run = 1
        while run < 3 and start + run < size and text[start + run] == char:
            run += 1
        for length in range(run, 0, -1):  # as many marks as there are (up to three), then fewer
            inner = start + length
            if inner == size or text[inner].isspace():  # str.isspace() is what \s matches
                continue
            mark = char * length
            places = closers.get(mark)
            if places is None:
                places = closers[mark] = _closers(text, mark)
            at = bisect_left(places, inner + 1)  # the nearest close after at least one character
            if at < len(places) and places[at] - inner <= span:
                end = places[at]
                out += (text[done:start], text[inner:end])
                done = end + length
                break
    out.append(text[done:])
    return "".join(out)


def read_folder(folder: Path) -> list[tuple[str, dict[str, Any], str]]:
    """(file name, front matter, body) of every issue page in ``folder``."""
    if not folder.is_dir():
        raise ImportRefused(f"{folder} is not a folder: pass cState's content/issues/ folder")
    pages = []
    for path in sorted(folder.glob("*.md")):
        diags = Diagnostics()
        record = read_record(path.name, path.read_bytes(), diags)
        if record is None:
            problems = "; ".join(d.as_text() for d in diags.errors)
            raise ImportRefused(f"{path}: cannot read its front matter: {problems}")
        if record.data.get("section", "issue") != "issue":
            continue
        pages.append((path.name, record.data, record.body))
    return pages


def _informational(data: dict[str, Any]) -> bool:
    return data.get("informational") is True


def source_components(pages: list[tuple[str, dict[str, Any], str]]) -> list[SourceComponent]:
    """The systems the issues name (cState names systems; a rename is a new name)."""
    names = sorted({str(a) for _, data, _ in pages if not _informational(data)
                    for a in data.get("affected") or [] if isinstance(a, str)}, key=str.lower)
    return [SourceComponent(name, [name]) for name in names]


# --------------------------------------------------------------------------- Markdown and shortcodes


def strip_shortcodes(text: str) -> str:
    """``text`` without Hugo shortcodes: each gives way to its human text (``caption``, ``title``,
    ``alt`` or ``text``), if any; what a pair encloses stays."""
    def human(match: re.Match[str]) -> str:
        if match[2]:  # a closing tag
            return ""
        found = _HUMAN_PARAM.search(match[4])
        words = next((g for g in found.groups() if g is not None), "") if found else ""
        closed = last_closing.get(match[3], -1) >= match.end()
        return f"{words}: " if words and closed else words  # a heading for what the pair encloses
    # Where each shortcode is last closed, found once (searching the rest of the text for each
    # shortcode was quadratic in a text of them).
    last_closing = {m[1]: m.start() for m in _CLOSING_SHORTCODE.finditer(text)}
    return _SHORTCODE.sub(human, text)


def plain_text(markdown: str) -> str:
    """A Markdown paragraph as the plain text of an update message: links as ``text (url)``,
    images as ``alt (url)``, no emphasis marks or shortcodes, on one line."""
    text = strip_shortcodes(markdown)
    text = _IMAGE.sub(lambda m: f"{m[1]} ({m[2]})" if m[1].strip() else m[2], text)
    for link in reversed(list(links(text))):
        label = link.text.strip()
        shown = link.target if label in ("", link.target) else f"{label} ({link.target})"
        text = text[:link.start] + shown + text[link.end:]
    text = _AUTOLINK.sub(r"\1", text)
    parts = _URL.split(text)  # odd parts are URLs, whose underscores and stars are not emphasis
    for _ in range(3):  # nested emphasis (*a **b** c*), innermost last
        before = parts
        parts = [strip_emphasis(part) if i % 2 == 0 else part for i, part in enumerate(parts)]
        if parts == before:
            break  # nothing left to read: another pass would find nothing either
    text = "".join(parts)
    text = " ".join(text.replace("\\\n", " ").split())
    for mark in ("*", "_"):  # a mark left unpaired at either end (broken emphasis, as automated alerts write)
        if text.count(mark) % 2 and (text.startswith(mark) or text.endswith(mark)):
            text = text.removeprefix(mark) if text.startswith(mark) else text.removesuffix(mark)
    return text.strip()


@dataclass
class _Chunk:
    """A piece of an issue's body: an update (``label`` and/or ``track`` set) or description text."""

    text: str
    label: str | None = None
    track: str | None = None

    @property
    def is_update(self) -> bool:
        return self.label is not None or self.track is not None


def _blocks(body: str) -> list[list[str]]:
    """The body's blocks: runs of lines split at blank lines and thematic breaks (each its own
    block) outside code; a code block stays whole within its block."""
    scanner = BlockScanner()
    blocks: list[list[str]] = [[]]
    for line in body.splitlines():
        if scanner.skip(line):
            blocks[-1].append(line)
        elif not line.strip():
            blocks.append([])
        elif _BREAK.match(line):
            blocks += [[line], []]
        else:
            blocks[-1].append(line)
    return [b for b in blocks if b]


def _chunks(body: str) -> list[_Chunk]:
    """The body's updates and description pieces, in the source's order."""
    chunks: list[_Chunk] = []
    for block in _blocks(body):
        if _BREAK.match(block[0]) or BlockScanner().skip(block[0]):
            chunks.append(_Chunk("\n".join(block)))
            continue
        pending: list[str] = []
        for line in block:  # a line ending with a track ends an update, even without a blank line
            pending.append(line)
            if _TRACK_AT_END.search(line):
                chunks.append(_chunk("\n".join(pending)))
                pending = []
        if pending:
            chunks.append(_chunk("\n".join(pending)))
    return chunks


def _chunk(text: str) -> _Chunk:
    track = _TRACK_AT_END.search(text)
    rest = text[:track.start()] if track else text
    label = _LABEL.match(rest)
    if label and (track or label.end() < len(rest)):  # a label alone on a line is a heading, not an update
        return _Chunk(rest[label.end():], " ".join(label["label"].split()), track[1] if track else None)
    return _Chunk(rest if track else text, None, track[1] if track else None)


def _description(chunks: list[_Chunk]) -> str:
    """The chunks that are not updates, as Markdown, without the breaks that only separated updates."""
    parts: list[str] = []
    for chunk in chunks:
        if chunk.is_update:
            continue
        text = strip_shortcodes(chunk.text).strip()
        if not text or (_BREAK.match(text) and (not parts or _BREAK.match(parts[-1]))):
            continue
        parts.append(text)
    while parts and _BREAK.match(parts[-1]):
        parts.pop()
    return "\n\n".join(parts)


# --------------------------------------------------------------------------- issues


def _updates(chunks: list[_Chunk], started: datetime | None, resolved: datetime | None, is_resolved: bool,
             zone: tzinfo, notes: list[str]) -> list[ImportedUpdate]:
    """The updates, oldest first, with their statuses and times (see the module's docstring)."""
    found = [c for c in chunks if c.is_update][::-1]  # cState writes the newest first
    times: list[datetime | None] = []
    for index, chunk in enumerate(found):
        if chunk.track is not None:
            at = parse_time(chunk.track, zone)
            if at is None:
                notes.append(f"the update {chunk.label or chunk.text[:40]!r} has the time {chunk.track!r}, "
                             "which is not a time")
        elif index == len(found) - 1 and is_resolved and resolved is not None and index > 0:
            at = resolved
        elif index == 0:
            at = started
        else:
            at = times[-1]
        times.append(at)
    order = sorted(range(len(found)), key=lambda i: times[i] or datetime.max.replace(tzinfo=zone))
    updates: list[ImportedUpdate] = []
    status = "investigating"
    for i in order:
        chunk, label = found[i], (found[i].label or "")
        word = label.casefold().rstrip(".:!")
        status = _STATUS_OF.get(word, status)
        message = plain_text(chunk.text)
        if word and word != status and word not in _GENERIC:  # the source's own word stays
            message = f"{plain_text(label)} - {message}" if message else plain_text(label)
        updates.append(ImportedUpdate(times[i], status, message))
    if is_resolved and updates and updates[-1].status != "resolved":
        last = found[order[-1]]
        generic = (last.label or "").casefold().rstrip(".:!") in _GENERIC or last.label is None
        if generic and (last.track is None or updates[-1].at == resolved):
            updates[-1].status = "resolved"  # "Update - all good" at the end of a resolved issue
    return updates


def to_incident(name: str, data: dict[str, Any], body: str, mapping: dict[str, str], config: SitrepConfig,
                zone: tzinfo) -> ImportedIncident:
    """One cState issue page as an :class:`ImportedIncident` (one to skip, for an informational post)."""
    title = str(data.get("title") or "").strip()
    if _informational(data):
        return ImportedIncident(source_id=name.removesuffix(".md"), kind="incident", title=title, severity=None,
                                started=None, resolved=None, components={}, updates=[], skipped=INFORMATIONAL)
    notes: list[str] = []
    impact, rank = SEVERITIES.get(str(data.get("severity", "")).lower(), (None, None))
    if impact is None:
        notes.append(f"severity {data.get('severity')!r} is not one of cState's down, disrupted, notice")
    severity = config.severities[min(rank, len(config.severities) - 1)].id if rank is not None else None
    started = parse_time(data.get("date"), zone)
    if data.get("date") and started is None:
        notes.append(f"date {data.get('date')!r} is not a time")
    is_resolved = data.get("resolved") is True
    # resolvedWhen is "when downtime stopped", which cState lets a team set before resolving, "leaving
    # time for monitoring" (its README): the end of impact, Sitrep's mitigated. It is also the
    # resolution when nothing was posted after it.
    downtime_end = parse_time(data.get("resolvedWhen"), zone)
    chunks = _chunks(body)
    tracked = [at for c in chunks if c.is_update and c.track is not None and (at := parse_time(c.track, zone))]
    mitigated = None
    if downtime_end is not None and (not is_resolved or (tracked and downtime_end < max(tracked))):
        mitigated = downtime_end  # still monitoring then: resolved later (or not yet)
    resolved = downtime_end if is_resolved and mitigated is None else None
    description = _description(chunks)
    updates = _updates(chunks, started, resolved, is_resolved, zone, notes)
    if not updates:
        first = plain_text(description.split("\n\n")[0]) if description else ""
        updates.append(ImportedUpdate(started, "investigating", first or title))
    if is_resolved and updates[-1].status != "resolved":
        if resolved is None and mitigated is None:
            notes.append("cState marks it resolved but gives no resolvedWhen: the resolved update has no time")
        # Resolved after the monitoring it posted: no later time is known than its last update's.
        updates.append(ImportedUpdate(updates[-1].at if mitigated else resolved, "resolved", ADDED_RESOLUTION))
    if started and downtime_end and downtime_end < started:
        ended = "resolved" if resolved else "its downtime ended (resolvedWhen)"
        notes.append(f"{ended} ({stamp(downtime_end)}) before it started ({stamp(started)})")
    components = {mapping.get(str(a), str(a)): impact or "major_outage" for a in data.get("affected") or []}
    return ImportedIncident(
        source_id=name.removesuffix(".md"), kind="incident", title=title,
        severity=severity, started=started, resolved=resolved, components=components, updates=updates,
        body=description, notes=notes, mitigated=mitigated,
    )


def read_incidents(pages: list[tuple[str, dict[str, Any], str]], mapping: dict[str, str], config: SitrepConfig,
                   zone: tzinfo) -> list[ImportedIncident]:
    return [to_incident(name, data, body, mapping, config, zone) for name, data, body in pages]
