"""Commands on built and generated sites: ``generate`` (pages for engines without MkDocs plugins),
``sanitize`` (make record bodies inert after such an engine's build) and ``check-links``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from sitrep.commands.boundary import EXIT_INVALID
from sitrep.commands.options import config_option, current_time, now_option, portal_config
from sitrep.commands.output import load_or_exit
from sitrep.model.config import read_mkdocs_yml
from sitrep.model.exceptions import ConfigError


@click.command()
@config_option
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False),
              help="Folder to write the generated pages (Markdown) and files into.")
@click.option("--audience", type=click.Choice(["public", "internal"]), default=None,
              help="Edition to generate (default: the audience in mkdocs.yml).")
@click.option("--theme-dir", type=click.Path(file_okay=False), default=None,
              help="Also write Sitrep's theme files (status page template, page head, CSS, JS) into this "
                   "folder, to use as the engine's theme custom_dir.")
@click.option("--html-links", type=click.Choice(["source", "page"]), default="source", show_default=True,
              help="Write the relative links of the pages' inline HTML from each page's Markdown file, as Zensical "
                   "reads them (source), or from its URL, for engines that leave inline HTML alone (page).")
@click.option("--edition-config", type=click.Path(dir_okay=False), default=None,
              help="Also write this file: a configuration that inherits the engine's settings from mkdocs.yml in "
                   "its folder and sets the navigation of the generated edition (`zensical build -f FILE`).")
@now_option
def generate(mkdocs_yml: str, out_dir: str, audience: str | None, theme_dir: str | None, html_links: str,
             edition_config: str | None, now_text: str | None) -> None:
    """Write the generated pages and files to a folder, for engines without MkDocs plugins.

    The pages are Markdown with front matter and the HTML inline, the files
    (feeds, JSON API, badges, calendar) are ready to serve. Use the folder as
    another engine's docs folder (e.g. Zensical), build, then run `sitrep
    sanitize SITE_DIR` on the built site: the engine renders record bodies'
    raw HTML as written.
    """
    from sitrep.model.files import write_atomically, write_tree
    from sitrep.render.page import links_from_source
    from sitrep.render.site import build_site

    root, config = portal_config(mkdocs_yml)
    if audience:
        config = config.model_copy(update={"audience": audience})
    if edition_config:
        _check_engine_settings(Path(edition_config).parent / "mkdocs.yml")
    portal = load_or_exit(root, config)
    output = build_site(portal, current_time(now_text))
    out = Path(out_dir)
    page_text = links_from_source if html_links == "source" else (lambda page: page.text)
    written = write_tree(out, [(p.path, page_text(p).encode()) for p in output.pages] + list(output.files.items()))
    click.echo(f"sitrep: wrote {written} files to {out}", err=True)
    if edition_config:
        write_atomically(Path(edition_config), output.engine_config("mkdocs.yml").encode("utf-8"))
        click.echo(f"sitrep: wrote the {config.audience} edition's navigation to {edition_config} "
                   "(it inherits mkdocs.yml beside it)", err=True)
    if not config.allow_raw_html:
        click.echo("sitrep: after the engine's build, run `sitrep sanitize SITE_DIR`: it renders record bodies' "
                   "raw HTML as written", err=True)
    if theme_dir:
        from sitrep.render.templating import THEME_DIR, THEME_PLUGIN_ONLY, theme_file_for_engine

        theme_files = [rel for rel in (p.relative_to(THEME_DIR).as_posix() for p in sorted(THEME_DIR.rglob("*"))
                                       if p.is_file()) if rel not in THEME_PLUGIN_ONLY]
        count = write_tree(Path(theme_dir), ((rel, theme_file_for_engine(rel, (THEME_DIR / rel).read_bytes()))
                                             for rel in theme_files))
        click.echo(f"sitrep: wrote {count} theme files to {theme_dir}", err=True)


def _check_engine_settings(base: Path) -> None:
    """The engine settings an edition config inherits exist and leave the navigation to Sitrep."""
    settings = read_mkdocs_yml(base, "not found: the file --edition-config writes inherits the engine's settings "
                                     "(theme, Markdown extensions, docs_dir) from mkdocs.yml in its folder; write "
                                     "them there, without the sitrep plugin and without nav (see the README, Zensical)")
    if "nav" in settings:
        text = base.read_text(encoding="utf-8")
        line = next((n for n, row in enumerate(text.splitlines(), 1) if row.startswith("nav:")), 1)
        raise ConfigError(str(base), line, "remove 'nav:': with --edition-config the navigation comes from "
                          "`sitrep generate`, which knows the sections this edition publishes")


@click.command()
@config_option
@click.argument("site_dir", type=click.Path(file_okay=False))
def sanitize(mkdocs_yml: str, site_dir: str) -> None:
    """Make the record bodies of a site built from `sitrep generate` output inert, in place.

    Run it after an engine without MkDocs plugins (Zensical) built SITE_DIR: it
    cleans each page's record bodies as the MkDocs plugin does (no scripts,
    event handlers or javascript: links), or with `allow_raw_html: true` in
    mkdocs.yml only removes Sitrep's markers. Pages without bodies are not touched.
    """
    from sitrep.render.sanitize import sanitize_built_site

    _, config = portal_config(mkdocs_yml)
    changed = sanitize_built_site(Path(site_dir), allow_raw_html=config.allow_raw_html)
    verb = "unwrapped" if config.allow_raw_html else "sanitised"
    click.echo(f"sitrep: {verb} the record bodies of {changed} page{'' if changed == 1 else 's'} in {site_dir}",
               err=True)


@click.command("check-links")
@config_option
@click.argument("sites", nargs=-1, required=True, type=click.Path(exists=True, file_okay=False))
def check_links(mkdocs_yml: str, sites: tuple[str, ...]) -> None:
    """Check built sites (e.g. site/ site-internal/): every internal link, asset and #fragment resolves."""
    from urllib.parse import urlsplit

    from sitrep.render.linkcheck import broken_links

    _, config = portal_config(mkdocs_yml)
    root_path = urlsplit(config.site_url).path or "/"
    broken = 0
    for site in sites:
        for link in broken_links(Path(site), root_path if root_path.endswith("/") else root_path + "/"):
            click.echo(f"{Path(site).as_posix()}/{link.as_text()}")
            broken += 1
    if broken:
        click.echo(f"sitrep: {broken} broken link(s)", err=True)
        sys.exit(EXIT_INVALID)
    click.echo(f"sitrep: no broken link in {', '.join(sites)}")
