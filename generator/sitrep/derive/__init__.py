"""Pure functions of ``(Portal, now)``: status, uptime, metrics, action items.

No I/O and no clock: ``now`` is always passed in. Imports :mod:`sitrep.model` and :mod:`sitrep.text`.
"""
