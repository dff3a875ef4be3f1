"""Set up a portal (``sitrep init``) and keep its generated parts current (``sitrep sync``).

A portal is content: ``mkdocs.yml`` (the components and settings), the record
folders, the GitHub workflows, issue forms, pull request template and the
responders' CONTRIBUTING. The documents are Jinja templates in
``templates/init/``. Everything in them that repeats the configuration (the
component ids, the severity levels and their cadences) sits between marker
lines::

    <!-- sitrep:begin severities -->   (Markdown, and Markdown inside YAML block scalars)
    # sitrep:begin component-options   (YAML)
    ...
    # sitrep:end component-options

``sitrep sync`` renders the templates from the current ``mkdocs.yml`` and
replaces only those regions in the portal's files; the text around them is the
team's to edit and is never touched. So the component list is written by hand
in one file, ``mkdocs.yml``, and generated everywhere else.

Nothing here overwrites a file that exists: ``init`` writes the missing ones and
names the ones it kept.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any

import jinja2
from pydantic import ValidationError

from sitrep.load.discovery import RECORD_FOLDERS
from sitrep.model.clock import build_time
from sitrep.model.config import Component, SitrepConfig, plugin_options, read_mkdocs_yml
from sitrep.model.exceptions import SitrepError
from sitrep.model.files import write_atomically
from sitrep.model.formatting import format_duration, slugify

#: Regions: a begin line, anything, the end line of the same name. Markers are HTML comments
#: (Markdown) or ``#`` comments (YAML), indented like the lines around them.
REGION = re.compile(
    r"^(?P<begin>[ \t]*(?:<!--|#)[ \t]*sitrep:begin[ \t]+(?P<name>[\w-]+)[^\n]*\n)"
    r"(?P<body>.*?)"
    r"^(?P<end>[ \t]*(?:<!--|#)[ \t]*sitrep:end[ \t]+(?P=name)\b[^\n]*(?:\n|\Z))",
    re.M | re.S,
)
COMPONENT_SPEC = re.compile(r"^(?P<id>[a-z0-9][a-z0-9-]*)(?:=(?P<name>.+))?$")


@dataclass(frozen=True)
class Document:
    """One file of a new portal: where it goes and the template it comes from (None: empty)."""

    path: str
    template: str | None


#: The pre-written incidents a new portal starts with (``templates/NAME.md``).
INCIDENT_TEMPLATES = ("database-outage", "payment-failures", "security-incident", "service-degradation")

#: Every file ``sitrep init`` writes, in the order it reports them.
DOCUMENTS: tuple[Document, ...] = (
    Document("mkdocs.yml", "mkdocs.yml"),
    Document("requirements.txt", "requirements.txt"),
    Document(".gitignore", "gitignore"),
    Document("CONTRIBUTING.md", "CONTRIBUTING.md"),
    Document(".github/pull_request_template.md", "github/pull_request_template.md"),
    Document(".github/ISSUE_TEMPLATE/config.yml", "github/ISSUE_TEMPLATE/config.yml"),
    Document(".github/ISSUE_TEMPLATE/declare-incident.yml", "github/ISSUE_TEMPLATE/declare-incident.yml"),
    Document(".github/ISSUE_TEMPLATE/update-incident.yml", "github/ISSUE_TEMPLATE/update-incident.yml"),
    Document(".github/workflows/pr.yml", "github/workflows/pr.yml"),
    Document(".github/workflows/publish.yml", "github/workflows/publish.yml"),
    Document(".github/workflows/notify.yml", "github/workflows/notify.yml"),
    Document(".github/workflows/declare.yml", "github/workflows/declare.yml"),
    # The procedures' common scenarios, for `sitrep new incident --template NAME`.
    *(Document(f"templates/{name}.md", f"templates/{name}.md") for name in INCIDENT_TEMPLATES),
    *(Document(f"{folder}/.gitkeep", None) for folder in RECORD_FOLDERS.values()),
    Document("docs/.gitkeep", None),
)


class InitError(SitrepError):
    """Bad input to ``sitrep init`` (a message for the user, no traceback)."""


def parse_component(spec: str) -> Component:
    """``id="Display name"`` (or a bare ``id``) -> Component; raises InitError with the fix."""
    match = COMPONENT_SPEC.match(spec.strip())
    if match is None:
        raise InitError(f"--component {spec!r}: write id=\"Name\", the id in lowercase letters, digits and "
                        "dashes, e.g. --component api=\"Public API\"")
    name = (match.group("name") or "").strip().strip("\"'").strip()
    return Component(id=match.group("id"), name=name or match.group("id").replace("-", " ").capitalize())


def new_config(specs: Sequence[str], site_name: str, site_url: str) -> SitrepConfig:
    """The settings of a new portal from ``--component`` specs; InitError says what to fix."""
    components = [parse_component(spec) for spec in specs]
    if not components:
        raise InitError('name the components customers see: --component id="Name" (repeat it for each)')
    try:
        return SitrepConfig(site_name=site_name, site_url=site_url, components=components)
    except ValidationError as exc:
        problems = "; ".join(str(e["msg"]).removeprefix("Value error, ") for e in exc.errors())
        raise InitError(f"--component: {problems}") from None


def yaml_str(value: str) -> str:
    """A YAML scalar that reads back as exactly ``value`` (JSON strings are YAML)."""
    return json.dumps(value, ensure_ascii=False)


def table_cell(value: str) -> str:
    """Text safe inside a Markdown table cell."""
    return " ".join(value.split()).replace("|", "\\|")


def sitrep_version() -> str:
    """The installed Sitrep's version, named in a new portal's requirements.txt."""
    try:
        return metadata.version("sitrep")
    except metadata.PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "0.1.0"


def requirement_from_direct_url(info: dict[str, Any]) -> str | None:
    """The requirement installing the Sitrep that PEP 610's ``direct_url.json`` describes; None if a workflow can't.

    A git (or other VCS) URL gives ``sitrep @ git+URL@COMMIT``, an archive's web address
    ``sitrep @ URL`` with its hash; a file or folder on this machine is out of a workflow's
    reach. Never a bare ``sitrep``: that name on PyPI is another project.
    """
    url = str(info.get("url", ""))
    if not url or url.startswith("file:"):
        return None
    vcs = info.get("vcs_info")
    if isinstance(vcs, dict) and vcs.get("vcs") and vcs.get("commit_id"):
        return f"sitrep @ {vcs['vcs']}+{url}@{vcs['commit_id']}"
    archive = info.get("archive_info")
    if isinstance(archive, dict):
        hashes = archive.get("hashes") or {}
        return f"sitrep @ {url}" + (f"#sha256={hashes['sha256']}" if "sha256" in hashes else "")
    return None


def sitrep_requirement() -> str | None:
    """The requirements.txt line that installs this very Sitrep in a portal's workflows (None: none can)."""
    try:
        text = metadata.distribution("sitrep").read_text("direct_url.json")
    except metadata.PackageNotFoundError:  # pragma: no cover - running from a source tree
        return None
    if not text:  # installed from an index: which one is not recorded
        return None
    try:
        return requirement_from_direct_url(json.loads(text))
    except ValueError:
        return None


@cache
def _env() -> jinja2.Environment:
    # Square-bracket delimiters: the workflows are full of GitHub's ${{ }} expressions.
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("sitrep.edit", "templates/init"),
        variable_start_string="[[", variable_end_string="]]",
        block_start_string="[%", block_end_string="%]",
        comment_start_string="[#", comment_end_string="#]",
        trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined, autoescape=False,
    )
    env.filters["yaml"] = yaml_str
    env.filters["cell"] = table_cell
    env.filters["duration"] = format_duration
    env.filters["slug"] = slugify
    return env


@dataclass(frozen=True)
class PortalSettings:
    """What the documents are rendered from: the portal's configuration, its first day, and
    whether it is Sitrep's own repository (whose PR workflow also runs the tool's test suite)."""

    config: SitrepConfig
    since: date | None = None
    develop: bool = False
    #: The portal has pre-written incident texts (templates/NAME.md for `sitrep new incident --template`).
    incident_templates: bool = False
    #: The day the documents are for: components retired by then are not offered to responders.
    today: date = field(default_factory=lambda: build_time().date())

    @classmethod
    def of(cls, config: SitrepConfig, since: date | None = None, develop: bool = False,
           root: Path | None = None) -> PortalSettings:
        """Settings for the portal whose mkdocs.yml holds ``config`` (in ``root``, if it exists yet)."""
        templates = root is not None and any((root / "templates").glob("*.md"))
        return cls(config, since or config.since, develop, templates)

    def context(self) -> dict[str, Any]:
        """The values the portal's file templates (CONTRIBUTING.md, workflows, mkdocs.yml) are filled with."""
        config = self.config
        listed = config.listed_components(self.today) or config.components
        return {
            "site_name": config.site_name, "site_url": config.site_url, "components": listed,
            "severities": config.severities, "example": listed[0],
            "example_severity": config.severities[min(1, len(config.severities) - 1)],
            "since": self.since, "version": sitrep_version(), "requirement": sitrep_requirement(),
            "develop": self.develop,
            "incident_templates": self.incident_templates, "notify": bool(config.notify.channels),
        }


def render_documents(settings: PortalSettings) -> dict[str, str]:
    """Every document of a portal with these settings: path -> text."""
    context = settings.context()
    return {doc.path: (_env().get_template(doc.template).render(**context) if doc.template else "")
            for doc in DOCUMENTS}


def regions(text: str) -> dict[str, str]:
    """The generated regions of a file: name -> the region, marker lines included."""
    return {m.group("name"): m.group(0) for m in REGION.finditer(text)}


def refresh_regions(current: str, fresh: str) -> str:
    """``current`` with each region replaced by the same-named one of ``fresh``; the rest untouched."""
    new = regions(fresh)

    def swap(match: re.Match[str]) -> str:
        replacement = new.get(match.group("name"))
        if replacement is None:
            return match.group(0)
        if not match.group(0).endswith("\n"):
            replacement = replacement.removesuffix("\n")
        return replacement

    return REGION.sub(swap, current)


@dataclass
class Outcome:
    """What a command did to each file, for the report the CLI prints."""

    written: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    current: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    unmarked: list[str] = field(default_factory=list)


def init_portal(root: Path, settings: PortalSettings) -> Outcome:
    """Write every document that does not exist yet under ``root``; keep (and name) the others."""
    outcome = Outcome()
    for path, text in render_documents(settings).items():
        try:
            write_atomically(root / path, text.encode("utf-8"), exclusive=True)
        except FileExistsError:
            outcome.kept.append(path)
            continue
        outcome.written.append(path)
    return outcome


def advice_on_kept(root: Path, settings: PortalSettings, outcome: Outcome) -> list[str]:
    """What a team must still do by hand in the files ``init`` kept (an existing repository's own).

    Their ``mkdocs.yml`` needs the ``sitrep`` plugin entry (every command and the build
    read it): the advice quotes the one ``init`` would have written. Their ``.gitignore``
    needs the built sites and the notification ledger, which must never be committed.
    """
    fresh = render_documents(settings)
    advice = []
    if "mkdocs.yml" in outcome.kept:
        try:
            has_entry = plugin_options(read_mkdocs_yml(root / "mkdocs.yml", "")) is not None
        except SitrepError:
            has_entry = False
        if not has_entry:
            generated = fresh["mkdocs.yml"]
            section = generated[generated.index("\nplugins:\n") + 1:]
            advice.append("mkdocs.yml has no 'sitrep' entry under 'plugins', which every sitrep command and the "
                          "build read: merge in this section (and the theme and markdown_extensions of a new "
                          "portal's mkdocs.yml, `sitrep init` in an empty folder), then run `sitrep sync`:\n\n"
                          + section.rstrip() + "\n")
    if ".gitignore" in outcome.kept:
        ignored = {line.strip() for line in (root / ".gitignore").read_text(encoding="utf-8").splitlines()}
        needed = [line for line in fresh[".gitignore"].splitlines()
                  if line and not line.startswith("#") and line not in ignored]
        if needed:
            advice.append(f".gitignore lacks {', '.join(needed)}: add them (built sites and caches do not belong in "
                          "git, and .sitrep-notify/ is the ledger of sent notifications, kept in the Actions "
                          "cache)")
    return advice


def sync_portal(root: Path, settings: PortalSettings, *, write: bool = True) -> Outcome:
    """Regenerate the regions of the portal's documents from its configuration.

    With ``write=False`` nothing changes on disk and the outcome says which files
    are stale (``updated``), for a CI check.
    """
    outcome = Outcome()
    for path, fresh in render_documents(settings).items():
        if not regions(fresh):
            continue
        target = root / path
        if not target.is_file():
            outcome.missing.append(path)
            continue
        raw = target.read_bytes()
        current = raw.decode("utf-8")
        if not regions(current):
            outcome.unmarked.append(path)
            continue
        crlf = "\r\n" in current
        text = refresh_regions(current.replace("\r\n", "\n"), fresh)
        if crlf:
            text = text.replace("\n", "\r\n")
        if text == current:
            outcome.current.append(path)
            continue
        outcome.updated.append(path)
        if write:
            write_atomically(target, text.encode("utf-8"))
    return outcome
