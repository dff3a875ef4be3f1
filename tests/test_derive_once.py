"""Derive once: renderers read the portal's state at ``now``; none calls a derive function.

The state is built in one place (``render/site.py: build_site``); every other module
of ``render/`` may import only types and constants from ``sitrep.derive``.
"""

from __future__ import annotations

import ast
import importlib
import inspect
from datetime import UTC, datetime

from sitrep.derive.state import portal_state
from sitrep.load.loader import load_portal
from sitrep.model.config import load_config
from sitrep.render.site import build_site
from tests.support.sitebuild import REPO, SAMPLE

RENDER = REPO / "generator" / "sitrep" / "render"
NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
#: module (relative to render/) -> derive functions it may call: building the state.
ALLOWED = {"site.py": {"portal_state"}}


def derive_calls(source: str, module: str) -> list[str]:
    """``derive.X.name`` for each function the source imports from ``sitrep.derive`` beyond ALLOWED."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("sitrep.derive"):
            target = importlib.import_module(node.module or "")
            for alias in node.names:
                value = getattr(target, alias.name, None)
                if inspect.isfunction(value) and alias.name not in ALLOWED.get(module, set()):
                    found.append(f"{node.module}.{alias.name}")
        elif isinstance(node, ast.Import) and any(a.name.startswith("sitrep.derive") for a in node.names):
            found.append(", ".join(a.name for a in node.names))
    return found


def test_no_renderer_imports_a_derive_function() -> None:
    offenders = {path.name: calls for path in sorted(RENDER.glob("*.py"))
                 if (calls := derive_calls(path.read_text(encoding="utf-8"), path.name))}
    assert offenders == {}


def test_the_check_catches_a_renderer_that_derives() -> None:
    source = "from sitrep.derive.status import component_statuses, Overall\n"
    assert derive_calls(source, "badges.py") == ["sitrep.derive.status.component_statuses"]
    assert derive_calls("from sitrep.derive.state import portal_state\n", "feeds.py") == [
        "sitrep.derive.state.portal_state"]
    assert derive_calls("from sitrep.derive.state import PortalState\n", "feeds.py") == []


def test_the_build_derives_each_report_once(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """One metrics computation per report window, whatever reads them (report pages, metrics.json)."""
    import sitrep.derive.state as state_module

    # The internal edition: it publishes the reports (the public one has none unless configured).
    config = load_config(SAMPLE / "mkdocs.yml").model_copy(update={"audience": "internal"})
    portal, diags = load_portal(SAMPLE, config)
    assert not diags.has_errors
    now = NOW
    calls: list[tuple[object, object]] = []
    real = state_module.compute_metrics

    def counting(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append((kwargs.get("window_start"), kwargs.get("component")))
        return real(*args, **kwargs)

    monkeypatch.setattr(state_module, "compute_metrics", counting)
    build_site(portal, now)
    windows = portal_state(portal.for_audience(portal.config.audience), now).windows
    assert len(calls) == len(windows) == len(set(calls)) == 3 + len(portal.config.components)


def test_the_reports_find_each_component_impacts_once(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """MTBF, uptime and repeat failures of every report window read the components' impact intervals found in
    one pass over the archive, not a pass per component and window (36 at nine components and twelve)."""
    import sitrep.derive.metrics as metrics_module
    import sitrep.derive.uptime as uptime_module

    config = load_config(SAMPLE / "mkdocs.yml").model_copy(update={"audience": "internal"})
    portal, _ = load_portal(SAMPLE, config)
    passes: list[str] = []

    def counted(name: str, real):  # type: ignore[no-untyped-def]
        def wrapper(*args, **kwargs):  # type: ignore[no-untyped-def]
            passes.append(name)
            return real(*args, **kwargs)
        return wrapper

    for name in ("intervals_for", "intervals_by_component"):
        real = getattr(uptime_module, name)
        monkeypatch.setattr(metrics_module, name, counted(name, real), raising=False)
    state = portal_state(portal, NOW)
    assert len(state.metrics) == 3 + len(portal.config.components)
    assert passes == ["intervals_by_component"]
