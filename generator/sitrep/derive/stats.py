"""Order statistics the figures share: the median and the nearest-rank percentile.

Stated once, for the reports' durations (:mod:`sitrep.derive.metrics`) and the action items' time to
close (:mod:`sitrep.derive.action_items`).
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from typing import Any

__all__ = ["median", "percentile"]


def percentile(values: Iterable[Any], p: int) -> Any:
    """Nearest-rank percentile: the smallest value with at least ``p``% of values <= it.

    That is the value at 1-based rank ``ceil(p * n / 100)`` of the sorted values
    (integer arithmetic, so no float rounding moves the rank).  None when empty.
    """
    if not 0 < p <= 100:
        raise ValueError(f"percentile must be in (0, 100], got {p}")
    ordered = sorted(values)
    if not ordered:
        return None
    rank = -(-p * len(ordered) // 100)
    return ordered[rank - 1]


def median(values: Iterable[Any]) -> Any:
    """Middle value; the mean of the two middle values for an even count.  None when empty."""
    ordered = sorted(values)
    return statistics.median(ordered) if ordered else None
