"""`mkdocs serve` rebuilds the page when a record changes (the record folders are watched)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.support.sitebuild import SAMPLE_NOW, copy_sample

pytestmark = [pytest.mark.slow]

INCIDENT = "incidents/2026/2026-02-10-publishing-api-500s.md"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8")
    except OSError:
        return None


def wait_for(url: str, text: str, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        body = fetch(url)
        if body is not None and text in body:
            return True
        time.sleep(0.5)
    return False


def test_editing_a_record_while_serving_rebuilds_its_page(tmp_path: Path) -> None:
    project = tmp_path / "portal"
    copy_sample(project)
    port = free_port()
    env = {**os.environ, "SOURCE_DATE_EPOCH": str(SAMPLE_NOW), "NO_MKDOCS_2_WARNING": "1"}
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "mkdocs"), "serve", "--livereload", "-a", f"127.0.0.1:{port}"],
        cwd=project, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        page = f"http://127.0.0.1:{port}/incidents/2026-02-10-publishing-api-500s/"
        assert wait_for(page, "sr-incident-page", 90), "mkdocs serve did not come up"
        record = project / INCIDENT
        text = record.read_text(encoding="utf-8")
        old_title = next(line for line in text.splitlines() if line.startswith("title:"))
        record.write_text(text.replace(old_title, "title: Renamed while serving", 1), encoding="utf-8")
        assert wait_for(page, "Renamed while serving", 90), "the page was not rebuilt after the record changed"
    finally:
        server.terminate()
        server.wait(timeout=30)
