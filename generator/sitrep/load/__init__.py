"""Files to a typed :class:`~sitrep.model.portal.Portal` plus diagnostics, in one pass.

``reader`` is the only YAML parser; ``loader`` is the entry point (``load_portal``, ``validate_portal``).
Imports :mod:`sitrep.model` and :mod:`sitrep.text`.
"""
