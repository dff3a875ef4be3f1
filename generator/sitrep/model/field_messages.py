"""Pydantic's validation errors in the on-call engineer's words: one message per problem.

The one place that words a field's problem (missing, unknown, a value not allowed,
a wrong type, a timestamp without offset), from the model's own descriptions, so
records and the settings in mkdocs.yml read alike.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Literal, get_args, get_origin

from pydantic.fields import FieldInfo

from sitrep.model.formatting import close_match, closest, quoted

#: How the pattern of every id (records, components, channels) starts: lowercase letters, digits, dashes.
ID_PATTERN_START = "^[a-z0-9][a-z0-9-]"


def location_name(loc: tuple[Any, ...], whole: str = "front matter") -> str:
    """``updates[0].at``, ``plugins.sitrep.components[4].id``: a location as people write it."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or whole


def _fields(model: type) -> dict[str, FieldInfo]:
    """The fields of a pydantic model or validated dataclass."""
    return dict(getattr(model, "__pydantic_fields__", None) or {})


def _model_in(annotation: Any) -> type | None:
    """The model a field holds, directly or in a list, dict or optional (``list[Update]`` -> Update)."""
    if isinstance(annotation, type) and _fields(annotation):
        return annotation
    for arg in get_args(annotation):
        found = _model_in(arg)
        if found is not None:
            return found
    return None


def owner_of(model: type, loc: tuple[Any, ...]) -> type | None:
    """The model whose field the last part of ``loc`` names (an update's for ``updates[0].at``)."""
    current = model
    for part in loc[:-1]:
        if isinstance(part, int):
            continue  # an item of a list field
        info = _fields(current).get(str(part))
        nested = _model_in(info.annotation) if info is not None else None
        if nested is None:
            return None
        current = nested
    return current


def _field_info(model: type, loc: tuple[Any, ...]) -> tuple[str, Any]:
    """Description and an example (as the model gives it: text, a mapping...) for the field at ``loc``
    (best effort; None without one)."""
    owner = owner_of(model, loc) if loc else None
    info = _fields(owner).get(str(loc[-1])) if owner is not None else None
    if info is None:
        return "", None
    extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
    examples = extra.get("examples") or []
    return info.description or "", (examples[0] if examples else None)


def field_message(model: type, err: dict[str, Any], allowed: list[str],
                  within: tuple[Any, ...] = ()) -> tuple[str, str]:
    """(code, message) for one pydantic error of ``model``, in the on-call engineer's words.

    ``within`` is where the model's data sits in its file (``plugins.sitrep`` in mkdocs.yml).
    """
    loc = tuple(err["loc"])
    name = location_name((*within, *loc))
    kind = err["type"]
    value = err.get("input")
    desc, sample = _field_info(model, loc)
    example = "" if sample is None else str(sample)
    key = str(loc[-1]) if loc else name
    if kind == "missing":
        hint = f" ({desc})" if desc else ""
        ex = f", e.g. '{key}: {example}'" if example and not example.startswith(("{", "[")) else ""
        return "missing-field", f"missing required field '{name}'{hint}: add '{key}: …'{ex}"
    if kind in ("extra_forbidden", "unexpected_keyword_argument") and not _FIELD_NAME.fullmatch(key):
        # No field is named like a sentence: a line of text (a pasted log line, the rest of a
        # message) that YAML read as 'name: value' because it holds ': '.
        return "unknown-field", (f"this line is not a 'field: value' line: YAML read {quoted(key)} as a field "
                                 "name. If it belongs to the text above, write that text as a block ('message: |-', "
                                 "then each of its lines indented under it); otherwise delete the line")
    if kind in ("extra_forbidden", "unexpected_keyword_argument"):  # a model's, an update's
        guess = close_match(key, allowed)
        return "unknown-field", (f"unknown field '{name}'{guess}. Allowed fields: "
                                 f"{', '.join(allowed)}")
    if kind == "literal_error":
        expected = err.get("ctx", {}).get("expected", "")
        choices = re.findall(r"'([^']*)'", expected)
        guess = close_match(str(value), choices)
        return "bad-value", (f"{name}: {quoted(value)} is not allowed{guess}; use one of: "
                             f"{', '.join(choices)}")
    if kind == "timezone_aware" or kind.startswith("datetime"):
        return _timestamp_message(name, value, naive=kind == "timezone_aware")
    if kind.startswith("date_"):
        return _date_message(name, value)
    if kind == "string_pattern_mismatch" and not str(err.get("ctx", {}).get("pattern")).startswith(ID_PATTERN_START):
        return "bad-value", f"{name}: {quoted(value)} is not of the form it needs: {desc or err['msg']}"
    if kind == "string_pattern_mismatch":
        return "bad-id", (f"{name}: {quoted(value)} is not a valid id: use lowercase letters, "
                          f"digits and dashes, e.g. {example or '2026-02-10-api-errors'}")
    if kind in ("too_short",) and isinstance(value, list | dict):
        return "empty-list", f"{name}: needs at least one entry ({desc or 'see the format docs'})"
    if kind == "string_too_short":
        return "empty-value", f"{name}: must not be empty"
    if kind == "string_too_long" and isinstance(value, str):
        limit = err.get("ctx", {}).get("max_length")
        return "too-long", (f"{name}: too long: shorten the {key} to {limit} characters "
                            f"(it has {len(value)})")
    if kind == "string_type" and value is None:
        item = _item_name(loc)
        remove = f" or remove the {item}" if item else f" or remove the line '{key}:'"
        return "empty-value", f"{name} is empty: write the {key} after '{key}:'{remove}"
    if kind == "string_type" and isinstance(value, int | float | bool):
        shown = example if example and not example.startswith(("{", "[")) else f'"{value}"'
        return "wrong-type", f"{name}: {quoted(value)} should be text: write the {key} as text, e.g. {shown}"
    if kind == "dict_type" and isinstance(value, str | list) and isinstance(sample, dict) and sample:
        # components: api (or [api]): the ids are there, each needs its value ('api: partial_outage').
        names = [value] if isinstance(value, str) else [str(v) for v in value if isinstance(v, str | int)]
        first_key, first_value = next(iter(sample.items()))
        shown = ", ".join(f"'{n}: {first_value}'" for n in names[:3] if str(n).strip())
        return "wrong-type", (f"{name}: {quoted(value)} should be 'key: value' lines: write each on its own "
                              f"line under '{key}:', indented, e.g. {shown or repr(f'{first_key}: {first_value}')}")
    if kind == "list_type" and isinstance(value, str) and value.strip(" ,"):
        owner = owner_of(model, loc) if loc else None
        info = _fields(owner).get(key) if owner is not None else None
        item = _model_in(info.annotation) if info is not None else None
        items = [part.strip() for part in value.split(",") if part.strip()]
        if item is not None:  # a list of entries (components in mkdocs.yml): one '- ' item each
            first = next(iter(_fields(item)))
            return "wrong-type", (f"{name}: {quoted(value)} should be a list of entries: write each on its own "
                                  f"line under '{key}:', starting with '- ', e.g. '- {first}: {items[0]}'")
        return "wrong-type", f"{name}: {quoted(value)} should be a list: write {key}: [{', '.join(items)}]"
    if kind == "list_type" and isinstance(value, dict):
        singular = key[:-1] if key.endswith("s") else "item"
        return "wrong-type", (f"{name}: a mapping where a list is needed: start each {singular} with "
                              "'- ' (a list item)")
    if kind == "int_parsing" and (number := re.search(r"\d+", str(value))) is not None:
        # '90 days', '~30': the number alone, in the unit the field's description gives.
        unit = f" ({desc.rstrip('.')})" if desc else ""
        return "wrong-type", (f"{name}: {quoted(value)} should be a whole number: write {key}: "
                              f"{number.group()}{unit}")
    if kind == "dataclass_type":  # an update (a validated dataclass) that is not a mapping
        kind = "model_type"
    if kind in ("string_type", "int_type", "int_parsing", "list_type", "dict_type", "model_type",
                "bool_type", "date_type", "datetime_type"):
        wanted = {"string_type": "text", "int_type": "a whole number", "int_parsing": "a whole number",
                  "list_type": "a list (e.g. [a, b] or '- item' lines)",
                  "dict_type": "a mapping of 'key: value' lines",
                  "model_type": "a mapping with at, status and message",
                  "bool_type": "true or false"}.get(kind, "a different type")
        return "wrong-type", f"{name}: {quoted(value)} should be {wanted}"
    return "invalid", f"{name}: {err['msg']}"


#: What a field's name looks like (no field has a space in its name).
_FIELD_NAME = re.compile(r"[A-Za-z_][\w-]*")
_TIME_ALONE = re.compile(r"(?P<time>\d{1,2}:\d{2}(?::\d{2})?)\s*(?:Z|UTC|GMT)?", re.I)
_DATE_ALONE = re.compile(r"\d{4}-\d{2}-\d{2}")
_SLASHED_DATE = re.compile(r"(?P<a>\d{1,2})[/.](?P<b>\d{1,2})[/.](?P<year>\d{4})"
                           r"(?:[ T,]+(?P<time>\d{1,2}:\d{2}(?::\d{2})?))?")
_ZONE_NAME = re.compile(r"(?P<stamp>\d{4}-\d{2}-\d{2}[T ][01]\d:[0-5]\d(?::[0-5]\d)?)(?:\s*(?:UTC|GMT)|\s+Z)", re.I)


def _seconds(time: str) -> str:
    """``9:05`` -> ``09:05:00``."""
    parts = time.split(":")
    return ":".join(p.zfill(2) for p in (*parts, "00")[:3])


def _slashed_readings(found: re.Match[str], clock: str) -> str:
    """``2026-12-01 or 2026-01-12`` (with ``clock`` after each) for a date written ``12/01/2026``: the
    day and the month may be either way round, so both readings are given when both are dates."""
    a, b, year = int(found["a"]), int(found["b"]), found["year"]
    readings = dict.fromkeys(f"{year}-{m:02d}-{d:02d}{clock}" for m, d in ((a, b), (b, a)) if m <= 12 and d <= 31)
    return " or ".join(readings) or f"{year}-02-10{clock}"


def _timestamp_message(name: str, value: Any, naive: bool) -> tuple[str, str]:
    """(code, message) for a timestamp that is not one, with the fix made of what was written:
    a time without its date, a date without its time, a day written with slashes, a zone name."""
    text = str(value).strip()
    if (alone := _TIME_ALONE.fullmatch(text)) is not None:
        return "bad-timestamp", (f"{name}: {quoted(value)} is a time without its date: write the date, the time "
                                 f"and the offset, e.g. 2026-02-10T{_seconds(alone['time'])}Z")
    if _DATE_ALONE.fullmatch(text):
        return "bad-timestamp", (f"{name}: {quoted(value)} is a date without its time: write the time and the "
                                 f"offset too, e.g. {text}T14:30:00Z")
    if (slashed := _SLASHED_DATE.fullmatch(text)) is not None:
        clock = f"T{_seconds(slashed['time'] or '14:30')}Z"
        return "bad-timestamp", (f"{name}: {quoted(value)} is not an ISO 8601 timestamp: write the year first "
                                 f"(YYYY-MM-DD), the time and the offset, e.g. {_slashed_readings(slashed, clock)}")
    if (zoned := _ZONE_NAME.fullmatch(text)) is not None:
        stamp = zoned["stamp"].replace(" ", "T")
        return "bad-timestamp", (f"{name}: {quoted(value)}: write UTC as Z right after the time, e.g. "
                                 f"{stamp if stamp.count(':') == 2 else stamp + ':00'}Z")
    if naive:
        return "naive-timestamp", (f"{name}: {quoted(value)} has no UTC offset, so the instant is "
                                   "ambiguous: append 'Z' for UTC (e.g. 2026-02-10T14:30:00Z) or "
                                   "your offset (e.g. +02:00)")
    return "bad-timestamp", (f"{name}: {quoted(value)} is not a valid ISO 8601 timestamp: write it like "
                             "2026-02-10T14:30:00Z")


def _date_message(name: str, value: Any) -> tuple[str, str]:
    """(code, message) for a day (``date``, ``retired``) that is not one; year first for ``12/01/2026``."""
    slashed = _SLASHED_DATE.fullmatch(str(value).strip())
    fix = ("write it like 2026-02-10" if slashed is None or slashed["time"]
           else f"write the year first (YYYY-MM-DD), e.g. {_slashed_readings(slashed, '')}")
    return "bad-timestamp", f"{name}: {quoted(value)} is not a valid ISO 8601 date: {fix}"


def _item_name(loc: tuple[Any, ...]) -> str:
    """``update`` for ``updates[0].message``: what one item of the enclosing list is; "" outside lists."""
    if len(loc) >= 3 and isinstance(loc[-2], int) and isinstance(loc[-3], str):
        return loc[-3][:-1] if loc[-3].endswith("s") else "item"
    return ""


def typo_misses(model: type, errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``errors`` without the "missing" ones an unknown field is a typo of.

    ``stauts:`` for ``status:`` is one problem: the unknown field, whose message
    names the correction (``did you mean 'status'?``), not also the missing one.
    """
    typos = {(tuple(e["loc"][:-1]), match) for e in errors if e["type"] in ("extra_forbidden",
                                                                           "unexpected_keyword_argument")
             if (match := closest(str(e["loc"][-1]), allowed_fields(model, tuple(e["loc"])))) is not None}
    return [e for e in errors
            if not (e["type"] == "missing" and e["loc"] and (tuple(e["loc"][:-1]), e["loc"][-1]) in typos)]


def allowed_fields(model: type, loc: tuple[Any, ...]) -> list[str]:
    """The field names allowed where ``loc`` is: the model's, or a nested one's (an update's)."""
    owner = owner_of(model, loc) if loc else model
    return list(_fields(owner if owner is not None else model))


def _example_value(info: FieldInfo) -> str:
    """A value to write for a field in an example front matter: its schema example, else its shape."""
    extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
    examples = extra.get("examples") or []
    if examples and isinstance(examples[0], list):
        return "[" + ", ".join(str(e) for e in examples[0]) + "]"
    annotation = info.annotation
    if annotation is dt.date:
        return "YYYY-MM-DD"
    if get_origin(annotation) is list:
        return "[…]"
    choices = get_args(annotation) if get_origin(annotation) is Literal else ()
    if not choices and get_args(annotation):  # a type alias of a Literal, e.g. PostmortemStatus
        inner = get_args(annotation)[0]
        choices = get_args(inner) if get_origin(inner) is Literal else ()
    return " | ".join(str(c) for c in choices) if choices else "…"


def front_matter_needs(kind: str, model: type) -> str:
    """What a record of ``kind`` needs in its front matter, for a file that has none (an older postmortem or
    runbook moved in): its required fields, as lines to add, e.g. ``'title: …', 'date: YYYY-MM-DD'``."""
    fields = [(name, info) for name, info in _fields(model).items() if info.is_required() and name != "id"]
    lines = ", ".join(f"'{name}: {_example_value(info)}'" for name, info in fields)
    return f"a {kind} needs {', '.join(name for name, _ in fields)}: add the lines '---', {lines}, '---' above its text"
