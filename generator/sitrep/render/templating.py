"""The one Jinja environment of every page template, with the filters templates share.

Templates hold all markup and escape every value from a record (autoescaping);
Python hands them view data. Every filter is registered here, once.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
import jinja2.bccache
from markupsafe import Markup, escape

from sitrep.model.formatting import day_label, format_duration, human_time, iso_z, pct, safe_text, uptime_text
from sitrep.model.vocabulary import (
    action_state_label,
    closing_label,
    maintenance_affects,
    postmortem_status_label,
    status_label,
    update_label,
)
from sitrep.render import urls
from sitrep.render.icons import fill_sprite, icon, sprite
from sitrep.render.urls import update_anchor

TEMPLATES = Path(__file__).parent / "templates"
#: The theme folder (status page template, page head, CSS/JS) an engine adds after the portal's custom_dir.
THEME_DIR = Path(__file__).parent / "theme"
#: Theme files (paths in THEME_DIR) only the MkDocs plugin uses, not written by ``sitrep generate
#: --theme-dir``: the page shell, and Material for MkDocs' search partial, which would replace the
#: search of Zensical's templates with markup its stylesheet and script do not know.
THEME_PLUGIN_ONLY = frozenset({"sitrep-shell.html", "partials/search.html"})
#: A theme template's link to one of Sitrep's pages: ``{{ sitrep_urls.dir_url(sitrep_urls.HISTORY_PAGE) }}``
#: reads the global the MkDocs plugin sets (the 404 page's way back).
_THEME_URL = re.compile(r"\{\{\s*sitrep_urls\.dir_url\(sitrep_urls\.([A-Z_]+)\)\s*\}\}")


def theme_file_for_engine(rel: str, data: bytes) -> bytes:
    """A theme file as ``sitrep generate --theme-dir`` writes it for an engine without the MkDocs plugin.

    Its links to Sitrep's pages are written in: the engine has no ``sitrep_urls``, and a template
    reading it would not render (Zensical then made its own 404 page instead of Sitrep's).
    """
    if not rel.endswith(".html") or b"sitrep_urls" not in data:
        return data
    text = _THEME_URL.sub(lambda m: urls.dir_url(getattr(urls, m.group(1))), data.decode("utf-8"))
    if "sitrep_urls" in text:
        raise ValueError(f"theme/{rel}: write Sitrep's links as {{{{ sitrep_urls.dir_url(sitrep_urls.NAME) }}}}")
    return text.encode("utf-8")


class _Environment(jinja2.Environment):
    """Jinja's environment reading ``view.key`` of a plain dict as the item straight away.

    View data are dicts, and Jinja looks for an attribute first: every read raised and caught an
    AttributeError, about a million times in a 10,000-incident build. A key named like a dict
    method (``items``) now reads as the key: no view has one.
    """

    def getattr(self, obj: Any, attribute: str) -> Any:
        if type(obj) is dict and attribute in obj:
            return obj[attribute]
        return super().getattr(obj, attribute)


class _CompiledTemplates(jinja2.FileSystemBytecodeCache):
    """Jinja's cache of compiled templates, which never fails a build: a file it cannot write is skipped."""

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        with contextlib.suppress(OSError):
            super().dump_bytecode(bucket)


def compiled_template_cache(env: jinja2.Environment, kind: str) -> jinja2.BytecodeCache | None:
    """A cache of compiled templates for ``env`` (``kind``: ``sitrep`` or ``theme``), or None if none is usable.

    Compiling the theme's and Sitrep's templates is about a third of what a build of a
    small portal costs; with the compiled code kept, a build after the first (and each
    rebuild of ``mkdocs serve``) skips it. A template whose text changed is compiled
    again: Jinja checks each entry against the template's checksum (and the Python
    version). The cache lives in the user's cache folder (``$XDG_CACHE_HOME/sitrep``,
    by default ``~/.cache/sitrep``), never in the checkout: it holds code the build
    runs, which a branch or pull request must not be able to bring along. One folder
    per Jinja version, environment and set of the settings that shape compiled code.
    """
    settings = (type(env).__qualname__, env.block_start_string, env.block_end_string, env.variable_start_string,
                env.variable_end_string, env.comment_start_string, env.comment_end_string,
                env.line_statement_prefix, env.line_comment_prefix, env.trim_blocks, env.lstrip_blocks,
                env.newline_sequence, env.keep_trailing_newline, env.optimized, sorted(env.extensions),
                env.autoescape if isinstance(env.autoescape, bool) else "by name", env.undefined.__qualname__)
    fingerprint = hashlib.blake2b(repr(settings).encode(), digest_size=6).hexdigest()
    try:
        base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
        folder = base / "sitrep" / f"templates-jinja-{jinja2.__version__}" / f"{kind}-{fingerprint}"
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        usable = os.access(folder, os.W_OK | os.X_OK)
    except (OSError, RuntimeError):  # RuntimeError: no home folder to be found
        return None
    return _CompiledTemplates(str(folder)) if usable else None


@cache
def template_env() -> jinja2.Environment:
    """The Jinja environment of all page templates (autoescaping, strict undefined, shared filters)."""
    env = _Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
        # The templates ship with the package: no stat() of the file on each of the build's
        # thousands of get_template calls to see whether it changed.
        auto_reload=False,
    )
    env.filters.update({
        "iso": iso_z,
        "utc": human_time,
        "day": day_label,
        "duration": format_duration,
        "pct": pct,
        "uptime": uptime_text,
        "status_label": status_label,
        "maintenance_affects": maintenance_affects,
        "update_label": update_label,
        "closing_label": closing_label,
        "pm_status": postmortem_status_label,
        "state_label": action_state_label,
        "anchor": update_anchor,
        "inline_code": inline_code,
        "linked": linked,
        "href": urls.href,
        "xml_safe": safe_text,
        "paragraphs": paragraphs,
    })
    env.globals.update({"icon": icon, "icon_sprite": sprite, "urls": urls})
    return env


def render(template: str, **context: Any) -> str:
    """Render one template with the given view data (and the icons it uses, see :mod:`sitrep.render.icons`)."""
    return fill_sprite(template_env().get_template(template).render(**context))


def render_macro(template: str, macro: str, *args: Any) -> str:
    """Call one macro of a template (e.g. a feed entry's content) and return its text."""
    return str(template_macro(template, macro)(*args))


def template_macro(template: str, macro: str) -> Any:
    """One macro of a template, as a callable returning its (escaped, ``Markup``) output.

    Calling a macro of the template's module, made once, costs much less than
    rendering a template: no new context and no import of ``_macros.j2`` per call,
    which counts for the pages rendered once per record.
    """
    return getattr(template_env().get_template(template).module, macro)


def page_part(template: str, macro: str) -> Callable[..., str]:
    """``part(*args)``: a macro's text with the icons it uses (:func:`render`, as one macro of a template)."""
    call = template_macro(template, macro)

    def part(*args: Any) -> str:
        return fill_sprite(str(call(*args)))

    return part


def paragraphs(text: str) -> list[list[str]]:
    """A message's paragraphs (blank lines separate them), each as its lines."""
    return [p.strip().split("\n") for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]


#: A web address in a message written as plain text: http(s) up to a space, a quote or an angle bracket, without
#: the punctuation ending the sentence around it ("see https://x.example/a.").
WEB_ADDRESS = re.compile(r"https?://[^\s<>\"']+[^\s<>\"'.,;:!?)\]]")


def linked(text: str, style: str | None = None) -> Markup:
    """Escape a plain-text message and make each web address in it a link (``style``: an inline style for
    the links, as email needs); nothing else of the text becomes markup."""
    parts, last = [], 0
    attrs = Markup(' style="{}"').format(style) if style else Markup("")
    for match in WEB_ADDRESS.finditer(text):
        parts.append(escape(text[last:match.start()]))
        parts.append(Markup('<a href="{0}"{1}>{0}</a>').format(match.group(0), attrs))
        last = match.end()
    parts.append(escape(text[last:]))
    return Markup("").join(parts)


def inline_code(text: str) -> Markup:
    """Escape text and show its `code spans` as <code> (nothing else of Markdown)."""
    parts = re.split(r"`([^`]+)`", text)
    return Markup("").join(Markup("<code>{}</code>").format(p) if k % 2 else escape(p) for k, p in enumerate(parts))
