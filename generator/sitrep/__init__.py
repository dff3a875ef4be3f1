"""Sitrep: incidents, status pages and postmortems as code."""

__version__ = "0.1.0"
