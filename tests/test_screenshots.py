"""The README's screenshots come from a script (tools/screenshots.py); this fails when the script breaks."""

from __future__ import annotations

import re
import struct
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.helpers_build import CHROMIUM
from tests.support.sitebuild import REPO, sample_site

pytestmark = [
    pytest.mark.slow, pytest.mark.browser, pytest.mark.xdist_group("visual"),
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed (.ci/run installs it)"),
]


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path.name} is not a PNG"
    return struct.unpack(">II", data[16:24])


def test_screenshot_script_writes_every_readme_picture(tmp_path: Path) -> None:
    # The tests' copy of the sample, not the top-level portal (a team's own once adopted).
    result = subprocess.run([sys.executable, str(REPO / "tools" / "screenshots.py"), "--site", str(sample_site()),
                             "--internal-site", str(sample_site("internal")), "--out", str(tmp_path)],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    names = {p.name for p in tmp_path.iterdir()}
    assert names == {"status-phone-light.png", "status-phone-dark.png", "status-desktop-light.png",
                     "status-desktop-dark.png", "incident.png", "postmortem.png", "reports.png"}
    assert png_size(tmp_path / "status-phone-light.png") == (390, 844)
    assert png_size(tmp_path / "status-desktop-dark.png") == (1280, 900)
    assert png_size(tmp_path / "postmortem.png")[0] <= 390
    width, height = png_size(tmp_path / "reports.png")
    assert width <= 1280 and height > 300
    # Dark is not light: the scheme reached the page.
    light, dark = (tmp_path / "status-phone-light.png").read_bytes(), (tmp_path / "status-phone-dark.png").read_bytes()
    assert light != dark
    # Every picture the README shows is one the script writes.
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    shown = set(re.findall(r"\]\(reference/screenshots/([^)]+)\)", readme))
    assert shown and shown <= names
