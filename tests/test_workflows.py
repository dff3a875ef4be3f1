"""The GitHub side of the portal: workflows, issue forms, PR template, pre-commit hooks.

Everything here is offline and fast: check-jsonschema uses its vendored schemas,
zizmor runs with --offline, the rest reads YAML.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
GITHUB = ROOT / ".github"
WORKFLOWS = sorted((GITHUB / "workflows").glob("*.y*ml"))
ISSUE_FORMS = sorted(p for p in (GITHUB / "ISSUE_TEMPLATE").glob("*.y*ml") if p.stem != "config")
PR_TEMPLATE = GITHUB / "pull_request_template.md"
DECLARE_FORM = GITHUB / "ISSUE_TEMPLATE" / "declare-incident.yml"
SEVERITIES = ("SEV1", "SEV2", "SEV3", "SEV4")
#: How the declare form names a component: its id in backticks (whatever the portal's components are).
COMPONENT_OPTION = re.compile(r"`[a-z0-9][a-z0-9_-]*`")
IMPACTS = ("degraded_performance", "partial_outage", "major_outage")
RECORD_RE = r"^(incidents|postmortems|runbooks)/.*\.md$"
SHA_PIN = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_./-]+@[0-9a-f]{40}$")


def tool(name: str) -> str:
    """The dev tool installed next to this Python (the venv of `make test`)."""
    beside = Path(sys.executable).parent / name
    if beside.exists():
        return str(beside)
    found = shutil.which(name)
    if found is None:
        pytest.fail(f"{name} is not installed: run `make test` (it installs requirements/dev.txt)")
    return found


def load(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def triggers(workflow: dict[str, Any]) -> dict[str, Any]:
    """The `on:` block as a dict; PyYAML (YAML 1.1) reads the key `on` as True."""
    on = workflow.get("on", workflow.get(True))
    if isinstance(on, str):
        return {on: None}
    if isinstance(on, list):
        return dict.fromkeys(on)
    assert isinstance(on, dict), "the workflow has no `on:` triggers"
    return on


def steps(workflow: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return [(job_id, step) for job_id, job in workflow["jobs"].items()
            for step in job.get("steps", [])]


def test_the_expected_files_exist() -> None:
    names = {p.name for p in WORKFLOWS}
    assert {"pr.yml", "publish.yml", "notify.yml"} <= names
    for path in (PR_TEMPLATE, DECLARE_FORM, GITHUB / "ISSUE_TEMPLATE" / "config.yml",
                 ROOT / ".pre-commit-hooks.yaml", ROOT / ".pre-commit-config.yaml",
                 ROOT / "CONTRIBUTING.md"):
        assert path.is_file(), f"{path.relative_to(ROOT)} is missing"


# --- schemas and zizmor -------------------------------------------------------------

@pytest.mark.parametrize(
    ("schema", "files"),
    [
        ("vendor.github-workflows", WORKFLOWS),
        ("custom.github-workflows-require-timeout", WORKFLOWS),
        ("vendor.github-issue-forms", ISSUE_FORMS),
        ("vendor.github-issue-config", [GITHUB / "ISSUE_TEMPLATE" / "config.yml"]),
    ],
    ids=["workflows", "job-timeouts", "issue-forms", "issue-config"],
)
def test_files_match_githubs_schema(schema: str, files: list[Path]) -> None:
    # --builtin-schema uses the schemas vendored in check-jsonschema: no network.
    assert files
    result = subprocess.run(
        [tool("check-jsonschema"), "--builtin-schema", schema, *map(str, files)],
        capture_output=True, text=True, timeout=60, cwd=ROOT,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_zizmor_finds_nothing() -> None:
    result = subprocess.run(
        [tool("zizmor"), "--offline", "--no-progress", "--format", "json", ".github/workflows",
         ".pre-commit-config.yaml", ".pre-commit-hooks.yaml"],
        capture_output=True, text=True, timeout=60, cwd=ROOT,
    )
    findings = json.loads(result.stdout or "[]")
    summary = [f"{f.get('ident')}: {f.get('desc')}" for f in findings]
    assert result.returncode == 0 and not findings, "\n".join(summary) or result.stderr


def test_zizmor_ignores_say_why() -> None:
    for path in WORKFLOWS:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            match = re.search(r"zizmor:\s*ignore\[[^\]]*\](.*)", line)
            if match:
                assert len(match.group(1).strip(" -:#")) >= 10, (
                    f"{path.name}:{number}: a zizmor ignore needs a written reason")


# --- supply chain and privileges ------------------------------------------------------

@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_every_action_is_pinned_to_a_commit_sha(path: Path) -> None:
    workflow = load(path)
    uses = [step["uses"] for _, step in steps(workflow) if "uses" in step]
    uses += [job["uses"] for job in workflow["jobs"].values() if "uses" in job]
    assert uses
    for ref in uses:
        if ref.startswith("./"):
            continue  # an action of this repository
        assert SHA_PIN.match(ref), f"{path.name}: '{ref}' is not pinned to a full commit SHA"
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if re.match(r"^\s*(-\s+)?uses:\s*[^.\s]", line):
            assert re.search(r"@[0-9a-f]{40}\s+#\s*v\d", line), (
                f"{path.name}:{number}: pin with the version in a comment "
                "(uses: owner/action@<sha> # vX.Y.Z)")


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_no_dangerous_triggers_or_secrets(path: Path) -> None:
    lines = path.read_text(encoding="utf-8").splitlines()
    code = "\n".join(line.split("#", 1)[0] for line in lines)  # comments may name them
    assert "pull_request_target" not in triggers(load(path))
    assert "pull_request_target" not in code
    # Secrets reach exactly one step: the one running `sitrep notify`, through its own env, each a whole value.
    allowed = [value for _, step in steps(load(path)) if "sitrep notify" in step.get("run", "")
               for value in (step.get("env") or {}).values() if "secrets." in value]
    assert all(re.fullmatch(r"\$\{\{ secrets\.[A-Z0-9_]+ \}\}", v) for v in allowed), allowed
    assert code.count("secrets.") == len(allowed), "secrets only in the env of the `sitrep notify` step"


def test_the_notify_step_runs_after_the_deploy_and_keeps_its_ledger_in_the_cache() -> None:
    check_notify_job(GITHUB / "workflows" / "publish.yml")


def check_notify_job(path: Path) -> None:
    """The publish workflow at ``path`` notifies after the deploy, secrets in that one step, ledger cached."""
    workflow = load(path)
    job = workflow["jobs"]["notify"]
    assert job["needs"] == "deploy" and not job.get("env")
    assert write_scopes(job.get("permissions")) == set()
    uses = [s.get("uses", "").split("@")[0] for s in job["steps"]]
    names = [s.get("run", "") for s in job["steps"]]
    notify_at = next(i for i, run in enumerate(names) if "sitrep notify" in run)
    assert uses.index("actions/cache/restore") < notify_at < uses.index("actions/cache/save")
    save = job["steps"][uses.index("actions/cache/save")]
    assert save["if"] == "always()" and save["with"]["path"] == ".sitrep-notify"
    assert set(triggers(workflow)) >= {"push", "schedule"}
    # It takes turns with the notify workflow's runs over the ledger, in a group of its own (not `pages`).
    assert job["concurrency"] == {"group": NOTIFY_GROUP, "cancel-in-progress": False}


#: The concurrency group of every job that runs `sitrep notify` (so of every job that uses the ledger).
NOTIFY_GROUP = "sitrep-notify"


def check_notify_workflow(directory: Path) -> None:
    """The notify-only workflow in ``directory``: every 5 minutes, no rebuild, not in `pages`, the ledger
    cached under the publish workflow's key prefix, the live commit checked out, skip by hand."""
    workflow = load(directory / "notify.yml")
    on = triggers(workflow)
    crons = [entry["cron"] for entry in on["schedule"]]
    assert crons == ["2-59/5 * * * *"], "every 5 minutes (GitHub's shortest), away from the top of the hour"
    skip = on["workflow_dispatch"]["inputs"]["skip"]
    assert skip["type"] == "string" and skip["required"] is False
    assert workflow["concurrency"] == {"group": NOTIFY_GROUP, "cancel-in-progress": False}
    assert "mkdocs build" not in (directory / "notify.yml").read_text(encoding="utf-8"), "it rebuilds nothing"
    assert list(workflow["jobs"]) == ["notify"], "one job: a run every 5 minutes is billed by the job-minute"
    job = workflow["jobs"]["notify"]
    assert job["if"] == "github.ref == 'refs/heads/main'"
    assert job["permissions"] == {"contents": "read", "deployments": "read"}
    live = job["steps"][0]
    assert live["id"] == "live" and "environment=github-pages" in live["run"]
    assert all(s["if"].endswith("steps.live.outputs.sha != ''") for s in job["steps"][1:])
    checkout = next(s for s in job["steps"] if s.get("uses", "").startswith("actions/checkout@"))
    assert checkout["with"]["ref"] == "${{ steps.live.outputs.sha }}"
    uses = [s.get("uses", "").split("@")[0] for s in job["steps"]]
    runs = [s.get("run", "") for s in job["steps"]]
    notify_at = next(i for i, run in enumerate(runs) if "sitrep notify" in run)
    assert uses.index("actions/cache/restore") < notify_at < uses.index("actions/cache/save")
    assert '--skip="$SKIP"' in runs[notify_at] and job["steps"][notify_at]["env"]["SKIP"] == "${{ inputs.skip }}"
    restore = job["steps"][uses.index("actions/cache/restore")]["with"]
    save = job["steps"][uses.index("actions/cache/save")]
    assert save["if"] == "always() && steps.live.outputs.sha != ''"
    assert save["with"]["path"] == restore["path"] == ".sitrep-notify"
    publish = load(directory / "publish.yml")["jobs"]["notify"]["steps"]
    publish_restore = next(s for s in publish if s.get("uses", "").startswith("actions/cache/restore@"))["with"]
    assert restore["restore-keys"] == publish_restore["restore-keys"] == "sitrep-notify-"
    assert restore["key"] == save["with"]["key"] == publish_restore["key"], "one key per run, the same prefix"
    assert not any((s.get("with") or {}).get("cache") for s in job["steps"]), "no dependency cache beside secrets"


def check_every_ledger_user_takes_turns(directory: Path) -> None:
    """Every job of every workflow in ``directory`` that runs `sitrep notify` is in the notify group (its own
    or its workflow's), never in `pages`; so no two runs use the ledger at once and none cancels a publish."""
    users = []
    for path in sorted(directory.glob("*.yml")):
        workflow = load(path)
        for job_id, job in workflow["jobs"].items():
            if any("sitrep notify" in s.get("run", "") for s in job.get("steps", [])):
                group = job.get("concurrency") or workflow.get("concurrency")
                assert group == {"group": NOTIFY_GROUP, "cancel-in-progress": False}, (path.name, job_id)
                users.append((path.name, job_id))
    assert users == [("notify.yml", "notify"), ("publish.yml", "notify")]


def test_reminders_go_out_every_5_minutes_without_a_rebuild_taking_turns_over_the_ledger() -> None:
    check_notify_workflow(GITHUB / "workflows")
    check_every_ledger_user_takes_turns(GITHUB / "workflows")


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_run_scripts_never_expand_expressions(path: Path) -> None:
    # Values from the github context go through `env:`, never inline in a shell script.
    for job_id, step in steps(load(path)):
        assert "${{" not in step.get("run", ""), f"{path.name} job {job_id}: {step.get('name')}"


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_checkouts_keep_no_credentials(path: Path) -> None:
    for job_id, step in steps(load(path)):
        if step.get("uses", "").startswith("actions/checkout@"):
            assert (step.get("with") or {}).get("persist-credentials") is False, job_id


INIT_WORKFLOWS = sorted((Path(__file__).parent.parent / "generator/sitrep/edit/templates/init/github/workflows")
                        .glob("*.y*ml"))


@pytest.mark.parametrize("path", WORKFLOWS + INIT_WORKFLOWS, ids=lambda p: f"{p.parent.parent.parent.name}/{p.name}")
def test_build_logs_open_with_the_records_messages(path: Path) -> None:
    # Material's ten-line MkDocs 2.0 notice would stand above a failing record's file:line on a phone.
    # (What init writes is a template until init fills it in: read as text, in the top-level env block.)
    env_block = path.read_text(encoding="utf-8").split("\nenv:\n", 1)[1].split("\n\n", 1)[0]
    assert '\n  NO_MKDOCS_2_WARNING: "1"' in "\n" + env_block


def write_scopes(permissions: Any) -> set[str]:
    if permissions in (None, {}):
        return set()
    assert isinstance(permissions, dict), f"use a scope mapping, not '{permissions}'"
    return {scope for scope, level in permissions.items() if level == "write"}


def test_permissions_are_least_privilege() -> None:
    writers: dict[tuple[str, str], set[str]] = {}
    for path in WORKFLOWS:
        workflow = load(path)
        assert "permissions" in workflow, f"{path.name}: set top-level permissions"
        top = workflow["permissions"]
        assert isinstance(top, dict), f"{path.name}: top-level permissions must be a mapping"
        assert set(top.values()) <= {"read", "none"}, f"{path.name}: top level must be read-only"
        for job_id, job in workflow["jobs"].items():
            scopes = write_scopes(job.get("permissions"))
            if scopes:
                writers[(path.name, job_id)] = scopes
    assert writers == {("publish.yml", "deploy"): {"pages", "id-token"},
                       ("declare.yml", "declare"): {"contents", "pull-requests", "issues"}}


# --- the two workflows ------------------------------------------------------------------

def test_pr_workflow_checks_builds_previews_and_uploads() -> None:
    workflow = load(GITHUB / "workflows" / "pr.yml")
    assert set(triggers(workflow)) == {"pull_request"}
    all_steps = workflow["jobs"]["records"]["steps"]
    checkout = next(s for s in all_steps if s.get("uses", "").startswith("actions/checkout@"))
    assert checkout["with"]["fetch-depth"] == 0
    python = next(s for s in all_steps if s.get("uses", "").startswith("actions/setup-python@"))
    assert python["with"]["cache"] == "pip"
    assert "requirements/" in python["with"]["cache-dependency-path"]
    runs = "\n".join(s.get("run", "") for s in all_steps)
    assert "sitrep validate --no-cache --format github" in runs
    preview = next(s for s in all_steps if "sitrep preview" in s.get("run", ""))
    assert "--format markdown" in preview["run"] and '"$GITHUB_STEP_SUMMARY"' in preview["run"]
    assert preview["env"]["BASE_REF"] == "${{ github.base_ref }}"
    audiences = {s.get("env", {}).get("SITREP_AUDIENCE") for s in all_steps
                 if "mkdocs build --strict" in s.get("run", "")}
    assert audiences == {"public", "internal"}
    assert "sitrep check-links site site-internal" in runs and "sitrep sync --check" in runs
    assert any(s.get("uses", "").startswith("actions/upload-artifact@") for s in all_steps)


def test_a_records_only_pr_runs_no_tool_test_and_installs_no_system_package() -> None:
    workflow = load(GITHUB / "workflows" / "pr.yml")
    records = workflow["jobs"]["records"]
    assert records["name"] == "Records" and "needs" not in records and "if" not in records
    runs = "\n".join(s.get("run", "") for s in records["steps"])
    for needle in ("apt-get", "npm", "pytest", ".ci/run", "make test", "requirements/dev.txt"):
        assert needle not in runs, needle
    assert "pip install -q -r requirements.txt" in runs
    # The tool's suite (with apt and npm through .ci/run) only when a change touches more than records.
    tool = workflow["jobs"]["tool"]
    assert tool["needs"] == "changes" and tool["if"] == "${{ needs.changes.outputs.tool == 'true' }}"
    assert "bash .ci/run" in "\n".join(s.get("run", "") for s in tool["steps"])
    script = next(s for s in workflow["jobs"]["changes"]["steps"] if s.get("id") == "diff")["run"]

    def tool_changed(paths: list[str]) -> bool:
        changed = "\n".join(paths)
        grep = subprocess.run(["grep", "-qvE", "^(incidents|postmortems|runbooks)/|^$"], input=changed + "\n",
                              text=True, check=False)
        return grep.returncode == 0

    assert "grep -qvE '^(incidents|postmortems|runbooks)/|^$'" in script
    assert not tool_changed(["incidents/2026/2026-12-01-api-errors.md"])
    assert not tool_changed(["incidents/2026/a.md", "postmortems/2026-12-02-a.md", "runbooks/x.md"])
    assert tool_changed(["incidents/2026/a.md", "generator/sitrep/cli.py"])
    assert tool_changed(["mkdocs.yml"])


def test_publish_workflow_deploys_pages_safely() -> None:
    workflow = load(GITHUB / "workflows" / "publish.yml")
    on = triggers(workflow)
    assert on["push"]["branches"] == ["main"]
    assert "workflow_dispatch" in on
    crons = [entry["cron"] for entry in on["schedule"]]
    assert "*/30 * * * *" in crons
    concurrency = workflow["concurrency"]
    assert concurrency["group"] == "pages"
    assert concurrency["cancel-in-progress"] is False
    for job_id, job in workflow["jobs"].items():
        job_concurrency = job.get("concurrency")
        if isinstance(job_concurrency, dict):
            assert job_concurrency.get("cancel-in-progress") is False, job_id
    deploy = workflow["jobs"]["deploy"]
    assert deploy["environment"]["name"] == "github-pages"
    assert deploy["needs"] == "build"
    assert any(s.get("uses", "").startswith("actions/deploy-pages@") for s in deploy["steps"])
    build_steps = workflow["jobs"]["build"]["steps"]
    assert any(s.get("uses", "").startswith("actions/upload-pages-artifact@") for s in build_steps)
    assert not any((s.get("with") or {}).get("cache") for _, s in steps(workflow)), (
        "no dependency cache in the workflow that publishes")
    internal = next(s for _, s in steps(workflow)
                    if s.get("uses", "").startswith("actions/upload-artifact@"))
    assert 1 <= internal["with"]["retention-days"] <= 7


# --- templates ----------------------------------------------------------------------------

def test_issue_form_walks_through_a_declaration() -> None:
    form = load(DECLARE_FORM)
    fields = {item.get("id"): item for item in form["body"] if item.get("id")}
    options = fields["severity"]["attributes"]["options"]
    assert [o.split()[0] for o in options] == list(SEVERITIES)
    assert all(len(o) > 40 for o in options), "each severity carries its one-line definition"
    labels = [o["label"] for o in fields["components"]["attributes"]["options"]]
    assert labels and all(len(COMPONENT_OPTION.findall(label)) == 1 for label in labels)
    impacts = " ".join(fields["impact"]["attributes"]["options"])
    assert all(i in impacts for i in IMPACTS)
    assert "We are currently investigating" in fields["first-message"]["attributes"]["value"]
    assert fields["commander"]["validations"]["required"] is True
    for field_id in ("public-title", "severity", "impact", "first-message"):
        assert fields[field_id]["validations"]["required"] is True, field_id


@pytest.mark.parametrize("path", [DECLARE_FORM, PR_TEMPLATE], ids=lambda p: p.name)
def test_templates_mention_every_severity(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    for severity in SEVERITIES:
        assert severity in text, f"{path.name} does not mention {severity}"


def test_pr_template_checklist() -> None:
    text = PR_TEMPLATE.read_text(encoding="utf-8").lower()
    for needle in ("components", "impact", "customers", "utc", "offset", "next update",
                   "postmortem", "48 hours"):
        assert needle in text, needle
    assert text.count("- [ ]") >= 6


# --- pre-commit ---------------------------------------------------------------------------

def test_pre_commit_hook_validates_records() -> None:
    hooks = load(ROOT / ".pre-commit-hooks.yaml")
    hook = next(h for h in hooks if h["id"] == "sitrep-validate")
    assert hook["entry"] == "sitrep validate"
    assert hook["language"] == "python"
    assert hook["files"] == RECORD_RE
    assert hook["pass_filenames"] is False
    config = load(ROOT / ".pre-commit-config.yaml")
    local = [h for repo in config["repos"] if repo["repo"] == "local" for h in repo["hooks"]]
    used = next(h for h in local if h["id"] == "sitrep-validate")
    assert used["files"] == hook["files"]
    assert used["pass_filenames"] is False
    pattern = re.compile(hook["files"])
    assert pattern.search("incidents/2026/2026-02-10-api-errors.md")
    assert pattern.search("postmortems/2026-02-10-api-errors.md")
    assert pattern.search("runbooks/restart-cache.md")
    assert not pattern.search("docs/index.md")
    assert not pattern.search("incidents/README.txt")


# --- declaring from an issue form -------------------------------------------------------

def test_declare_workflow_turns_a_filed_form_into_a_pull_request() -> None:
    workflow = load(GITHUB / "workflows" / "declare.yml")
    assert triggers(workflow) == {"issues": {"types": ["opened", "edited"]}}
    job = workflow["jobs"]["declare"]
    # Only the team's own issues, only the declare form's.
    assert "author_association" in job["if"] and "'incident'" in job["if"]
    assert "[Incident] " in job["if"] and load(DECLARE_FORM)["title"] == "[Incident] "
    runs = "\n".join(s.get("run", "") for s in job["steps"])
    assert 'sitrep new from-issue "$RUNNER_TEMP/issue.md"' in runs
    assert "sitrep validate --no-cache" in runs and "sitrep preview --base HEAD" in runs
    assert runs.count("mkdocs build --strict") == 2
    assert "gh pr create" in runs and "gh issue comment" in runs
    tokens = {s["env"]["GH_TOKEN"] for s in job["steps"] if "GH_TOKEN" in s.get("env", {})}
    assert tokens == {"${{ github.token }}"}, "only the default token"
    record = next(s for s in job["steps"] if s.get("id") == "record")
    assert record["env"]["ISSUE_BODY"] == "${{ github.event.issue.body }}"  # a file, never shell code


def test_the_form_has_every_label_the_command_reads() -> None:
    from sitrep.edit.issue_form import LABELS

    labels = {item["attributes"]["label"] for item in load(DECLARE_FORM)["body"] if item.get("id")}
    assert set(LABELS) <= labels
