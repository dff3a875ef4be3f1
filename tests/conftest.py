"""Shared fixtures: a minimal portal on disk; Debian's Chromium for the browser tests."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest

from tests.support.helpers_build import chromium, visitor_page

DEFAULT_COMPONENTS = ("web-app", "publishing-api", "database")

MakePortal = Callable[..., Path]


@pytest.fixture
def make_portal(tmp_path: Path) -> MakePortal:
    """Write a portal into ``tmp_path`` and return its root (the folder of mkdocs.yml).

    ``make_portal({"runbooks/x.md": "---\\n...", ...}, components=("api",))``: values
    may be ``str`` (written as UTF-8, exactly as given) or ``bytes``. Calling it
    again on the same test adds or overwrites files.
    """

    def make(files: Mapping[str, str | bytes] | None = None,
             components: Iterable[str] = DEFAULT_COMPONENTS) -> Path:
        root = tmp_path
        entries = "".join(f"        - id: {c}\n          name: {c.title()}\n" for c in components)
        config = root / "mkdocs.yml"
        if not config.exists():
            config.write_text(
                "site_name: Test Status\n"
                "plugins:\n"
                "  - sitrep:\n"
                "      components:\n" + entries,
                encoding="utf-8",
            )
        for rel, content in (files or {}).items():
            path = root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, str):
                content = content.encode("utf-8")
            path.write_bytes(content)
        return root

    return make


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One Chromium per test module (browser tests)."""
    with chromium() as b:
        yield b


@pytest.fixture
def page(browser: Any, base_url: str) -> Iterator[Any]:
    """A visitor's page on the requesting module's ``base_url`` (see ``visitor_page``)."""
    with visitor_page(browser, base_url) as pg:
        yield pg
