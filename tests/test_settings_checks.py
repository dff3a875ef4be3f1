"""Mistakes in mkdocs.yml: the CLI and the MkDocs build name the same line and fix, and never let them through.

A key given twice (PyYAML keeps the last one, so a second ``audience: internal``
would publish the internal edition), a misspelt setting or value, an ``!ENV``
variable set but empty: `sitrep validate` exits 2 with ``mkdocs.yml:LINE: error:``
lines, and a real ``mkdocs build`` stops with the same lines, no traceback.
"""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from sitrep.cli import main
from tests.support.helpers_build import write_portal
from tests.support.sitebuild import mkdocs_build

BASE_OPTIONS = "      audience: !ENV [SITREP_AUDIENCE, public]\n      public_pages: []\n"


def settings(tmp_path: Path, change: tuple[str, str] | None = None) -> tuple[Path, str]:
    """A buildable portal whose mkdocs.yml has ``change`` (old, new) applied; (root, its text)."""
    root = write_portal(tmp_path / "portal")
    path = root / "mkdocs.yml"
    text = path.read_text(encoding="utf-8").replace("  - sitrep:\n", "  - sitrep:\n" + BASE_OPTIONS)
    if change is not None:
        assert text.count(change[0]) == 1, change[0]
        text = text.replace(*change)
    path.write_text(text, encoding="utf-8")
    return root, text


def line_of(text: str, snippet: str, nth: int = 0) -> int:
    """1-based line of the ``nth`` line holding ``snippet``."""
    return [n for n, row in enumerate(text.splitlines(), 1) if snippet in row][nth]


def validate(root: Path, env: dict[str, str | None] | None = None) -> tuple[int, list[str]]:
    result = CliRunner().invoke(main, ["validate", "--no-cache", "-f", str(root / "mkdocs.yml")],
                                env={"GITHUB_ACTIONS": None, "SITREP_AUDIENCE": None, **(env or {})})
    assert "Traceback" not in result.output
    return result.exit_code, result.stderr.replace(f"{root}/", "").splitlines()


def build(root: Path, tmp_path: Path, env: dict[str, str] | None = None) -> tuple[int, list[str]]:
    """A real mkdocs build; (exit status, the lines it printed about mkdocs.yml, less the path before it)."""
    result = mkdocs_build(root, tmp_path / "site", env=env)
    said = result.stdout + result.stderr
    assert "Traceback" not in said
    prefix = f"{root / 'mkdocs.yml'}:"
    lines = [row.split(prefix, 1)[1] for row in said.splitlines() if prefix in row]
    return result.returncode, [f"mkdocs.yml:{row}" for row in lines]


def test_a_key_given_twice_in_the_sitrep_entry_stops_validate_and_the_build(tmp_path):
    root, text = settings(tmp_path, ("      audience: !ENV [SITREP_AUDIENCE, public]\n",
                                     "      audience: !ENV [SITREP_AUDIENCE, public]\n      audience: internal\n"))
    first, again = line_of(text, "audience: !ENV"), line_of(text, "audience: internal")
    expected = (f"mkdocs.yml:{again}: error: 'audience' is given twice under plugins.sitrep (first on line "
                f"{first}); YAML would silently keep only the last one: remove one of them [duplicate-key]")
    status, said = validate(root)
    assert status == 2
    assert said == [expected]
    status, said = build(root, tmp_path, env={"SITREP_AUDIENCE": "public"})
    assert status != 0
    assert said == [expected]
    assert not (tmp_path / "site" / "runbooks").exists()


def test_a_key_given_twice_anywhere_in_mkdocs_yml_is_an_error_but_merge_keys_are_not(tmp_path):
    root, text = settings(tmp_path, ("docs_dir: docs\n", "docs_dir: docs\nsite_url: https://other.example/\n"
                                     "extra:\n  base: &base {a: 1}\n  more:\n    <<: *base\n    b: 2\n"))
    status, said = validate(root)
    assert status == 2
    assert said == [f"mkdocs.yml:{line_of(text, 'site_url', 1)}: error: 'site_url' is given twice (first on line "
                    f"{line_of(text, 'site_url')}); YAML would silently keep only the last one: remove one of them "
                    "[duplicate-key]"]


def test_a_misspelt_setting_is_one_message_on_its_line_with_the_correction(tmp_path):
    root, text = settings(tmp_path, ("        - id: database\n", "        - idd: database\n"))
    line = line_of(text, "- idd: database")
    expected = [f"mkdocs.yml:{line}: error: unknown field 'plugins.sitrep.components[2].idd' (did you mean 'id'?). "
                "Allowed fields: id, name, group, description, retired [unknown-field]"]
    status, said = validate(root)
    assert (status, said) == (2, expected)
    status, said = build(root, tmp_path)
    assert status != 0 and said == expected


def test_a_misspelt_value_names_its_line_and_the_close_allowed_value(tmp_path):
    root, text = settings(tmp_path, ("public_pages: []", "public_pages: [runbooks, proces]"))
    expected = [f"mkdocs.yml:{line_of(text, 'public_pages')}: error: plugins.sitrep.public_pages[1]: 'proces' is "
                "not allowed (did you mean 'process'?); use one of: runbooks, reports, action_items, process "
                "[bad-value]"]
    assert validate(root) == (2, expected)
    status, said = build(root, tmp_path)
    assert status != 0 and said == expected


def test_a_missing_required_setting_names_the_entry_it_belongs_in(tmp_path):
    root, text = settings(tmp_path, ("          name: \"Primary database\"\n", ""))
    status, said = validate(root)
    assert status == 2
    assert said == [f"mkdocs.yml:{line_of(text, '- id: database')}: error: missing required field "
                    "'plugins.sitrep.components[2].name' (Display name on the status page.): add 'name: …' "
                    "[missing-field]"]


def test_an_env_variable_set_but_empty_is_the_same_error_in_validate_and_the_build(tmp_path):
    root, text = settings(tmp_path)
    expected = [f"mkdocs.yml:{line_of(text, 'audience: !ENV')}: error: plugins.sitrep.audience: the environment "
                "variable SITREP_AUDIENCE is set but empty: give it a value, or unset it to use the default "
                "'public' [empty-variable]"]
    assert validate(root, env={"SITREP_AUDIENCE": ""}) == (2, expected)
    status, said = build(root, tmp_path, env={"SITREP_AUDIENCE": ""})
    assert status != 0 and said == expected


def test_a_bad_value_from_an_env_variable_names_the_variable(tmp_path):
    root, text = settings(tmp_path)
    expected = [f"mkdocs.yml:{line_of(text, 'audience: !ENV')}: error: plugins.sitrep.audience: 'publc' (from the "
                "environment variable SITREP_AUDIENCE) is not allowed (did you mean 'public'?); use one of: "
                "public, internal [bad-value]"]
    assert validate(root, env={"SITREP_AUDIENCE": "publc"}) == (2, expected)
    status, said = build(root, tmp_path, env={"SITREP_AUDIENCE": "publc"})
    assert status != 0 and said == expected


def test_valid_settings_still_validate_and_build(tmp_path):
    root, _ = settings(tmp_path)
    assert validate(root)[0] == 0
    assert validate(root, env={"SITREP_AUDIENCE": "internal"})[0] == 0
    assert build(root, tmp_path)[0] == 0


def inherited(tmp_path: Path, change: tuple[str, str], child: str = "") -> tuple[Path, str]:
    """The portal's settings moved to base.yml (``change`` applied there); mkdocs.yml inherits them."""
    root, text = settings(tmp_path, change)
    (root / "base.yml").write_text(text, encoding="utf-8")
    (root / "mkdocs.yml").write_text("INHERIT: base.yml\n" + child, encoding="utf-8")
    return root, text


def build_said(root: Path, tmp_path: Path, name: str) -> tuple[int, list[str]]:
    """A real mkdocs build; (exit status, the lines it printed about ``name``, less the folder before it)."""
    result = mkdocs_build(root, tmp_path / "site")
    said = result.stdout + result.stderr
    assert "Traceback" not in said
    prefix = f"{root / name}:"
    return result.returncode, [f"{name}:{row.split(prefix, 1)[1]}" for row in said.splitlines() if prefix in row]


def test_settings_in_an_inherited_file_are_checked_and_named_there(tmp_path):
    root, text = inherited(tmp_path, ("        - id: database\n", "        - idd: database\n"),
                           child="site_url: https://status.child.example/\n")
    expected = [f"base.yml:{line_of(text, '- idd: database')}: error: unknown field "
                "'plugins.sitrep.components[2].idd' (did you mean 'id'?). Allowed fields: id, name, group, "
                "description, retired [unknown-field]"]
    assert validate(root) == (2, expected)
    status, said = build_said(root, tmp_path, "base.yml")
    assert status != 0 and said == expected
    assert not (tmp_path / "site" / "index.html").exists()


def test_a_key_given_twice_in_an_inherited_file_is_named_there(tmp_path):
    root, text = inherited(tmp_path, ("      public_pages: []\n", "      public_pages: []\n      audience: internal\n"))
    expected = [f"base.yml:{line_of(text, 'audience: internal')}: error: 'audience' is given twice under "
                f"plugins.sitrep (first on line {line_of(text, 'audience: !ENV')}); YAML would silently keep only "
                "the last one: remove one of them [duplicate-key]"]
    assert validate(root) == (2, expected)


def test_a_setting_the_child_writes_over_its_parent_is_named_in_the_child(tmp_path):
    # MkDocs replaces the parent's plugins list by the child's: the child's line is the one to fix.
    child = "plugins:\n  - sitrep:\n      components:\n        - id: web\n          name: Web\n      audiance: public\n"
    root, _ = inherited(tmp_path, ("public_pages: []", "public_pages: [runbooks]"), child=child)
    assert validate(root) == (2, ["mkdocs.yml:7: error: unknown field 'plugins.sitrep.audiance' (did you mean "
                                  "'audience'?). Allowed fields: site_name, site_url, audience, records_dir, "
                                  "components, severities, since, public_pages, uptime_days, recent_days, "
                                  "history_page_size, feed_max_entries, feed_days, allow_raw_html, people, notify "
                                  "[unknown-field]"])


def test_a_missing_parent_file_is_a_clear_error(tmp_path):
    root, _ = inherited(tmp_path, ("public_pages: []", "public_pages: []"))
    (root / "mkdocs.yml").write_text("site_url: https://status.child.example/\nINHERIT: ../shared/base.yml\n",
                                     encoding="utf-8")
    assert validate(root) == (2, ["mkdocs.yml:2: error: INHERIT: the parent configuration file "
                                  f"'../shared/base.yml' does not exist (looked for {tmp_path}/shared/base.yml): "
                                  "correct the path, relative to the folder of mkdocs.yml, or remove the INHERIT "
                                  "line"])


def test_valid_inherited_settings_validate_and_build(tmp_path):
    root, _ = inherited(tmp_path, ("public_pages: []", "public_pages: [runbooks]"))
    assert validate(root)[0] == 0
    assert build_said(root, tmp_path, "base.yml")[0] == 0
    assert (tmp_path / "site" / "runbooks").is_dir()  # the parent's public_pages apply


def test_a_component_missing_its_dash_is_one_error_on_its_line(tmp_path):
    root, text = settings(tmp_path, ("        - id: database\n", "          id: database\n"))
    line = line_of(text, "  id: database")
    expected = [f"mkdocs.yml:{line}: error: 'id:' starts another item of plugins.sitrep.components without its "
                "'- ': write '- id: …' and line up the item's other lines under 'id:' [missing-dash]"]
    assert validate(root) == (2, expected)  # not also "'name' is given twice"
    status, said = build(root, tmp_path)
    assert status != 0 and said == expected


def test_an_unclosed_quote_in_mkdocs_yml_is_named_where_it_opens(tmp_path):
    root, _ = settings(tmp_path, ("site_name: ", "site_name: 'Our status"))
    assert validate(root) == (2, ["mkdocs.yml:1: error: YAML syntax error: the quote ' opened on line 1 is never "
                                  "closed: add the closing ' at the end of the value"])  # not the file's last line
