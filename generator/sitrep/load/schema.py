"""JSON Schema (draft 2020-12) of the records' front matter, for editors and the site.

Generated from the pydantic models in :mod:`sitrep.model.records`, so descriptions and
examples are the ones the validator quotes. Where a model field is a plain
string checked against the configuration (severity, component ids, impacts,
update statuses), the schema adds the allowed values from ``mkdocs.yml`` so an
editor such as VS Code with the YAML extension can complete and check them
(a severity may be a bare number where only one level has it: ``severity: 4``).

The schema describes the front matter as sitrep's reader sees it: timestamps
and dates are strings (``format: date-time``/``date``), ``id`` is optional (it
defaults to the file name). It is never stricter than ``sitrep validate`` on a
record that validator accepts; rules spanning several fields (time order,
``resolved`` only once the last update is resolved) remain the validator's.
"""

from __future__ import annotations

import copy
import re
from typing import Any

from sitrep.model.config import SitrepConfig, _severity_key
from sitrep.model.records import MODELS
from sitrep.model.vocabulary import IMPACTS, INCIDENT_STATUSES, MAINTENANCE_IMPACT, MAINTENANCE_STATUSES

DIALECT = "https://json-schema.org/draft/2020-12/schema"
KINDS: tuple[str, ...] = ("incident", "postmortem", "runbook")
_SEPARATORS = r"[\s_-]*"


def schema_id(config: SitrepConfig, kind: str) -> str:
    """Where the site would publish the schema: ``<site_url>/schema/<kind>.schema.json``."""
    name = "sitrep" if kind == "all" else kind
    return f"{config.site_url.rstrip('/')}/schema/{name}.schema.json"


def severity_pattern(config: SitrepConfig) -> str:
    """A regex (ECMA 262 subset) matching every spelling :meth:`SitrepConfig.normalise_severity` accepts.

    The validator ignores case, spaces, dashes and underscores (``sev-1``,
    ``Sev 1``, ``P0``); JSON Schema patterns have no case-insensitive flag, so
    each letter becomes a character class.
    """
    keys = sorted({_severity_key(name) for sev in config.severities for name in (sev.id, *sev.aliases)}
                  | {str(n) for n in config.severity_by_number})
    branches = []
    for key in keys:
        parts = []
        for char in key:
            upper = char.upper()
            parts.append(f"[{re.escape(char)}{re.escape(upper)}]" if len(upper) == 1 and upper != char
                         else re.escape(char))
        branches.append(_SEPARATORS + _SEPARATORS.join(parts) + _SEPARATORS)
    return "^(?:" + "|".join(branches) + ")$"


def _severity(config: SitrepConfig, base: dict[str, Any]) -> dict[str, Any]:
    levels = ", ".join(f"{s.id} ({s.name})" for s in config.severities)
    numbers = config.severity_by_number
    numbered = (f" Bare numbers: {', '.join(f'{n} ({sev})' for n, sev in numbers.items())}." if numbers else
                " No bare number names a single level: write the level.")
    return {
        "title": base.get("title", "Severity"),
        "description": f"{base.get('description', 'Severity id.')} Levels: {levels}.{numbered}",
        "anyOf": [
            {"enum": [s.id for s in config.severities]},
            {"type": "string", "pattern": severity_pattern(config)},
            *([{"type": "integer", "enum": list(numbers)}] if numbers else []),
            {"type": "null"},
        ],
        "examples": base.get("examples", []),
    }


def _without_id_requirement(schema: dict[str, Any]) -> None:
    # The reader defaults 'id' to the file name, so records rarely write it.
    required = [r for r in schema.get("required", []) if r != "id"]
    if required:
        schema["required"] = required
    else:
        schema.pop("required", None)


def _incident(config: SitrepConfig, schema: dict[str, Any]) -> None:
    props = schema["properties"]
    props["severity"] = _severity(config, props["severity"])
    update_props = schema["$defs"]["Update"]["properties"]
    update_props["severity"] = _severity(config, update_props["severity"])
    components = props["components"]
    components["propertyNames"] = {"enum": config.component_ids}
    components["additionalProperties"] = {"enum": [*IMPACTS, MAINTENANCE_IMPACT]}
    update = schema["$defs"]["Update"]
    update["properties"]["status"]["enum"] = [*INCIDENT_STATUSES, *MAINTENANCE_STATUSES]
    # kind decides which statuses and impacts are allowed and which fields are required.
    schema["allOf"] = [{
        "if": {"properties": {"kind": {"const": "maintenance"}}, "required": ["kind"]},
        "then": {
            "required": ["scheduled_start", "scheduled_end"],
            "properties": {
                "components": {"additionalProperties": {"const": "under_maintenance"}},
                "updates": {"items": {"properties": {"status": {"enum": list(MAINTENANCE_STATUSES)}}}},
            },
        },
        "else": {
            "required": ["severity", "started"],
            "properties": {
                "severity": {"not": {"type": "null"}},
                "started": {"type": "string"},
                "components": {"additionalProperties": {"enum": list(IMPACTS)}},
                "updates": {"items": {"properties": {"status": {"enum": list(INCIDENT_STATUSES)}}}},
            },
        },
    }]


def record_schema(config: SitrepConfig, kind: str) -> dict[str, Any]:
    """The JSON Schema of one kind of record (``incident``, ``postmortem`` or ``runbook``)."""
    if kind not in KINDS:
        raise ValueError(f"unknown record kind {kind!r}; use one of {', '.join(KINDS)}")
    model = MODELS[kind]
    body = model.model_json_schema(mode="validation")
    _without_id_requirement(body)
    if kind == "incident":
        _incident(config, body)
    elif kind == "runbook":
        body["properties"]["components"]["items"] = {"enum": config.component_ids}
    head = {
        "$schema": DIALECT,
        "$id": schema_id(config, kind),
        "title": f"{config.site_name}: {kind} front matter",
        "description": body.pop("description", ""),
    }
    body.pop("title", None)
    return {**head, **body}


def json_schema(config: SitrepConfig, kind: str = "all") -> dict[str, Any]:
    """The schema for ``kind``, or for ``all``: one document with each kind under ``$defs``.

    In the ``all`` document a front matter is valid if it is a valid incident,
    postmortem or runbook; editors can also point at one kind with
    ``<$id>#/$defs/incident``.
    """
    if kind != "all":
        return record_schema(config, kind)
    defs: dict[str, Any] = {}
    for name in KINDS:
        sub = copy.deepcopy(record_schema(config, name))
        for key in ("$schema", "$id"):
            sub.pop(key)
        # Shared definitions (Update) move to the top so '#/$defs/…' references still resolve.
        for def_name, definition in sub.pop("$defs", {}).items():
            if defs.setdefault(def_name, definition) != definition:  # pragma: no cover - models differ
                raise ValueError(f"two record kinds define {def_name!r} differently")
        defs[name] = sub
    return {
        "$schema": DIALECT,
        "$id": schema_id(config, "all"),
        "title": f"{config.site_name}: record front matter",
        "description": "Front matter of an incident, postmortem or runbook record.",
        "anyOf": [{"$ref": f"#/$defs/{name}"} for name in KINDS],
        "$defs": defs,
    }
