"""Markdown bodies of records: sections, action items and links, read with one block-aware scanner.

Imports only :mod:`sitrep.model`.
"""
