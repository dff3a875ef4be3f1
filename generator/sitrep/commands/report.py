"""``sitrep report``: the reliability report in the terminal or as JSON."""

from __future__ import annotations

import json

import click

from sitrep.commands.options import config_option, current_time, now_option, portal_config
from sitrep.commands.output import load_or_exit


@click.command()
@config_option
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON (the same as reports/metrics.json).")
@click.option("--days", type=click.IntRange(min=1), default=None,
              help="Only incidents that started in the last N days (N >= 1).")
@click.option("--component", default=None, help="Only incidents affecting this component id.")
@now_option
def report(mkdocs_yml: str, as_json: bool, days: int | None, component: str | None, now_text: str | None) -> None:
    """Print the reliability report: time to detect/resolve, MTBF, postmortems, action items."""
    from datetime import timedelta

    from sitrep.derive.metrics import compute_metrics
    from sitrep.render.report_text import render_text

    root, config = portal_config(mkdocs_yml)
    if component is not None and config.component(component) is None:
        raise click.BadParameter(config.unknown_component(component), param_hint="'--component'")
    portal = load_or_exit(root, config)
    now = current_time(now_text)
    start = now - timedelta(days=days) if days else None
    metrics = compute_metrics(portal, now, window_start=start, component=component)
    if as_json:
        click.echo(json.dumps(metrics.to_json(), indent=2, sort_keys=True))
    else:
        click.echo(render_text(metrics))
