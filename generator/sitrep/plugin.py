"""The ``sitrep`` MkDocs plugin: a thin adapter from MkDocs' events to the core.

* ``on_config``: validate every record (errors abort the build before anything
  is written), derive the site's state and list its pages (each renders its text
  only when written), set the navigation and watched folders;
* ``on_files``: hand generated pages and files to MkDocs, never writing into
  ``docs_dir``: pages in the navigation as MkDocs pages, the thousands of others
  as :class:`StreamedFile` (MkDocs copies them; :class:`StreamWriter` renders
  each then, hands it to a writing process and lets it go);
* ``on_pre_page``: read a generated page's text without YAML, render it with one
  Markdown instance for the build, and not at all when it has no record body
  (its HTML comes from our templates); ``SITREP_RENDER=page-by-page`` keeps
  MkDocs' own reading and rendering of every page, which the tests compare with;
* ``on_page_content``: sanitise the HTML rendered from record bodies and put the
  template HTML back in place;
* ``on_page_context``: fill pages out of the navigation into a theme shell
  rendered once per template, folder and page options (:class:`ShellRenderer`)
  instead of having Material render the whole page for each of thousands;
* ``on_template_context`` (sitemap) and ``on_post_build``: the sitemap and the
  search index list streamed pages as MkDocs' own, in the order of the files.
"""

from __future__ import annotations

import contextlib
import dataclasses
import errno
import functools
import gc
import logging
import os
import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from html import escape
from pathlib import Path
from types import SimpleNamespace
from typing import Any, ClassVar
from urllib.parse import quote, urljoin, urlsplit

import jinja2
from markupsafe import Markup
from markupsafe import escape as markup_escape
from mkdocs.commands import build as mkdocs_build
from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority
from mkdocs.structure import pages as mkdocs_pages
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page as MkPage
from mkdocs.structure.toc import get_toc
from mkdocs.utils import get_build_date

from sitrep.load.discovery import RECORD_FOLDERS
from sitrep.load.loader import load_portal
from sitrep.model.clock import build_time
from sitrep.model.config import SitrepConfig, read_settings, validate_settings
from sitrep.model.exceptions import SitrepError
from sitrep.model.files import BackgroundWriter, os_error_fix, remove_folder, swap_in
from sitrep.model.settings_file import SettingsFile
from sitrep.render import urls
from sitrep.render.bounded_markdown import BoundedMarkdown
from sitrep.render.page import BODY_START, Page, join_fragments, read_front_matter, split_fragments
from sitrep.render.sanitize import sanitize_record_html, unwrap_record_html
from sitrep.render.site import SiteOutput, build_site
from sitrep.render.templating import THEME_DIR, compiled_template_cache, template_env

log = logging.getLogger("mkdocs.plugins.sitrep")


# MkDocs only checks that each option is known; pydantic (SitrepConfig) validates
# them, so the options and their documentation live in one place.
SitrepPluginConfig = type(
    "SitrepPluginConfig",
    (base.Config,),
    {name: c.Optional(c.Type(object)) for name in SitrepConfig.model_fields if name not in ("site_name", "site_url")},
)



def _as_shown(path: Path) -> Path:
    """``path`` relative to the working directory when it is below it (MkDocs gives it absolute): the
    settings' problems then name ``mkdocs.yml:87``, as ``sitrep validate`` names them."""
    try:
        relative = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return path
    return path if relative.startswith("..") else Path(relative)

class SitrepPlugin(BasePlugin[SitrepPluginConfig]):  # type: ignore[valid-type]
    """Builds the status site, history, feeds and API from the records."""

    def __init__(self) -> None:
        self.command = "build"
        self.final_site_dir: str | None = None
        self.output: SiteOutput | None = None
        #: Generated pages not yet read, by docs path: each renders its text only when MkDocs reads it,
        #: and is let go then (with what its rendering kept, such as the history rows).
        self.pages: dict[str, Page] = {}
        #: Every generated page by docs path, with what search indexes for it (None: its HTML).
        self.search_entries: dict[str, tuple[str, str] | None] = {}
        #: Pages read and not yet rendered: record bodies (sanitised) and template HTML fragments.
        self.record_pages: set[str] = set()
        self.fragments: dict[str, list[str]] = {}
        #: Template HTML of pages search skips, put back in on_page_context (after the search plugin's).
        self.late_fragments: dict[str, list[str]] = {}
        self.sanitize = True
        self.markdown: SharedMarkdown | None = None
        self.search_index: Any = None
        self.shells: ShellRenderer | None = None
        self.writer: StreamWriter | None = None
        self.files: Files | None = None
        self.page_by_page = os.environ.get("SITREP_RENDER") == "page-by-page"

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.command = command

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        try:
            return self._configure(config)
        except SitrepError as exc:  # the boundary: MkDocs prints it and stops, no traceback
            raise PluginError(str(exc)) from None

    def _configure(self, config: MkDocsConfig) -> MkDocsConfig:
        options = {k: v for k, v in self.config.items() if v is not None}
        # MkDocs has read the file already, keeping the last of two equal keys: read it again as nodes,
        # for those and for the line of each problem in the settings.
        file = (read_settings(_as_shown(Path(config.config_file_path)), "not found")[0] if config.config_file_path
                else SettingsFile("mkdocs.yml", None))
        settings = validate_settings(file, options, config.site_name, config.site_url)
        now = build_time()
        root = (Path(config.config_file_path).parent / settings.records_dir).resolve()
        # Loading makes a million objects that live to the end of the build and hold no cycles
        # worth collecting: full collections over them while they are made cost a tenth of the load.
        collecting = gc.isenabled()
        gc.disable()
        try:
            return self._load_and_build(config, settings, root, now)
        finally:
            if collecting:
                gc.enable()

    def _load_and_build(self, config: MkDocsConfig, settings: SitrepConfig, root: Path, now: datetime) -> MkDocsConfig:
        portal, diags = load_portal(root, settings, now=now)
        for d in diags.warnings:
            log.info(d.as_text())
        if diags.has_errors:
            report = "\n".join(d.as_text() for d in diags.errors)
            raise PluginError(f"{len(diags.errors)} invalid record problem(s); nothing was built:\n{report}")
        env = template_env()
        if env.bytecode_cache is None:
            env.bytecode_cache = compiled_template_cache(env, "sitrep")
        self.output = build_site(portal, now)
        # The records and their derived state live until the build ends: the garbage collector
        # need not walk their million objects again at each full collection (undone at the end).
        gc.freeze()
        self.sanitize = not settings.allow_raw_html
        if not config.nav:
            config.nav = self.output.nav
        register_theme(config)
        # A status page speaks for the team, not for its tools: no "Made with Material for
        # MkDocs" footer unless mkdocs.yml asks for it (extra: generator: true).
        config.extra.setdefault("generator", False)
        if self.command == "build":
            # Build into a sibling folder and swap it in at the end, so a failed build
            # leaves the previously published site untouched.
            self.final_site_dir = config.site_dir
            config.site_dir = staging_dir(config.site_dir)
            remove_folder(config.site_dir)
        for folder in RECORD_FOLDERS.values():
            path = str(root / folder)
            if Path(path).is_dir() and path not in config.watch:
                config.watch.append(path)
        return config

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        assert self.output is not None
        # One lookup set: Files.get_file_from_path rebuilds its index after every append,
        # which made adding thousands of pages quadratic.
        existing = {f.src_uri for f in files}
        pages, files_out = self.output.pages, self.output.files
        self.output = None
        clashes = sorted(path for path in [p.path for p in pages] + list(files_out) if path in existing)
        if clashes:
            listed = ", ".join(f"{config.docs_dir}/{c}" for c in clashes)
            raise PluginError(f"{listed}: clashes with pages Sitrep generates; rename or remove them")
        self.markdown = None if self.page_by_page else SharedMarkdown(config, files)
        self.search_index = _material_search_index(config, self)
        self.writer = None if self.page_by_page else StreamWriter(self, config)
        self.pages, self.search_entries = {}, {}
        for page in pages:
            inclusion = InclusionLevel.INCLUDED if page.in_nav else InclusionLevel.NOT_IN_NAV
            if self.page_by_page:
                # The reference the tests compare with: every page read, rendered and written by
                # MkDocs and Material one by one, its text made up front.
                markdown, self.fragments[page.path] = split_fragments(page.text)
                if BODY_START in markdown:
                    self.record_pages.add(page.path)
                files.append(File.generated(config, page.path, content=markdown, inclusion=inclusion))
            elif page.in_nav:
                files.append(File.generated(config, page.path, content="", inclusion=inclusion))
            else:
                assert self.writer is not None
                files.append(StreamedFile(config, page.path, self.writer))
            self.pages[page.path] = page
            self.search_entries[page.path] = page.search_entry
        for path, content in files_out.items():
            files.append(File.generated(config, path, content=content, inclusion=InclusionLevel.INCLUDED))
        return files

    def on_nav(self, nav: Any, *, config: MkDocsConfig, files: Files) -> Any:
        if self.writer is not None:
            self.writer.nav = nav
        return nav

    def on_pre_page(self, page: MkPage, *, config: MkDocsConfig, files: Files) -> MkPage:
        generated = self.pages.pop(page.file.src_uri, None)
        if generated is None or self.markdown is None:
            return page
        page.read_source = functools.partial(self._read_generated, page, generated)  # type: ignore[method-assign]
        return page

    def _read_generated(self, page: MkPage, generated: Page, config: MkDocsConfig) -> None:
        """``Page.read_source`` for a generated page: its text rendered now, its front matter read without YAML."""
        del page.read_source  # the partial refers to the page: a cycle only the garbage collector would free
        src = page.file.src_uri
        meta, text = read_front_matter(generated.text)
        page.meta = meta
        page.markdown, fragments = split_fragments(text)
        if BODY_START in page.markdown:
            self.record_pages.add(src)
            page.render = functools.partial(self.markdown.render, page)  # type: ignore[method-assign,union-attr]
            self.fragments[src] = fragments
        elif len(fragments) == 1:  # no record body: the page is our template HTML, nothing to convert
            page.render = functools.partial(_render_without_markdown, page, fragments[0])  # type: ignore[method-assign]
        else:
            self.fragments[src] = fragments

    def on_env(self, env: Any, *, config: MkDocsConfig, files: Files) -> Any:
        self.files = files
        # The theme's own pages (404.html) link to ours by the paths urls.py spells.
        env.globals["sitrep_urls"] = urls
        if env.bytecode_cache is None:
            env.bytecode_cache = compiled_template_cache(env, "theme")
        self.shells = None if self.page_by_page else ShellRenderer(env)
        if self.writer is not None:
            self.writer.start(env, files)
        return env

    def on_page_markdown(self, markdown: str, *, page: MkPage, config: MkDocsConfig, files: Files) -> str:
        if page.file.src_uri not in self.search_entries:
            return markdown
        self.exclude_from_material_search(page.file.src_uri, page.meta)
        if not self.page_by_page:
            page.meta["sitrep_template"] = page.meta.get("template", "main.html")
            page.meta["template"] = ShellRenderer.TEMPLATE
        return markdown

    @event_priority(-100)  # after every other plugin's page context, as MkDocs' own render would be
    def on_page_context(self, context: Any, *, page: MkPage, config: MkDocsConfig, nav: Any) -> Any:
        entry = self.search_entries.get(page.file.src_uri)
        late = self.late_fragments.pop(page.file.src_uri, None)
        if late is not None:
            page.content = join_fragments(page.content or "", [strip_search_attributes(f) for f in late])
        if entry is not None and self.search_index is not None:
            # Runs after the search plugin's own on_page_context for this page.
            self.add_search_entry(page.url, entry)
        if page.meta.get("template") == ShellRenderer.TEMPLATE and self.shells is not None:
            template = page.meta.pop("sitrep_template")
            page.meta["template"] = template
            context["sitrep_page"] = self.shells.render(context, page, template)
        return context

    def clean_body(self, src: str, html: str) -> str:
        """A rendered page's record-body region made inert (nh3), unless the portal allows raw HTML.

        A body written as plain paragraphs needs no sanitiser (it would return it unchanged).
        """
        plain = self.markdown is not None and self.markdown.took_plain_path(src)
        if not self.sanitize:
            return html
        return unwrap_record_html(html) if plain else sanitize_record_html(html)

    def exclude_from_material_search(self, src: str, meta: dict[str, Any]) -> None:
        """Keep Material's search off a page this plugin indexes from its own short entry."""
        if self.search_index is not None and self.search_entries.get(src):
            meta["search"] = {"exclude": True}

    def add_search_entry(self, url: str, entry: tuple[str, str]) -> None:
        """One short entry (title, text) for the page at ``url`` instead of its parsed HTML sections."""
        title, text = entry
        self.search_index.entries.append({"location": url, "title": escape(title, quote=False),
                                          "text": escape(text, quote=False)})

    def on_page_content(self, html: str, *, page: MkPage, config: MkDocsConfig, files: Files) -> str:
        page.__dict__.pop("render", None)  # the partial on_pre_page set refers to the page: no cycle left
        src = page.file.src_uri
        if src in self.record_pages:
            self.record_pages.discard(src)
            html = self.clean_body(src, html)
        fragments = self.fragments.pop(src, None)
        if (fragments and not self.page_by_page and self.search_index is not None
                and (page.meta.get("search") or {}).get("exclude")):
            # Put back after the search plugin's page context: it skips the page but still scans
            # all of its HTML for attributes to strip, a tenth of writing a record page.
            self.late_fragments[src] = fragments
            return html
        return join_fragments(html, fragments) if fragments else html

    def on_template_context(self, context: Any, *, template_name: str, config: MkDocsConfig) -> Any:
        if template_name == "sitemap.xml" and self.writer is not None:
            context["pages"] = self.writer.sitemap_pages()
        return context

    @event_priority(100)  # before the search plugin writes its index
    def _order_search_index(self, *, config: MkDocsConfig) -> None:
        if self.writer is not None:
            self.writer.finish()
        if self.search_index is not None and self.files is not None:
            # Streamed pages are indexed before MkDocs' own: the index lists every page in the
            # order of the files, as a page-by-page build does.
            order = {url: n for n, url in enumerate(page_urls(self.files))}
            self.search_index.entries.sort(key=lambda e: order.get(e["location"].partition("#")[0], len(order)))
        self.pages, self.search_entries, self.files = {}, {}, None

    @event_priority(-100)  # after every other plugin has written its files
    def _publish(self, *, config: MkDocsConfig) -> None:
        gc.unfreeze()  # mkdocs serve builds again in this process: this build's objects may go
        if self.final_site_dir is not None and not (config.strict and _strict_warnings()):
            swap_in(config.site_dir, self.final_site_dir)
            config.site_dir = self.final_site_dir
            self.final_site_dir = None

    on_post_build = CombinedEvent(_order_search_index, _publish)

    @event_priority(-100)  # last: the error it raises ends the event for any plugin after it
    def on_build_error(self, *, error: Exception) -> None:
        gc.unfreeze()
        if self.writer is not None:
            with contextlib.suppress(Exception):  # the build failed already; its own error is the one to show
                self.writer.finish()
        if self.final_site_dir is None:
            return
        staging = staging_dir(self.final_site_dir)
        remove_folder(staging)
        self.final_site_dir = None
        # MkDocs' own writes (its pages, the theme's assets, the sitemap) fail with a bare OSError,
        # which MkDocs prints with a traceback; the same one line as a page of ours is told instead.
        if isinstance(error, OSError) and _writing_the_site(error, staging):
            raise _write_error(error, _site_path(error, staging)) from None


def _site_path(exc: OSError, site_dir: str) -> str | None:
    """The file of the site ``exc`` names, if any (a failed copy names its source first, then its target)."""
    inside = site_dir.rstrip(os.sep) + os.sep
    return next((name for name in (exc.filename, exc.filename2)
                 if isinstance(name, str) and (name == site_dir or name.startswith(inside))), None)


def _writing_the_site(exc: OSError, site_dir: str) -> bool:
    """Whether ``exc`` is a failure to write the site being built: a full or read-only disk, or a path in it."""
    # A write to a full disk may name no file, or only the file a copy read from.
    return exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EROFS) or _site_path(exc, site_dir) is not None


def _write_error(exc: OSError, path: str | None) -> PluginError:
    """An error writing ``path`` (a file of the site, if known) as one line: what failed, where, and what to do."""
    fix = f"{os_error_fix(exc)}; or build into another folder (mkdocs build -d DIR)"
    where = f" {path}" if path else " the site"
    return PluginError(f"could not write{where}: {exc.strerror or exc}; the published site is unchanged. "
                       f"To fix: {fix}")


class StreamedFile(File):
    """A generated page out of the navigation, rendered and written when MkDocs copies the static files.

    MkDocs keeps every page it builds (its Markdown, HTML, table of contents) until the
    build ends, and a site of 10,000 incidents holds 10,000 of them. This file is not a
    "documentation page" to MkDocs, so MkDocs makes no page of it; it is still a file of
    the site, so links from any page to it resolve and are checked. Its page is made,
    rendered through every plugin's page events and the theme, written and dropped
    when MkDocs copies it (:class:`StreamWriter`).
    """

    def __init__(self, config: MkDocsConfig, src_uri: str, writer: StreamWriter) -> None:
        super().__init__(src_uri, src_dir=None, dest_dir=config.site_dir, use_directory_urls=config.use_directory_urls,
                         dest_uri=_page_dest_uri(src_uri, config.use_directory_urls),
                         inclusion=InclusionLevel.NOT_IN_NAV)
        self.generated_by = "sitrep"
        self.writer = writer

    def is_documentation_page(self) -> bool:
        return False

    def copy_file(self, dirty: bool = False) -> None:
        self.writer.write(self)


def _page_dest_uri(src_uri: str, use_directory_urls: bool) -> str:
    """Where MkDocs writes the page of ``src_uri`` (``x/y.md`` -> ``x/y/index.html``)."""
    parent, filename = posixpath.split(src_uri)
    stem = posixpath.splitext(filename)[0]
    if not use_directory_urls or stem in ("index", "README"):
        return posixpath.join(parent, ("index" if stem == "README" else stem) + ".html")
    return posixpath.join(parent, stem, "index.html")


def page_url(file: File) -> str:
    """The URL of ``file``'s page as ``Page.url`` says it (the site's root page is ``""``)."""
    return "" if file.url in (".", "./") else file.url


def page_urls(files: Files) -> list[str]:
    """Every page's URL (as ``Page.url`` says it) in the order of the files, streamed pages included."""
    out = []
    for f in files:
        if f.is_documentation_page() or isinstance(f, StreamedFile):
            out.append(page_url(f))
    return out


class StreamWriter:
    """Renders each :class:`StreamedFile` as MkDocs renders a page, writes it and lets it go."""

    def __init__(self, plugin: SitrepPlugin, config: MkDocsConfig) -> None:
        self.plugin = plugin
        self.config = config
        self.nav: Any = None
        self.env: Any = None
        self.files: Files | None = None
        self.doc_files: list[File] = []
        self.disk: BackgroundWriter | None = None
        self.shortcut = False

    def start(self, env: Any, files: Files) -> None:
        """Called from ``on_env``: MkDocs' own pages are read, the theme is ready."""
        self.env = env
        self.files = files
        self.doc_files = list(files.documentation_pages())
        self.disk = BackgroundWriter()
        self.shortcut = _only_known_page_plugins(self.config, self.plugin)

    def write(self, file: StreamedFile) -> None:
        """Read and render ``file``'s page with MkDocs' own steps and every plugin's events; queue it for the disk."""
        assert self.files is not None and self.disk is not None
        output = self._filled(file) if self.shortcut else None
        if output is not None:
            self._to_disk(file, output)
            return
        page = MkPage(None, file, self.config)
        try:
            mkdocs_build._populate_page(page, self.config, self.files)
            output = self._render(page)
        finally:
            file.page = None  # nothing reads it again; MkDocs would hold it to the end
        if output.strip():
            self._to_disk(file, output)
        else:
            log.info(f"Page skipped: '{file.src_uri}'. Generated empty output.")

    def _to_disk(self, file: StreamedFile, output: str) -> None:
        """Hand a page's bytes to the writing process, and let go of its cached path (10,000 of them)."""
        assert self.disk is not None
        try:
            self.disk.write(file.abs_dest_path, output.encode("utf-8", errors="xmlcharrefreplace"))
        except OSError as exc:
            raise _write_error(exc, exc.filename) from None
        del file.abs_dest_path

    def _filled(self, file: StreamedFile) -> str | None:
        """The page filled into its shell without MkDocs' page steps; None when it needs them.

        Only when no plugin but this one and Material's search acts on pages (:meth:`start`)
        and search does not index the page's HTML: what the steps would do is then known
        and done here, the same bytes (``tests/test_render_shortcuts.py``). A page with
        headings of its own, or whose shell is not made yet, takes the steps.
        """
        plugin = self.plugin
        generated = plugin.pages.get(file.src_uri)
        if generated is None or plugin.shells is None or plugin.markdown is None:
            return None
        text = generated.text
        output = self._fill(file, text)
        if output is None:  # MkDocs' page steps read the text rendered here, not a second rendering
            plugin.pages[file.src_uri] = dataclasses.replace(generated, source=text)
        else:
            del plugin.pages[file.src_uri]
        return output

    def _fill(self, file: StreamedFile, page_text: str) -> str | None:
        """:meth:`_filled` for a page whose text is rendered."""
        plugin = self.plugin
        assert plugin.shells is not None and plugin.markdown is not None
        src = file.src_uri
        entry = plugin.search_entries.get(src)
        meta, text = read_front_matter(page_text)
        searched = plugin.search_index is not None
        plugin.exclude_from_material_search(src, meta)
        if searched and not (meta.get("search") or {}).get("exclude"):
            return None  # Material indexes its HTML: its own on_page_context does that
        title = meta.get("title")
        if not isinstance(title, str):
            return None
        markdown, fragments = split_fragments(text)
        body = _BodyPage(file, markdown)
        if BODY_START in markdown:
            plugin.markdown.render(body, self.config, self.files)  # type: ignore[arg-type]
            if len(body.toc):
                return None  # headings: Material lists them, no shell
            html = plugin.clean_body(src, body.content or "")
        elif len(fragments) == 1:
            html, fragments = fragments[0], []
        else:
            return None  # an empty page: MkDocs' own Markdown render says what it becomes
        if searched:
            html = strip_search_attributes(html)  # what the search plugin's page context does
        if fragments:
            html = join_fragments(html, [strip_search_attributes(f) for f in fragments] if searched else fragments)
        url = page_url(file)
        canonical = self.canonical_url(url)
        if not canonical:
            return None  # no site_url: Material's page has no canonical link, no shell
        key = ShellRenderer.key_of(meta.get("template", "main.html"), url, meta, html)
        output = plugin.shells.fill(key, title, canonical, html, meta)
        if output is None:
            return None
        if searched and entry is not None:
            plugin.add_search_entry(url, entry)
        return output

    def canonical_url(self, url: str) -> str:
        """A page's canonical URL, as ``mkdocs.structure.pages.Page`` makes it (empty without ``site_url``)."""
        base = self.config.site_url or ""
        if not base:
            return ""
        base = base if base.endswith("/") else base + "/"
        if _PLAIN_RELATIVE_URL.fullmatch(url):
            return base + url  # what urljoin returns for these, at a tenth of its cost
        return urljoin(base, url)

    def _render(self, page: MkPage) -> str:
        """What ``mkdocs.commands.build._build_page`` does before it writes the file (MkDocs 1.6)."""
        config = self.config
        config._current_page = page
        try:
            page.active = True
            context = mkdocs_build.get_context(self.nav, self.doc_files, config, page)
            template = self.env.get_template(page.meta.get("template", "main.html"))
            context = config.plugins.on_page_context(context, page=page, config=config, nav=self.nav)
            output = template.render(context)
            return str(config.plugins.on_post_page(output, page=page, config=config))
        except Exception as exc:
            log.error(f"Error building page '{page.file.src_uri}': {exc}")
            raise
        finally:
            page.active = False
            config._current_page = None

    def finish(self) -> None:
        """Wait until every streamed page is on disk (an error writing one is raised here)."""
        if self.disk is not None:
            disk, self.disk = self.disk, None
            try:
                disk.close()
            except OSError as exc:
                raise _write_error(exc, exc.filename) from None

    def sitemap_pages(self) -> list[Any]:
        """The pages the sitemap lists: MkDocs' own and the streamed ones, in the order of the files."""
        assert self.files is not None
        out: list[Any] = []
        update_date = get_build_date()  # what MkDocs gives every page of a generated file
        for f in self.files:
            if isinstance(f, StreamedFile):
                url = page_url(f)
                canonical = self.canonical_url(url) or None
                out.append(SimpleNamespace(page=SimpleNamespace(
                    is_link=False, canonical_url=canonical, abs_url=urlsplit(canonical).path if canonical else None,
                    update_date=update_date)))
            elif f.is_documentation_page():
                out.append(f)
        return out


#: A page URL ``urljoin`` appends to the site's URL as it is: no scheme, no leading slash, no dot segments.
_PLAIN_RELATIVE_URL = re.compile(r"(?:[A-Za-z0-9_~%-][A-Za-z0-9._~%-]*/)*(?:[A-Za-z0-9_~%-][A-Za-z0-9._~%-]*)?")


#: MkDocs' page events: a plugin handling any of them may change what a page becomes.
_PAGE_EVENTS = ("pre_page", "page_read_source", "page_markdown", "page_content", "page_context", "post_page")


def _only_known_page_plugins(config: MkDocsConfig, sitrep: SitrepPlugin) -> bool:
    """Whether no plugin but Sitrep and Material's search (listed before it) handles a page event."""
    from material.plugins.search.plugin import SearchPlugin

    owners = [getattr(method, "__self__", None) for event in _PAGE_EVENTS for method in config.plugins.events[event]]
    if any(isinstance(owner, SearchPlugin) for owner in owners) and sitrep.search_index is None:
        return False  # search is listed after sitrep: only its own page steps index a page
    return all(owner is sitrep or isinstance(owner, SearchPlugin) for owner in owners)


class _BodyPage:
    """What :class:`SharedMarkdown` reads and sets of a page, for a page MkDocs makes no object of."""

    def __init__(self, file: File, markdown: str) -> None:
        self.file = file
        self.markdown = markdown
        self.content: str | None = None
        self.toc: Any = None
        self._title_from_render: str | None = None
        self.present_anchor_ids: set[str] | None = None
        self.links_to_anchors: dict[Any, Any] | None = None


#: What Material's search plugin removes from every page's HTML in its on_page_context.
_SEARCH_ATTRIBUTES = re.compile(r"\s?data-search-\w+=\"[^\"]+\"")


def strip_search_attributes(html: str) -> str:
    """``html`` as Material's search plugin leaves a page's content: without ``data-search-*`` attributes."""
    return _SEARCH_ATTRIBUTES.sub("", html) if "data-search-" in html else html


def _material_search_index(config: MkDocsConfig, sitrep: SitrepPlugin) -> Any:
    """Material's search index when its search plugin runs before this one (None otherwise)."""
    for plugin in config.plugins.values():
        if plugin is sitrep:
            return None
        index = getattr(plugin, "search_index", None)
        if isinstance(getattr(index, "entries", None), list):
            return index
    return None


@dataclass(frozen=True)
class Shell:
    """A rendered page split at its per-page parts; ``fill`` joins it around one page's values."""

    parts: tuple[str, ...]
    #: For each gap between parts: which value goes there and how it is transformed.
    slots: tuple[tuple[str, Callable[[str], str]], ...]

    def fill(self, values: dict[str, str]) -> str:
        """The page with ``values`` (title, canonical_url, content, head) in their places."""
        out = [self.parts[0]]
        for (name, transform), part in zip(self.slots, self.parts[1:], strict=True):
            out.append(transform(values[name]))
            out.append(part)
        return "".join(out)


def _striptags(text: str) -> str:
    return str(Markup(text).striptags())


#: How a theme may print a page's title: as is, without tags, escaped, URL-encoded.
_TRANSFORMS: tuple[Callable[[str], str], ...] = (
    str, _striptags, lambda t: str(markup_escape(t)), lambda t: str(markup_escape(_striptags(t))),
    lambda t: quote(t.encode(), safe=""), lambda t: quote(t.encode(), safe="/"),
)


class ShellRenderer:
    """Generated pages filled into one rendered theme shell per template, folder and page options.

    Thousands of pages out of the navigation (records, history and day pages) differ,
    once rendered by Material, only in their title, canonical URL and article, and a
    few in their own links in ``<head>`` (a component history's feeds: the
    :data:`HEAD_META` front matter, which Sitrep's ``main.html`` prints through the
    :data:`HEAD` partial): the navigation, header and footer are the same for pages in
    one folder (links are relative to it). The shell is rendered once with marker
    values in those four places; each page is the shell with its own values.
    The theme may print the title transformed (escaped, without tags): a second
    rendering with a probe title finds which transform each place uses. A page whose
    rendering depends on more than that (headings in its body, which Material lists
    in the navigation even with ``hide: [toc]``; a previous/next page; its own URL
    printed) is rendered by the theme as usual.
    ``tests/test_render_shortcuts.py`` compares the site with MkDocs' page-by-page render.
    """

    TEMPLATE: ClassVar[str] = "sitrep-shell.html"
    MARKERS: ClassVar[dict[str, str]] = {
        "title": "sitrepshellmarkertitle", "canonical_url": "sitrepshellmarkercanonical",
        "content": "sitrepshellmarkercontent", "head": "sitrepshellmarkerhead"}
    PROBE: ClassVar[str] = 'Probe &amp; <b>"probe"</b>  \'x/y\''
    #: The theme partial printing a page's own head links, and the front matter key it reads them from.
    HEAD: ClassVar[str] = "partials/sitrep-feeds.html"
    HEAD_META: ClassVar[str] = "feeds"
    #: Head links the shell is rendered with: their rendering marks the head slot.
    HEAD_PROBE: ClassVar[list[dict[str, str]]] = [
        {"type": "sitrepshellprobehead", "title": "sitrepshellprobehead", "href": "sitrepshellprobehead"}]

    def __init__(self, env: Any) -> None:
        self.env = env
        self.shells: dict[tuple[Any, ...], Shell | None] = {}

    def render(self, context: Any, page: MkPage, template: str) -> str:
        """The page as ``template`` renders it with ``context``."""
        key = self._key(page, template)
        if key is not None and key not in self.shells:
            self.shells[key] = self._shell(context, page, template, key)
        shell = self.shells.get(key) if key is not None else None
        if shell is None:
            return str(self.env.get_template(template).render(context))
        return shell.fill({"title": page.meta["title"], "canonical_url": page.canonical_url or "",
                           "content": page.content or "", "head": self.head(page.meta)})

    def head(self, meta: dict[str, Any]) -> str:
        """A page's own head links (:data:`HEAD_META`), as the theme's :data:`HEAD` partial prints them."""
        if not meta.get(self.HEAD_META):
            return ""
        try:
            partial = self.env.get_template(self.HEAD)
        except jinja2.TemplateNotFound:
            return ""  # a theme without Sitrep's main.html: no page prints them
        return str(partial.render(page={"meta": meta}))

    @staticmethod
    def _key(page: MkPage, template: str) -> tuple[Any, ...] | None:
        if (not isinstance(page.meta.get("title"), str) or not page.canonical_url or page.previous_page
                or page.next_page or page.parent or len(page.toc) or not page.file.inclusion.is_not_in_nav()):
            return None  # in the navigation (it shows where the page is) or with headings of its own
        return ShellRenderer.key_of(template, page.url, page.meta, page.content or "")

    @staticmethod
    def key_of(template: str, url: str, meta: dict[str, Any], content: str) -> tuple[Any, ...]:
        """Which shell a page out of the navigation, without headings of its own, is filled into."""
        options = tuple(sorted((k, repr(v)) for k, v in meta.items()
                               if k not in ("title", "template", ShellRenderer.HEAD_META)))
        return template, posixpath.dirname(url.rstrip("/")), options, "<h1" in content

    def fill(self, key: tuple[Any, ...], title: str, canonical_url: str, content: str,
             meta: dict[str, Any]) -> str | None:
        """The page of a shell made already for ``key`` (None when there is none yet, or cannot be)."""
        shell = self.shells.get(key)
        return None if shell is None else shell.fill({"title": title, "canonical_url": canonical_url,
                                                      "content": content, "head": self.head(meta)})

    def _render_with(self, context: Any, page: MkPage, template: str, title: str, content: str) -> str:
        saved = page.meta["title"], page.canonical_url, page.content, page.meta.get(self.HEAD_META)
        page.meta["title"], page.canonical_url, page.content = title, self.MARKERS["canonical_url"], content
        page.meta[self.HEAD_META] = self.HEAD_PROBE
        try:
            return str(self.env.get_template(template).render(context))
        finally:
            page.meta["title"], page.canonical_url, page.content, head = saved
            if head is None:
                del page.meta[self.HEAD_META]
            else:
                page.meta[self.HEAD_META] = head

    def _shell(self, context: Any, page: MkPage, template: str, key: tuple[Any, ...]) -> Shell | None:
        """The shell of ``page``'s key, or None when the page's rendering is not a shell."""
        content = self.MARKERS["content"] + ("<h1>" if key[3] else "")
        marked = self._render_with(context, page, template, self.MARKERS["title"], content)
        probed = self._render_with(context, page, template, self.PROBE, content)
        if page.url and page.url in marked:
            return None  # the page's own URL is printed
        head = self.head({self.HEAD_META: self.HEAD_PROBE})
        if head and marked.count(head) > 1:
            return None
        marked = marked.replace(head, self.MARKERS["head"]) if head else marked
        if self.HEAD_PROBE[0]["href"] in marked:
            return None  # the theme prints the page's head links other than through its partial
        pattern = "(" + "|".join(re.escape(m) for m in self.MARKERS.values()) + ")"
        pieces = re.split(pattern, marked.replace(content, self.MARKERS["content"]))
        parts = tuple(pieces[0::2])
        names = [next(n for n, m in self.MARKERS.items() if m == p) for p in pieces[1::2]]
        if "content" not in names or not probed.startswith(parts[0]):
            return None
        # Walk the probe rendering along the parts: it tells how each title place transforms it.
        known = {"canonical_url": self.MARKERS["canonical_url"], "content": content, "head": head}
        slots: list[tuple[str, Callable[[str], str]]] = []
        at = len(parts[0])
        for name, part in zip(names, parts[1:], strict=True):
            transform: Callable[[str], str] | None = str
            if name == "title":
                transform = next((t for t in _TRANSFORMS if probed.startswith(t(self.PROBE) + part, at)), None)
                if transform is None:
                    return None
                value = transform(self.PROBE)
            else:
                value = known[name]
            if not probed.startswith(value + part, at):
                return None
            slots.append((name, transform))
            at += len(value) + len(part)
        return Shell(parts, tuple(slots)) if at == len(probed) else None


class SharedMarkdown:
    """One Markdown instance, with MkDocs' own processors, for every generated page of a build.

    :meth:`mkdocs.structure.pages.Page.render` builds a new ``markdown.Markdown`` (and loads
    every extension) for each page; this does the same work once and resets it between
    pages. The result is byte-identical (``tests/test_render_shortcuts.py``).
    """

    def __init__(self, config: MkDocsConfig, files: Files) -> None:
        import markdown

        self.md = markdown.Markdown(extensions=config["markdown_extensions"],
                                    extension_configs=config["mdx_configs"] or {})
        BoundedMarkdown().extendMarkdown(self.md)  # record bodies convert in linear time, same bytes
        self.raw_html = mkdocs_pages._RawHTMLPreprocessor()
        self.raw_html._register(self.md)
        self.anchors = mkdocs_pages._ExtractAnchorsTreeprocessor(None, files, config)  # type: ignore[arg-type]
        self.anchors._register(self.md)
        self.relative = mkdocs_pages._RelativePathTreeprocessor(None, files, config)  # type: ignore[arg-type]
        self.relative._register(self.md)
        self.title = mkdocs_pages._ExtractTitleTreeprocessor()
        self.title._register(self.md)
        #: Pages rendered and not yet taken by :meth:`took_plain_path`, whose body was plain paragraphs.
        self.plain_pages: set[str] = set()

    def took_plain_path(self, src_uri: str) -> bool:
        """Whether the page's body was plain paragraphs, written without Markdown (forgotten once asked)."""
        if src_uri in self.plain_pages:
            self.plain_pages.discard(src_uri)
            return True
        return False

    def render(self, page: MkPage, config: MkDocsConfig, files: Files) -> None:
        """What ``Page.render`` does, on the shared instance (or without Markdown for plain paragraphs)."""
        assert page.markdown is not None
        plain = plain_paragraphs_html(page.markdown)
        if plain is not None:
            _render_without_markdown(page, plain, config, files)
            self.plain_pages.add(page.file.src_uri)
            return
        self.md.reset()
        self.anchors.present_anchor_ids = set()
        self.relative.file = page.file
        self.relative.files = files
        self.relative.links_to_anchors = {}
        self.title.title = None
        page.content = self.md.convert(page.markdown)
        page.toc = get_toc(getattr(self.md, "toc_tokens", []))
        page._title_from_render = self.title.title
        page.present_anchor_ids = self.anchors.present_anchor_ids | self.raw_html.present_anchor_ids
        if mkdocs_pages.log.getEffectiveLevel() > logging.DEBUG:
            page.links_to_anchors = self.relative.links_to_anchors


#: A line Python-Markdown turns into itself (with the configured extensions): letters, digits,
#: spaces and punctuation that starts no block, inline markup, entity or HTML.
_PLAIN_LINE = re.compile(r"[A-Za-z][A-Za-z0-9 ,.;:'()?/%-]*[A-Za-z0-9.,;:)?%]")
_MARKER_LINE = re.compile(r"<!-- [a-z:/0-9-]+ -->")


def plain_paragraphs_html(markdown: str) -> str | None:
    """What Python-Markdown makes of a page that is our markers and plain paragraphs; None for anything else.

    Most record bodies are a sentence or two of plain text, and converting them was most of
    what Markdown still cost a build; ``tests/test_render_shortcuts.py`` holds the equality.
    """
    out = []
    for block in re.split(r"\n[ \t]*\n", markdown.strip("\n")):
        lines = block.split("\n")
        if all(_MARKER_LINE.fullmatch(line) for line in lines):
            out.append(block + "\n\n")  # a raw HTML block
        elif all(_PLAIN_LINE.fullmatch(line) for line in lines):
            out.append(f"<p>{block}</p>\n")
        else:
            return None
    return "".join(out).strip()


def _render_without_markdown(page: MkPage, html: str, config: MkDocsConfig, files: Files) -> None:
    """``Page.render`` for a page that is all template HTML: what Markdown would give, without Markdown."""
    page.content = html
    page.toc = get_toc([])
    page._title_from_render = None
    page.present_anchor_ids = set()
    if mkdocs_pages.log.getEffectiveLevel() > logging.DEBUG:
        page.links_to_anchors = {}




def register_theme(config: MkDocsConfig) -> None:
    """Add Sitrep's theme folder after the portal's ``custom_dir``, so a team can still override it."""
    theme_dir = str(THEME_DIR)
    dirs = config.theme.dirs
    if theme_dir in dirs:  # mkdocs serve reloads the configuration into the same theme object
        return
    custom_dir = config.theme.get("custom_dir")
    position = 1 if custom_dir and dirs and Path(dirs[0]) == Path(custom_dir) else 0
    dirs.insert(position, theme_dir)


def _strict_warnings() -> bool:
    """Whether MkDocs' strict-mode counter saw a warning (it aborts right after on_post_build)."""
    from mkdocs.utils import CountHandler

    handlers = logging.getLogger("mkdocs").handlers
    return any(isinstance(h, CountHandler) and h.get_counts() for h in handlers)


def staging_dir(site_dir: str) -> str:
    """Where a build is written before it replaces ``site_dir``."""
    path = Path(site_dir)
    return str(path.with_name(f".{path.name}.sitrep-staging"))
