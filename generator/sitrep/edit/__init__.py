"""The write side: commands that create or change a portal's files (new records, updates, scaffolds).

Everything that writes to the repository lives here; the layers below only read.
"""
