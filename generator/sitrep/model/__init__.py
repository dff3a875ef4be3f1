"""The vocabulary every layer shares: settings, record models, the portal, diagnostics, words and formats.

The bottom layer: it imports nothing else of Sitrep.
"""
