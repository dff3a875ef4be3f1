"""Build the tests' sample portal with MkDocs once per test process, at a pinned time.

The sample is :data:`SAMPLE` (``tests/fixtures/sample/``), a copy of the repository's
sample portal, so the tool's tests never read the top-level records a team replaces
with its own. Real builds, not mocks: this runs ``mkdocs build --strict`` exactly as
``make site`` does.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
#: The fixture portal (mkdocs.yml, incidents/, postmortems/, runbooks/, docs/).
SAMPLE = REPO / "tests" / "fixtures" / "sample"
#: 2026-11-23T12:00:00Z: the sample portal's "now" (one incident open, maintenance ahead).
SAMPLE_NOW = 1795435200
MKDOCS = str(Path(sys.executable).parent / "mkdocs")


def mkdocs_build(project: Path, out: Path, audience: str = "public", epoch: int = SAMPLE_NOW,
                 strict: bool = True, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run a real ``mkdocs build`` of ``project`` into ``out`` (``env``: variables to add or override)."""
    env = {**os.environ, "SITREP_AUDIENCE": audience, "SOURCE_DATE_EPOCH": str(epoch), "NO_MKDOCS_2_WARNING": "1",
           **(env or {})}
    cmd = [MKDOCS, "build", "-f", str(project / "mkdocs.yml"), "-d", str(out)]
    if strict:
        cmd.append("--strict")
    return subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=600)


@functools.cache
def sample_site(audience: str = "public") -> Path:
    """The sample portal built once per process; raises with MkDocs' output if the build fails."""
    out = Path(tempfile.mkdtemp(prefix=f"sitrep-sample-{audience}-"))
    result = mkdocs_build(SAMPLE, out / "site", audience)
    if result.returncode != 0:
        shutil.rmtree(out, ignore_errors=True)
        raise AssertionError(f"mkdocs build failed:\n{result.stdout}\n{result.stderr}")
    return out / "site"


def copy_sample(dest: Path) -> Path:
    """A writable copy of the fixture portal in ``dest`` (created)."""
    shutil.copytree(SAMPLE, dest)
    return dest
