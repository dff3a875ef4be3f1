"""The one place that reads the clock: build time, or SOURCE_DATE_EPOCH when set.

Everything else receives ``now`` as an argument, so builds are reproducible
(https://reproducible-builds.org/specs/source-date-epoch/) and tests pin time.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import UTC, datetime

from sitrep.model.exceptions import ClockError


def build_time(environ: Mapping[str, str] | None = None) -> datetime:
    """``SOURCE_DATE_EPOCH`` as an aware UTC datetime if set, else the current time."""
    env = os.environ if environ is None else environ
    raw = env.get("SOURCE_DATE_EPOCH", "").strip()
    if raw:
        try:
            return datetime.fromtimestamp(int(raw), tz=UTC)
        except (ValueError, OverflowError, OSError):
            raise ClockError(
                f"SOURCE_DATE_EPOCH={raw!r} is not a Unix timestamp in seconds (e.g. 1767225600)"
            ) from None
    return datetime.now(UTC).replace(microsecond=0)
