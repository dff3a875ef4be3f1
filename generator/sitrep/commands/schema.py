"""``sitrep schema``: the JSON Schema of the records' front matter, for editors."""

from __future__ import annotations

import json

import click

from sitrep.commands.options import config_option, portal_config


@click.command()
@config_option
@click.option("--kind", type=click.Choice(["incident", "postmortem", "runbook", "all"]), default="all",
              show_default=True, help="Which record's front matter.")
def schema(mkdocs_yml: str, kind: str) -> None:
    """Print the JSON Schema (draft 2020-12) of the records' front matter.

    Severities and component ids come from mkdocs.yml. Point your editor at it,
    e.g. VS Code's YAML extension: "yaml.schemas": {"incident.schema.json":
    "incidents/**/*.md"}.
    """
    from sitrep.load.schema import json_schema

    _, config = portal_config(mkdocs_yml)
    click.echo(json.dumps(json_schema(config, kind), indent=2, ensure_ascii=False))
