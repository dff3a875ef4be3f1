"""An incident with many updates costs work in proportion to its updates, on every path.

One record of 1,024 updates took 14 s to build (the updates feed made each entry's view of the
whole record again, and each view read the impact as of each update by a pass over the updates
before it); ``sitrep notify`` derived the incident's state once per event. These tests count
the lines of Sitrep's Python (its templates included) that run for one incident of N updates and
of 2N, each update escalating or changing the impact (the costliest kind), and ask for about twice
the work: the quadratic code did about four times as much. No wall-clock threshold:
``benchmarks/hostile_bench.py --inputs many-updates`` has the timings (README "Benchmarks").
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from sitrep.derive.state import portal_state
from sitrep.edit.notify import Ledger
from sitrep.edit.notify import run as notify_run
from sitrep.model.config import Channel, NotifySettings
from sitrep.model.portal import Portal
from sitrep.model.records import Incident
from sitrep.render.site import build_site
from tests.support.portals import make_config, portal_of
from tests.support.work import lines_run

START = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)
NOW = START + timedelta(days=1)
IMPACTS = ("partial_outage", "major_outage", "degraded_performance")


def many_updates(count: int) -> Portal:
    """One open incident of ``count`` updates, a minute apart, each changing the severity or an impact."""
    updates: list[dict[str, Any]] = []
    for n in range(count):
        update: dict[str, Any] = {"at": START + timedelta(minutes=n), "status": "identified",
                                  "message": f"Update {n}: still working on it."}
        if n % 2:
            update["severity"] = ("SEV1", "SEV2")[n // 2 % 2]
        else:
            update["components"] = {("api", "db")[n // 2 % 2]: IMPACTS[n % 3]}
        updates.append(update)
    incident = Incident.model_validate({
        "id": "2026-03-01-many", "title": "Many updates", "severity": "SEV2", "started": START,
        "components": {"api": "partial_outage"}, "updates": updates})
    config = make_config(notify=NotifySettings(max_age=timedelta(days=30), channels=[
        Channel(name="team", audience="internal", url_env="TEAM_URL"),
        Channel(name="customers", audience="public", url_env="CUSTOMERS_URL", style="email")]))
    return portal_of(incident, config=config)




def build(portal: Portal, tmp_path: Path) -> None:
    build_site(portal, NOW)


def notify(portal: Portal, tmp_path: Path) -> None:
    report = notify_run(portal, NOW, Ledger(tmp_path / "ledger.json", existed=False), environ={}, dry_run=True)
    assert sum(o.action == "would-send" for o in report.outcomes) > len(portal.incidents[0].updates)


def state(portal: Portal, tmp_path: Path) -> None:
    portal_state(portal, NOW)


@pytest.mark.parametrize("path", [state, build, notify], ids=["state", "build", "notify"])
def test_twice_the_updates_cost_about_twice_the_work(path: Callable[[Portal, Path], None], tmp_path: Path) -> None:
    portals = {n: many_updates(n) for n in (100, 200)}
    path(portals[100], tmp_path)  # templates compiled, modules imported: not counted
    small, large = (lines_run(lambda n=n: path(portals[n], tmp_path), "sitrep") for n in (100, 200))
    assert large / small < 2.5, (small, large)
