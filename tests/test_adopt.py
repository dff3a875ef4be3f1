"""A team adopts Sitrep with nothing but the package: wheel -> fresh venv -> `sitrep init` -> an incident -> a site.

The wheel is built from a copy of the package's sources (pyproject.toml, README.md,
generator/); after that, nothing of this repository is read: the virtual environment
and the portal live in empty temporary folders, the commands run there with a clean
environment, and Chromium looks at what `mkdocs build --strict` wrote.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import venv
from dataclasses import dataclass
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from tests.support.helpers_build import CHROMIUM, CHROMIUM_ARGS, serve

REPO = Path(__file__).resolve().parent.parent

pytestmark = [
    pytest.mark.slow, pytest.mark.browser, pytest.mark.xdist_group("adopt"),
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed (.ci/run installs it)"),
]


def run(args: list[str], cwd: Path, env: dict[str, str]) -> str:
    result = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=600, check=False)
    assert result.returncode == 0, f"{' '.join(args)}\n{result.stdout}\n{result.stderr}"
    return result.stdout


def build_wheel(tmp: Path) -> Path:
    """``pip wheel`` of a copy of the sources (an in-tree build would leave build/ in the repository)."""
    source = tmp / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(REPO / name, source / name)
    shutil.copytree(REPO / "generator", source / "generator",
                    ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    dist = tmp / "dist"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "-w", str(dist),
                    str(source)], check=True, capture_output=True, timeout=300)
    (wheel,) = dist.glob("sitrep-*.whl")
    return wheel


@dataclass(frozen=True)
class Installed:
    """A fresh virtual environment with nothing but Sitrep's wheel (and what it depends on) installed."""

    bin: Path
    env: dict[str, str]


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    tmp = tmp_path_factory.mktemp("adopt")
    wheel = build_wheel(tmp)
    env_dir = tmp / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    bin_dir = env_dir / "bin"
    # A clean environment: no PYTHONPATH, no virtualenv of the test run, only the new venv's bin.
    env = {"PATH": f"{bin_dir}:/usr/bin:/bin", "HOME": str(tmp), "LANG": "C.UTF-8",
           "PIP_DISABLE_PIP_VERSION_CHECK": "1", "NO_MKDOCS_2_WARNING": "1",
           **{k: v for k, v in os.environ.items() if k.startswith("PIP_")}}
    run([str(bin_dir / "python"), "-m", "pip", "install", "-q", str(wheel)], tmp, env)
    return Installed(bin_dir, env)


def test_a_new_team_installs_the_wheel_inits_a_portal_declares_an_incident_and_sees_it(
        tmp_path: Path, installed: Installed) -> None:
    bin_dir, env = installed.bin, {**installed.env, "HOME": str(tmp_path)}
    portal = tmp_path / "portal"
    portal.mkdir()
    out = run([str(bin_dir / "sitrep"), "init", "--name", "Acme Status", "--component", 'api="Public API"',
               "--component", 'web="Web app"', "--component", 'db="Database"'], portal, env)
    assert "wrote mkdocs.yml" in out and "wrote .github/workflows/pr.yml" in out
    path = run([str(bin_dir / "sitrep"), "new", "incident", "--title", "Public API unavailable", "--severity",
                "SEV1", "--component", "api=major_outage", "--message",
                "We are investigating failing requests to the Public API."], portal, env).strip()
    assert path.startswith("incidents/") and (portal / path).is_file()
    run([str(bin_dir / "sitrep"), "validate"], portal, env)
    run([str(bin_dir / "mkdocs"), "build", "--strict"], portal, env)
    run([str(bin_dir / "sitrep"), "check-links", "site"], portal, env)
    site = portal / "site"
    assert (site / "index.html").is_file()

    from playwright.sync_api import sync_playwright

    with serve(site) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("request", lambda r: None if r.url.startswith(base) else errors.append(f"external {r.url}"))
        page.goto(base)
        banner = page.locator(".sr-banner").inner_text()
        assert "Major System Outage" in banner, banner
        assert "Public API unavailable" in page.locator("main").inner_text()
        components = page.locator("li.sr-component")
        assert components.count() == 3
        api = page.locator("#component-api")
        assert "Major outage" in api.inner_text()
        # The package's own stylesheet styles the page (bars laid out as a row of cells).
        assert page.locator("ol.sr-bar").first.evaluate("e => getComputedStyle(e).display") == "flex"
        # Before the portal's first day (init wrote today) the bar has no data, not 100 %.
        assert api.locator("ol.sr-bar > li.n").count() == 89
        assert "Made with" not in page.content()
        page.screenshot(path=str(tmp_path / "status.png"), full_page=True)
        page.goto(f"{base}incidents/{Path(path).stem}/")
        assert "We are investigating failing requests to the Public API." in page.locator("main").inner_text()
        assert errors == []
        browser.close()

    # requirements.txt installs no Sitrep from PyPI (whose `sitrep` is another project): the wheel was a
    # file here, out of the workflows' reach, and the file says what to add.
    requirements = (portal / "requirements.txt").read_text(encoding="utf-8")
    assert [line for line in requirements.splitlines() if line and not line.startswith("#")] == []


def test_the_wheel_brings_what_notify_needs(tmp_path: Path, installed: Installed,
                                            httpserver: HTTPServer) -> None:
    """Installed from its wheel alone, Sitrep sends the team's notification (Apprise comes with it)."""
    bin_dir, env = installed.bin, {**installed.env, "HOME": str(tmp_path)}
    portal = tmp_path / "portal"
    portal.mkdir()
    run([str(bin_dir / "sitrep"), "init", "--name", "Acme Status", "--component", 'api="Public API"'], portal, env)
    config = portal / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "      # notify:\n      #   channels:\n      #     - name: team\n      #       audience: internal ",
        "      notify:\n        channels:\n          - name: team\n            audience: internal ").replace(
        "      #       url_env: SITREP_NOTIFY_TEAM ", "            url_env: SITREP_NOTIFY_TEAM "),
        encoding="utf-8")
    run([str(bin_dir / "sitrep"), "new", "incident", "--title", "Public API unavailable", "--severity", "SEV1",
         "--component", "api=major_outage", "--message", "We are investigating failing requests."], portal, env)
    httpserver.expect_request("/hook", method="POST").respond_with_data("ok")
    env["SITREP_NOTIFY_TEAM"] = f"json://127.0.0.1:{httpserver.port}/hook"
    run([str(bin_dir / "sitrep"), "notify"], portal, env)
    [(request, _)] = httpserver.log
    assert "Public API unavailable" in request.get_data(as_text=True)
