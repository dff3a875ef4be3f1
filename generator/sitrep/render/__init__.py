"""Pages, feeds, JSON API, badges, calendar and reports from derived values; markup in ``templates/``.

Every path and URL comes from :mod:`sitrep.render.urls`. Renderers write nothing: the whole output is
returned in memory (:func:`sitrep.render.site.build_site`). Never imports MkDocs.
"""
