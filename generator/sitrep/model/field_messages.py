"""Pydantic's validation errors in the on-call engineer's words: one message per problem.

The one place that words a field's problem (missing, unknown, a value not allowed,
a wrong type, a timestamp without offset), from the model's own descriptions, so
records and the settings in mkdocs.yml read alike.
"""

from __future__ import annotations

import re
from typing import Any

from sitrep.model.formatting import close_match, quoted
from sitrep.model.records import Record


def location_name(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "front matter"


def _field_info(model: type[Record], loc: tuple[Any, ...]) -> tuple[str, str]:
    """Description and an example for the field at ``loc`` (best effort)."""
    from sitrep.model.records import Update

    fields = model.model_fields
    if len(loc) >= 3 and loc[0] == "updates":
        fields = Update.model_fields
        loc = loc[2:]
    info = fields.get(str(loc[0])) if loc else None
    if info is None:
        return "", ""
    extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
    examples = extra.get("examples") or []
    return info.description or "", (str(examples[0]) if examples else "")


def field_message(model: type[Record], err: dict[str, Any], allowed: list[str]) -> tuple[str, str]:
    """(code, message) for one pydantic error, in the on-call engineer's words."""
    loc = tuple(err["loc"])
    name = location_name(loc)
    kind = err["type"]
    value = err.get("input")
    desc, example = _field_info(model, loc)
    if kind == "missing":
        hint = f" ({desc})" if desc else ""
        ex = f", e.g. '{loc[-1]}: {example}'" if example and not example.startswith(("{", "[")) else ""
        return "missing-field", f"missing required field '{name}'{hint}: add it{ex}"
    if kind in ("extra_forbidden", "unexpected_keyword_argument"):  # a model's, an update's
        key = str(loc[-1])
        guess = close_match(key, allowed)
        return "unknown-field", (f"unknown field '{name}'{guess}. Allowed fields: "
                                 f"{', '.join(allowed)}")
    if kind == "literal_error":
        expected = err.get("ctx", {}).get("expected", "")
        choices = re.findall(r"'([^']*)'", expected)
        guess = close_match(str(value), choices)
        return "bad-value", (f"{name}: {quoted(value)} is not allowed{guess}; use one of: "
                             f"{', '.join(choices)}")
    if kind == "timezone_aware":
        return "naive-timestamp", (f"{name}: {quoted(value)} has no UTC offset, so the instant is "
                                   "ambiguous: append 'Z' for UTC (e.g. 2026-02-10T14:30:00Z) or "
                                   "your offset (e.g. +02:00)")
    if kind.startswith("datetime") or kind.startswith("date_"):
        ex = "2026-02-10T14:30:00Z" if kind.startswith("datetime") else "2026-02-10"
        return "bad-timestamp", (f"{name}: {quoted(value)} is not a valid ISO 8601 "
                                 f"{'timestamp' if ex.endswith('Z') else 'date'}: write it like {ex}")
    if kind == "string_pattern_mismatch":
        return "bad-id", (f"{name}: {quoted(value)} is not a valid id: use lowercase letters, "
                          "digits and dashes, e.g. 2026-02-10-api-errors")
    if kind in ("too_short",) and isinstance(value, list | dict):
        return "empty-list", f"{name}: needs at least one entry ({desc or 'see the format docs'})"
    if kind == "string_too_short":
        return "empty-value", f"{name}: must not be empty"
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


def allowed_fields(model: type[Record], loc: tuple[Any, ...]) -> list[str]:
    """The field names allowed where ``loc`` is: the record's, or an update's."""
    from sitrep.model.records import Update

    if len(loc) >= 3 and loc[0] == "updates" and isinstance(loc[1], int):
        return list(Update.model_fields)
    return list(model.model_fields)
