"""Read the Markdown text of a postmortem: its H2 sections and its action items.

Pure functions, no I/O; blocks are read with :mod:`sitrep.text.markdown`.  Line numbers
are 1-based *file* lines: callers pass the file line on which the body (the
Markdown after the YAML front matter) starts.  Lines are counted the way
:meth:`str.splitlines` counts them, like the record reader does.

Sections
========

:func:`parse_sections` splits the body at H2 headings (``## Title``, also the
closed form ``## Title ##`` and ``##Title`` without a space, which
Python-Markdown renders as a heading too).  Headings inside fenced code blocks
(```` ``` ```` and ``~~~``) and inside ``<!-- ... -->`` comments are ignored; an
H1, H3 or anything before the first H2 is not a section.  Setext headings
(``Title`` underlined with ``---``) are not recognised.

:func:`section_key` maps a heading to a canonical key.  Matching ignores case,
emoji and punctuation decoration, Markdown emphasis and links, apostrophes, a
trailing colon, anything in parentheses or brackets (``Timeline (all times
UTC)``), leading numbering (``1.``, ``2)``, ``IV.``, ``a.``), a leading
``Incident``/``Post-mortem``/``The``/``Our`` and a trailing ``of the incident``;
``&`` and ``+`` read as "and".  If the whole heading is not recognised, the part
before a colon or a spaced dash is tried (``Root Cause: N+1 query``).

Recognised headings (after that normalisation):

* summary: Summary, Executive Summary, Overview, TL;DR, TLDR, Synopsis,
  Brief Summary, High-level Summary, Short Summary (and Incident Summary,
  Summary of the Incident, ... through the prefix/suffix rules)
* impact: Impact, Customer Impact, User Impact, Business Impact, Impact
  Assessment, Impact Analysis, Impact Summary, Scope of Impact, Impact and
  Scope, Scope and Impact, Blast Radius
* timeline: Timeline, Timeline of Events, Sequence of Events, Chronology,
  Event Timeline, Detailed Timeline, Events (and Incident Timeline,
  Timeline (all times UTC), ...)
* root_cause: Root Cause, Root Causes, Root Cause Analysis, RCA, Cause,
  Causes, Technical Root Cause, Root Cause and Contributing Factors,
  Five Whys, 5 Whys.  "Contributing Factors" alone is *not* recognised: it
  usually accompanies a root-cause section rather than replacing it.
* resolution: Resolution, Remediation, Mitigation, Fix, The Fix, Recovery,
  Resolution and Recovery, Recovery and Resolution, Mitigation and
  Resolution, Resolution and Mitigation, Mitigation and Recovery,
  Remediation Steps, Resolution Steps, Mitigation Steps
* action_items: Action Items, Action Item, Actions, Follow-up Actions,
  Follow-up Items, Follow-ups, Follow-up, Corrective Actions, Corrective and
  Preventive Actions, Preventive Actions, Preventative Actions, Next Steps,
  Action Plan, Remediation Items, Remediation Actions, Action Items and
  Follow-ups
* lessons_learned: Lessons Learned, Lessons Learnt, Lessons, Key Learnings,
  Learnings, Takeaways, Key Takeaways, What We Learned, What We Learnt
* what_went_well: What Went Well, Went Well, What Went Right, Things That
  Went Well, What Worked, What Worked Well
* what_could_be_improved: What Could Be Improved, What Could Improve, What
  Went Wrong, What Didn't Go Well, What Did Not Go Well, Areas for
  Improvement, Opportunities for Improvement, What Could Have Gone Better,
  What Could Have Been Better, What Could Be Better, Things to Improve.
  "Where We Got Lucky" is not recognised (it is its own topic).
* detection: Detection, How It Was Detected, How We Found Out, Detection and
  Alerting, Detection and Response

Action items
============

:func:`parse_action_items` reads, in any mix within one section:

1. ``- [ ] Action - Owner - Due Date`` (``*``/``+``/``1.`` bullets; ``[x]`` or
   ``[X]`` = done, ``[-]``/``[~]`` = won't do; a leading ``✅``/``✔`` instead of
   the box = done, ``⬜``/``❌`` = open; separators `` - ``, `` -- ``,
   en dash and em dash with spaces around; ``Action - Due - Owner`` works too);
2. ``- [ ] (@owner, Due: YYYY-MM-DD) Action`` (the parenthesis may also end the
   line);
3. ``- [ ] Action - Owner: name - Due: date`` (labels Owner/Assignee/Assigned
   to/Responsible/DRI and Due/Due date/Due by/Deadline/Target date/ETA, plus
   Status; any order, separated by dashes, commas or semicolons, bold labels
   allowed);
4. a Markdown table with an Action (or Action Item/Item/Task/Description/What)
   column and optional Owner (Owner/Assignee/Assigned to/Responsible/Who/DRI),
   Due Date (Due Date/Due/Deadline/Target Date/Target/ETA/When/Date), Status and
   closing (Done/Closed/Completed/Closed on/..., or a check mark such as ``✅``
   alone) columns, in any order and case.

A bullet with a checkbox is always an item; a bullet without one is an item
only when it has a clear owner/due shape (labels, a leading ``(@owner, ...)``,
or dash-separated parts ending in a date or an ``@owner``, or three or more
dash-separated parts).  Prose lines, headings, sub-bullets of an item, and
anything inside code fences or HTML comments are ignored.

State: a struck-through action (``~~...~~``) is ``wont_do`` unless the item is
explicitly marked done (``[x]`` or a done status); otherwise an explicit status
(table cell or ``Status:`` label) decides, then the checkbox, else ``open``.
A closing value (a Done/Closed column, a ``Done:`` label, ``- done DATE``) is a
date (closed that day), a closed mark (``yes``, ``✅``, ``[x]``, ... from
:data:`~sitrep.model.vocabulary.ACTION_CLOSED_MARKS`: closed, no date), an open
mark (``no``, ``open``, ``[ ]``, ...) or empty; it decides the state when neither
a checkbox nor a status does, and contradicting them is an error
(``action-item-closed-open``), as is any other value (``action-item-bad-date``,
naming the accepted forms).  A status cell may hold the same marks or a date.
Statuses Done/Closed/Complete/Completed/Fixed/Resolved/Finished/Implemented/
Shipped mean done; Won't do/Wont do/Will not do/Won't fix/Wontfix/Cancelled/
Canceled/Dropped/Obsolete/Rejected/Declined/Not doing/Not planned/Abandoned/
Superseded/Duplicate mean won't do; anything else is open.  A status that
*starts* with one of these words (``Done (PR #12)``) counts too.

Dates: ``YYYY-MM-DD`` (a time after it is ignored), ``YYYY/MM/DD``,
``Mar 1, 2026``, ``March 1st 2026``, ``1 March 2026``; ``DD/MM/YYYY`` or
``MM/DD/YYYY`` only when the day is > 12 (otherwise it is ambiguous and an
error).  Template placeholders (``[Date]``, ``YYYY-MM-DD``, ``TBD``, ``Due
Date``, ``@owner``, ``@name``, ``Owner``, ``[Name]``, ...) count as missing.

Problems (one per kind and item, on the item's line):

* ``action-item-placeholder`` (warning): the action text is a pure template
  placeholder (``[Action]``, ``[Action item 1]``, ``Task 2``, ...).  Such a line
  is *not* returned as an item and gets no other problem.
* ``action-item-bad-date`` (error): the due date looks like a date but does not
  exist (``2026-02-30``) or is ambiguous (``03/04/2026``).
* ``action-item-no-owner`` / ``action-item-no-due`` (warnings): only for *open*
  items (a done or dropped item needs no owner or deadline any more).  A due
  value that is not a date at all (``next sprint``) is reported as
  ``action-item-no-due``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Literal

from sitrep.model.formatting import shorten
from sitrep.model.vocabulary import (
    ACTION_CLOSED_MARKS,
    ACTION_OPEN_MARKS,
    action_mark_forms,
    action_state_label,
)
from sitrep.text.markdown import BlockScanner, strip_code_spans, strip_html_comments

__all__ = [
    "REQUIRED_FOR_PUBLISHED",
    "SECTION_NAMES",
    "ActionItem",
    "Section",
    "TextProblem",
    "parse_action_items",
    "parse_sections",
    "prose_lines",
    "section_key",
    "template_placeholders",
]

#: Canonical section key -> display name.
SECTION_NAMES: dict[str, str] = {
    "summary": "Summary",
    "impact": "Impact",
    "timeline": "Timeline",
    "root_cause": "Root Cause",
    "resolution": "Resolution",
    "action_items": "Action Items",
    "lessons_learned": "Lessons Learned",
    "what_went_well": "What Went Well",
    "what_could_be_improved": "What Could Be Improved",
    "detection": "Detection",
}

#: Sections a published postmortem must have.
REQUIRED_FOR_PUBLISHED: tuple[str, ...] = (
    "summary",
    "impact",
    "timeline",
    "root_cause",
    "resolution",
    "action_items",
    "lessons_learned",
)


@dataclass(frozen=True)
class Section:
    """One H2 section of a postmortem body."""

    title: str  #: heading text as written
    key: str | None  #: canonical key or None if not recognised
    line: int  #: 1-based line of the heading in the file
    body: str  #: text under the heading up to the next H2 (or end), without the heading


@dataclass(frozen=True)
class ActionItem:
    """One action item read from an action-items section."""

    text: str
    owner: str | None
    due: date | None
    state: Literal["open", "done", "wont_do"]
    status: str
    line: int
    #: The day a done (or dropped) item was closed, when the line says so (``- done 2026-03-08``);
    #: None for open items and for items closed without a date.
    closed: date | None = None


@dataclass(frozen=True)
class TextProblem:
    """A problem found in the postmortem text, with a message saying how to fix it."""

    line: int
    level: Literal["error", "warning"]
    code: str
    message: str


# --------------------------------------------------------------------------- headings

_SYNONYMS: dict[str, tuple[str, ...]] = {
    "summary": (
        "summary", "executive summary", "overview", "tl dr", "tldr", "synopsis",
        "brief summary", "high level summary", "short summary",
    ),
    "impact": (
        "impact", "customer impact", "customers impact", "user impact", "users impact",
        "business impact", "impact assessment", "impact analysis", "impact summary",
        "scope of impact", "impact and scope", "scope and impact", "blast radius",
    ),
    "timeline": (
        "timeline", "timeline of events", "sequence of events", "chronology",
        "event timeline", "events timeline", "detailed timeline", "events",
    ),
    "root_cause": (
        "root cause", "root causes", "root cause analysis", "rca", "cause", "causes",
        "technical root cause", "root cause and contributing factors",
        "root causes and contributing factors", "five whys", "5 whys",
    ),
    "resolution": (
        "resolution", "remediation", "mitigation", "fix", "recovery",
        "resolution and recovery", "recovery and resolution", "mitigation and resolution",
        "resolution and mitigation", "mitigation and recovery", "remediation steps",
        "resolution steps", "mitigation steps",
    ),
    "action_items": (
        "action items", "action item", "actions", "follow up actions", "followup actions",
        "follow up items", "followup items", "follow ups", "followups", "follow up",
        "corrective actions", "corrective and preventive actions",
        "corrective and preventative actions", "preventive actions", "preventative actions",
        "next steps", "action plan", "remediation items", "remediation actions",
        "action items and follow ups",
    ),
    "lessons_learned": (
        "lessons learned", "lessons learnt", "lessons", "key learnings", "learnings",
        "takeaways", "key takeaways", "what we learned", "what we learnt",
    ),
    "what_went_well": (
        "what went well", "went well", "what went right", "things that went well",
        "what worked", "what worked well",
    ),
    "what_could_be_improved": (
        "what could be improved", "what could improve", "what went wrong",
        "what didnt go well", "what did not go well", "areas for improvement",
        "opportunities for improvement", "what could have gone better",
        "what could have been better", "what could be better", "things to improve",
    ),
    "detection": (
        "detection", "how it was detected", "how we found out", "detection and alerting",
        "detection and response",
    ),
}

_KEY_BY_PHRASE: dict[str, str] = {
    phrase: key for key, phrases in _SYNONYMS.items() for phrase in phrases
}

_LINK = re.compile(r"!?\[([^\[\]]*)\]\([^()]*\)")
_APOSTROPHES = re.compile("['`\u2018\u2019\u00b4]")
_GROUPS = re.compile(r"\([^()]*\)|\[[^\[\]]*\]")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_LEADING_JUNK = re.compile(r"^[^a-z0-9]+")
_NUMBERING = re.compile(r"^(?:(?:\d+(?:\.\d+)*|[ivxlc]+|[a-z])[.):]|\d+(?:\.\d+)*)\s+")
_NON_WORD = re.compile(r"[^a-z0-9]+")
_FILLER_PREFIXES = ("post mortem ", "postmortem ", "post incident ", "incident ", "the ", "our ")
_FILLER_SUFFIX = re.compile(r" (?:of|for) (?:the |this |our )?(?:incident|outage|event|issue)$")
_SUBTITLE = re.compile("(?<!\\s)\\s*(?::|\\s(?:-{1,2}|\u2013|\u2014)\\s)")


def _normalize_title(title: str) -> str:
    t = _LINK.sub(r"\1", title)
    t = _APOSTROPHES.sub("", t)
    t = t.replace("&", " and ").replace("+", " and ").lower()
    t = _GROUPS.sub(" ", t)
    t = _NON_ASCII.sub(" ", t)
    t = _LEADING_JUNK.sub("", t)
    t = _NUMBERING.sub("", t, count=1)
    t = _NON_WORD.sub(" ", t).strip()
    changed = True
    while changed:
        changed = False
        for prefix in _FILLER_PREFIXES:
            if t.startswith(prefix) and len(t) > len(prefix):
                t = t[len(prefix):]
                changed = True
    return _FILLER_SUFFIX.sub("", t)


def section_key(title: str) -> str | None:
    """Return the canonical key (see :data:`SECTION_NAMES`) of a heading, or None.

    ``title`` is the heading text without the ``##``.  Matching is tolerant of
    case, decoration, numbering and the synonyms listed in the module docstring.
    """
    key = _KEY_BY_PHRASE.get(_normalize_title(title))
    if key is None:
        head = _SUBTITLE.split(title.strip(), maxsplit=1)[0]
        if head and head != title.strip():
            key = _KEY_BY_PHRASE.get(_normalize_title(head))
    return key


# --------------------------------------------------------------------------- blocks

_H2 = re.compile(r"^ {0,3}##(?!#)(.*)$")
_CLOSING_HASHES = re.compile(r"(?:^|(?<![ \t])[ \t]+)#+[ \t]*$")


def _h2_title(line: str) -> str | None:
    m = _H2.match(line)
    if m is None:
        return None
    # "##Title" without a space is accepted: Python-Markdown renders it as a heading.
    return _CLOSING_HASHES.sub("", m.group(1).strip()).strip()


def parse_sections(body: str, first_line: int) -> list[Section]:
    """Split a postmortem body into its H2 sections.

    ``body`` is the Markdown after the front matter and ``first_line`` the
    1-based file line it starts on; every :class:`Section` carries the file line
    of its heading.  Content before the first H2 belongs to no section.
    """
    lines = body.splitlines()
    skipper = BlockScanner()
    heads: list[tuple[int, str]] = []
    for index, line in enumerate(lines):
        if skipper.skip(line):
            continue
        title = _h2_title(line)
        if title is not None:
            heads.append((index, title))
    sections: list[Section] = []
    for n, (index, title) in enumerate(heads):
        end = heads[n + 1][0] if n + 1 < len(heads) else len(lines)
        sections.append(
            Section(
                title=title,
                key=section_key(title),
                line=first_line + index,
                body="\n".join(lines[index + 1:end]),
            )
        )
    return sections


# --------------------------------------------------------------------------- placeholders

#: A bracketed span with a letter in it that is not Markdown syntax: not a link or a
#: reference (``[text](url)``, ``[text][ref]``, ``[ref]: url``), an image, a footnote
#: (``[^1]``) or escaped brackets (``\\[like this\\]``).
_PLACEHOLDER = re.compile(r"(?<![\\\]!])\[(?!\^)([^\[\]\n]*[A-Za-z][^\[\]\n]*)\](?![(\[:])")
_INLINE_CODE = re.compile(r"(`+).+?\1")
#: Editorial brackets an author writes on purpose.
_EDITORIAL = frozenset({"sic", "sic!", "redacted", "citation needed", "emphasis added", "emphasis mine"})


def template_placeholders(body: str, first_line: int) -> list[tuple[int, str]]:
    """``(file line, "[text]")`` of every template placeholder left in a postmortem body.

    The templates (``sitrep new postmortem`` and the team's procedures) mark what to
    fill in with brackets: ``[2-3 sentence summary ...]``, ``[Time]``, ``[Action]``.
    Code, HTML comments, task checkboxes and the spans above are not placeholders;
    an author who means brackets escapes them: ``\\[redacted\\]`` renders as [redacted].
    """
    found: list[tuple[int, str]] = []
    skipper = BlockScanner(indented_code=True)
    for index, line in enumerate(body.splitlines()):
        if skipper.skip(line):
            continue
        text = _INLINE_CODE.sub(lambda m: " " * len(m.group(0)), line)
        text = strip_html_comments(text)
        for match in _PLACEHOLDER.finditer(text):
            inner = match.group(1).strip()
            if len(inner) < 2 or inner.lower() in _EDITORIAL:
                continue
            found.append((first_line + index, f"[{inner}]"))
    return found


# --------------------------------------------------------------------------- cleaning


def _clean(value: str) -> str:
    """Plain text of a short Markdown value: links, code, emphasis and strike removed."""
    v = _LINK.sub(r"\1", value)
    v = v.replace("`", "").replace("~~", "")
    v = re.sub(r"(\*\*|__)(.*?)\1", r"\2", v)
    # Emphasis holds no asterisk (bold went first): each try stops at the next '*', so a long line of
    # unmatched ones ("*a *a *a …") is read once, not once per asterisk.
    v = re.sub(r"(?<![\w*])\*(?!\s)([^*]+?)(?<!\s)\*(?![\w*])", r"\1", v)
    return v.strip().strip("*").strip()


def _short(text: str) -> str:
    return shorten(text, 40)


_BRACKETED = re.compile(r"^(?:\[[^\[\]]*\]|<[^<>]*>|\{[^{}]*\})$")
_OWNER_PLACEHOLDERS = frozenset({
    "", "owner", "owners", "owner name", "name", "names", "full name", "your name",
    "assignee", "assigned to", "tbd", "tba", "todo", "n a", "na", "none", "nobody",
    "unassigned", "username", "user", "handle", "person", "someone", "who", "team",
    "team name", "x", "xxx",
})
_DATE_PLACEHOLDERS = frozenset({
    "", "date", "due date", "due", "deadline", "target date", "tbd", "tba", "todo",
    "n a", "na", "none", "x", "xx", "xxx", "when",
})
_DATE_PLACEHOLDER_SHAPE = re.compile(r"[ymd]{1,4}(?:[-/. ][ymd]{1,4}){1,2}", re.IGNORECASE)
_ACTION_PLACEHOLDERS = re.compile(
    r"(?:action(?: item)?|task|item|todo|tbd|description|follow up|\.\.\.|\u2026)(?: ?\d+)?",
    re.IGNORECASE,
)


def _words(value: str) -> str:
    return " ".join(_NON_WORD.sub(" ", _APOSTROPHES.sub("", value.lower())).split())


def _is_placeholder_text(value: str, words: frozenset[str]) -> bool:
    v = value.strip()
    if not v or _BRACKETED.match(v):
        return True
    if all(ch in "-?\u2013\u2014. " for ch in v):
        return True
    return _words(v) in words


def _clean_owner(raw: str | None) -> tuple[str | None, str | None]:
    """(owner, placeholder as written) from a raw owner value."""
    if raw is None:
        return None, None
    value = _clean(raw).strip(" ,;")
    if value.startswith("@[") or _is_placeholder_text(value.lstrip("@"), _OWNER_PLACEHOLDERS):
        return None, value or None
    if re.fullmatch(r"@?(?:name|owner|user|username|handle)\d*", value, re.IGNORECASE):
        return None, value
    value = re.sub(r"(?<![\w.@])@(?=\w)", "", value)
    return value, None


# --------------------------------------------------------------------------- dates

_MONTH_NAMES = (
    r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
_MON = rf"(?P<mon>{_MONTH_NAMES})"
_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}
_ISO_DATE = re.compile(r"(?P<y>\d{4})(?P<sep>[-/.])(?P<m>\d{1,2})(?P=sep)(?P<d>\d{1,2})(?!\d)")
_MDY_NAME = re.compile(
    _MON + r"\.?\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<y>\d{4})(?!\d)", re.IGNORECASE
)
_DMY_NAME = re.compile(
    r"(?P<d>\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?" + _MON + r"\.?,?\s+(?P<y>\d{4})(?!\d)",
    re.IGNORECASE,
)
_NUMERIC_DATE = re.compile(
    r"(?P<a>\d{1,2})(?P<sep>[/.])(?P<b>\d{1,2})(?P=sep)(?P<y>\d{2}|\d{4})(?!\d)"
)
_DUE_PREFIX = re.compile(
    r"^(?:due\s+date|due\s+by|due\s+on|due|deadline|by|before|on|target)\b\s*:?\s*", re.IGNORECASE
)
_VAGUE_DUE = re.compile(
    r"\d|\b(?:next|this|end|sprint|week|month|quarter|year|eow|eom|eoq|eoy|asap|today|tomorrow"
    r"|q[1-4]|h[12]|monday|tuesday|wednesday|thursday|friday|saturday|sunday|"
    + _MONTH_NAMES + r")\b",
    re.IGNORECASE,
)

_DueKind = Literal["ok", "missing", "placeholder", "invalid", "ambiguous", "unparsed"]


def _strip_due_prefix(value: str) -> str:
    stripped = _DUE_PREFIX.sub("", value, count=1)
    return stripped if stripped else value


def _parse_due(raw: str | None) -> tuple[date | None, _DueKind, str]:
    """(date, kind, shown value) for a raw due value."""
    if raw is None:
        return None, "missing", ""
    shown = _clean(raw).strip(" ,;")
    if not shown:
        return None, "missing", ""
    value = _strip_due_prefix(shown)
    if _is_placeholder_text(value, _DATE_PLACEHOLDERS) or _DATE_PLACEHOLDER_SHAPE.fullmatch(value):
        return None, "placeholder", shown
    m = _ISO_DATE.match(value)
    if m:
        return _make_date(int(m["y"]), int(m["m"]), int(m["d"]), shown)
    for pattern in (_MDY_NAME, _DMY_NAME):
        m = pattern.match(value)
        if m:
            return _make_date(int(m["y"]), _MONTHS[m["mon"][:3].lower()], int(m["d"]), shown)
    m = _NUMERIC_DATE.match(value)
    if m:
        a, b = int(m["a"]), int(m["b"])
        if len(m["y"]) == 2 or (a <= 12 and b <= 12 and a != b):
            return None, "ambiguous", shown
        month, day = (b, a) if a > 12 else (a, b)
        return _make_date(int(m["y"]), month, day, shown)
    return None, "unparsed", shown


def _make_date(year: int, month: int, day: int, shown: str) -> tuple[date | None, _DueKind, str]:
    try:
        return date(year, month, day), "ok", shown
    except ValueError:
        return None, "invalid", shown


def _date_ish(value: str) -> bool:
    """True if a dash-separated part is (or stands for) a due date."""
    return _parse_due(value)[1] not in ("missing", "unparsed")


def _owner_ish(value: str) -> bool:
    v = _clean(value)
    return (
        bool(v)
        and not _date_ish(v)
        and len(v) <= 60
        and len(v.split()) <= 6
        and not v.endswith((".", "?", "!", ":"))
    )


def _vague_due(value: str) -> bool:
    return bool(_VAGUE_DUE.search(_clean(value))) and not _clean(value).startswith("@")


# --------------------------------------------------------------------------- item fields

_LABEL = re.compile(
    r"(?<![\w@])[*_]{0,2}(?P<label>owners?|assignees?|assigned\s+to|responsible|dri"
    r"|due\s+date|due\s+by|due|deadline|target\s+date|eta|status"
    r"|done(?:\s+on|\s+date)?|closed(?:\s+on|\s+date)?|completed(?:\s+on|\s+date)?|completion\s+date"
    r"|date\s+(?:done|closed|completed))[*_]{0,2}[ \t]*:[*_]{0,2}[ \t]*",
    re.IGNORECASE,
)
_DASH_SEP = re.compile("(?<![ \t])[ \t]+(?:-{1,2}|\u2013|\u2014)[ \t]+")
_PROTECTED = re.compile(r"`[^`]*`|\[[^\[\]]*\]\([^()]*\)|\([^()]*\)")
_LEADING_PAREN = re.compile(r"^\(([^()]*)\)\s*")
_TRAILING_PAREN = re.compile(r"(?<!\s)\s*\(([^()]*)\)\s*$")
_EDGE_SEPARATORS = re.compile(
    "^[\\s,;|\u2013\u2014-]+|(?<![\\s,;|\u2013\u2014-])[\\s,;|\u2013\u2014-]+$"
)
_HANDLE = re.compile(r"(?:^|[\s,;])@[\w\[]")
_STRUCK = re.compile(r"~~(?P<inner>(?:(?!~~).)+)~~", re.DOTALL)


@dataclass
class _Fields:
    text: str = ""
    owner: str | None = None
    due: str | None = None
    status: str | None = None
    closed: str | None = None
    #: Where the closing value was written, for messages: 'its "Done" column', 'its "Closed:" label'.
    closed_where: str = "its line"
    shaped: bool = False


def _role(label: str) -> str:
    label = label.lower()
    if label.startswith(("owner", "assign", "responsible", "dri")):
        return "owner"
    if label == "status":
        return "status"
    if label.startswith(("done", "closed", "complet", "date")):
        return "closed"
    return "due"


def _set(fields: _Fields, role: str, value: str) -> None:
    if getattr(fields, role) is None:
        setattr(fields, role, value)


def _split_dashes(text: str) -> list[str]:
    protected = [m.span() for m in _PROTECTED.finditer(text)]
    parts: list[str] = []
    start = 0
    for m in _DASH_SEP.finditer(text):
        if any(a <= m.start() < b for a, b in protected):
            continue
        parts.append(text[start:m.start()])
        start = m.end()
    parts.append(text[start:])
    return [p for p in (part.strip() for part in parts) if p]


def _extract_labels(text: str, fields: _Fields) -> str:
    """Take ``Owner: x`` / ``Due: y`` / ``Status: z`` out of ``text``; return the rest."""
    matches = list(_LABEL.finditer(text))
    if not matches:
        return text
    fields.shaped = True
    rest = [text[: matches[0].start()]]
    for n, m in enumerate(matches):
        end = matches[n + 1].start() if n + 1 < len(matches) else len(text)
        value = text[m.end():end]
        sep = _DASH_SEP.search(value)
        if sep:
            rest.append(value[sep.end():])
            value = value[: sep.start()]
        role = _role(m["label"])
        if role == "closed" and fields.closed is None:
            fields.closed_where = f'its "{" ".join(m["label"].split()).capitalize()}:" label'
        _set(fields, role, value.strip().rstrip(",;|").strip())
    return " - ".join(piece for piece in (_EDGE_SEPARATORS.sub("", r) for r in rest) if piece)


def _paren_meta(inner: str) -> bool:
    return (
        _HANDLE.search(inner) is not None
        or _LABEL.search(inner) is not None
        or any(_date_ish(piece) for piece in re.split(r"[,;]", inner))
    )


def _parse_paren(inner: str, fields: _Fields) -> None:
    fields.shaped = True
    m = _CLOSING_PHRASE.search(inner)
    if m:  # first: a "Due:" label's value runs up to the next label, over "done 2026-03-08"
        fields.closed = m["value"]
        inner = inner[: m.start()] + inner[m.end():]
    rest = _extract_labels(inner, fields)
    for pattern in (_MDY_NAME, _DMY_NAME):
        m = pattern.search(rest)
        if m and fields.due is None:
            fields.due = m.group(0)
            rest = rest[: m.start()] + rest[m.end():]
    for piece in re.split(r"[,;]", rest):
        piece = piece.strip()
        if not piece:
            continue
        if piece.startswith("@") and fields.owner is None:
            fields.owner = piece
        elif fields.due is None and _date_ish(piece):
            fields.due = piece


def _closing_part(text: str, fields: _Fields) -> str:
    """Take a ``- done 2026-03-08`` part (any dash-separated part after the action) off ``text``."""
    if fields.closed is not None:
        return text
    parts = _split_dashes(text)
    for index in range(1, len(parts)):
        m = _CLOSING_PART.fullmatch(_clean(parts[index]))
        if m and _date_ish(m["value"]):
            fields.closed = m["value"]
            fields.shaped = True
            del parts[index]
            return " - ".join(parts)
    return text


def _dash_fields(text: str, fields: _Fields) -> str:
    """Take a trailing ``- Owner - Due`` (or ``- Due - Owner``) off ``text``."""
    need_owner, need_due = fields.owner is None, fields.due is None
    parts = _split_dashes(text)
    if len(parts) < 2 or not (need_owner or need_due):
        return text
    total = len(parts)
    last = parts[-1]
    owner: str | None = None
    due: str | None = None
    if need_due and _date_ish(last):
        due = parts.pop()
        if need_owner and len(parts) >= 2 and _owner_ish(parts[-1]):
            owner = parts.pop()
    elif need_owner and need_due and total >= 3 and _date_ish(parts[-2]) and _owner_ish(last):
        owner = parts.pop()
        due = parts.pop()
    elif need_owner and need_due and total >= 3 and _vague_due(last) and _owner_ish(parts[-2]):
        due = parts.pop()
        owner = parts.pop()
    elif need_owner and _owner_ish(last) and not (need_due and _vague_due(last)):
        owner = parts.pop()
    elif need_due and _vague_due(last):
        due = parts.pop()
    elif need_owner and _owner_ish(last):
        owner = parts.pop()
    else:
        return text
    if owner is not None:
        fields.owner = owner
    if due is not None:
        fields.due = due
    strong = (
        total >= 3
        or (due is not None and _date_ish(due))
        or (owner is not None and _clean(owner).startswith("@"))
    )
    fields.shaped = fields.shaped or strong
    return " - ".join(parts)


def _bullet_fields(text: str) -> _Fields:
    fields = _Fields()
    m = _LEADING_PAREN.match(text)
    if m and _paren_meta(m.group(1)):
        _parse_paren(m.group(1), fields)
        text = text[m.end():]
    else:
        m = _TRAILING_PAREN.search(text)
        if m and m.start() > 0 and _paren_meta(m.group(1)):
            _parse_paren(m.group(1), fields)
            text = text[: m.start()]
    text = _extract_labels(text, fields)
    text = _closing_part(text, fields)
    text = _dash_fields(text, fields)
    fields.text = _EDGE_SEPARATORS.sub("", text)
    return fields


# --------------------------------------------------------------------------- status

_DONE_WORDS = (
    "done", "closed", "complete", "completed", "fixed", "resolved", "finished", "implemented",
    "shipped",
)
_WONT_WORDS = (
    "wont do", "will not do", "wont fix", "wontfix", "will not fix", "cancelled", "canceled",
    "dropped", "obsolete", "rejected", "declined", "not doing", "not planned", "abandoned",
    "superseded", "duplicate",
)


_DONE_WORD = "|".join(_DONE_WORDS)
#: A date as written in a line, for finding one among other words (``_parse_due`` then reads it).
_DATE_TEXT = (
    r"(?:\d{4}[-/.]\d{1,2}[-/.]\d{1,2}"
    rf"|(?:{_MONTH_NAMES})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:{_MONTH_NAMES})\.?,?\s+\d{{4}}"
    r"|\d{1,2}[/.]\d{1,2}[/.]\d{2,4})(?!\d)"
)
#: A dash-separated part giving the day an item was closed: ``done 2026-03-08``, ``closed on Mar 8, 2026``.
_CLOSING_PART = re.compile(rf"(?:{_DONE_WORD})\b(?:\s+on)?\s*:?\s*(?!by\b|before\b)(?P<value>\S.*)",
                           re.IGNORECASE)
#: The same inside a ``(@owner, Due: ..., done 2026-03-08)`` parenthesis.
_CLOSING_PHRASE = re.compile(
    rf"(?<![\w@])(?:{_DONE_WORD})\b(?:\s+on)?\s*:?\s*(?P<value>{_DATE_TEXT})", re.IGNORECASE
)
_CLOSED_MARKS = frozenset(ACTION_CLOSED_MARKS)
_OPEN_MARKS = frozenset(ACTION_OPEN_MARKS)
#: Marks a status cell shows as the state's label ("✅", "[x]", "yes" -> "Done"); status words ("closed",
#: "To do") stay as written.
_SYMBOL_MARKS = frozenset(m for m in _CLOSED_MARKS | _OPEN_MARKS
                          if _words(m) in ("", "x", "y", "n", "yes", "no", "true", "false") or m.startswith(":"))
#: A done status or closed mark followed by its day: ``Done 2026-03-08``, ``Completed (Mar 8, 2026)``,
#: ``✅ 2026-03-08``, ``yes, 2026-03-08``.
_CLOSING_STATUS = re.compile(
    rf"(?:{_DONE_WORD}|{'|'.join(re.escape(m) for m in sorted(ACTION_CLOSED_MARKS, key=len, reverse=True))})"
    r"(?![\w\]])[\s:,(-]*(?:on\s+)?(?P<value>\S.*)",
    re.IGNORECASE,
)


def _mark(value: str) -> str:
    """A cell as compared with the closed and open marks: plain text, lower case, no emoji variation selector."""
    return _clean(value).replace("\ufe0f", "").replace("\ufe0e", "").strip(" ,;.").lower()


_ClosingKind = Literal["absent", "open", "closed", "wont_do", "ok", "invalid", "ambiguous", "unparsed"]


@dataclass(frozen=True)
class _Closing:
    """What an item's closing value (a Done/Closed column, a ``Done:`` label, ``- done DATE``) says."""

    kind: _ClosingKind
    day: date | None = None
    shown: str = ""


def _read_closing(raw: str | None) -> _Closing:
    """Read a closing value: a date (``ok``, or ``invalid``/``ambiguous``), a closed or open mark
    (:data:`~sitrep.model.vocabulary.ACTION_CLOSED_MARKS`, ``..._OPEN_MARKS``), a done or won't-do status,
    nothing (empty, a template placeholder), or none of these (``unparsed``)."""
    if raw is None:
        return _Closing("absent")
    shown = _clean(raw).strip(" ,;")
    mark = _mark(raw)
    if mark in _OPEN_MARKS:
        return _Closing("open", shown=shown)
    if mark in _CLOSED_MARKS:
        return _Closing("closed", shown=shown)
    m = _CLOSING_STATUS.match(shown)
    value = m["value"].strip(" )") if m and _date_ish(m["value"].strip(" )")) else shown
    day, kind, _ = _parse_due(value)
    if kind in ("missing", "placeholder"):
        return _Closing("absent" if value == shown else "closed", shown=shown)
    if kind != "unparsed":
        return _Closing(kind, day, shown)
    state = _status_state(shown)
    if state != "open":
        return _Closing("closed" if state == "done" else "wont_do", shown=shown)
    return _Closing("unparsed", shown=shown)


def _read_status(explicit: str) -> tuple[Literal["open", "done", "wont_do"], str | None]:
    """The state a status cell (or ``Status:`` label) gives, and the closing day it writes, if any:
    a closed or open mark, a date (closed that day), ``Done 2026-03-08``, or a status word."""
    mark = _mark(explicit)
    if mark in _CLOSED_MARKS:
        return "done", None
    if mark in _OPEN_MARKS:
        return "open", None
    if _parse_due(explicit)[1] in ("ok", "invalid", "ambiguous"):
        return "done", explicit
    m = _CLOSING_STATUS.match(explicit)
    if m and _date_ish(m["value"]):
        return "done", m["value"]
    return _status_state(explicit), None


def _status_state(status: str) -> Literal["open", "done", "wont_do"]:
    words = _words(status)
    for phrase in _WONT_WORDS:
        if words == phrase or words.startswith(phrase + " "):
            return "wont_do"
    for phrase in _DONE_WORDS:
        if words == phrase or words.startswith(phrase + " "):
            return "done"
    return "open"


# --------------------------------------------------------------------------- items

@dataclass
class _TableColumns:
    owner: bool
    due: bool


def _build_item(
    raw_text: str,
    fields: _Fields,
    *,
    checkbox: str | None,
    line: int,
    table: _TableColumns | None,
) -> tuple[ActionItem | None, list[TextProblem]]:
    text = raw_text.strip()
    struck = False
    m = _STRUCK.fullmatch(text)
    if m:
        struck = True
        text = m["inner"].strip()
    if not text:
        return None, []
    if _is_placeholder_text(_clean(text), frozenset()) or _ACTION_PLACEHOLDERS.fullmatch(
        _clean(text)
    ):
        return None, [
            TextProblem(
                line, "warning", "action-item-placeholder",
                f'template placeholder "{_short(text)}" left in action items; replace it with '
                "a real action (with an owner and a due date) or delete the line",
            )
        ]
    owner, owner_placeholder = _clean_owner(fields.owner)
    due, due_kind, due_shown = _parse_due(fields.due)

    explicit = _clean(fields.status) if fields.status else ""
    explicit_state, status_day = _read_status(explicit) if explicit else (None, None)
    closing = _read_closing(fields.closed)
    if closing.kind == "absent" and status_day is not None:
        closing = _read_closing(status_day)
    state: Literal["open", "done", "wont_do"]
    if struck and not (checkbox in ("x", "X") or explicit_state == "done"):
        state = "wont_do"
        status = explicit if explicit_state == "wont_do" else action_state_label(state)
    elif explicit_state is not None:
        state = explicit_state
        # A mark or a date ("✅", "yes", "2026-03-08") is shown as the state's label, a word as written.
        as_written = _status_state(explicit) == state and _mark(explicit) not in _SYMBOL_MARKS
        status = explicit if as_written else action_state_label(state)
    elif checkbox in ("x", "X"):
        state = "done"
        status = action_state_label(state)
    elif checkbox in ("-", "~"):
        state = "wont_do"
        status = action_state_label(state)
    elif checkbox is None and closing.kind in ("closed", "ok", "invalid", "ambiguous"):
        state = "done"  # nothing else says: a Done/Closed column's "yes" or date closes the item
        status = action_state_label(state)
    elif checkbox is None and closing.kind == "wont_do":
        state = "wont_do"
        status = action_state_label(state)
    else:
        state = "open"
        status = action_state_label(state)

    name = f'action item "{_short(text)}"'
    problems = _closing_problems(name, state, closing, fields.closed_where, line)
    closed = closing.day
    item = ActionItem(text=text, owner=owner, due=due, state=state, status=status, line=line,
                      closed=closed if state != "open" else None)
    if due_kind == "invalid":
        problems.insert(0, TextProblem(
            line, "error", "action-item-bad-date",
            f'{name} has due date "{due_shown}", which does not exist: '
            "write a real date in the form YYYY-MM-DD, e.g. 2026-03-01",
        ))
    elif due_kind == "ambiguous":
        problems.insert(0, TextProblem(
            line, "error", "action-item-bad-date",
            f'{name} has due date "{due_shown}", which is ambiguous (day and month could be '
            "either way round): write it in the form YYYY-MM-DD, e.g. 2026-03-01",
        ))
    if state != "open":
        return item, problems

    if owner is None:
        if owner_placeholder is not None:
            how = (f' (the template placeholder "{owner_placeholder}" is still there): '
                   "replace it with the person or team responsible")
        elif table is not None and table.owner:
            how = ": fill in the Owner cell of its row"
        elif table is not None:
            how = ": add an Owner column to the table and fill it in"
        else:
            how = (': add " - Owner Name - 2026-03-01" after the action (or "Owner: name"), '
                   "or use a table with an Owner column")
        problems.append(TextProblem(line, "warning", "action-item-no-owner",
                                    f"{name} has no owner{how}"))
    if due is None and due_kind not in ("invalid", "ambiguous"):
        if due_kind == "placeholder":
            message = (f'{name} has no due date (the template placeholder "{due_shown}" is still '
                       "there): replace it with a date in the form YYYY-MM-DD")
        elif due_kind == "unparsed":
            message = (f'{name} has due "{due_shown}", which is not a date: write the due date '
                       "in the form YYYY-MM-DD, e.g. 2026-03-01")
        elif table is not None and table.due:
            message = f"{name} has no due date: fill in the Due Date cell of its row (YYYY-MM-DD)"
        elif table is not None:
            message = (f"{name} has no due date: add a Due Date column to the table and fill it "
                       "in (YYYY-MM-DD)")
        else:
            message = (f'{name} has no due date: add " - YYYY-MM-DD" after the owner (or '
                       '"Due: YYYY-MM-DD"), or use a table with a Due Date column')
        problems.append(TextProblem(line, "warning", "action-item-no-due", message))
    return item, problems


def _closing_problems(name: str, state: str, closing: _Closing, where: str, line: int) -> list[TextProblem]:
    """What is wrong with the closing value of an item: not a date or a mark, a date that does not exist,
    or a value that contradicts the item's state (closed on an open item, open on a done one)."""
    if closing.kind in ("invalid", "ambiguous"):
        why = ("which does not exist" if closing.kind == "invalid"
               else "which is ambiguous (day and month could be either way round)")
        return [TextProblem(
            line, "error", "action-item-bad-date",
            f'{name} has closing date "{closing.shown}", {why}: write the day it was closed in the form '
            "YYYY-MM-DD, e.g. \"- done 2026-03-08\"",
        )]
    if closing.kind == "unparsed":
        return [TextProblem(
            line, "error", "action-item-bad-date",
            f'{name} has "{closing.shown}" in {where}, which is neither a closing date nor a mark read as closed '
            f"or open: write {action_mark_forms()}",
        )]
    if state == "open" and closing.kind == "ok":
        return [TextProblem(
            line, "error", "action-item-closed-open",
            f'{name} is open but says it was closed on {closing.shown}: if it is done, tick its box '
            '("- [x]") or set its status to Done; if not, remove the closing date',
        )]
    if state == "open" and closing.kind == "closed":
        return [TextProblem(
            line, "error", "action-item-closed-open",
            f'{name} is open (its box or status says so) but {where} says "{closing.shown}": if it is done, '
            'tick its box ("- [x]") or set its status to Done; if not, leave it empty or write "no"',
        )]
    if state == "done" and closing.kind == "open":
        return [TextProblem(
            line, "error", "action-item-closed-open",
            f'{name} is done (its box or status says so) but {where} says "{closing.shown}": if it is still '
            'open, untick its box ("- [ ]") or set its status to Open; if not, write the day it was closed '
            '(YYYY-MM-DD), or "yes"',
        )]
    return []


_BULLET = re.compile(r"^(?P<indent>[ \t]*)(?:[-*+]|\d{1,9}[.)])(?:[ \t]+(?P<rest>.*))?$")
_THEMATIC_BREAK = re.compile(r"^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
_CHECKBOX = re.compile(r"^\[(?P<mark>[ xX~-])\](?:[ \t]+(?P<rest>.*))?$")
#: A bullet opening with a symbol mark instead of a checkbox, as chat and wiki exports write them:
#: ``- ✅ Alert on lag - Ana - 2026-03-01`` (closed), ``- ⬜ …`` or ``- ❌ …`` (open).
_SYMBOL_BOX = re.compile(
    "^(?P<mark>" + "|".join(re.escape(m) for m in sorted(
        (m for m in (*ACTION_CLOSED_MARKS, *ACTION_OPEN_MARKS) if not re.search(r"[a-z\[\]]", m) or m.startswith(":")),
        key=len, reverse=True)) + ")[\ufe0e\ufe0f]?(?:[ \t]+(?P<rest>.*))?$"
)


def _symbol_checkbox(mark: str) -> str:
    """The checkbox a leading symbol mark stands for: ``x`` for a closed one, a space for an open one."""
    return "x" if mark in ACTION_CLOSED_MARKS else " "


_TABLE_SEPARATOR = re.compile(r"^\s*\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)*\|?\s*$")

_COLUMN_NAMES: dict[str, tuple[str, ...]] = {
    "action": (
        "action", "actions", "action item", "action items", "item", "items", "task", "tasks",
        "follow up", "follow up item", "corrective action", "description", "what", "todo",
    ),
    "owner": ("owner", "owners", "assignee", "assignees", "assigned to", "responsible", "dri",
              "who"),
    "due": ("due date", "due", "deadline", "target date", "due by", "target", "eta", "by when",
            "when", "date"),
    "status": ("status", "state"),
    "closed": ("closed on", "done on", "completed on", "closed", "date closed", "date done",
               "date completed", "closed date", "done date", "completed date", "completion date",
               "closing date", "done", "completed", "complete", "finished"),
}


def _split_row(line: str) -> list[str]:
    s = line.strip()
    if s.startswith("|"):
        s = s[1:]
    if s.endswith("|") and not s.endswith("\\|"):
        s = s[:-1]
    return [cell.replace("\\|", "|").strip() for cell in re.split(r"(?<!\\)\|", s)]


def _table_columns(header: list[str]) -> dict[str, int]:
    names = [_words(_clean(cell)) for cell in header]
    columns: dict[str, int] = {}
    for role, wanted in _COLUMN_NAMES.items():
        best: tuple[int, int] | None = None
        for index, name in enumerate(names):
            if name in wanted and index not in columns.values():
                rank = (wanted.index(name), index)
                if best is None or rank < best:
                    best = rank
        if best is not None:
            columns[role] = best[1]
    if "closed" not in columns:
        # A column headed by a check mark alone ("| ✅ |", "| :white_check_mark: |"), as wiki exports write it.
        for index, cell in enumerate(header):
            mark = _mark(cell)
            if mark in _CLOSED_MARKS and not mark.isalpha() and mark != "[x]" and index not in columns.values():
                columns["closed"] = index
                break
    return columns


def _is_table_start(lines: list[str], index: int) -> bool:
    return (
        "|" in lines[index]
        and index + 1 < len(lines)
        and "|" in lines[index + 1]
        and _TABLE_SEPARATOR.match(lines[index + 1]) is not None
    )


def parse_action_items(section: Section) -> tuple[list[ActionItem], list[TextProblem]]:
    """Read the action items of an action-items section.

    Returns the items in file order and the problems found (template
    placeholders, missing owners or due dates, impossible dates), each on the
    item's file line.  Understands checkbox bullets (``Action - Owner - Due``,
    ``(@owner, Due: date) Action``, ``Owner:``/``Due:`` labels) and tables with
    Action/Owner/Due Date/Status columns; see the module docstring for details.
    """
    lines = section.body.splitlines()
    base = section.line + 1
    skipper = BlockScanner()
    items: list[ActionItem] = []
    problems: list[TextProblem] = []
    item_indent: int | None = None  # indent of the last bullet that became an item
    prev_blank = False
    index = 0
    while index < len(lines):
        line = lines[index]
        if skipper.skip(line):
            index += 1
            continue
        if _is_table_start(lines, index):
            item_indent = None
            header = _split_row(line)
            columns = _table_columns(header)
            index += 2
            while index < len(lines) and lines[index].strip() and "|" in lines[index]:
                if "action" in columns:
                    item, found = _table_row(_split_row(lines[index]), columns, base + index, header)
                    if item is not None:
                        items.append(item)
                    problems.extend(found)
                index += 1
            continue
        expanded = line.expandtabs(4)
        stripped = expanded.strip()
        bullet = None if _THEMATIC_BREAK.match(expanded) else _BULLET.match(expanded)
        if bullet is None:
            if stripped and prev_blank and item_indent is not None:
                indent = len(expanded) - len(expanded.lstrip())
                if indent <= item_indent:
                    item_indent = None
            if stripped.startswith("#"):
                item_indent = None
            prev_blank = not stripped
            index += 1
            continue
        prev_blank = False
        indent = len(bullet["indent"])
        if item_indent is not None and indent > item_indent:
            index += 1  # sub-bullet of an item
            continue
        item_indent = None
        rest = (bullet["rest"] or "").strip()
        checkbox = None
        box = _CHECKBOX.match(rest) or _SYMBOL_BOX.match(rest)
        if box:
            checkbox = box["mark"] if box.re is _CHECKBOX else _symbol_checkbox(box["mark"])
            rest = (box["rest"] or "").strip()
        if rest:
            item, found = _bullet_item(rest, checkbox, base + index)
            if item is not None or found:
                item_indent = indent
            if item is not None:
                items.append(item)
            problems.extend(found)
        index += 1
    return items, problems


def _bullet_item(
    rest: str, checkbox: str | None, line: int
) -> tuple[ActionItem | None, list[TextProblem]]:
    whole = _STRUCK.fullmatch(rest)
    fields = _bullet_fields(whole["inner"].strip() if whole else rest)
    if checkbox is None and not fields.shaped:
        return None, []
    text = f"~~{fields.text}~~" if whole and not _STRUCK.fullmatch(fields.text) else fields.text
    return _build_item(text, fields, checkbox=checkbox, line=line, table=None)


def _table_row(
    cells: list[str], columns: dict[str, int], line: int, header: list[str]
) -> tuple[ActionItem | None, list[TextProblem]]:
    def cell(role: str) -> str | None:
        if role not in columns:
            return None
        position = columns[role]
        return cells[position].strip() if position < len(cells) else ""

    action = cell("action") or ""
    if not action.strip() or not any(c.strip() for c in cells):
        return None, []
    fields = _Fields(owner=cell("owner") or None, due=cell("due") or None, status=cell("status"),
                     closed=cell("closed") or None)
    if "closed" in columns and columns["closed"] < len(header):
        fields.closed_where = f'its "{_clean(header[columns["closed"]])}" column'
    shape = _TableColumns(owner="owner" in columns, due="due" in columns)
    return _build_item(action, fields, checkbox=None, line=line, table=shape)


def action_items_in(body: str, first_line: int) -> list[ActionItem]:
    """The action items of every action-items section of a postmortem body, in file order.

    Problems are left out: reporting them is the validator's business.
    """
    items: list[ActionItem] = []
    for section in parse_sections(body, first_line):
        if section.key == "action_items":
            items += parse_action_items(section)[0]
    return items


def prose_lines(body: str, first_line: int, *, leave_out: tuple[str, ...] = ()) -> list[tuple[int, str]]:
    """(file line, text) of each line of a body a reader sees as text.

    Code blocks, HTML comments and code spans are left out, and so are the sections whose
    key is in ``leave_out`` (e.g. ``("action_items",)``), from their heading to the next H2.
    """
    sections = parse_sections(body, first_line) if leave_out else []
    skipped: list[tuple[int, int]] = []
    for k, section in enumerate(sections):
        if section.key in leave_out:
            end = sections[k + 1].line if k + 1 < len(sections) else first_line + len(body.splitlines())
            skipped.append((section.line, end))
    scanner = BlockScanner()
    found: list[tuple[int, str]] = []
    for index, line in enumerate(body.splitlines()):
        number = first_line + index
        if scanner.skip(line) or any(start <= number < end for start, end in skipped):
            continue
        text = strip_code_spans(line)
        if text.strip():
            found.append((number, text))
    return found
