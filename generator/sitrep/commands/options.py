"""The options several commands share, and the values they parse.

The portal's mkdocs.yml, --now, times, messages, severities, components and incident templates; a bad value
exits 2 naming the option.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, get_args

import click

from sitrep.commands.boundary import Refused
from sitrep.commands.output import print_notes
from sitrep.model.clock import build_time
from sitrep.model.config import SitrepConfig, load_config
from sitrep.model.diagnostics import Diagnostics
from sitrep.model.records import Incident
from sitrep.model.vocabulary import IMPACTS

if TYPE_CHECKING:  # imported where used: keeps `sitrep validate` quick to start
    from sitrep.edit.incident_templates import FilledTemplate


def portal_config(mkdocs_yml: str) -> tuple[Path, SitrepConfig]:
    path = Path(mkdocs_yml)
    config = load_config(path)
    return (path.parent / config.records_dir).resolve(), config


def _nearest_mkdocs_yml(ctx: click.Context, param: click.Parameter, value: str) -> str:
    """Without --config, the mkdocs.yml of this folder or the nearest one above it, as git finds its folder.

    A responder may run ``sitrep update`` from ``incidents/2026/``; an explicit --config is taken as given.
    """
    if ctx.get_parameter_source(param.name or "") is not click.core.ParameterSource.DEFAULT:
        return value
    here = Path.cwd()
    for folder in (here, *here.parents):
        if (folder / value).is_file():
            return str(folder / value) if folder != here else value
    return value


config_option = click.option(
    "--config", "-f", "mkdocs_yml", default="mkdocs.yml", show_default=True, callback=_nearest_mkdocs_yml,
    type=click.Path(dir_okay=False),
    help="The portal's mkdocs.yml (holds the sitrep settings); by default the one here or in the nearest folder above.",
)


def now_option(func: _Fn) -> _Fn:
    """Hidden ``--now ISO``: the current time for tests (SOURCE_DATE_EPOCH works too)."""
    return click.option("--now", "now_text", hidden=True, metavar="ISO",
                        help="Use this instant as the current time.")(func)


_Fn = TypeVar("_Fn", bound=Callable[..., Any])


#: How far in the future an --at may lie before we warn (clock skew, typos).
FUTURE_SLACK_SECONDS = 300


def current_time(now_text: str | None) -> datetime:
    """The current time in UTC, whole seconds: --now, else SOURCE_DATE_EPOCH, else the clock.

    Resolved once here and passed down, so a command uses one instant throughout
    and tests get reproducible files.
    """
    if now_text:
        return instant(now_text, "--now")
    return build_time()


def instant(text: str, option: str) -> datetime:
    """An ISO 8601 instant with an offset, in UTC, whole seconds; exit 2 otherwise."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise click.BadParameter(f"{text!r} is not an ISO 8601 timestamp; write it like "
                                 "2026-02-10T14:30:00Z", param_hint=f"'{option}'") from None
    if moment.tzinfo is None:
        raise click.BadParameter(f"{text!r} has no UTC offset, so the instant is ambiguous: append Z "
                                 "for UTC (2026-02-10T14:30:00Z) or your offset (+02:00)",
                                 param_hint=f"'{option}'")
    return moment.astimezone(UTC).replace(microsecond=0)


def optional_instant(text: str | None, option: str) -> datetime | None:
    return instant(text, option) if text else None


def given_message(value: str | None, option: str = "--message") -> str | None:
    """The message as given ('-' reads standard input), without surrounding blank space."""
    if value is None:
        return None
    if value == "-":
        value = sys.stdin.read()
    value = value.replace("\r\n", "\n").strip()
    if not value:
        raise click.BadParameter("the message is empty", param_hint=f"'{option}'")
    return value


def one_line(value: str, option: str) -> str:
    value = value.strip()
    if not value or "\n" in value or "\r" in value:
        raise click.BadParameter("give a non-empty text on one line", param_hint=f"'{option}'")
    return value


def literal_choices(field: str) -> list[str]:
    """The values of a Literal field of Incident, for click.Choice."""
    values: list[str] = []
    for arg in get_args(Incident.model_fields[field].annotation):
        values += [v for v in get_args(arg) if isinstance(v, str)]
    return values


def known_severity(config: SitrepConfig, value: str) -> str:
    canonical = config.normalise_severity(value)
    if canonical is None:
        raise click.BadParameter(config.unknown_severity(value), param_hint="'--severity'")
    return canonical


def known_component(config: SitrepConfig, cid: str, today: date | None = None) -> str:
    """A configured component id; with ``today``, one not retired by then (retired ones are not offered)."""
    if config.component(cid) is None:
        raise click.BadParameter(config.unknown_component(cid), param_hint="'--component'")
    if today is not None and (retired := config.retired_component(cid, today)):
        raise click.BadParameter(retired, param_hint="'--component'")
    return cid


def component_impacts(config: SitrepConfig, specs: tuple[str, ...], impacts: tuple[str, ...] = IMPACTS,
                today: date | None = None) -> dict[str, str]:
    """``id=impact`` options -> {id: impact}; impacts may be abbreviated (partial, major…). With ``today``, a
    component retired by then is refused, but for ``operational`` (closing what an open incident left)."""
    result: dict[str, str] = {}
    for spec in specs:
        sep = "=" if "=" in spec else ":"
        cid, _, impact_text = spec.partition(sep)
        cid = known_component(config, cid.strip())
        impact = impact_text.strip().lower().replace("-", "_").replace(" ", "_")
        if today is not None and impact != "operational":
            cid = known_component(config, cid, today)
        matches = [i for i in impacts if i == impact] or [i for i in impacts if impact and i.startswith(impact)]
        if len(matches) != 1:
            what = f"{impact_text.strip()!r} is not an impact" if impact else "the impact is missing"
            raise click.BadParameter(f"{spec!r}: {what}; write {cid}=IMPACT with IMPACT one of: "
                                     f"{', '.join(impacts)}", param_hint="'--component'")
        if cid in result:
            raise click.BadParameter(f"{cid!r} is given twice", param_hint="'--component'")
        result[cid] = matches[0]
    return result


def template_options(func: _Fn) -> _Fn:
    """``--template NAME`` and ``--var KEY=VALUE``: a pre-written text from the portal's templates/."""
    func = click.option("--var", "variables", multiple=True, metavar="KEY=VALUE",
                        help="Value of a {{ KEY }} placeholder of the template; repeat for each.")(func)
    return click.option("--template", "template_name", metavar="NAME",
                        help="Take the text from templates/NAME.md (a pre-written incident).")(func)


def filled_template(root: Path, name: str, variables: tuple[str, ...]) -> FilledTemplate:
    """``templates/NAME.md`` with the --var values in; exit 2 listing every unfilled placeholder."""
    from sitrep.edit.incident_templates import fill

    values: dict[str, str] = {}
    for spec in variables:
        key, sep, value = spec.partition("=")
        if not sep or not key.strip():
            raise click.BadParameter(f"{spec!r}: write KEY=VALUE", param_hint="'--var'")
        values[key.strip()] = value.strip()
    diags = Diagnostics()
    filled = fill(root, name, values, diags)
    if filled is None or diags.has_errors:
        raise Refused(f"template {name!r} cannot be used as given; nothing written", diags.errors)
    print_notes(diags.warnings)
    return filled


def require_template(mkdocs_yml: str, template_name: str) -> None:
    """Exit 2 when ``--template`` names no template, even when --message makes its text unneeded."""
    from sitrep.edit.incident_templates import find

    root, _ = portal_config(mkdocs_yml)
    diags = Diagnostics()
    if find(root, template_name, diags) is None:
        raise Refused(f"template {template_name!r} cannot be used as given; nothing written", diags.errors)


def template_message(mkdocs_yml: str, template_name: str | None, variables: tuple[str, ...],
                      status: str) -> str | None:
    """The template's message for ``status`` (None without --template); exit 2 if it has none."""
    if not template_name:
        return None
    root, _ = portal_config(mkdocs_yml)
    filled = filled_template(root, template_name, variables)
    message = filled.messages.get(status)
    if not message:
        raise Refused(f"template {template_name!r} has no message for '{status}'; pass --message")
    return str(message)
