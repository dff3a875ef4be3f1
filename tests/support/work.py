"""Counting work instead of timing it: a test of how work grows with input size holds on a busy machine."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any


def lines_run(run: Callable[[], Any], *watched: str) -> int:
    """How many lines of Python ran, during ``run()``, in files whose path holds one of ``watched``
    (e.g. ``"sitrep"``, ``"markdown"``): the work done, not the time it took."""
    count = 0

    def trace(frame: Any, event: str, arg: Any) -> Any:
        nonlocal count
        if any(w in frame.f_code.co_filename for w in watched):
            count += 1
            return trace
        return None

    sys.settrace(trace)
    try:
        run()
    finally:
        sys.settrace(None)
    return count


def write_files(root: Path, files: dict[str, str]) -> Path:
    """Write ``files`` (relative path -> text) under ``root``, folders created; ``root`` back."""
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root
