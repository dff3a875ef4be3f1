"""The package's shape stays one-way: no module imports from a higher layer, and only plugin.py imports MkDocs.

Imports are read with :mod:`ast` from the source, at any depth (function-level
imports and ``if TYPE_CHECKING:`` blocks count: they are dependencies too).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from tests.support.work import write_files

PACKAGE = Path(__file__).resolve().parents[1] / "generator" / "sitrep"

#: Layers from the bottom; a module may import from its own layer and the ones below.
LAYERS = {"model": 0, "text": 1, "load": 2, "derive": 3, "render": 4, "edit": 5, "commands": 6, "cli": 6, "plugin": 6}
#: The package's __init__ (the version) sits at the bottom with the vocabulary.
ROOT_LAYER = 0


@dataclass(frozen=True, order=True)
class Import:
    """One import statement of a module of the package, by dotted module names."""

    importer: str
    imported: str
    line: int


def module_name(package: Path, path: Path) -> str:
    parts = [package.name, *path.relative_to(package).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(package: Path) -> Iterator[Import]:
    """Every import in every module under ``package`` (absolute and relative, at any depth)."""
    for path in sorted(package.rglob("*.py")):
        importer = module_name(package, path)
        is_package = path.name == "__init__.py"
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    yield Import(importer, alias.name, node.lineno)
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    here = importer.split(".") if is_package else importer.split(".")[:-1]
                    anchor = here[: len(here) - (node.level - 1)]
                    base = ".".join(anchor + ([base] if base else []))
                # "from pkg.render import charts" imports the module pkg.render.charts
                for alias in node.names:
                    yield Import(importer, f"{base}.{alias.name}" if base else alias.name, node.lineno)


def layer_of(module: str, package: str) -> int | None:
    """The layer of a module of the package; None for modules outside it."""
    parts = module.split(".")
    if parts[0] != package:
        return None
    if len(parts) == 1 or parts[1] not in LAYERS:
        return ROOT_LAYER
    return LAYERS[parts[1]]


def upward_imports(package: Path) -> list[str]:
    """'importer:line imports imported (layer a -> b)' for each import from a higher layer."""
    found = []
    for imp in imports_of(package):
        low, high = layer_of(imp.importer, package.name), layer_of(imp.imported, package.name)
        if low is not None and high is not None and high > low:
            found.append(f"{imp.importer}:{imp.line} imports {imp.imported} (layer {low} -> {high})")
    return found


def module_cycles(package: Path, layer: str) -> list[list[str]]:
    """Groups of modules of one layer's folder that import each other in a cycle (each sorted)."""
    prefix = f"{package.name}.{layer}."
    modules = {module_name(package, p) for p in (package / layer).rglob("*.py")}
    graph: dict[str, set[str]] = {m: set() for m in modules}
    for imp in imports_of(package):
        if imp.importer in graph and imp.imported.startswith(prefix):
            # "from pkg.render.pages import Page" names pkg.render.pages.Page: keep the module part
            target = max((m for m in modules if imp.imported == m or imp.imported.startswith(m + ".")),
                         key=len, default=None)
            if target is not None and target != imp.importer:
                graph[imp.importer].add(target)
    return _strongly_connected(graph)


def _strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's algorithm; components of more than one node, sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    result: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                result.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(result)


# --------------------------------------------------------------------------- the package


def test_every_module_belongs_to_a_layer() -> None:
    folders = {p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    modules = {p.stem for p in PACKAGE.glob("*.py")} - {"__init__"}
    assert folders | modules == set(LAYERS)


def test_no_module_imports_from_a_higher_layer() -> None:
    assert upward_imports(PACKAGE) == []


def test_only_the_plugin_imports_mkdocs() -> None:
    users = sorted({imp.importer for imp in imports_of(PACKAGE) if imp.imported.split(".")[0] == "mkdocs"})
    assert users == ["sitrep.plugin"]


def test_no_import_cycles_between_modules_of_a_layer() -> None:
    cycles = {layer: module_cycles(PACKAGE, layer) for layer in LAYERS if (PACKAGE / layer).is_dir()}
    assert {layer: found for layer, found in cycles.items() if found} == {}


# --------------------------------------------------------------------------- the checker itself




def test_checker_reports_an_upward_import_also_inside_a_function(tmp_path: Path) -> None:
    pkg = write_files(tmp_path / "pkg", {
        "__init__.py": "",
        "model/__init__.py": "",
        "model/words.py": "def late():\n    from pkg.render.pages import Page\n    return Page\n",
        "load/__init__.py": "",
        "load/reader.py": "from ..model import words\nfrom . import other\n",
        "load/other.py": "import pkg.model.words\n",
        "render/__init__.py": "",
        "render/pages.py": "from pkg.load.reader import words\nfrom .. import edit\nPage = 1\n",
        "edit/__init__.py": "",
        "cli.py": "from pkg.edit import x\n",
    })
    assert upward_imports(pkg) == [
        "pkg.model.words:2 imports pkg.render.pages.Page (layer 0 -> 4)",
        "pkg.render.pages:2 imports pkg.edit (layer 4 -> 5)",
    ]


def test_checker_reports_a_cycle_between_modules_of_a_layer(tmp_path: Path) -> None:
    pkg = write_files(tmp_path / "pkg", {
        "__init__.py": "",
        "render/__init__.py": "",
        "render/pages.py": "from pkg.render.library import x\n",
        "render/library.py": "from pkg.render.feeds import y\n",
        "render/feeds.py": "def f():\n    from .pages import z\n",
        "render/badges.py": "from pkg.render.feeds import y\n",
    })
    assert module_cycles(pkg, "render") == [["pkg.render.feeds", "pkg.render.library", "pkg.render.pages"]]
