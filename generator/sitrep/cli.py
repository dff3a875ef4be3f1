"""The ``sitrep`` command: a thin adapter that turns library errors into exit codes."""

from __future__ import annotations

import dataclasses
import itertools
import json
import os
import sys
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, get_args

import click

from sitrep.model.clock import build_time
from sitrep.model.config import SitrepConfig, load_config, read_mkdocs_yml
from sitrep.model.diagnostics import Diagnostic, Diagnostics
from sitrep.model.exceptions import ConfigError, SitrepError
from sitrep.model.records import Incident
from sitrep.model.vocabulary import CLOSING_STATUS, IMPACTS, INCIDENT_STATUSES, MAINTENANCE_STATUSES, UPDATE_IMPACTS

if TYPE_CHECKING:  # imported where used: keeps `sitrep validate` quick to start
    from sitrep.edit.incident_templates import FilledTemplate

EXIT_INVALID = 1
EXIT_USAGE = 2


def _config(mkdocs_yml: str) -> tuple[Path, SitrepConfig]:
    path = Path(mkdocs_yml)
    config = load_config(path)
    return (path.parent / config.records_dir).resolve(), config


def _resolved_format(fmt: str) -> str:
    """``--format``, with ``auto`` made ``github`` under GitHub Actions and ``text`` elsewhere."""
    if fmt == "auto":
        return "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"
    return fmt


def _report(diags: Diagnostics, fmt: str, root: Path | None = None) -> None:
    fmt = _resolved_format(fmt)
    if root is not None:
        diags = diags.relative_to(_display_prefix(root))
    out = diags.render(fmt)  # type: ignore[arg-type]
    if out:
        click.echo(out)


def _display_prefix(root: Path) -> str:
    """Records' folder as seen from the working directory ('' when it is the working directory).

    Diagnostics name files relative to the records' folder; editors and GitHub
    annotations need them relative to where the command runs, when the records
    live below it. Records elsewhere keep their portal-relative names.
    """
    try:
        rel = os.path.relpath(root, Path.cwd())
    except ValueError:  # another drive on Windows
        return ""
    return "" if rel == "." or rel.startswith("..") else Path(rel).as_posix()


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


class _Boundary(click.Group):
    """The one place Sitrep's errors become messages and exit statuses, never tracebacks."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ConfigError as exc:  # already "mkdocs.yml:LINE: error: ..."
            click.echo(str(exc), err=True)
            ctx.exit(EXIT_USAGE)
        except SitrepError as exc:
            raise Refused(exc.message, exc.diagnostics) from None
        except BrokenPipeError:  # the reader of the output went away (`sitrep ... | head`): stop quietly
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            ctx.exit(1)
        except OSError as exc:  # a file or folder the command cannot read or write: what, and what to do
            from sitrep.model.files import describe_os_error

            raise Refused(describe_os_error(exc)) from None


@click.group(cls=_Boundary, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="sitrep")
def main() -> None:
    """Sitrep: incidents, status pages and postmortems as code."""


@main.command()
@config_option
@click.option("--format", "fmt", type=click.Choice(["auto", "text", "github", "json"]), default="auto",
              show_default=True, help="auto = github annotations too when GITHUB_ACTIONS=true.")
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@click.option("--jobs", "-j", type=int, default=None, help="Worker processes (default: all cores).")
@click.option("--no-cache", is_flag=True,
              help="Ignore and don't write .sitrep-cache/ (findings of unchanged files).")
@now_option
def validate(mkdocs_yml: str, fmt: str, strict: bool, jobs: int | None, no_cache: bool,
             now_text: str | None = None) -> None:
    """Check every record; print each problem as path:line: level: message.

    Exits 1 when there is an error (or a warning with --strict), 0 otherwise.
    Never writes to the records.
    """
    from sitrep.load.loader import validate_portal

    try:
        root, config = _config(mkdocs_yml)
    except ConfigError as exc:
        # The settings' problems in the format asked for: in a pull request, annotations on the lines
        # of mkdocs.yml; the plain lines go to stderr as for every command (exit 2).
        if _resolved_format(fmt) == "json":
            click.echo(Diagnostics(exc.findings).render("json"))
        elif _resolved_format(fmt) == "github":
            click.echo("\n".join(d.as_github() for d in Diagnostics(exc.findings)))
        raise
    cache = None if no_cache else Path(mkdocs_yml).parent / ".sitrep-cache"
    counted, diags = validate_portal(root, config, jobs=jobs, cache_dir=cache, now=_now(now_text))
    _report(diags, fmt, root)
    counts = ", ".join(f"{counted[kind]} {kind}{'' if counted[kind] == 1 else 's'}"
                       for kind in ("incident", "postmortem", "runbook"))
    if fmt != "json":
        click.echo(f"sitrep: {counts}; {diags.summary_line()}", err=True)
    if diags.has_errors or (strict and diags.warnings):
        sys.exit(EXIT_INVALID)


# --------------------------------------------------------------------------- writing records
#
# The commands below create and edit records. They never round-trip a file
# through a YAML dumper (see sitrep.edit.yaml_text), check the result with the same
# validation as `validate` before anything reaches the disk, and exit 2 with a
# message (and nothing written) when they cannot do what was asked.

_Fn = TypeVar("_Fn", bound=Callable[..., Any])
#: How far in the future an --at may lie before we warn (clock skew, typos).
_FUTURE_SLACK_SECONDS = 300


class Refused(click.ClickException):
    """The command cannot do what was asked; nothing was written. Exit status 2."""

    exit_code = EXIT_USAGE

    def __init__(self, message: str, diagnostics: list[Diagnostic] | tuple[Diagnostic, ...] = ()):
        details = "".join(f"\n  {d.as_text()}" for d in diagnostics)
        super().__init__(message + details)


def _now(now_text: str | None) -> datetime:
    """The current time in UTC, whole seconds: --now, else SOURCE_DATE_EPOCH, else the clock.

    Resolved once here and passed down, so a command uses one instant throughout
    and tests get reproducible files.
    """
    if now_text:
        return _instant(now_text, "--now")
    return build_time()


def _instant(text: str, option: str) -> datetime:
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


def _optional_instant(text: str | None, option: str) -> datetime | None:
    return _instant(text, option) if text else None


def _message(value: str | None, option: str = "--message") -> str | None:
    """The message as given ('-' reads standard input), without surrounding blank space."""
    if value is None:
        return None
    if value == "-":
        value = sys.stdin.read()
    value = value.replace("\r\n", "\n").strip()
    if not value:
        raise click.BadParameter("the message is empty", param_hint=f"'{option}'")
    return value


def _one_line(value: str, option: str) -> str:
    value = value.strip()
    if not value or "\n" in value or "\r" in value:
        raise click.BadParameter("give a non-empty text on one line", param_hint=f"'{option}'")
    return value


def _shown(path: Path) -> str:
    """``path`` relative to the working folder when it is inside it (what `git add` wants)."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return str(path)


def _choices(field: str) -> list[str]:
    """The values of a Literal field of Incident, for click.Choice."""
    values: list[str] = []
    for arg in get_args(Incident.model_fields[field].annotation):
        values += [v for v in get_args(arg) if isinstance(v, str)]
    return values


def _severity(config: SitrepConfig, value: str) -> str:
    canonical = config.normalise_severity(value)
    if canonical is None:
        raise click.BadParameter(config.unknown_severity(value), param_hint="'--severity'")
    return canonical


def _component_id(config: SitrepConfig, cid: str, today: date | None = None) -> str:
    """A configured component id; with ``today``, one not retired by then (retired ones are not offered)."""
    if config.component(cid) is None:
        raise click.BadParameter(config.unknown_component(cid), param_hint="'--component'")
    if today is not None and (retired := config.retired_component(cid, today)):
        raise click.BadParameter(retired, param_hint="'--component'")
    return cid


def _components(config: SitrepConfig, specs: tuple[str, ...], impacts: tuple[str, ...] = IMPACTS,
                today: date | None = None) -> dict[str, str]:
    """``id=impact`` options -> {id: impact}; impacts may be abbreviated (partial, major…). With ``today``, a
    component retired by then is refused, but for ``operational`` (closing what an open incident left)."""
    result: dict[str, str] = {}
    for spec in specs:
        sep = "=" if "=" in spec else ":"
        cid, _, impact_text = spec.partition(sep)
        cid = _component_id(config, cid.strip())
        impact = impact_text.strip().lower().replace("-", "_").replace(" ", "_")
        if today is not None and impact != "operational":
            cid = _component_id(config, cid, today)
        matches = [i for i in impacts if i == impact] or [i for i in impacts if impact and i.startswith(impact)]
        if len(matches) != 1:
            what = f"{impact_text.strip()!r} is not an impact" if impact else "the impact is missing"
            raise click.BadParameter(f"{spec!r}: {what}; write {cid}=IMPACT with IMPACT one of: "
                                     f"{', '.join(impacts)}", param_hint="'--component'")
        if cid in result:
            raise click.BadParameter(f"{cid!r} is given twice", param_hint="'--component'")
        result[cid] = matches[0]
    return result


def _print_notes(notes: list[Diagnostic]) -> None:
    for note in notes:
        click.echo(f"sitrep: warning: {note.message} [{note.code}]", err=True)


@main.group()
def new() -> None:
    """Create a record: an incident, a postmortem draft or a runbook."""


def _write_new(kind: str, root: Path, config: SitrepConfig, text: str, base_stem: str,
               day: date | None = None) -> tuple[str, Diagnostics]:
    """Write a new record under a free name (in ``day``'s folder for an incident); validate first;
    never overwrite a file.

    Returns the repository-relative path and the (warning-only) diagnostics.
    """
    from sitrep.edit.scaffold import create_file, unique_stem
    from sitrep.edit.updates import check_text
    from sitrep.load.discovery import discover, record_file

    taken = {Path(rel).stem for k, rel in discover(root) if k == kind}
    for _ in range(100):  # another declaration may take the name between the check and the write
        stem = unique_stem(base_stem, taken)
        rel = record_file(kind, stem, day)
        _record, _, diags = check_text(kind, rel, text, config)
        if diags.has_errors:
            raise Refused(f"the {kind} would not be valid; nothing written", diags.errors)
        try:
            create_file(root / rel, text)
            return rel, diags
        except FileExistsError:
            taken.add(stem)
    raise Refused("could not find a free file name; nothing written")  # pragma: no cover


def template_options(func: _Fn) -> _Fn:
    """``--template NAME`` and ``--var KEY=VALUE``: a pre-written text from the portal's templates/."""
    func = click.option("--var", "variables", multiple=True, metavar="KEY=VALUE",
                        help="Value of a {{ KEY }} placeholder of the template; repeat for each.")(func)
    return click.option("--template", "template_name", metavar="NAME",
                        help="Take the text from templates/NAME.md (a pre-written incident).")(func)


def _filled_template(root: Path, name: str, variables: tuple[str, ...]) -> FilledTemplate:
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
    _print_notes(diags.warnings)
    return filled


@new.command("incident")
@config_option
@template_options
@click.option("--title", help="Short public title: what customers notice. Required without --template.")
@click.option("--severity", "severity_text", metavar="SEV",
              help="Severity id from mkdocs.yml, e.g. SEV2; aliases such as P1 or sev-2 are accepted.")
@click.option("--component", "component_specs", multiple=True, metavar="ID=IMPACT",
              help="Affected component and its impact (degraded_performance, partial_outage, "
              "major_outage); repeat for each component.")
@click.option("--message", "message_text", metavar="TEXT",
              help="First public update ('-' reads standard input). Default: \"We are currently "
              "investigating <title>.\" and when the next update comes.")
@click.option("--started", "started_text", metavar="ISO",
              help="When customer impact began. Default: the earliest of --detected/--acknowledged, else --at.")
@click.option("--detected", "detected_text", metavar="ISO",
              help="When the team learnt of it. Default: --at when no time is given, else left out.")
@click.option("--acknowledged", "acknowledged_text", metavar="ISO",
              help="When a responder acknowledged it. Default: --at when no time is given, else left out.")
@click.option("--at", "at_text", metavar="ISO", help="When the first update is posted. Default: now.")
@click.option("--type", "type_", type=click.Choice(_choices("type")), help="Kind of incident.")
@click.option("--detection", type=click.Choice(_choices("detection")), help="How it was detected.")
@click.option("--commander", metavar="NAME", help="Incident commander (internal).")
@click.option("--tech-lead", metavar="NAME", help="Technical lead (internal).")
@click.option("--comms-lead", metavar="NAME", help="Communications lead (internal).")
@click.option("--scribe", metavar="NAME", help="Scribe (internal).")
@click.option("--visibility", type=click.Choice(["public", "internal"]), default="public", show_default=True,
              help="internal keeps the incident off the public status page.")
@now_option
def new_incident(mkdocs_yml: str, template_name: str | None, variables: tuple[str, ...], title: str | None,
                 severity_text: str | None, component_specs: tuple[str, ...],
                 message_text: str | None, started_text: str | None, detected_text: str | None,
                 acknowledged_text: str | None, at_text: str | None, type_: str | None,
                 detection: str | None, commander: str | None, tech_lead: str | None,
                 comms_lead: str | None, scribe: str | None, visibility: str, now_text: str | None) -> None:
    """Declare an incident: write incidents/YYYY/YYYY-MM-DD-<slug>.md and print its path.

    The file holds the timestamps, the affected components and a first
    'investigating' update. Example:

    \b
        sitrep new incident --title "Elevated error rates on the Public API" \\
          --severity SEV2 --component api=partial_outage   (ids from mkdocs.yml)
    """
    from sitrep.edit.scaffold import IncidentDraft, default_message, incident_stem, render_incident

    root, config = _config(mkdocs_yml)
    if template_name:
        filled = _filled_template(root, template_name, variables)
        title = title or filled.title
        severity_text = severity_text or filled.severity
        component_specs = component_specs or tuple(f"{cid}={impact}" for cid, impact in filled.components.items())
        message_text = message_text or filled.messages.get("investigating")
        type_ = type_ or filled.type  # type: ignore[assignment]
        detection = detection or filled.detection
    for option, given in (("--title", title), ("--severity", severity_text), ("--component", component_specs)):
        if not given:
            raise click.UsageError(f"Missing option '{option}' (or a --template that sets it).")
    assert title is not None and severity_text is not None
    now = _now(now_text)
    title = _one_line(title, "--title")
    severity = _severity(config, severity_text)
    components = _components(config, component_specs, today=now.astimezone(UTC).date())
    at = _optional_instant(at_text, "--at") or now
    started, detected, acknowledged, missing = _lifecycle_times(
        at, _optional_instant(started_text, "--started"), _optional_instant(detected_text, "--detected"),
        _optional_instant(acknowledged_text, "--acknowledged"))
    draft = IncidentDraft(
        title=title, severity=severity, components=components,
        message=_message(message_text) or default_message(title, config.severity(severity)),
        started=started, detected=detected, acknowledged=acknowledged,
        at=at, type=type_, detection=detection, visibility=visibility,
        roles={"commander": commander or "", "tech_lead": tech_lead or "", "comms_lead": comms_lead or "",
               "scribe": scribe or ""},
    )
    text = render_incident(draft)
    day = draft.started.date()
    rel, diags = _write_new("incident", root, config, text, incident_stem(day, title, "incident"), day)
    _print_notes(diags.warnings)
    if missing:
        click.echo(f"sitrep: note: {' and '.join(missing)} not recorded (only the times given are written); "
                   f"add {', '.join(f'{key}: YYYY-MM-DDTHH:MM:SSZ' for key in missing)} to the file when "
                   "known, so the reports can measure time to detect and acknowledge", err=True)
    if at.timestamp() > now.timestamp() + _FUTURE_SLACK_SECONDS:
        click.echo(f"sitrep: warning: the first update is dated in the future ({at.isoformat()})", err=True)
    click.echo(_shown(root / rel))


def _lifecycle_times(at: datetime, started: datetime | None, detected: datetime | None,
                     acknowledged: datetime | None) -> tuple[datetime, datetime | None, datetime | None, list[str]]:
    """started, detected, acknowledged for a new incident, and the names of those left out.

    With none given, the incident is declared as it happens: all three are
    ``at``. Otherwise only what is implied is filled in: ``started`` defaults to
    the earliest time given (impact began no later than it was noticed), and a
    detection or acknowledgement time not given is left out rather than guessed
    (a guess of "now" would put it after a mitigation that already happened).
    Raises ``click.BadParameter`` when the given times are out of order.
    """
    if started is None and detected is None and acknowledged is None:
        return at, at, at, []
    given = [(name, moment) for name, moment in (("--started", started), ("--detected", detected),
                                                  ("--acknowledged", acknowledged)) if moment is not None]
    for (a, ta), (b, tb) in itertools.pairwise(given):
        if tb < ta:
            raise click.BadParameter(f"{b} ({tb.isoformat()}) is before {a} ({ta.isoformat()}); the order is "
                                     "--started <= --detected <= --acknowledged", param_hint=f"'{b}'")
    if at < given[-1][1]:
        raise click.BadParameter(f"the first update (--at {at.isoformat()}) is before {given[-1][0]} "
                                 f"({given[-1][1].isoformat()}): pass --at with the time of the first "
                                 "public update", param_hint="'--at'")
    missing = [name for name, moment in (("detected", detected), ("acknowledged", acknowledged))
               if moment is None]
    return started or given[0][1], detected, acknowledged, missing


@new.command("from-issue")
@config_option
@click.argument("body_file", type=click.File("r", encoding="utf-8"), metavar="BODY_FILE")
@click.option("--at", "at_text", metavar="ISO", help="When the issue was filed (the first update). Default: now.")
@now_option
@click.pass_context
def new_from_issue(ctx: click.Context, mkdocs_yml: str, body_file: Any, at_text: str | None,
                   now_text: str | None) -> None:
    """Declare the incident a filed "Declare an incident" issue form describes (BODY_FILE, '-' for stdin).

    The declare workflow runs this on the issue body and opens a pull request with
    the record. A form with an empty field or a [placeholder] left in the message
    exits 2 with what to fix in the issue.
    """
    from sitrep.edit.issue_form import declared_incident

    form = declared_incident(body_file.read())
    ctx.invoke(new_incident, mkdocs_yml=mkdocs_yml, title=form.title, severity_text=form.severity,
               component_specs=tuple(f"{cid}={form.impact}" for cid in form.components),
               message_text=form.message, started_text=form.started, detected_text=None, acknowledged_text=None,
               at_text=at_text, type_=None, detection=None, commander=form.commander, tech_lead=None,
               comms_lead=None, scribe=None, visibility="public", now_text=now_text)


@new.command("maintenance")
@config_option
@click.option("--title", required=True, help="Short public title: what is being maintained.")
@click.option("--start", "start_text", required=True, metavar="ISO", help="Planned start, with a UTC offset.")
@click.option("--end", "end_text", required=True, metavar="ISO", help="Planned end, with a UTC offset.")
@click.option("--component", "component_ids", multiple=True, required=True, metavar="ID",
              help="Component under maintenance; repeat for each.")
@click.option("--message", "message_text", metavar="TEXT",
              help="First public notice ('-' reads standard input). Default: the window in words.")
@click.option("--at", "at_text", metavar="ISO", help="When the notice is posted. Default: now.")
@click.option("--visibility", type=click.Choice(["public", "internal"]), default="public", show_default=True,
              help="internal keeps it off the public status page.")
@now_option
def new_maintenance(mkdocs_yml: str, title: str, start_text: str, end_text: str, component_ids: tuple[str, ...],
                    message_text: str | None, at_text: str | None, visibility: str, now_text: str | None) -> None:
    """Schedule maintenance: write incidents/YYYY/YYYY-MM-DD-<slug>.md (kind: maintenance) and print its path.

    \b
        sitrep new maintenance --title "PostgreSQL 17 upgrade" --component database \\
          --start 2026-12-05T02:00:00Z --end 2026-12-05T04:00:00Z
    """
    from sitrep.edit.scaffold import default_maintenance_message, incident_stem, render_maintenance

    root, config = _config(mkdocs_yml)
    now = _now(now_text)
    title = _one_line(title, "--title")
    start, end = _instant(start_text, "--start"), _instant(end_text, "--end")
    if end <= start:
        raise Refused("--end must be after --start; nothing written")
    components = list(dict.fromkeys(_component_id(config, cid.strip(), now.astimezone(UTC).date())
                                    for cid in component_ids))
    message = _message(message_text) or default_maintenance_message(title, start, end)
    text = render_maintenance(title, start, end, components, message, _optional_instant(at_text, "--at") or now,
                              visibility)
    day = start.date()  # UTC (see _instant)
    rel, diags = _write_new("incident", root, config, text, incident_stem(day, title, "maintenance"), day)
    _print_notes(diags.warnings)
    click.echo(_shown(root / rel))


@new.command("postmortem")
@config_option
@click.option("--incident", "incident_ids", multiple=True, required=True, metavar="ID",
              help="Incident the postmortem covers (its file name without .md); repeat for several.")
@click.option("--author", "authors", multiple=True, metavar="NAME",
              help="Author; repeat for several. Default: the incident commander(s).")
@click.option("--title", metavar="TEXT", help="Default: \"Postmortem: <incident title>\".")
@click.option("--visibility", type=click.Choice(["internal", "public"]), default="internal", show_default=True,
              help="public shows it on the public incident page once published.")
@now_option
def new_postmortem(mkdocs_yml: str, incident_ids: tuple[str, ...], authors: tuple[str, ...],
                   title: str | None, visibility: str, now_text: str | None) -> None:
    """Draft a postmortem: write postmortems/YYYY-MM-DD-<slug>.md and print its path.

    The draft (status: draft) has the sections of the postmortem template, with
    the impact (duration, components, users affected), detection and a timeline
    of every lifecycle timestamp and status update prefilled from the incident.
    """
    from sitrep.edit.lookup import find_incident, postmortems_covering
    from sitrep.edit.scaffold import postmortem_stem, render_postmortem

    root, config = _config(mkdocs_yml)
    today: date = _now(now_text).date()
    incidents: list[Incident] = []
    for incident_id in dict.fromkeys(incident_ids):
        incidents.append(find_incident(root, config, incident_id)[1])
    names = [_one_line(a, "--author") for a in authors]
    if not names:
        names = list(dict.fromkeys(i.commander for i in incidents if i.commander))
    if not names:
        names = ["TBD"]
        click.echo("sitrep: note: no --author given and no incident commander known; wrote 'TBD'", err=True)
    title = _one_line(title, "--title") if title else f"Postmortem: {incidents[0].title}"
    text = render_postmortem(incidents, config, title=title, authors=names, today=today, visibility=visibility)
    existing = postmortems_covering(root, [i.id for i in incidents])
    rel, _ = _write_new("postmortem", root, config, text, postmortem_stem(incidents[0].id, today))
    for other in existing:
        click.echo(f"sitrep: note: {other} already covers this incident", err=True)
    open_ones = [i.id for i in incidents if not i.is_resolved]
    if open_ones:
        click.echo(f"sitrep: note: {', '.join(open_ones)} is not resolved yet; the timeline stops at its "
                   "latest update", err=True)
    _say_placeholders(rel, text)
    click.echo(_shown(root / rel))


def _say_placeholders(rel: str, text: str) -> None:
    """Tell, on stderr, where a new draft's [bracketed] placeholders are: ``sitrep validate`` lists them only
    once the postmortem is published (a draft may keep them), so the count must not send people there."""
    from sitrep.load.reader import read_record
    from sitrep.text.postmortem import template_placeholders

    record = read_record(rel, text.encode("utf-8"), Diagnostics())
    found = template_placeholders(record.body, record.body_line) if record is not None else []
    if found:
        lines = ", ".join(str(line) for line in dict.fromkeys(line for line, _ in found))
        click.echo(f"sitrep: {len(found)} [bracketed] placeholder(s) to fill in, on lines {lines} of {rel}; "
                   "a published postmortem may keep none (sitrep validate then lists any left)", err=True)


@new.command("runbook")
@config_option
@click.option("--title", required=True, help="What the runbook does, e.g. \"Restart the cache cluster\".")
@click.option("--component", "component_ids", multiple=True, metavar="ID",
              help="Component it applies to; repeat for several.")
@click.option("--owner", metavar="TEAM", help="Team or person who keeps it current. Default: TBD.")
@click.option("--review-every", type=click.IntRange(1, 3650), default=90, show_default=True,
              help="Days between reviews.")
@click.option("--visibility", type=click.Choice(["internal", "public"]), default="internal", show_default=True)
@now_option
def new_runbook(mkdocs_yml: str, title: str, component_ids: tuple[str, ...], owner: str | None,
                review_every: int, visibility: str, now_text: str | None) -> None:
    """Start a runbook: write runbooks/<slug>.md (reviewed today) and print its path.

    The skeleton has the sections every runbook needs: when to use, prerequisites,
    steps, verification, rollback and escalation.
    """
    from sitrep.edit.scaffold import render_runbook
    from sitrep.model.formatting import slugify

    root, config = _config(mkdocs_yml)
    today = _now(now_text).date()
    title = _one_line(title, "--title")
    components = list(dict.fromkeys(_component_id(config, c.strip()) for c in component_ids))
    text = render_runbook(title=title, components=components, owner=_one_line(owner, "--owner") if owner else None,
                          today=today, visibility=visibility, review_every=review_every)
    rel, _ = _write_new("runbook", root, config, text, slugify(title, fallback="runbook"))
    click.echo(_shown(root / rel))


def _post(mkdocs_yml: str, incident_id: str, status: str | None, message: str | None, at_text: str | None,
          mitigated_text: str | None, now_text: str | None, severity_text: str | None = None,
          component_specs: tuple[str, ...] = (), closing: bool = False) -> None:
    """Shared by update and resolve: append one update, print the file's path."""
    from sitrep.edit.lookup import find_incident
    from sitrep.edit.splice import NewUpdate
    from sitrep.edit.updates import post_update
    from sitrep.edit.yaml_text import format_timestamp

    root, config = _config(mkdocs_yml)
    now = _now(now_text)
    at = _optional_instant(at_text, "--at") or now
    mitigated = _optional_instant(mitigated_text, "--mitigated")
    rel, incident = find_incident(root, config, incident_id)
    if closing:
        status = CLOSING_STATUS[incident.kind]
    elif status is None:
        status = incident.status  # an escalation alone keeps the status
    if message is None:
        message = ("The scheduled maintenance has been completed." if incident.is_maintenance
                   else "This incident has been resolved.")
    severity = _severity(config, severity_text) if severity_text else None
    components = _components(config, component_specs, UPDATE_IMPACTS, today=now.astimezone(UTC).date())
    new = NewUpdate(at, status, message, severity, components)
    notes = post_update(root, rel, config, incident, new, mitigated)
    _print_notes(notes)
    if at.timestamp() > now.timestamp() + _FUTURE_SLACK_SECONDS:
        click.echo(f"sitrep: warning: the update is dated in the future ({format_timestamp(at)})", err=True)
    click.echo(_shown(root / rel))
    changed = [f"severity {severity}"] if severity else []
    changed += [f"{cid} {impact}" for cid, impact in components.items()]
    click.echo(f"sitrep: {incident.id}: {status} at {format_timestamp(at)}"
               + (f" ({', '.join(changed)})" if changed else ""), err=True)


@main.command()
@config_option
@click.argument("incident_id", metavar="ID")
@click.option("--status",
              type=click.Choice([*INCIDENT_STATUSES, *MAINTENANCE_STATUSES], case_sensitive=False),
              help="investigating, identified or monitoring (maintenance: scheduled, in_progress, "
              "verifying); resolved/completed work like 'sitrep resolve'. Default: the current status.")
@click.option("--message", "message_text", metavar="TEXT",
              help="The public message ('-' reads standard input). Required without --template.")
@click.option("--severity", "severity_text", metavar="SEV",
              help="Escalate or de-escalate: the severity from this update on (SEV1..SEV4).")
@click.option("--component", "component_specs", multiple=True, metavar="ID=IMPACT",
              help="Change the impact from this update on: degraded, partial, major, or operational once "
              "the component has recovered; a new component joins the incident. Repeatable.")
@click.option("--at", "at_text", metavar="ISO", help="When the update is posted. Default: now.")
@click.option("--mitigated", "mitigated_text", metavar="ISO",
              help="Also set mitigated: (when customer impact ended) if it is not set yet.")
@template_options
@now_option
def update(mkdocs_yml: str, incident_id: str, status: str | None, message_text: str | None,
           severity_text: str | None, component_specs: tuple[str, ...], at_text: str | None,
           mitigated_text: str | None, template_name: str | None, variables: tuple[str, ...],
           now_text: str | None) -> None:
    """Append a status update to incident ID (its file name without .md) and print the file's path.

    With --severity or --component the update also records an escalation, a
    de-escalation or a change of impact, shown on the incident page and in the
    feeds, and counted from then on by status, uptime and metrics. Only the new
    lines are added: comments, quoting, layout and the body stay as they are.
    Refuses (exit 2, file untouched) if the incident is already resolved or
    --at is earlier than the last update. With --template, the template's
    message for --status is used unless --message is given.
    """
    message = _message(message_text)
    if message is not None and template_name:
        _require_template(mkdocs_yml, template_name)
    if message is None and template_name:
        if status is None:
            raise click.UsageError("--template needs --status: the template holds one message per status.")
        message = _template_message(mkdocs_yml, template_name, variables, status.lower())
    if message is None:
        raise click.UsageError("Missing option '--message' (or a --template with a message for this status).")
    _post(mkdocs_yml, incident_id, status, message, at_text, mitigated_text, now_text,
          severity_text, component_specs)


@main.command()
@config_option
@click.argument("incident_id", metavar="ID")
@click.option("--message", "message_text", metavar="TEXT",
              help="The final public message ('-' reads standard input). Default: \"This incident has "
              "been resolved.\"")
@click.option("--at", "at_text", metavar="ISO", help="When it was resolved. Default: now.")
@click.option("--mitigated", "mitigated_text", metavar="ISO",
              help="When customer impact ended, if earlier and not set yet.")
@template_options
@now_option
def resolve(mkdocs_yml: str, incident_id: str, message_text: str | None, at_text: str | None,
            mitigated_text: str | None, template_name: str | None, variables: tuple[str, ...],
            now_text: str | None) -> None:
    """Resolve incident ID: append a 'resolved' update and set resolved:, print the file's path.

    For a maintenance record the update is 'completed'. Refuses (exit 2, file
    untouched) if it is already resolved or --at is earlier than the last update.
    With --template, the template's 'resolved' message is used unless --message is given.
    """
    message = _message(message_text)
    if message is not None and template_name:
        _require_template(mkdocs_yml, template_name)
    message = message or _template_message(mkdocs_yml, template_name, variables, "resolved")
    _post(mkdocs_yml, incident_id, None, message, at_text, mitigated_text, now_text, closing=True)


def _require_template(mkdocs_yml: str, template_name: str) -> None:
    """Exit 2 when ``--template`` names no template, even when --message makes its text unneeded."""
    from sitrep.edit.incident_templates import find

    root, _ = _config(mkdocs_yml)
    diags = Diagnostics()
    if find(root, template_name, diags) is None:
        raise Refused(f"template {template_name!r} cannot be used as given; nothing written", diags.errors)


def _template_message(mkdocs_yml: str, template_name: str | None, variables: tuple[str, ...],
                      status: str) -> str | None:
    """The template's message for ``status`` (None without --template); exit 2 if it has none."""
    if not template_name:
        return None
    root, _ = _config(mkdocs_yml)
    filled = _filled_template(root, template_name, variables)
    message = filled.messages.get(status)
    if not message:
        raise Refused(f"template {template_name!r} has no message for '{status}'; pass --message")
    return str(message)


@main.group("import")
def import_() -> None:
    """Import the history of another status page (Statuspage, cState, Upptime) as records."""


def _run_import(mkdocs_yml: str, source: str, read: Callable[[SitrepConfig], tuple[list[Any], Any]],
                table: str | None, dry_run: bool) -> None:
    """Shared by the importers: map components, write (or plan) the records, print the summary."""
    from sitrep.edit.importers.writing import component_mapping, write_imports

    root, config = _config(mkdocs_yml)
    found, incidents_for = read(config)
    mapping = component_mapping(source, found, config, Path(table) if table else None)
    if mapping is None:
        click.echo(f"sitrep: wrote the proposed component table to {table}: review it (and add the components "
                   "it marks to mkdocs.yml), then run the same command again", err=True)
        return
    summary = write_imports(root, config, source, incidents_for(mapping), dry_run=dry_run)
    click.echo(summary.render(dry_run), nl=False)


_TABLE_HELP = ("Component table (source component -> component id). If the file does not exist, the "
               "proposed table is written there for review and nothing else is done.")


@import_.command("statuspage")
@config_option
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--url", metavar="URL", help="Read the whole history from the Manage API: "
              "https://api.statuspage.io/v1/pages/PAGE_ID (key from STATUSPAGE_API_KEY).")
@click.option("--components", "table", metavar="FILE", help=_TABLE_HELP)
@click.option("--dry-run", is_flag=True, help="Print what would be written; write nothing.")
def import_statuspage(mkdocs_yml: str, paths: tuple[Path, ...], url: str | None, table: str | None,
                      dry_run: bool) -> None:
    """Import Statuspage incidents, maintenance and postmortems from JSON files (PATHS) or --url.

    PATHS are the public API's incidents.json / scheduled-maintenances.json, or
    pages of the Manage API's incidents list, or folders of them. Running it again
    adds what is new and never overwrites a record edited since.
    """
    from sitrep.edit.importers import statuspage

    if not paths and not url:
        raise Refused("give Statuspage JSON files or folders, or --url https://api.statuspage.io/v1/pages/PAGE_ID")

    def read(config: SitrepConfig) -> tuple[list[Any], Any]:
        objects = statuspage.read_files(list(paths)) + (statuspage.fetch_manage_api(url) if url else [])
        return (statuspage.source_components(objects),
                lambda mapping: statuspage.read_incidents(objects, mapping, config))

    _run_import(mkdocs_yml, "statuspage", read, table, dry_run)


@import_.command("cstate")
@config_option
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--timezone", "zone_name", default="UTC", show_default=True, metavar="ZONE",
              help="The time zone cState's times are written in (its Hugo site's timeZone).")
@click.option("--components", "table", metavar="FILE", help=_TABLE_HELP)
@click.option("--dry-run", is_flag=True, help="Print what would be written; write nothing.")
def import_cstate(mkdocs_yml: str, folder: Path, zone_name: str, table: str | None, dry_run: bool) -> None:
    """Import cState issues from its content/issues/ FOLDER."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    from sitrep.edit.importers import cstate

    try:
        zone = ZoneInfo(zone_name)
    except (ZoneInfoNotFoundError, ValueError):
        raise click.BadParameter(f"{zone_name!r} is not a time zone (e.g. UTC, Europe/Berlin)",
                                 param_hint="'--timezone'") from None

    def read(config: SitrepConfig) -> tuple[list[Any], Any]:
        pages = cstate.read_folder(folder)
        return (cstate.source_components(pages),
                lambda mapping: cstate.read_incidents(pages, mapping, config, zone))

    _run_import(mkdocs_yml, "cstate", read, table, dry_run)


@import_.command("upptime")
@config_option
@click.argument("upptimerc", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("issues", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--url", metavar="URL", help="Read the issues from GitHub instead: https://github.com/OWNER/REPO "
              "(token from GITHUB_TOKEN or GH_TOKEN).")
@click.option("--components", "table", metavar="FILE", help=_TABLE_HELP)
@click.option("--dry-run", is_flag=True, help="Print what would be written; write nothing.")
def import_upptime(mkdocs_yml: str, upptimerc: Path, issues: tuple[Path, ...], url: str | None, table: str | None,
                   dry_run: bool) -> None:
    """Import Upptime's incidents: its UPPTIMERC file's sites and the ISSUES its monitor opened.

    ISSUES are JSON files from `gh issue list --repo OWNER/REPO --state all --label
    status --limit 10000 --json number,title,body,labels,createdAt,closedAt,state,comments,url`
    (and the same with --label maintenance for scheduled maintenance), or --url.
    Each site becomes a component, each issue an incident (or maintenance). Running
    it again adds what is new and never overwrites a record edited since.
    """
    from sitrep.edit.importers import upptime

    if not issues and not url:
        raise Refused(f"give the issues: a JSON file from `{upptime.EXPORT_COMMAND}`, or --url "
                      "https://github.com/OWNER/REPO")

    def read(config: SitrepConfig) -> tuple[list[Any], Any]:
        sites = upptime.read_sites(upptimerc)
        found = upptime.read_files(list(issues)) + (upptime.fetch_issues(url) if url else [])
        upptime.check_sources(found, sites)
        return (upptime.source_components(sites),
                lambda mapping: upptime.read_incidents(found, sites, mapping, config))

    _run_import(mkdocs_yml, "upptime", read, table, dry_run)


@main.command()
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

    _, config = _config(mkdocs_yml)
    click.echo(json.dumps(json_schema(config, kind), indent=2, ensure_ascii=False))


def _load_or_exit(root: Path, config: SitrepConfig) -> Any:
    from sitrep.load.loader import load_portal

    portal, diags = load_portal(root, config)
    if diags.has_errors:
        _report(diags, "auto", root)
        click.echo(f"sitrep: {diags.summary_line()}; fix the records first", err=True)
        sys.exit(EXIT_INVALID)
    return portal


@main.command()
@config_option
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False),
              help="Folder to write the generated pages (Markdown) and files into.")
@click.option("--audience", type=click.Choice(["public", "internal"]), default=None,
              help="Edition to generate (default: the audience in mkdocs.yml).")
@click.option("--theme-dir", type=click.Path(file_okay=False), default=None,
              help="Also write Sitrep's theme files (status page template, page head, CSS, JS) into this "
                   "folder, to use as the engine's theme custom_dir.")
@click.option("--html-links", type=click.Choice(["source", "page"]), default="source", show_default=True,
              help="Write the relative links of the pages' inline HTML from each page's Markdown file, as Zensical "
                   "reads them (source), or from its URL, for engines that leave inline HTML alone (page).")
@click.option("--edition-config", type=click.Path(dir_okay=False), default=None,
              help="Also write this file: a configuration that inherits the engine's settings from mkdocs.yml in "
                   "its folder and sets the navigation of the generated edition (`zensical build -f FILE`).")
@now_option
def generate(mkdocs_yml: str, out_dir: str, audience: str | None, theme_dir: str | None, html_links: str,
             edition_config: str | None, now_text: str | None) -> None:
    """Write the generated pages and files to a folder, for engines without MkDocs plugins.

    The pages are Markdown with front matter and the HTML inline, the files
    (feeds, JSON API, badges, calendar) are ready to serve. Use the folder as
    another engine's docs folder (e.g. Zensical), build, then run `sitrep
    sanitize SITE_DIR` on the built site: the engine renders record bodies'
    raw HTML as written.
    """
    from sitrep.model.files import write_atomically, write_tree
    from sitrep.render.page import links_from_source
    from sitrep.render.site import build_site

    root, config = _config(mkdocs_yml)
    if audience:
        config = config.model_copy(update={"audience": audience})
    if edition_config:
        _check_engine_settings(Path(edition_config).parent / "mkdocs.yml")
    portal = _load_or_exit(root, config)
    output = build_site(portal, _now(now_text))
    out = Path(out_dir)
    page_text = links_from_source if html_links == "source" else (lambda page: page.text)
    written = write_tree(out, [(p.path, page_text(p).encode()) for p in output.pages] + list(output.files.items()))
    click.echo(f"sitrep: wrote {written} files to {out}", err=True)
    if edition_config:
        write_atomically(Path(edition_config), output.engine_config("mkdocs.yml").encode("utf-8"))
        click.echo(f"sitrep: wrote the {config.audience} edition's navigation to {edition_config} "
                   "(it inherits mkdocs.yml beside it)", err=True)
    if not config.allow_raw_html:
        click.echo("sitrep: after the engine's build, run `sitrep sanitize SITE_DIR`: it renders record bodies' "
                   "raw HTML as written", err=True)
    if theme_dir:
        from sitrep.render.templating import THEME_DIR, THEME_PLUGIN_ONLY, theme_file_for_engine

        theme_files = [rel for rel in (p.relative_to(THEME_DIR).as_posix() for p in sorted(THEME_DIR.rglob("*"))
                                       if p.is_file()) if rel not in THEME_PLUGIN_ONLY]
        count = write_tree(Path(theme_dir), ((rel, theme_file_for_engine(rel, (THEME_DIR / rel).read_bytes()))
                                             for rel in theme_files))
        click.echo(f"sitrep: wrote {count} theme files to {theme_dir}", err=True)


def _check_engine_settings(base: Path) -> None:
    """The engine settings an edition config inherits exist and leave the navigation to Sitrep."""
    settings = read_mkdocs_yml(base, "not found: the file --edition-config writes inherits the engine's settings "
                                     "(theme, Markdown extensions, docs_dir) from mkdocs.yml in its folder; write "
                                     "them there, without the sitrep plugin and without nav (see the README, Zensical)")
    if "nav" in settings:
        text = base.read_text(encoding="utf-8")
        line = next((n for n, row in enumerate(text.splitlines(), 1) if row.startswith("nav:")), 1)
        raise ConfigError(str(base), line, "remove 'nav:': with --edition-config the navigation comes from "
                          "`sitrep generate`, which knows the sections this edition publishes")


@main.command()
@config_option
@click.argument("site_dir", type=click.Path(file_okay=False))
def sanitize(mkdocs_yml: str, site_dir: str) -> None:
    """Make the record bodies of a site built from `sitrep generate` output inert, in place.

    Run it after an engine without MkDocs plugins (Zensical) built SITE_DIR: it
    cleans each page's record bodies as the MkDocs plugin does (no scripts,
    event handlers or javascript: links), or with `allow_raw_html: true` in
    mkdocs.yml only removes Sitrep's markers. Pages without bodies are not touched.
    """
    from sitrep.render.sanitize import sanitize_built_site

    _, config = _config(mkdocs_yml)
    changed = sanitize_built_site(Path(site_dir), allow_raw_html=config.allow_raw_html)
    verb = "unwrapped" if config.allow_raw_html else "sanitised"
    click.echo(f"sitrep: {verb} the record bodies of {changed} page{'' if changed == 1 else 's'} in {site_dir}",
               err=True)


@main.command()
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

    root, config = _config(mkdocs_yml)
    if component is not None and config.component(component) is None:
        raise click.BadParameter(config.unknown_component(component), param_hint="'--component'")
    portal = _load_or_exit(root, config)
    now = _now(now_text)
    start = now - timedelta(days=days) if days else None
    metrics = compute_metrics(portal, now, window_start=start, component=component)
    if as_json:
        click.echo(json.dumps(metrics.to_json(), indent=2, sort_keys=True))
    else:
        click.echo(render_text(metrics))


@main.command()
@config_option
@click.option("--base", required=True, metavar="REV", help="Git revision to compare with, e.g. origin/main.")
@click.option("--format", "fmt", type=click.Choice(["markdown", "text"]), default="text", show_default=True,
              help="markdown for a GitHub job summary.")
@now_option
def preview(mkdocs_yml: str, base: str, fmt: str, now_text: str | None) -> None:
    """Summarise what the working tree changes on the public status page compared with REV.

    Lists incidents declared, updated and resolved, the overall status before
    and after, new postmortems, warnings and every validation problem. Exits 1
    when the working tree has invalid records (the summary is printed anyway).
    """
    import tempfile

    from sitrep.derive.state import portal_state
    from sitrep.load.git_revision import export_revision
    from sitrep.load.loader import load_portal
    from sitrep.render.preview import compare, render

    root, config = _config(mkdocs_yml)
    now = _now(now_text)
    head, head_diags = load_portal(root, config, now=now)
    with tempfile.TemporaryDirectory(prefix="sitrep-base-") as tmp:
        export_revision(root, base, Path(tmp))
        base_portal, base_diags = load_portal(Path(tmp), config, now=now)
    summary = compare(portal_state(base_portal, now), portal_state(head, now), head_diags, base_diags)
    click.echo(render(summary, markdown=fmt == "markdown"), nl=False)
    if head_diags.has_errors:
        sys.exit(EXIT_INVALID)


@main.command()
@config_option
@click.option("--dry-run", is_flag=True, help="Print what would be sent; send and record nothing.")
@click.option("--ledger", "ledger_path", type=click.Path(dir_okay=False), default=None,
              help="The ledger of sent events. Default: notify.ledger in mkdocs.yml (.sitrep-notify/ledger.json).")
@click.option("--channel", "only", multiple=True, metavar="NAME", help="Only this channel; repeat for several.")
@click.option("--skip", "skip", multiple=True, metavar="EVENT_ID",
              help="Never send this event (one a channel cannot take: a bad address, a revoked webhook); record it "
                   "'dropped' on the channels it holds back (or those named with --channel), then send the rest.")
@click.option("--status", "status", is_flag=True, help="List the events holding back a channel; send nothing.")
@now_option
def notify(mkdocs_yml: str, dry_run: bool, ledger_path: str | None, only: tuple[str, ...],
           skip: tuple[str, ...], status: bool, now_text: str | None) -> None:
    """Tell the configured channels what changed: alerts, updates, reminders, customer emails.

    Derives the events of the records (declared, updated, severity or impact
    changed, resolved, maintenance, postmortem published, overdue updates), sends
    each new one once to every channel that wants it (Apprise URL from the
    channel's environment variable) and records it in the ledger. A failed
    delivery is retried by the next run, and the channel's later events wait for
    it (in order); one that can never be delivered is dropped with --skip.
    Exits 1 when a delivery failed.
    """
    import contextlib

    from sitrep.edit.notify import Ledger, locked, skip_command
    from sitrep.edit.notify import run as run_notify

    root, config = _config(mkdocs_yml)
    config = config.model_copy(update={"audience": "internal"})
    base = Path(mkdocs_yml).parent
    unknown = [name for name in only if name not in {c.name for c in config.notify.channels}]
    if unknown:
        raise Refused(f"no notify channel named {', '.join(map(repr, unknown))} in {mkdocs_yml}")
    if not config.notify.channels:
        click.echo(f"sitrep: no notify channels in {mkdocs_yml} (plugins → sitrep → notify → channels); "
                   "nothing to do", err=True)
        return
    path = Path(ledger_path) if ledger_path else base / config.notify.ledger
    if status:
        stuck = [s for s in Ledger.load(path).stuck() if not only or s.channel in only]
        for one in stuck:
            click.echo(f"{one.channel}: {one.event_id} failed {one.attempts} time(s) since {one.since}: {one.error}\n"
                       f"  the channel's later events wait for it; if it can never be delivered: "
                       f"{skip_command(one.event_id)}")
        if not stuck:
            click.echo("no channel is held back by a failed delivery")
        return
    now = _now(now_text)
    portal = _load_or_exit(root, config)
    with contextlib.nullcontext() if dry_run else locked(path):  # a dry run writes nothing, not even a lock
        ledger = Ledger.load(path)
        report = run_notify(portal, now, ledger, environ=os.environ, dry_run=dry_run, only=only, skip=skip,
                            templates_dir=base / config.notify.templates_dir)
    for outcome in report.outcomes:
        if dry_run and outcome.message is not None:
            click.echo(f"--- {outcome.channel}: {outcome.event.id}")
            click.echo(outcome.message.title)
            click.echo("")
            click.echo(outcome.message.body)
        elif outcome.action in ("sent", "failed", "deferred", "dropped"):
            detail = f": {outcome.detail}" if outcome.action in ("failed", "deferred", "dropped") else ""
            click.echo(f"sitrep: notify: {outcome.channel}: {outcome.action} {outcome.event.id}{detail}", err=True)
    for outcome in (o for o in report.outcomes if o.action == "failed"):
        waiting = sum(o.action == "deferred" and o.channel == outcome.channel for o in report.outcomes)
        held = (f" holds back {waiting} later event(s) of the channel (they go out in order, after it);" if waiting
                else " failed;")
        click.echo(f"sitrep: notify: {outcome.channel}: {outcome.event.id}{held} the next run retries it. A wrong "
                   "destination (a bad address, a revoked webhook): correct the channel's Apprise URL. A message "
                   "that can never be "
                   f"delivered: skip it with {skip_command(outcome.event.id)} (GitHub: Actions → Send "
                   "notifications → Run workflow, skip: the event id); it is never sent", err=True)
    for problem in report.problems:
        click.echo(f"sitrep: warning: {problem}", err=True)
    verb = "would send" if dry_run else "sent"
    counts = report.count("would-send" if dry_run else "sent")
    click.echo(f"sitrep: notify: {verb} {counts}, failed {report.count('failed')}, "
               f"not sent (filtered, covered or too old) "
               f"{report.count('skipped') + report.count('covered') + report.count('expired')}"
               + (f", dropped {report.count('dropped')}" if report.count("dropped") else ""), err=True)
    if report.failed:
        sys.exit(EXIT_INVALID)
# --- setting up a portal -------------------------------------------------------------------

def _ask_components() -> list[str]:
    """Components asked for one by one on a terminal (an empty id ends the list)."""
    click.echo("Components customers see on the status page; an empty id ends the list.")
    specs: list[str] = []
    while True:
        cid = click.prompt("Component id (e.g. api)", default="", show_default=False).strip()
        if not cid:
            return specs
        name = click.prompt("  Display name", default=cid.replace("-", " ").capitalize())
        specs.append(f"{cid}={name}")


def _print_outcome(root: Path, outcome: Any, action: str) -> None:
    for path in outcome.written:
        click.echo(f"wrote {_shown(root / path)}")
    for path in outcome.updated:
        click.echo(f"{action} {_shown(root / path)}")
    for path in outcome.kept:
        click.echo(f"kept {_shown(root / path)}: it exists; not overwritten (`sitrep sync` refreshes its "
                   "generated parts, if it has them)")
    for path in outcome.unmarked:
        click.echo(f"skipped {_shown(root / path)}: it has no sitrep:begin/sitrep:end regions, so nothing in it "
                   "is generated; keep it current by hand, or delete it and run `sitrep init` to get one")


@main.command()
@click.argument("directory", default=".", type=click.Path(file_okay=False))
@click.option("--component", "component_specs", multiple=True, metavar='ID="NAME"',
              help='A component customers see, e.g. --component api="Public API". Repeat for each; asked for '
                   "on a terminal when none is given.")
@click.option("--name", "site_name", default="Status", show_default=True, help="The site's name (site_name).")
@click.option("--url", "site_url", default="https://status.example.com/", show_default=True,
              help="Where the public edition will be published (site_url).")
@now_option
def init(directory: str, component_specs: tuple[str, ...], site_name: str, site_url: str,
         now_text: str | None) -> None:
    """Create a portal in DIRECTORY (default: here), empty or an existing repository.

    Writes mkdocs.yml with the components, empty incidents/, postmortems/ and
    runbooks/, requirements.txt, the PR, publish and declare workflows, the issue forms,
    the PR template and CONTRIBUTING.md for responders. Files that exist are
    kept and named, never overwritten.
    """
    from sitrep.edit.init import PortalSettings, advice_on_kept, init_portal, new_config, sitrep_requirement

    root = Path(directory)
    if not component_specs and sys.stdin.isatty():
        component_specs = tuple(_ask_components())
    config = new_config(component_specs, site_name, site_url)
    root.mkdir(parents=True, exist_ok=True)
    # The portal has the scenario templates: init writes them (or keeps the team's own).
    settings = dataclasses.replace(PortalSettings.of(config, since=_now(now_text).date(), root=root),
                                   incident_templates=True)
    outcome = init_portal(root, settings)
    _print_outcome(root, outcome, "updated")
    todo = advice_on_kept(root, settings, outcome)
    if "requirements.txt" in outcome.written and sitrep_requirement() is None:
        todo.append("requirements.txt has no line installing Sitrep: this Sitrep was installed from a file on "
                    "this machine, which the workflows cannot reach. Add the line that installs it from where "
                    "your team keeps it (examples in the file)")
    for item in todo:
        click.echo(f"\nsitrep: to do: {item}", err=True)
    click.echo(f"\nNext: {'do the above, then ' if todo else ''}commit these files, then see CONTRIBUTING.md to "
               "declare an incident; `mkdocs serve` previews the site. After changing the components in "
               "mkdocs.yml, run `sitrep sync`.")


@main.command()
@config_option
@click.option("--check", is_flag=True, help="Change nothing; exit 1 if a generated part is out of date (for CI).")
def sync(mkdocs_yml: str, check: bool) -> None:
    """Regenerate the parts of the portal's files that repeat mkdocs.yml.

    The component ids and severity levels in the issue forms, the PR template and
    CONTRIBUTING.md sit between sitrep:begin/sitrep:end marker lines; this
    rewrites only those regions, from the settings in mkdocs.yml.
    """
    from sitrep.edit.init import PortalSettings, sync_portal

    path = Path(mkdocs_yml)
    _, config = _config(mkdocs_yml)
    root = path.parent
    outcome = sync_portal(root, PortalSettings.of(config, root=root), write=not check)
    _print_outcome(root, outcome, "out of date:" if check else "updated")
    if check and outcome.updated:
        click.echo("sitrep: the files above repeat an older mkdocs.yml: run `sitrep sync` and commit", err=True)
        sys.exit(EXIT_INVALID)
    if not outcome.updated:
        click.echo(f"sitrep: {len(outcome.current)} file(s) already match mkdocs.yml")


@main.command("check-links")
@config_option
@click.argument("sites", nargs=-1, required=True, type=click.Path(exists=True, file_okay=False))
def check_links(mkdocs_yml: str, sites: tuple[str, ...]) -> None:
    """Check built sites (e.g. site/ site-internal/): every internal link, asset and #fragment resolves."""
    from urllib.parse import urlsplit

    from sitrep.render.linkcheck import broken_links

    _, config = _config(mkdocs_yml)
    root_path = urlsplit(config.site_url).path or "/"
    broken = 0
    for site in sites:
        for link in broken_links(Path(site), root_path if root_path.endswith("/") else root_path + "/"):
            click.echo(f"{Path(site).as_posix()}/{link.as_text()}")
            broken += 1
    if broken:
        click.echo(f"sitrep: {broken} broken link(s)", err=True)
        sys.exit(EXIT_INVALID)
    click.echo(f"sitrep: no broken link in {', '.join(sites)}")
