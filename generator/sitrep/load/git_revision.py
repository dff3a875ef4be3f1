"""Read the records of another git revision into a folder (for ``sitrep preview``)."""

from __future__ import annotations

import io
import subprocess
import tarfile
from collections.abc import Iterator
from pathlib import Path

from sitrep.load.discovery import KINDS
from sitrep.model.exceptions import RevisionError
from sitrep.model.files import write_tree


def export_revision(repo: Path, revision: str, dest: Path) -> None:
    """Extract the record folders of ``revision`` into ``dest`` (which must exist).

    Raises RevisionError with git's own words when the revision is unknown.
    """
    if revision.startswith("-"):
        raise RevisionError(f"'{revision}' is not a git revision")
    try:
        top = subprocess.run(["git", "-C", str(repo), "rev-parse", "--show-toplevel"], check=True,
                             capture_output=True, text=True).stdout.strip()
        prefix = Path(repo).resolve().relative_to(Path(top).resolve()).as_posix()
        archive = subprocess.run(["git", "-C", top, "archive", "--format=tar", revision, "--",
                                  "." if prefix == "." else prefix],
                                 check=True, capture_output=True).stdout
    except FileNotFoundError:
        raise RevisionError("git is not installed") from None
    except subprocess.CalledProcessError as exc:
        message = (exc.stderr.decode(errors="replace") if isinstance(exc.stderr, bytes) else exc.stderr or "").strip()
        raise RevisionError(f"cannot read revision '{revision}': {message or 'git failed'}; give --base a commit, "
                            "branch or tag this repository has (git log --oneline lists them; a new repository "
                            "needs its first commit: git add -A && git commit)") from None
    strip = "" if prefix == "." else prefix + "/"
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        write_tree(dest, _record_files(tar, strip))


def _record_files(tar: tarfile.TarFile, strip: str) -> Iterator[tuple[str, bytes]]:
    """(path below the portal, bytes) of each record file in a revision's archive."""
    for member in tar.getmembers():
        name = member.name.removeprefix(strip)
        if not member.isfile() or name.split("/", 1)[0] not in KINDS or ".." in name.split("/"):
            continue
        data = tar.extractfile(member)
        if data is not None:
            yield name, data.read()
