"""Rules of the code a maintainer relies on, checked on the source (tests/test_layers.py checks the imports).

* Files are written in one place: ``model/files.py`` (and the helper process it starts);
  every other module calls its functions.
* Each word of the vocabulary is spelt once: a site file name only in ``render/urls.py``,
  a record folder only in ``load/discovery.py``, a status or state label only in
  ``model/vocabulary.py`` (templates use its filters).

Source is read with :mod:`ast`; docstrings do not count (they may name what they describe).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

from sitrep.model import vocabulary
from sitrep.render import urls
from tests.support.work import write_files
from tests.test_layers import PACKAGE, module_name

TEMPLATES = PACKAGE / "render" / "templates"

#: Modules that write files: the write helpers themselves.
WRITERS = {"sitrep.model.files", "sitrep.model.write_helper"}
#: Methods that write a file (pathlib's).
WRITING_METHODS = {"write_text", "write_bytes", "touch", "symlink_to", "hardlink_to"}
#: Functions of a module that write, replace or remove files: ``os.replace``, ``shutil.rmtree``...
WRITING_FUNCTIONS = {"os": {"replace", "rename", "remove", "unlink", "link", "symlink"},
                     "shutil": {"rmtree", "move", "copy", "copy2", "copyfile", "copytree"}}
#: Writes outside model/files.py that are not a file's content, each with why.
WRITES_ALLOWED = {
    ("sitrep.edit.notify", "open"): "the ledger's lock file: opened to hold a lock, nothing is written to it",
}


def _docstrings(tree: ast.AST) -> set[int]:
    """ids of the string constants that are docstrings (or other bare string statements)."""
    return {id(node.value) for node in ast.walk(tree)
            if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)}


def _sources(package: Path) -> Iterator[tuple[str, ast.AST]]:
    for path in sorted(package.rglob("*.py")):
        yield module_name(package, path), ast.parse(path.read_text(encoding="utf-8"), str(path))


def _strings(tree: ast.AST) -> Iterator[tuple[int, str]]:
    """(line, text) of every string constant that is not a docstring, f-string parts included."""
    skip = _docstrings(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip:
            yield node.lineno, node.value


def _open_mode(call: ast.Call) -> str:
    mode = call.args[1] if len(call.args) > 1 else next((k.value for k in call.keywords if k.arg == "mode"), None)
    return mode.value if isinstance(mode, ast.Constant) and isinstance(mode.value, str) else "r"


def file_writes(package: Path) -> list[str]:
    """'module:line call' for each call that writes, moves or removes a file outside :data:`WRITERS`."""
    found = []
    for module, tree in _sources(package):
        if module.replace(package.name, "sitrep", 1) in WRITERS:
            continue
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
            on = func.value.id if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) else ""
            writes = (name in WRITING_METHODS or name in WRITING_FUNCTIONS.get(on, ())
                      or (name == "open" and on != "os" and re.search("[wax+]", _open_mode(node))))
            if writes and (module.replace(package.name, "sitrep", 1), name) not in WRITES_ALLOWED:
                found.append((node.lineno, f"{module}:{node.lineno} {name}"))
    return [text for _, text in sorted(found)]


def test_files_are_written_only_through_model_files() -> None:
    assert file_writes(PACKAGE) == []


# --------------------------------------------------------------------------- the vocabulary, spelt once


def _site_file_names() -> set[str]:
    """Every file name of the site that urls.py spells (``summary.json``, ``badge.svg``, ``history.rss``...)."""
    values: list[str] = []
    for value in vars(urls).values():
        if isinstance(value, str):
            values.append(value)
        elif isinstance(value, tuple | dict):
            values += [v for v in (value.values() if isinstance(value, dict) else value) if isinstance(v, str)]
    return {part for v in values for part in (v, v.rsplit("/", 1)[-1])
            if re.fullmatch(r"[a-z0-9/_-]+\.(json|svg|rss|atom|ics|js)", part)}


#: Site file names other modules may spell, each with why.
SITE_FILES_ALLOWED = {
    ("sitrep.render.embed", "embed.js"): "the script's source file in templates/embed/, named like its output",
}


def spelt_site_files(package: Path) -> list[str]:
    """'module:line text' for each string outside render/urls.py that spells a site file name."""
    names = _site_file_names()
    found = []
    for module, tree in _sources(package):
        if module.endswith("render.urls"):
            continue
        for line, text in sorted(_strings(tree)):
            if text in names and (module, text) not in SITE_FILES_ALLOWED:
                found.append(f"{module}:{line} {text!r}")
    return found


def test_site_file_names_are_spelt_only_in_urls() -> None:
    assert len(_site_file_names()) > 8  # the rule reads urls.py's names: summary.json, badge.svg, ...
    assert spelt_site_files(PACKAGE) == []


#: The records' folders in a portal (the site's page folders in render/urls.py happen to share the words).
RECORD_FOLDERS = ("incidents", "postmortems", "runbooks")
#: Where the folders are named: the discovery of records, and the site's own folders in urls.
RECORD_FOLDERS_NAMED_IN = {"sitrep.load.discovery", "sitrep.render.urls"}


def spelt_record_folders(package: Path) -> list[str]:
    """'module:line text' for each path into a record folder (``incidents/``, ``runbooks/x.md``) outside
    load/discovery.py. The bare words are also fields (a postmortem's ``incidents``, a record's
    ``runbooks``) and are not counted; nor are template names (``postmortems/head.md.j2``) and the API's
    files (``incidents/unresolved.json``)."""
    pattern = re.compile(rf"(?:{'|'.join(RECORD_FOLDERS)})/.*")
    found = []
    for module, tree in _sources(package):
        if module in RECORD_FOLDERS_NAMED_IN:
            continue
        for line, text in sorted(_strings(tree)):
            if pattern.fullmatch(text) and not text.endswith((".j2", ".json")):
                found.append(f"{module}:{line} {text!r}")
    return found


def test_record_folders_are_named_only_in_discovery() -> None:
    assert spelt_record_folders(PACKAGE) == []


def _labels() -> set[str]:
    tables = (vocabulary.STATUS_LABELS, vocabulary.UPDATE_LABELS, vocabulary.POSTMORTEM_STATUS_LABELS,
              vocabulary.ACTION_STATE_LABELS)
    return {label for table in tables for label in table.values()} | {b for _, b in vocabulary.OVERALL.values()}


#: Label words other modules may spell, each with why.
LABELS_ALLOWED = {
    ("sitrep.render.preview", "Resolved"): "a kind of change in the pull request's summary (declared, updated, "
                                           "resolved, removed), not an update's status",
}


def spelt_labels(package: Path) -> list[str]:
    """'where text' for each label of the vocabulary spelt outside model/vocabulary.py: string
    constants of the package's modules, quoted strings of its templates."""
    labels = _labels()
    found = []
    for module, tree in _sources(package):
        if module.endswith("model.vocabulary"):
            continue
        found += [f"{module}:{line} {text!r}" for line, text in sorted(_strings(tree))
                  if text in labels and (module, text) not in LABELS_ALLOWED]
    for path in sorted(package.rglob("*.j2")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            line = re.sub(r"\{#.*?#\}", "", line)
            found += [f"{path.relative_to(package)}:{number} {m[1]!r}" for m in re.finditer(r"\"([^\"]+)\"", line)
                      if m[1] in labels]
    return found


def test_labels_are_spelt_only_in_the_vocabulary() -> None:
    assert {"Partial outage", "In progress", "Won't do", "All Systems Operational"} <= _labels()
    assert spelt_labels(PACKAGE) == []


# --------------------------------------------------------------------------- what the docs say of the code

README = PACKAGE.parents[1] / "README.md"


def named_modules_missing(package: Path) -> list[str]:
    """'module:line name' for each ``sitrep.x.y`` a docstring or comment names in backticks that
    does not exist (a module moved: ``sitrep.reader`` is ``sitrep.load.reader`` now)."""
    import importlib

    found = []
    for path in sorted(package.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        for match in re.finditer(r"`~?(sitrep\.[\w.]+?)(?:\(\))?`", text):
            parts = match[1].rstrip(".").split(".")
            for cut in range(len(parts), 0, -1):
                try:
                    target: object = importlib.import_module(".".join(parts[:cut]))
                except ImportError:
                    continue
                for name in parts[cut:]:
                    target = getattr(target, name, None)
                break
            else:
                target = None
            if target is None:
                line = text.count("\n", 0, match.start()) + 1
                found.append(f"{module_name(package, path)}:{line} {match[1]}")
    return found


def test_docstrings_name_modules_that_exist() -> None:
    assert named_modules_missing(PACKAGE) == []


def test_the_readme_architecture_lists_every_module() -> None:
    text = README.read_text(encoding="utf-8")
    section = text[text.index("## Architecture"):]
    tree = section[section.index("```text"):section.index("```", section.index("```text") + 3)]
    modules = sorted(p for p in PACKAGE.rglob("*.py") if p.stem != "__init__")
    assert [p.relative_to(PACKAGE).as_posix() for p in modules if not re.search(rf"\b{p.stem}\b", tree)] == []


# --------------------------------------------------------------------------- the checkers themselves




def test_checkers_find_what_they_look_for(tmp_path: Path) -> None:
    pkg = write_files(tmp_path / "sitrep", {
        "__init__.py": "",
        "model/__init__.py": "",
        "model/files.py": "import shutil\ndef w(p, d):\n    p.write_bytes(d)\n    shutil.rmtree(p)\n",
        "cli.py": '"""Writes badge.svg and incidents/ (a docstring: not counted)."""\nimport os, shutil\n'
                  "def f(p, t):\n    p.write_text(t)\n    open(p, 'a+b')\n    open(p).read()\n"
                  "    os.replace(p, t)\n    shutil.rmtree(p)\n    'a-b'.replace('-', '')\n"
                  "    return {'badge.svg': 1, 'x': f'incidents/{t}/a.md', 'y': 'runbooks', 'z': 'runbooks/a.md.j2',"
                  " 'w': \"Won't do\"}\n",
        "render/__init__.py": "",
        "render/templates/page.md.j2": '{{ "Completed" if x else "resolved"|update_label }} {# "Draft" #}\n',
    })
    assert file_writes(pkg) == ["sitrep.cli:4 write_text", "sitrep.cli:5 open", "sitrep.cli:7 replace",
                                "sitrep.cli:8 rmtree"]
    assert spelt_site_files(pkg) == ["sitrep.cli:10 'badge.svg'"]
    assert spelt_record_folders(pkg) == ["sitrep.cli:10 'incidents/'"]
    assert spelt_labels(pkg) == ["sitrep.cli:10 \"Won't do\"", "render/templates/page.md.j2:1 'Completed'"]
