"""How values are written, each format stated once: times, dates, durations, shares, slugs, JSON.

Every page, feed, message and command that shows one of these values formats it
here, so the site, the feeds and the CLI never disagree on how a time reads.
All times are shown in UTC; the visitor's local time is added by the page's
script, never by the build.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sitrep.model.invisible import show_invisible

# --------------------------------------------------------------------------- times


def to_utc(at: datetime) -> datetime:
    """The same instant in UTC (records may carry any offset)."""
    return at.astimezone(UTC)


def iso_z(at: datetime) -> str:
    """ISO 8601 in UTC with a Z, for machines (``<time datetime>``, JSON, YAML): ``2026-02-10T14:40:00Z``."""
    return to_utc(at).isoformat().replace("+00:00", "Z")


def compact_stamp(at: datetime) -> str:
    """Compact UTC form used in ids and anchors: ``20260210T144000Z``."""
    return to_utc(at).strftime("%Y%m%dT%H%M%SZ")


def human_time(at: datetime, with_date: bool = True) -> str:
    """A time for people, in UTC: ``Feb 10, 2026 14:40 UTC`` (or ``14:40 UTC``); month names are fixed English."""
    u = to_utc(at)
    return f"{day_label(u.date())} {u:%H:%M} UTC" if with_date else f"{u:%H:%M} UTC"


def clock_time(at: datetime) -> str:
    """Hours and minutes in UTC without the zone, for timelines under a dated heading: ``14:40``."""
    return f"{to_utc(at):%H:%M}"


_SHORT_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December")


def day_label(day: date) -> str:
    """A date for people: ``Feb 10, 2026``."""
    return f"{_SHORT_MONTHS[day.month - 1]} {day.day}, {day.year}"


def long_date(day: date) -> str:
    """A date in running text (messages): ``10 February 2026``."""
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def month_label(day: date) -> str:
    """A month heading: ``February 2026``."""
    return f"{_MONTHS[day.month - 1]} {day.year}"


def window_text(start: datetime, end: datetime) -> str:
    """A time window in running text, in UTC: ``February 10, 2026 from 14:00 to 16:00 UTC``, or
    ``Feb 10, 22:00 UTC to Feb 11, 02:00 UTC`` when it ends on another day."""
    start, end = to_utc(start), to_utc(end)
    if start.date() != end.date():
        return (f"{_SHORT_MONTHS[start.month - 1]} {start.day}, {clock_time(start)} UTC to "
                f"{_SHORT_MONTHS[end.month - 1]} {end.day}, {clock_time(end)} UTC")
    return f"{_MONTHS[start.month - 1]} {start.day}, {start.year} from {clock_time(start)} to {clock_time(end)} UTC"


# --------------------------------------------------------------------------- durations and shares


def format_duration(delta: timedelta | None) -> str:
    """Short human form: ``45 min``, ``1 h 5 min``, ``2 d 3 h``; an em dash for no value."""
    if delta is None:
        return "—"
    seconds = int(delta.total_seconds())
    sign = "-" if seconds < 0 else ""
    seconds = abs(seconds)
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    if days:
        return f"{sign}{days} d {hours} h" if hours else f"{sign}{days} d"
    if hours:
        return f"{sign}{hours} h {minutes} min" if minutes else f"{sign}{hours} h"
    if minutes:
        return f"{sign}{minutes} min"
    return f"{sign}{seconds} s"


def format_seconds(seconds: float | None) -> str:
    """:func:`format_duration` of a number of seconds (as metrics' JSON carries them)."""
    return format_duration(None if seconds is None else timedelta(seconds=seconds))


def uptime_text(percent: float) -> str:
    """An uptime percentage with two decimals, never rounded up: ``99.99%``.

    Rounded down, so 99.996 reads ``99.99%`` and ``100.00%`` means no downtime at all, and
    kept within 0..100, so a day of outage reads ``0.00%``, never a negative figure. The
    tiny tolerance keeps a float just under a two-decimal value (99.95 stored as
    99.94999…) from dropping a hundredth.
    """
    if percent >= 100:
        return "100.00%"
    hundredths = max(0, math.floor(percent * 100 + 1e-6))
    return f"{min(hundredths, 9999) // 100}.{min(hundredths, 9999) % 100:02d}%"


def pct(share: float | None) -> str:
    """A fraction 0..1 as a whole percentage, half up; an em dash when there is nothing to divide.

    ``100%`` only when the share is whole and ``0%`` only when it is nothing: 199 of 200 reads
    ``99%``, 1 of 1,000 reads ``1%``, so a target met by all but one never reads as met by all.
    """
    if share is None:
        return "—"
    whole = math.floor(share * 100 + 0.5)
    if 0 < share < 1:
        whole = min(max(whole, 1), 99)
    return f"{whole}%"


# --------------------------------------------------------------------------- slugs


#: Longest slug taken from a title (ids stay readable in URLs and branch names).
SLUG_LENGTH = 50


def slugify(text: str, max_length: int = SLUG_LENGTH, fallback: str = "record") -> str:
    """Lowercase ASCII words joined by dashes, cut at a word boundary: ``Élan & API!`` -> ``elan-api``.

    Used for file names of new records and for tag URLs.
    """
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if len(slug) > max_length:
        cut = slug[: max_length + 1]
        slug = cut.rsplit("-", 1)[0] if "-" in cut else cut[:max_length]
    return slug.strip("-") or fallback


_ID_UNSAFE = re.compile(r"[^a-z0-9_-]+")


def id_word(word: str, fallback: str = "update") -> str:
    """A status or other short word as it may appear in HTML ids and feed ids (valid statuses unchanged)."""
    return _ID_UNSAFE.sub("-", word.lower()) or fallback


# --------------------------------------------------------------------------- text and JSON


def quoted(value: Any) -> str:
    """A value quoted for a message, on one line (repr() for line breaks, tabs...; escapes for invisible
    characters), at most 60 characters."""
    text = show_invisible(f"'{value}'" if isinstance(value, str) and value.isprintable() else repr(value))
    return text if len(text) <= 60 else text[:57] + ("…'" if text.endswith("'") else "…")


def closest(word: str, choices: Iterable[str]) -> str | None:
    """The one of ``choices`` a mistyped ``word`` (a field, a value) most likely means, if any is close."""
    import difflib  # only on error paths

    close = difflib.get_close_matches(word, list(choices), n=1)
    return close[0] if close else None


def close_match(word: str, choices: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` for the closest of ``choices`` to a mistyped ``word``, or ""."""
    match = closest(word, choices)
    return f" (did you mean '{match}'?)" if match else ""


#: How much less like the wanted id than the closest one another id may be and still be suggested.
SIMILAR_MARGIN = 0.12


def similar_ids(wanted: str, ids: Iterable[str]) -> list[str]:
    """Up to three of ``ids`` a mistyped ``wanted`` may mean: the closest, then those containing it.

    The one rule for an unknown record id, wherever it is named (``sitrep update ID``, a
    postmortem's ``incidents:``, a record's ``runbooks:``).
    """
    import difflib  # only on error paths

    ids = sorted(set(ids))
    close = difflib.get_close_matches(wanted, ids, n=3, cutoff=0.5)
    if close:
        # Ids share their date prefix: '2026-12-01-db-slow' is 70 % like '2026-12-01-api-eror'. Only those
        # nearly as close as the best are named, so one typo is not answered with a day's unrelated ids.
        best = difflib.SequenceMatcher(None, wanted, close[0]).ratio()
        close = [i for i in close if difflib.SequenceMatcher(None, wanted, i).ratio() >= best - SIMILAR_MARGIN]
    return close + [i for i in ids if wanted in i and i not in close][: max(0, 3 - len(close))]


def did_you_mean(wanted: str, ids: Iterable[str]) -> str:
    """``did you mean a, b?`` for :func:`similar_ids` of ``wanted``; "" when none is close."""
    close = similar_ids(wanted, ids)
    return f"did you mean {', '.join(close)}?" if close else ""


# Characters XML 1.0 cannot carry at all (lxml refuses them): C0 controls except
# tab/newline/CR, lone surrogates and the two non-characters U+FFFE/U+FFFF.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# Bidi embeddings, overrides and isolates: one unclosed U+202E in a title would
# reverse everything a reader shows after it.
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_BIDI_CONTROL = re.compile("[" + "".join(sorted(_BIDI_CONTROLS)) + "]")


def shorten(text: str, width: int) -> str:
    """``text`` on one line, at most ``width`` characters, cut at a word boundary with "…".

    A single word longer than ``width`` is cut inside (there is no boundary).
    """
    flat = " ".join(text.split())
    if len(flat) <= width:
        return flat
    cut = flat[: width - 1]
    if flat[width - 1] != " " and " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:.-") + "…"


def safe_text(text: str) -> str:
    """Text that is safe to embed in XML, iCalendar, SVG and plain-text titles.

    Drops characters XML cannot represent and, when the text contains bidi
    controls, wraps it in an isolate (U+2068 … U+2069) so an unterminated
    override cannot spill into the text around it. Escaping for the target
    format is still the caller's (or the library's) job.
    """
    text = _XML_INVALID.sub("", text)
    if _BIDI_CONTROL.search(text):
        text = f"\u2068{text}\u2069"
    return text


def dump_json(data: Any, *, indent: int | None = None, sort_keys: bool = False) -> bytes:
    """Deterministic JSON that is inert wherever it is embedded.

    ASCII only (bidi controls and line separators come out as ``\\uXXXX``), and
    ``<``, ``>``, ``&`` escaped too, so ``</script>`` or ``]]>`` in a title cannot
    end an enclosing script or CDATA block. Those characters only ever occur
    inside JSON strings, so replacing them keeps the JSON equal.
    """
    separators = (",", ": ") if indent else (",", ":")
    text = json.dumps(data, ensure_ascii=True, separators=separators, indent=indent, sort_keys=sort_keys)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return (text + "\n").encode("ascii")
