"""`sitrep init` and `sitrep sync`: a new portal, and lists of components and severities written once.

The component list is written by hand in `mkdocs.yml` only; every other file
carries it (and the severity levels) in generated regions that `sitrep sync`
rewrites. This repository's own responder files are checked to be exactly what
`sitrep init` writes for its `mkdocs.yml`.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from sitrep.cli import main
from sitrep.edit.init import REGION, PortalSettings, render_documents, requirement_from_direct_url
from sitrep.model.config import load_config
from tests.support.sitebuild import SAMPLE

REPO = Path(__file__).resolve().parent.parent  # the top-level portal: its mkdocs.yml and GitHub files only
THREE = ("--component", 'api="Public API"', "--component", "web=Web app", "--component", "db")
#: The files of a portal that repeat the configuration (in generated regions only).
RESPONDER_FILES = (".github/pull_request_template.md", ".github/ISSUE_TEMPLATE/config.yml",
                   ".github/ISSUE_TEMPLATE/declare-incident.yml", ".github/ISSUE_TEMPLATE/update-incident.yml")


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


def init(tmp_path: Path) -> Path:
    code, out = run("init", str(tmp_path), *THREE, "--name", "Acme Status", "--now", "2026-11-20T10:00:00Z")
    assert code == 0, out
    return tmp_path


def outside_regions(text: str) -> str:
    return REGION.sub("", text)


def test_init_writes_a_portal_with_the_components(tmp_path: Path) -> None:
    portal = init(tmp_path)
    for path in ("mkdocs.yml", "requirements.txt", "CONTRIBUTING.md", ".github/workflows/pr.yml",
                 ".github/workflows/publish.yml", ".github/workflows/notify.yml", *RESPONDER_FILES,
                 "incidents/.gitkeep", "postmortems/.gitkeep", "runbooks/.gitkeep"):
        assert (portal / path).is_file(), path
    config = load_config(portal / "mkdocs.yml")
    assert [(c.id, c.name) for c in config.components] == [("api", "Public API"), ("web", "Web app"),
                                                           ("db", "Db")]
    assert config.site_name == "Acme Status" and str(config.since) == "2026-11-20"
    assert config.public_pages == []
    form = yaml.safe_load((portal / ".github/ISSUE_TEMPLATE/declare-incident.yml").read_text(encoding="utf-8"))
    boxes = next(b for b in form["body"] if b.get("id") == "components")["attributes"]["options"]
    assert [o["label"] for o in boxes] == ["`api` (Public API)", "`web` (Web app)", "`db` (Db)"]
    severities = next(b for b in form["body"] if b.get("id") == "severity")["attributes"]["options"]
    assert [o.split()[0] for o in severities] == [s.id for s in config.severities]
    # each option is a sentence: "Updates every 4 h." for a level without a resolve target, not "4 h;"
    assert severities[2].endswith(" Updates every 4 h.") and severities[1].endswith(" resolve target 4 h.")
    # Sitrep runs here from a source checkout, which the workflows cannot reach: no line installs it (a
    # bare `sitrep` would install PyPI's unrelated project of that name), the file says what to add.
    requirements = (portal / "requirements.txt").read_text(encoding="utf-8")
    assert [line for line in requirements.splitlines() if line and not line.startswith("#")] == []
    assert "#   sitrep @ git+https://github.com/YOUR-ORG/sitrep@v" in requirements


@pytest.mark.parametrize("name", ["database-outage", "payment-failures", "security-incident",
                                  "service-degradation"])
def test_a_new_portal_has_the_procedures_scenarios_for_its_own_components(tmp_path: Path, name: str) -> None:
    portal = init(tmp_path)
    template = (portal / "templates" / f"{name}.md").read_text(encoding="utf-8")
    usage = template.splitlines()[1]  # the example on its first line uses this portal's components
    assert usage.startswith(f"# sitrep new incident --template {name} ") and "--var component=api" in usage
    args = [a for k, v in re.findall(r'--var (\w+)=("[^"]*"|\S+)', usage) for a in ("--var", f"{k}={v.strip(chr(34))}")]
    code, out = run("new", "incident", "-f", str(portal / "mkdocs.yml"), "--template", name, *args,
                    "--now", "2026-11-20T10:00:00Z")
    assert code == 0, out
    record = portal / out.strip().splitlines()[-1]
    assert "{{" not in record.read_text(encoding="utf-8")
    assert "  api: " in record.read_text(encoding="utf-8")
    assert "Common scenarios have a pre-written text in `templates/`" in (portal / "CONTRIBUTING.md").read_text(
        encoding="utf-8")


@pytest.mark.parametrize(("direct_url", "line"), [
    ({"url": "https://github.com/acme/sitrep", "vcs_info": {"vcs": "git", "commit_id": "4f2a" * 10,
                                                            "requested_revision": "v0.1.0"}},
     f"sitrep @ git+https://github.com/acme/sitrep@{'4f2a' * 10}"),
    ({"url": "https://wheels.acme.example/sitrep-0.1.0-py3-none-any.whl",
      "archive_info": {"hashes": {"sha256": "ab" * 32}}},
     f"sitrep @ https://wheels.acme.example/sitrep-0.1.0-py3-none-any.whl#sha256={'ab' * 32}"),
    ({"url": "file:///home/dana/sitrep-0.1.0-py3-none-any.whl", "archive_info": {}}, None),
    ({"url": "file:///home/dana/src/sitrep", "dir_info": {"editable": True}}, None),
    ({"url": "file:///srv/git/sitrep", "vcs_info": {"vcs": "git", "commit_id": "4f2a" * 10}}, None),
])
def test_requirements_name_where_this_sitrep_came_from(direct_url: dict, line: str | None) -> None:
    """What pip recorded of the install (PEP 610) is the line a portal's workflows install Sitrep with."""
    assert requirement_from_direct_url(direct_url) == line


class _EnvLoader(yaml.SafeLoader):
    """Reads MkDocs' ``!ENV`` tag (as null)."""


_EnvLoader.add_constructor("!ENV", lambda loader, node: None)


def test_init_in_an_existing_repository_says_what_to_add_to_its_own_files(tmp_path: Path) -> None:
    (tmp_path / "mkdocs.yml").write_text("site_name: Docs\nnav:\n  - index.md\n", encoding="utf-8")
    (tmp_path / ".gitignore").write_text("node_modules/\nsite/\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["init", str(tmp_path), *THREE, "--now", "2026-11-20T10:00:00Z"])
    assert result.exit_code == 0, result.output
    said = result.stderr
    assert "sitrep: to do: mkdocs.yml has no 'sitrep' entry under 'plugins'" in said
    section = said[said.index("\nplugins:\n") + 1:said.index("\n\n", said.index("\nplugins:\n"))]
    options = yaml.load(section, Loader=_EnvLoader)["plugins"][1]["sitrep"]
    assert [c["id"] for c in options["components"]] == ["api", "web", "db"]
    assert "sitrep: to do: .gitignore lacks site-internal/, .sitrep-cache/, .venv/, .sitrep-notify/: add them" in said
    assert "Next: do the above, then commit" in result.stdout
    # Their files are theirs: nothing in them changed.
    assert (tmp_path / ".gitignore").read_text(encoding="utf-8") == "node_modules/\nsite/\n"


def test_init_never_overwrites_and_says_so(tmp_path: Path) -> None:
    (tmp_path / "CONTRIBUTING.md").write_text("Our own rules.\n", encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text("site_name: Docs\n", encoding="utf-8")
    code, out = run("init", str(tmp_path), *THREE)
    assert code == 0, out
    assert (tmp_path / "CONTRIBUTING.md").read_text(encoding="utf-8") == "Our own rules.\n"
    assert (tmp_path / "mkdocs.yml").read_text(encoding="utf-8") == "site_name: Docs\n"
    assert f"kept {tmp_path}/CONTRIBUTING.md: it exists; not overwritten" in out
    assert f"kept {tmp_path}/mkdocs.yml" in out and f"wrote {tmp_path}/.github/workflows/pr.yml" in out


@pytest.mark.parametrize(("spec", "needle"), [("API=x", "lowercase"), ("a b", "id=\"Name\"")])
def test_init_refuses_a_bad_component_with_the_fix(tmp_path: Path, spec: str, needle: str) -> None:
    code, out = run("init", str(tmp_path), "--component", spec)
    assert code == 2 and needle in out and "Traceback" not in out
    assert not any(tmp_path.iterdir())


def test_init_without_components_off_a_terminal_is_refused(tmp_path: Path) -> None:
    code, out = run("init", str(tmp_path))
    assert code == 2 and '--component id="Name"' in out


def test_sync_rewrites_only_the_generated_regions(tmp_path: Path) -> None:
    portal = init(tmp_path)
    contributing = portal / "CONTRIBUTING.md"
    contributing.write_text(contributing.read_text(encoding="utf-8") + "\n## Our on-call rota\n\nAsk Dana.\n",
                            encoding="utf-8")
    mkdocs = portal / "mkdocs.yml"
    mkdocs.write_text(mkdocs.read_text(encoding="utf-8").replace(
        "        - id: db\n", "        - id: search\n          name: \"Search\"\n        - id: db\n"), encoding="utf-8")
    before = {p: (portal / p).read_text(encoding="utf-8") for p in ("CONTRIBUTING.md", *RESPONDER_FILES)}

    code, out = run("sync", "-f", str(mkdocs), "--check")
    assert code == 1 and "out of date:" in out and "declare-incident.yml" in out
    assert all((portal / p).read_text(encoding="utf-8") == text for p, text in before.items())

    code, out = run("sync", "-f", str(mkdocs))
    assert code == 0, out
    after = {p: (portal / p).read_text(encoding="utf-8") for p in before}
    for path in before:
        assert outside_regions(after[path]) == outside_regions(before[path]), path
    assert after["CONTRIBUTING.md"].endswith("## Our on-call rota\n\nAsk Dana.\n")
    assert "`search`" in after["CONTRIBUTING.md"] and "`search`" in after[".github/pull_request_template.md"]
    assert "`search` (Search)" in after[".github/ISSUE_TEMPLATE/declare-incident.yml"]
    assert run("sync", "-f", str(mkdocs), "--check")[0] == 0


def test_sync_skips_a_file_without_regions_and_says_so(tmp_path: Path) -> None:
    portal = init(tmp_path)
    (portal / "CONTRIBUTING.md").write_text("Our own rules.\n", encoding="utf-8")
    code, out = run("sync", "-f", str(portal / "mkdocs.yml"))
    assert code == 0 and "skipped" in out and "CONTRIBUTING.md: it has no sitrep:begin" in out
    assert (portal / "CONTRIBUTING.md").read_text(encoding="utf-8") == "Our own rules.\n"


def hand_written_lists(text: str, ids: list[str]) -> list[set[str]]:
    """Blocks (runs of non-blank lines) outside the generated regions that name two or more of ``ids``
    as ids: in backticks, in bold (severity tables), as ``id=``/``id:`` (CLI and record syntax) or after
    ``--component``/``--severity``. An example names one id per block; a list names several."""
    found = []
    for block in re.split(r"\n\s*\n", outside_regions(text)):
        named = {i for i in ids if re.search(
            rf"`{re.escape(i)}`|\*\*{re.escape(i)}\*\*|(?:--component|--severity)[ =]{re.escape(i)}(?![\w-])"
            rf"|(?<![\w-]){re.escape(i)}[=:]", block)}
        if len(named) >= 2:
            found.append(named)
    return found


@pytest.mark.parametrize("where", ["new portal", "top-level portal"])
def test_no_list_of_components_or_severities_is_written_by_hand_twice(tmp_path: Path, where: str) -> None:
    portal = init(tmp_path) if where == "new portal" else REPO
    config = load_config(portal / "mkdocs.yml")
    files = ["CONTRIBUTING.md", *RESPONDER_FILES, ".github/workflows/pr.yml", ".github/workflows/publish.yml"]
    for path in files:
        text = (portal / path).read_text(encoding="utf-8")
        assert hand_written_lists(text, config.component_ids) == [], path
        assert hand_written_lists(text, [s.id for s in config.severities]) == [], path


def test_sample_portal_responder_files_are_what_init_writes() -> None:
    """Sitrep's own repository: the forms, PR template, CONTRIBUTING (before its developers' section)
    and PR workflow come from the templates, so no prose or list is kept twice by hand. Once a team has
    replaced the sample portal at the top level (tests/tools/check_adopted_copy.sh), those files are
    the team's own and only their generated regions must follow mkdocs.yml (the other tests here)."""
    config = load_config(REPO / "mkdocs.yml")
    if config.components != load_config(SAMPLE / "mkdocs.yml").components:
        pytest.skip("the top-level portal is a team's own, not the sample: its files are no longer the templates'")
    documents = render_documents(PortalSettings.of(config, develop=True, root=REPO))
    for path in RESPONDER_FILES:
        assert (REPO / path).read_text(encoding="utf-8") == documents[path], f"{path}: run `sitrep sync`"
    for path in (p for p in documents if p.startswith("templates/")):  # the scenarios, written once
        assert (REPO / path).read_text(encoding="utf-8") == documents[path], path
        assert (SAMPLE / path).read_text(encoding="utf-8") == documents[path], path
    for path in (".github/workflows/pr.yml", ".github/workflows/notify.yml"):
        assert (REPO / path).read_text(encoding="utf-8") == documents[path], path
    contributing = (REPO / "CONTRIBUTING.md").read_text(encoding="utf-8")
    assert contributing.startswith(documents["CONTRIBUTING.md"].rstrip("\n") + "\n\n## Developing Sitrep\n")
    code, out = run("sync", "-f", str(REPO / "mkdocs.yml"), "--check")
    assert code == 0, out


def test_a_new_portals_workflows_and_forms_pass_githubs_schemas_and_zizmor(tmp_path: Path) -> None:
    from tests.test_workflows import check_every_ledger_user_takes_turns, check_notify_job, check_notify_workflow, tool

    portal = init(tmp_path)
    checks = [("vendor.github-workflows", sorted((portal / ".github/workflows").glob("*.yml"))),
              ("custom.github-workflows-require-timeout", sorted((portal / ".github/workflows").glob("*.yml"))),
              ("vendor.github-issue-forms", [portal / ".github/ISSUE_TEMPLATE/declare-incident.yml",
                                             portal / ".github/ISSUE_TEMPLATE/update-incident.yml"]),
              ("vendor.github-issue-config", [portal / ".github/ISSUE_TEMPLATE/config.yml"])]
    for schema, files in checks:
        result = subprocess.run([tool("check-jsonschema"), "--builtin-schema", schema, *map(str, files)],
                                capture_output=True, text=True, timeout=60, check=False)
        assert result.returncode == 0, result.stdout + result.stderr
    result = subprocess.run([tool("zizmor"), "--offline", "--no-progress", "--format", "json", ".github/workflows"],
                            capture_output=True, text=True, timeout=60, cwd=portal, check=False)
    assert result.returncode == 0 and not json.loads(result.stdout or "[]"), result.stdout + result.stderr
    check_notify_job(portal / ".github/workflows/publish.yml")
    check_notify_workflow(portal / ".github/workflows")
    check_every_ledger_user_takes_turns(portal / ".github/workflows")
    code = (portal / ".github/workflows/publish.yml").read_text(encoding="utf-8")
    allowed = [v for step in yaml.safe_load(code)["jobs"]["notify"]["steps"] for v in (step.get("env") or {}).values()]
    assert code.count("secrets.") == len(allowed) == 2, "secrets only in the env of the `sitrep notify` step"
    pr = yaml.safe_load((portal / ".github/workflows/pr.yml").read_text(encoding="utf-8"))
    assert list(pr["jobs"]) == ["records"]
    runs = "\n".join(s.get("run", "") for s in pr["jobs"]["records"]["steps"])
    assert "apt-get" not in runs and "npm" not in runs and "pytest" not in runs


def test_a_new_portals_notify_job_does_nothing_until_channels_are_configured(tmp_path: Path) -> None:
    """The publish workflow runs `sitrep notify` after every deploy: a new portal must pass it quietly."""
    portal = init(tmp_path)
    code, out = run("notify", "-f", str(portal / "mkdocs.yml"))
    assert code == 0, out
    assert "no notify channels" in out and "nothing to do" in out
    assert not (portal / ".sitrep-notify").exists()
    # The commented example is the configuration the workflow's secrets are named for.
    text = (portal / "mkdocs.yml").read_text(encoding="utf-8")
    example = "\n".join(line.replace("      # ", "      ", 1) for line in text.splitlines()
                        if line.startswith("      # ") and not line.startswith("      # sitrep notify")
                        and ("notify:" in line or line.startswith("      #   ")))
    channels = yaml.safe_load(example)["notify"]["channels"]
    assert {c["url_env"] for c in channels} == {"SITREP_NOTIFY_TEAM", "SITREP_NOTIFY_CUSTOMERS"}
    # Uncommented as the comment says, it is a valid configuration `sitrep notify` uses.
    uncommented = text.replace("      public_pages: []\n", "      public_pages: []\n" + example + "\n")
    (portal / "mkdocs.yml").write_text(uncommented, encoding="utf-8")
    code, out = run("notify", "-f", str(portal / "mkdocs.yml"), "--dry-run")
    assert code == 0, out
    assert "no notify channels" not in out and "would send" in out


TASKS_RUNBOOK = """\
---
title: Checklist
owner: Platform team
last_reviewed: 2026-11-01
---
# Checklist

- [x] Step done
- [ ] Step open
- [ ] ~~Step dropped~~
"""


@pytest.mark.slow
def test_a_new_portal_shows_done_open_and_struck_items(tmp_path: Path) -> None:
    """`sitrep init`'s mkdocs.yml renders task lists with Material's boxes and ~~text~~ struck through."""
    from bs4 import BeautifulSoup

    from tests.support.sitebuild import mkdocs_build

    portal = init(tmp_path / "portal")
    (portal / "runbooks/checklist.md").write_text(TASKS_RUNBOOK, encoding="utf-8")
    result = mkdocs_build(portal, tmp_path / "site", audience="internal", epoch=1795435200)
    assert result.returncode == 0, result.stdout + result.stderr
    page = BeautifulSoup((tmp_path / "site/runbooks/checklist/index.html").read_text(encoding="utf-8"),
                         "html.parser")
    items = page.select("li.task-list-item")
    assert [li.get_text(" ", strip=True) for li in items] == ["Step done", "Step open", "Step dropped"]
    assert [li.select_one("label.task-list-control input").has_attr("checked") for li in items] == \
        [True, False, False]
    assert items[2].select_one("del").get_text() == "Step dropped" and "~~" not in page.get_text()
